"""Pairings and visits."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.tables import personal
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    changeable,
    changes_somewhere,
)
from fupin.pairing import actions
from fupin.pairing.choices import PairingKind
from fupin.pairing.filtersets import (
    PairingFilterSet,
    VisitFilterSet,
)
from fupin.pairing.forms import (
    EndPairingForm,
    PairingForm,
    VisitForm,
)
from fupin.pairing.models import Helper, Pairing, Visit
from fupin.pairing.tables import (
    PairingTable,
    VisitTable,
    pairing_rows,
    visit_rows,
)

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).
from fupin.pairing.views.common import (
    AdministratorsOnly,
    UserTableMixin,
    current_plan,
    head_of,
    pairs_in,
    unvisited_ids,
)
from fupin.party.models import Member
from fupin.registry.models import Household


class PairingListView(UserTableMixin, ObjectListView):
    queryset = pairing_rows(Pairing.objects.all())
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = gettext_lazy("Pairings")
    export_name = "pairings"
    template_name = "pairing/pairing_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, Helper.objects)
        return context


class PairingDetailView(ObjectDetailView):
    queryset = Pairing.objects.select_related(
        "helper__member", "household", "member", "region", "made_by"
    )
    template_name = "pairing/pairing_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        pairing: Pairing = self.object
        user = self.request.user
        visits = Visit.objects.for_user(user).filter(
            helper=pairing.helper_id, household=pairing.household_id, member=pairing.member_id
        )
        phone = pairing.household.phone if pairing.household else pairing.member.phone  # type: ignore[union-attr]
        context.update(
            title=str(pairing),
            head=head_of(pairing.household),
            phone=personal(user, pairing.region_id, "phone", phone, record=pairing),
            can_change=pairs_in(user, pairing.region_id),
            can_visit=pairing.current and changeable(user, pairing),
            unvisited=pairing.pk in unvisited_ids(Pairing.objects.filter(pk=pairing.pk)),
            visits=visits.order_by("-visited_on", "-pk"),
            plan=current_plan(user, pairing.household_id),
            audit_url=audit_url(pairing),
        )
        return context


class PairingCreateView(AdministratorsOnly, ObjectEditView):
    queryset = Pairing.objects.all()
    form_class = PairingForm
    title = gettext_lazy("New pairing")
    cancel = "pairing:pairing-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        """From the coverage page: ?household=PK or ?member=PK of an unpaired beneficiary;
        from a helper's page: ?helper=PK."""
        initial: dict[str, Any] = {"started_on": timezone.localdate(), "kind": PairingKind.PRIMARY}
        household, member = self.request.GET.get("household", ""), self.request.GET.get("member")
        if household.isascii() and household.isdigit():
            found = Household.objects.for_user(self.request.user).filter(pk=household).first()
            if found is not None:
                initial.update(village=found.village_id, number=found.number)
        helper = self.request.GET.get("helper", "")
        if helper.isascii() and helper.isdigit():
            found_helper = (
                Helper.objects.for_user(self.request.user)
                .filter(pk=helper)
                .select_related("member")
                .first()
            )
            if found_helper is not None:
                initial.update(helper=found_helper.member.id_number)
        if member and member.isascii() and member.isdigit():
            person = Member.objects.for_user(self.request.user).filter(pk=member).first()
            if person is not None:
                initial.update(member=person.id_number)
        return initial

    def perform(self, form: Any) -> Pairing:
        data = form.cleaned_data
        return actions.pair(
            actor=self.request.user,
            helper=data["helper"],
            household=data["household"],
            member=data["member"],
            kind=data["kind"],
            started_on=data["started_on"],
        )


class PairingChangeView(ObjectEditView):
    queryset = Pairing.objects.select_related("helper__member", "household", "member")
    object_arg = "pairing"

    def allowed(self, obj: Any) -> bool:
        return pairs_in(self.request.user, obj.region_id)


class PairingEndView(PairingChangeView):
    form_class = EndPairingForm
    title = gettext_lazy("End pairing")
    action = actions.end_pairing
    message = gettext_lazy("The pairing was ended.")

    def get_initial(self) -> dict[str, Any]:
        return {"ended_on": timezone.localdate()}


class PairingDeleteView(ObjectDeleteView):
    queryset = Pairing.objects.select_related("helper__member", "household", "member")
    title = gettext_lazy("Delete pairing")
    action = actions.delete_pairing
    object_arg = "pairing"
    message = gettext_lazy("The pairing was deleted.")
    success_url_name = "pairing:pairing-list"

    def allowed(self, obj: Any) -> bool:
        return pairs_in(self.request.user, obj.region_id)


# Visits -------------------------------------------------------------------------------------


class VisitListView(UserTableMixin, ObjectListView):
    queryset = visit_rows(Visit.objects.all())
    filterset_class = VisitFilterSet
    table_class = VisitTable
    title = gettext_lazy("Visits")
    export_name = "visits"


class VisitDetailView(ObjectDetailView):
    queryset = Visit.objects.select_related("helper__member", "household", "member", "region")
    template_name = "pairing/visit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        visit: Visit = self.object
        pairing = (
            Pairing.objects.for_user(self.request.user)
            .filter(helper=visit.helper_id, household=visit.household_id, member=visit.member_id)
            .order_by("-started_on")
            .first()
        )
        context.update(
            title=_("Visit of %(date)s") % {"date": visit.visited_on.isoformat()},
            head=head_of(visit.household),
            pairing=pairing,
            audit_url=audit_url(visit),
        )
        return context


class VisitCreateView(ObjectEditView):
    """A visit by the pairing's helper to its beneficiary (the helper, or an administrator
    entering a paper record)."""

    queryset = Pairing.objects.select_related("helper__member", "household", "member")
    form_class = VisitForm
    title = gettext_lazy("Record a visit")

    def get_initial(self) -> dict[str, Any]:
        return {"visited_on": timezone.localdate()}

    def perform(self, form: Any) -> Visit:
        pairing: Pairing = self.object
        return actions.record_visit(
            actor=self.request.user,
            helper=pairing.helper,
            household=pairing.household,
            member=pairing.member,
            **form.cleaned_data,
        )

    def success_message(self) -> str:
        return _("The visit was recorded.")

    def own(self) -> bool:
        return self.object.helper.user_id == self.request.user.pk

    def cancel_url(self) -> str:
        return reverse("pairing:mine") if self.own() else super().cancel_url()

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:mine") if self.own() else self.object.get_absolute_url()


class VisitUpdateView(ObjectEditView):
    queryset = Visit.objects.select_related("helper__member", "household", "member")
    form_class = VisitForm
    title = gettext_lazy("Edit visit")
    action = actions.update_visit
    object_arg = "visit"

    def get_initial(self) -> dict[str, Any]:
        visit: Visit = self.object
        return {"visited_on": visit.visited_on, "done": visit.done, "follow_ups": visit.follow_ups}


class VisitDeleteView(ObjectDeleteView):
    queryset = Visit.objects.select_related("helper__member", "household", "member")
    title = gettext_lazy("Delete visit")
    action = actions.delete_visit
    object_arg = "visit"
    message = gettext_lazy("The visit was deleted.")
    success_url_name = "pairing:visit-list"
