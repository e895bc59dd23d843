"""Partners: leading enterprises and industry households, the projects they support and the
villages they serve."""

from typing import Any

from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.tables import personal
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from fupin.projects import actions
from fupin.projects.filtersets import PartnerFilterSet
from fupin.projects.forms import PartnerForm
from fupin.projects.models import Partner, Project
from fupin.projects.tables import PartnerTable, partner_rows, project_rows
from fupin.projects.views.common import CanAddMixin, UserTableMixin


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
            phone=personal(user, partner.region_id, "phone", partner.phone, record=partner),
            villages=partner.villages.order_by("code"),
            # Only the projects the user sees: a partner serves projects beyond their region.
            projects=project_rows(Project.objects.for_user(user).filter(partners=partner)).order_by(
                "region_id", "name", "pk"
            ),
            audit_url=audit_url(partner),
        )
        return context


class PartnerCreateView(ObjectEditView):
    queryset = Partner.objects.select_related("region")
    form_class = PartnerForm
    title = gettext_lazy("New partner")
    cancel = "projects:partner-list"
    action = actions.create_partner


class PartnerUpdateView(ObjectEditView):
    queryset = Partner.objects.select_related("region")
    form_class = PartnerForm
    title = gettext_lazy("Edit partner")
    action = actions.update_partner
    object_arg = "partner"

    def get_initial(self) -> dict[str, Any]:
        return PartnerForm.initial_for(self.object)


class PartnerDeleteView(ObjectDeleteView):
    queryset = Partner.objects.select_related("region")
    title = gettext_lazy("Delete partner")
    action = actions.delete_partner
    object_arg = "partner"
    message = gettext_lazy("The partner was deleted.")
    success_url_name = "projects:partner-list"
