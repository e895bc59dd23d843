"""Participants of a project (shareholders, workers, trainees), their share entries
(contributions, transfers, withdrawals) and their yearly income from the project."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
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
    UserTableMixin,
)

ZERO = Decimal("0.00")


class ParticipantListView(UserTableMixin, ObjectListView):
    queryset = participant_rows(Participant.objects.all())
    filterset_class = ParticipantFilterSet
    table_class = ParticipantTable
    title = gettext_lazy("Project participants")
    export_name = "participants"


class ParticipantDetailView(ObjectDetailView):
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


class ParticipantCreateView(ObjectEditView):
    """A participant of the project in the URL."""

    queryset = Project.objects.select_related("region")
    form_class = ParticipantForm
    title = gettext_lazy("Add a participant")
    action = actions.add_participant
    object_arg = "project"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        villages = list(self.object.coverage.values_list("region_id", flat=True)[:2])
        return {
            "joined_on": timezone.localdate(),
            "is_shareholder": True,
            "village": villages[0] if len(villages) == 1 else "",
        }

    def get_success_url(self, result: Any = None) -> str:
        return reverse("projects:participant-detail", args=[result.pk])


class ParticipantFormView(ObjectEditView):
    queryset = Participant.objects.select_related("project", "region", "household", "person")
    object_arg = "participant"

    def cancel_url(self) -> str:
        return reverse("projects:participant-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return self.cancel_url()


class ParticipantUpdateView(ParticipantFormView):
    form_class = ParticipantEditForm
    title = gettext_lazy("Edit participant")
    action = actions.update_participant

    def get_initial(self) -> dict[str, Any]:
        p: Participant = self.object
        fields = ("name", "is_shareholder", "is_worker", "is_trainee", "joined_on", "left_on")
        return {f: getattr(p, f) for f in fields}


class ParticipantDeleteView(ObjectDeleteView):
    queryset = Participant.objects.select_related("project")
    title = gettext_lazy("Delete participant")
    action = actions.delete_participant
    object_arg = "participant"
    message = gettext_lazy("The participant was deleted.")

    def cancel_url(self) -> str:
        return reverse("projects:participant-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.project.get_absolute_url())


class ContributionCreateView(ParticipantFormView):
    """Land, assistance funds or cash paid in, turned into shares by the project's charter."""

    form_class = ContributionForm
    title = gettext_lazy("Record a contribution")
    action = actions.contribute
    message = gettext_lazy("The contribution was recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate(), "preferred": self.object.is_poor}


class TransferCreateView(ParticipantFormView):
    form_class = TransferForm
    title = gettext_lazy("Transfer shares")
    action = actions.transfer_shares
    object_arg = "source"
    message = gettext_lazy("The shares were transferred.")

    def get_form_kwargs(self) -> dict[str, Any]:
        others = (
            Participant.objects.filter(project=self.object.project_id)
            .exclude(pk=self.object.pk)
            .order_by("name", "pk")
        )
        return {**super().get_form_kwargs(), "participants": others}

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate()}


class WithdrawalCreateView(ParticipantFormView):
    form_class = WithdrawalForm
    title = gettext_lazy("Withdraw shares")
    action = actions.withdraw_shares
    message = gettext_lazy("The withdrawal was recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"dated_on": timezone.localdate()}


class ParticipantIncomeCreateView(ParticipantFormView):
    """Wages and other income of a year (dividends come from recorded dividend runs)."""

    form_class = ParticipantIncomeForm
    title = gettext_lazy("Record a year's income")
    action = actions.record_participant_income
    message = gettext_lazy("The income was recorded.")

    def get_initial(self) -> dict[str, Any]:
        year = timezone.localdate().year - 1
        found = self.object.incomes.filter(year=year).first()
        return {
            "year": year,
            "wages": found.wages if found else ZERO,
            "other": found.other if found else ZERO,
        }
