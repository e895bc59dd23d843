"""Participants of a project (shareholders, workers, trainees), their share entries
(contributions, transfers, withdrawals) and their yearly income from the project."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.forms import ConfirmForm
from fupin.lib.tables import personal
from fupin.lib.views import ObjectDetailView, ObjectListView
from fupin.projects import actions
from fupin.projects.filtersets import ParticipantFilterSet
from fupin.projects.forms import (
    ContributionForm,
    ParticipantEditForm,
    ParticipantForm,
    ParticipantIncomeForm,
    TransferForm,
    WithdrawalForm,
)
from fupin.projects.models import Participant, Project
from fupin.projects.tables import ParticipantTable, participant_rows
from fupin.projects.views.common import (
    ProjectsFormView,
    ThroughProjectMixin,
    UserTableMixin,
    changeable,
)

ZERO = Decimal("0.00")


class ParticipantListView(ThroughProjectMixin, UserTableMixin, ObjectListView):
    queryset = participant_rows(Participant.objects.all())
    filterset_class = ParticipantFilterSet
    table_class = ParticipantTable
    title = gettext_lazy("Project participants")
    export_name = "participants"


class ParticipantDetailView(ThroughProjectMixin, ObjectDetailView):
    queryset = participant_rows(Participant.objects.all())
    template_name = "projects/participant_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        participant: Participant = self.object
        user = self.request.user
        entries = list(participant.share_entries.order_by("dated_on", "pk"))
        ordinary = sum((e.shares for e in entries if not e.preferred), ZERO)
        preferred = sum((e.shares for e in entries if e.preferred), ZERO)
        context.update(
            title=participant.name,
            can_change=changeable(user, participant),
            id_number=personal(
                user,
                participant.region_id,
                "id_number",
                participant.id_number,  # type: ignore[attr-defined]
                record=participant,
            ),
            phone=personal(
                user,
                participant.region_id,
                "phone",
                participant.household.phone if participant.household else "",
                record=participant,
            ),
            entries=entries,
            ordinary=ordinary,
            preferred=preferred,
            incomes=participant.incomes.order_by("-year"),
            payouts=participant.payouts.select_related("run").order_by("-run__period_start"),
            audit_url=audit_url(participant),
        )
        return context


class ParticipantCreateView(ProjectsFormView):
    """A participant of the project in the URL."""

    queryset = Project.objects.select_related("region")
    object_view = True
    form_class = ParticipantForm
    title = gettext_lazy("Add a participant")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        villages = list(self.object.coverage.values_list("region_id", flat=True)[:2])
        return {
            "joined_on": timezone.localdate(),
            "is_shareholder": True,
            "village": villages[0] if len(villages) == 1 else "",
        }

    def perform(self, form: Any) -> Participant:
        return actions.add_participant(
            actor=self.request.user, project=self.object, **form.cleaned_data
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("projects:participant-detail", args=[result.pk])


class ParticipantFormView(ProjectsFormView):
    queryset = Participant.objects.select_related("project", "region", "household", "person")
    object_view = True

    def cancel_url(self) -> str:
        return reverse("projects:participant-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return self.cancel_url()


class ParticipantUpdateView(ParticipantFormView):
    form_class = ParticipantEditForm
    title = gettext_lazy("Edit participant")

    def get_initial(self) -> dict[str, Any]:
        p: Participant = self.object
        fields = ("name", "is_shareholder", "is_worker", "is_trainee", "joined_on", "left_on")
        return {f: getattr(p, f) for f in fields}

    def perform(self, form: Any) -> None:
        actions.update_participant(
            actor=self.request.user, participant=self.object, **form.cleaned_data
        )


class ParticipantDeleteView(ParticipantFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete participant")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_participant(actor=self.request.user, participant=self.object)

    def success_message(self) -> str:
        return _("The participant was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.project.get_absolute_url())


class ContributionCreateView(ParticipantFormView):
    """Land, assistance funds or cash paid in, turned into shares by the project's charter."""

    form_class = ContributionForm
    title = gettext_lazy("Record a contribution")

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate(), "preferred": self.object.is_poor}

    def perform(self, form: Any) -> None:
        actions.contribute(actor=self.request.user, participant=self.object, **form.cleaned_data)

    def success_message(self) -> str:
        return _("The contribution was recorded.")


class TransferCreateView(ParticipantFormView):
    form_class = TransferForm
    title = gettext_lazy("Transfer shares")

    def get_form_kwargs(self) -> dict[str, Any]:
        others = (
            Participant.objects.filter(project=self.object.project_id)
            .exclude(pk=self.object.pk)
            .order_by("name", "pk")
        )
        return {**super().get_form_kwargs(), "participants": others}

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate()}

    def perform(self, form: Any) -> None:
        data = dict(form.cleaned_data)
        actions.transfer_shares(
            actor=self.request.user, source=self.object, target=data.pop("target"), **data
        )

    def success_message(self) -> str:
        return _("The shares were transferred.")


class WithdrawalCreateView(ParticipantFormView):
    form_class = WithdrawalForm
    title = gettext_lazy("Withdraw shares")

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate()}

    def perform(self, form: Any) -> None:
        actions.withdraw_shares(
            actor=self.request.user, participant=self.object, **form.cleaned_data
        )

    def success_message(self) -> str:
        return _("The withdrawal was recorded.")


class ParticipantIncomeCreateView(ParticipantFormView):
    """Wages and other income of a year (dividends come from recorded dividend runs)."""

    form_class = ParticipantIncomeForm
    title = gettext_lazy("Record a year's income")

    def get_initial(self) -> dict[str, Any]:
        year = timezone.localdate().year - 1
        found = self.object.incomes.filter(year=year).first()
        return {
            "year": year,
            "wages": found.wages if found else ZERO,
            "other": found.other if found else ZERO,
        }

    def perform(self, form: Any) -> None:
        actions.record_participant_income(
            actor=self.request.user, participant=self.object, **form.cleaned_data
        )

    def success_message(self) -> str:
        return _("The income was recorded.")
