"""Partners: leading enterprises and industry households, the projects they support and the
villages they serve."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.forms import ConfirmForm
from fupin.lib.tables import personal
from fupin.lib.views import ObjectDetailView, ObjectListView
from fupin.projects import actions
from fupin.projects.filtersets import PartnerFilterSet
from fupin.projects.forms import PartnerForm
from fupin.projects.models import Partner, Project
from fupin.projects.tables import PartnerTable, partner_rows, project_rows
from fupin.projects.views.common import CanAddMixin, ProjectsFormView, UserTableMixin, changeable


class PartnerListView(CanAddMixin, UserTableMixin, ObjectListView):
    queryset = partner_rows(Partner.objects.all())
    filterset_class = PartnerFilterSet
    table_class = PartnerTable
    title = gettext_lazy("Partners")
    export_name = "partners"
    template_name = "projects/partner_list.html"


class PartnerDetailView(ObjectDetailView):
    queryset = Partner.objects.select_related("region")
    template_name = "projects/partner_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner: Partner = self.object
        user = self.request.user
        context.update(
            title=partner.name,
            can_change=changeable(user, partner),
            phone=personal(user, partner.region_id, "phone", partner.phone, record=partner),
            villages=partner.villages.order_by("code"),
            # Only the projects the user sees: a partner serves projects beyond their region.
            projects=project_rows(Project.objects.for_user(user).filter(partners=partner)).order_by(
                "region_id", "name", "pk"
            ),
            audit_url=audit_url(partner),
        )
        return context


class PartnerFormView(ProjectsFormView):
    queryset = Partner.objects.select_related("region")
    cancel = "projects:partner-list"


class PartnerCreateView(PartnerFormView):
    form_class = PartnerForm
    title = gettext_lazy("New partner")

    def perform(self, form: Any) -> Partner:
        return actions.create_partner(actor=self.request.user, **form.cleaned_data)


class PartnerUpdateView(PartnerFormView):
    object_view = True
    form_class = PartnerForm
    title = gettext_lazy("Edit partner")

    def get_initial(self) -> dict[str, Any]:
        return PartnerForm.initial_for(self.object)

    def perform(self, form: Any) -> Partner:
        return actions.update_partner(
            actor=self.request.user, partner=self.object, **form.cleaned_data
        )


class PartnerDeleteView(PartnerFormView):
    object_view = True
    form_class = ConfirmForm
    title = gettext_lazy("Delete partner")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_partner(actor=self.request.user, partner=self.object)

    def success_message(self) -> str:
        return _("The partner was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("projects:partner-list")
