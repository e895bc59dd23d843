"""The pairing pages: helpers, pairings, household plans with their measures and plan sheet,
visits, cap rules, the coverage page of a region, the optimiser's proposals, and the helper's
own phone-sized page ("my households").

Views stay declarative over fupin/lib/views.py; every write calls fupin/pairing/actions.py.
Pairing is an administrator's act (the actions check the beneficiary's village); a helper
sees only what they own and records their visits and plans.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.forms import ConfirmForm
from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers, region_in_scope
from fupin.lib.views import ActionFormView, ObjectDetailView, ObjectListView, ScopedMixin
from fupin.pairing import actions, checks
from fupin.pairing.choices import PairingKind, ProposalStatus, Skill
from fupin.pairing.filtersets import (
    CapRuleFilterSet,
    HelperFilterSet,
    HouseholdPlanFilterSet,
    PairingFilterSet,
    ProposalFilterSet,
    VisitFilterSet,
)
from fupin.pairing.forms import (
    CapRuleForm,
    EndPairingForm,
    HelperEditForm,
    HelperForm,
    MeasureForm,
    PairingForm,
    PlanCreateForm,
    PlanForm,
    ProposeForm,
    VisitForm,
)
from fupin.pairing.models import CapRule, Helper, HouseholdPlan, Measure, Pairing, Proposal, Visit
from fupin.pairing.pdf import plan_sheet
from fupin.pairing.rules import cap_of, main_need
from fupin.pairing.tables import (
    CapRuleTable,
    HelperTable,
    HouseholdPlanTable,
    PairingTable,
    ProposalTable,
    VisitTable,
    head_name,
    helper_rows,
    pairing_rows,
    plan_rows,
    visit_rows,
)
from fupin.party.models import Member
from fupin.party.views import audit_url
from fupin.regions.codes import subtree_q
from fupin.regions.models import Region
from fupin.registry.models import Household
from fupin.registry.tables import personal
from fupin.registry.views import changes_somewhere

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).
REASONS = {
    "no_helper_in_reach": gettext_lazy("No helper within reach"),
    "helpers_at_cap": gettext_lazy("All helpers within reach are at their cap"),
}
PER_PAGE = 50


def changeable(user: Any, obj: Model) -> bool:
    """Whether `user` may change `obj` (through its model's scope, helpers' ownership too)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.for_user(user, Action.CHANGE).filter(pk=obj.pk).exists())


def pairs_in(user: Any, code: str) -> bool:
    """Whether `user` may pair in the region `code` (an administrator of it)."""
    return covers(user, code, Action.CHANGE)


def unvisited_ids(pairings: QuerySet[Pairing]) -> set[int]:
    return set(checks.unvisited(pairings).values_list("pk", flat=True))


def last_visit() -> Subquery:
    """The date of the pairing's helper's last visit to its beneficiary (a subquery)."""
    visits = Visit.objects.filter(helper=OuterRef("helper")).filter(
        # The beneficiary is a household or a member: compare the one the pairing has
        # (NULL = NULL would match nothing).
        Q(household__isnull=False, household=OuterRef("household"))
        | Q(member__isnull=False, member=OuterRef("member"))
    )
    return Subquery(visits.order_by("-visited_on", "-pk").values("visited_on")[:1])


def page_of(request: HttpRequest, rows: Any, name: str) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(name))


class AdministratorsOnly:
    """Pages only an administrator (someone who changes records of some region) may open: a
    helper, a reader or an auditor gets a 403 before the form."""

    request: HttpRequest

    def check_role(self) -> None:
        super().check_role()  # type: ignore[misc]
        if self.request.user.is_authenticated and not changes_somewhere(self.request.user):
            raise PermissionDenied(_("Your role does not allow this page."))


class PairingFormView(ActionFormView):
    """A form about one record (the URL's pk, looked up through the CHANGE scope, so 404
    outside it); `allowed` refuses with 403 what the scope lets through but the role may not."""

    scope_action = Action.CHANGE
    cancel: str = ""

    def get_object(self) -> Model:
        obj = super().get_object()
        if not self.allowed(obj):
            raise PermissionDenied(_("Your role does not allow this page."))
        return obj

    def allowed(self, obj: Any) -> bool:
        return True

    def cancel_url(self) -> str:
        if self.object is not None:
            return str(self.object.get_absolute_url())
        return reverse(self.cancel) if self.cancel else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.cancel_url()
        return context


class UserTableMixin:
    request: HttpRequest

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


# Helpers ------------------------------------------------------------------------------------


class HelperListView(UserTableMixin, ObjectListView):
    queryset = helper_rows(Helper.objects.all())
    filterset_class = HelperFilterSet
    table_class = HelperTable
    title = gettext_lazy("Helpers")
    export_name = "helpers"
    template_name = "pairing/helper_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user)
        return context


class HelperDetailView(ObjectDetailView):
    queryset = Helper.objects.select_related("member", "region", "user")
    template_name = "pairing/helper_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        helper: Helper = self.object
        user = self.request.user
        current = pairing_rows(
            Pairing.objects.for_user(user).filter(helper=helper, ended_on__isnull=True)
        ).order_by("kind", "region_id", "pk")
        rows = list(current)
        late = unvisited_ids(current)
        for row in rows:
            row.unvisited = row.pk in late  # type: ignore[attr-defined]
        counts = (
            helper.pairings.filter(ended_on__isnull=True)
            .order_by()
            .values("kind")
            .annotate(n=Count("pk"))
        )
        loads = {kind: 0 for kind in PairingKind.values}
        loads.update({row["kind"]: row["n"] for row in counts})
        context.update(
            title=helper.member.name,
            can_change=pairs_in(user, helper.region_id),
            phone=personal(user, helper.region_id, "phone", helper.member.phone),
            pairings=rows,
            load=loads[PairingKind.PRIMARY],
            cap=cap_of(helper),
            secondary_load=loads[PairingKind.SECONDARY],
            secondary_cap=cap_of(helper, PairingKind.SECONDARY),
            over_cap=loads[PairingKind.PRIMARY] > cap_of(helper),
            visits=visit_rows(Visit.objects.for_user(user).filter(helper=helper))[:20],
            warnings=len(late),
            audit_url=audit_url(helper),
        )
        return context


class HelperCreateView(AdministratorsOnly, PairingFormView):
    queryset = Helper.objects.all()
    form_class = HelperForm
    title = gettext_lazy("Register a helper")
    cancel = "pairing:helper-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: Any) -> Helper:
        data = dict(form.cleaned_data)
        return actions.register_helper(
            actor=self.request.user,
            member=data["member"],
            region_code=data["region_code"].strip() or None,
            expertise=data["expertise"],
            is_leader=data["is_leader"],
            user=data["user"],
        )


class HelperFormView(PairingFormView):
    queryset = Helper.objects.select_related("member", "region")
    object_view = True

    def allowed(self, obj: Any) -> bool:
        # A helper owns their own record, but only an administrator changes it (its region,
        # cap and login decide what the helper may do).
        return pairs_in(self.request.user, obj.region_id)


class HelperUpdateView(HelperFormView):
    form_class = HelperEditForm
    title = gettext_lazy("Edit helper")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        helper: Helper = self.object
        return {
            "region_code": helper.region_id,
            "expertise": helper.skills,
            "is_leader": helper.is_leader,
            "active": helper.active,
            "user": helper.user.username if helper.user else "",
        }

    def perform(self, form: Any) -> Helper:
        return actions.update_helper(
            actor=self.request.user, helper=self.object, **form.cleaned_data
        )


class HelperDeleteView(HelperFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete helper")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_helper(actor=self.request.user, helper=self.object)

    def success_message(self) -> str:
        return _("The helper was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:helper-list")


# Pairings -----------------------------------------------------------------------------------


class PairingListView(UserTableMixin, ObjectListView):
    queryset = pairing_rows(Pairing.objects.all())
    filterset_class = PairingFilterSet
    table_class = PairingTable
    title = gettext_lazy("Pairings")
    export_name = "pairings"
    template_name = "pairing/pairing_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user)
        return context


def current_plan(user: Any, household_id: int | None) -> HouseholdPlan | None:
    if household_id is None:
        return None
    plans = HouseholdPlan.objects.for_user(user).filter(household_id=household_id)
    return plans.order_by("-year").first()


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
            phone=personal(user, pairing.region_id, "phone", phone),
            can_change=pairs_in(user, pairing.region_id),
            can_visit=pairing.current and changeable(user, pairing),
            unvisited=pairing.pk in unvisited_ids(Pairing.objects.filter(pk=pairing.pk)),
            visits=visits.order_by("-visited_on", "-pk"),
            plan=current_plan(user, pairing.household_id),
            audit_url=audit_url(pairing),
        )
        return context


def head_of(household: Any) -> str:
    if household is None:
        return ""
    head = household.members.filter(relation="head").order_by("id").first()
    return head.name if head else ""


class PairingCreateView(AdministratorsOnly, PairingFormView):
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


class PairingChangeView(PairingFormView):
    queryset = Pairing.objects.select_related("helper__member", "household", "member")
    object_view = True

    def allowed(self, obj: Any) -> bool:
        return pairs_in(self.request.user, obj.region_id)


class PairingEndView(PairingChangeView):
    form_class = EndPairingForm
    title = gettext_lazy("End pairing")

    def get_initial(self) -> dict[str, Any]:
        return {"ended_on": timezone.localdate()}

    def perform(self, form: Any) -> Pairing:
        return actions.end_pairing(
            actor=self.request.user, pairing=self.object, ended_on=form.cleaned_data["ended_on"]
        )

    def success_message(self) -> str:
        return _("The pairing was ended.")


class PairingDeleteView(PairingChangeView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete pairing")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_pairing(actor=self.request.user, pairing=self.object)

    def success_message(self) -> str:
        return _("The pairing was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:pairing-list")


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
            can_change=changeable(self.request.user, visit),
            audit_url=audit_url(visit),
        )
        return context


def mine(user: Any) -> bool:
    return Helper.objects.filter(user=user).exists()


class VisitCreateView(PairingFormView):
    """A visit by the pairing's helper to its beneficiary (the helper, or an administrator
    entering a paper record)."""

    queryset = Pairing.objects.select_related("helper__member", "household", "member")
    object_view = True
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


class VisitFormView(PairingFormView):
    queryset = Visit.objects.select_related("helper__member", "household", "member")
    object_view = True


class VisitUpdateView(VisitFormView):
    form_class = VisitForm
    title = gettext_lazy("Edit visit")

    def get_initial(self) -> dict[str, Any]:
        visit: Visit = self.object
        return {"visited_on": visit.visited_on, "done": visit.done, "follow_ups": visit.follow_ups}

    def perform(self, form: Any) -> Visit:
        return actions.update_visit(actor=self.request.user, visit=self.object, **form.cleaned_data)


class VisitDeleteView(VisitFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete visit")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_visit(actor=self.request.user, visit=self.object)

    def success_message(self) -> str:
        return _("The visit was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:visit-list")


# Household plans and measures ---------------------------------------------------------------


class HouseholdPlanListView(UserTableMixin, ObjectListView):
    queryset = plan_rows(HouseholdPlan.objects.all())
    filterset_class = HouseholdPlanFilterSet
    table_class = HouseholdPlanTable
    title = gettext_lazy("Household plans")
    export_name = "plans"
    template_name = "pairing/plan_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user) or mine(self.request.user)
        return context


class HouseholdPlanDetailView(ObjectDetailView):
    queryset = HouseholdPlan.objects.select_related("household", "region")
    template_name = "pairing/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        plan: HouseholdPlan = self.object
        user = self.request.user
        pairings = pairing_rows(
            Pairing.objects.for_user(user).filter(
                household=plan.household_id, ended_on__isnull=True
            )
        ).order_by("kind", "pk")
        context.update(
            title=_("Household plan %(household)s, %(year)s")
            % {"household": plan.household.number, "year": plan.year},
            head=head_of(plan.household),
            # As the plan says, else what its main measure's category needs (the optimiser's).
            need=dict(Skill.choices).get(main_need(plan), ""),
            measures=plan.measures.order_by("-is_main", "id"),
            pairings=pairings,
            unvisited=checks.unvisited(
                Pairing.objects.filter(household=plan.household_id, kind=PairingKind.PRIMARY)
            ).exists(),
            can_change=changeable(user, plan),
            audit_url=audit_url(plan),
        )
        return context


class HouseholdPlanPdfView(ObjectDetailView):
    """The plan sheet to print and sign (PDF)."""

    queryset = HouseholdPlan.objects.select_related("household", "region")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        plan: HouseholdPlan = self.object
        response = HttpResponse(plan_sheet(plan), content_type="application/pdf")
        name = f"plan-{plan.household.village_id}-{plan.household.number}-{plan.year}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class HouseholdPlanCreateView(PairingFormView):
    queryset = HouseholdPlan.objects.all()
    form_class = PlanCreateForm
    title = gettext_lazy("New household plan")
    cancel = "pairing:plan-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        household = self.request.GET.get("household", "")
        if household.isascii() and household.isdigit():
            found = Household.objects.for_user(self.request.user).filter(pk=household).first()
            if found is not None:
                initial.update(village=found.village_id, number=found.number)
        return initial

    def perform(self, form: Any) -> HouseholdPlan:
        data = dict(form.cleaned_data)
        data.pop("village")
        data.pop("number")
        household = data.pop("household")
        return actions.create_plan(actor=self.request.user, household=household, **data)


class HouseholdPlanFormView(PairingFormView):
    queryset = HouseholdPlan.objects.select_related("household")
    object_view = True


class HouseholdPlanUpdateView(HouseholdPlanFormView):
    form_class = PlanForm
    title = gettext_lazy("Edit household plan")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form: Any) -> HouseholdPlan:
        return actions.update_plan(actor=self.request.user, plan=self.object, **form.cleaned_data)


class HouseholdPlanDeleteView(HouseholdPlanFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete household plan")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_plan(actor=self.request.user, plan=self.object)

    def success_message(self) -> str:
        return _("The household plan was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:plan-list")


class MeasureCreateView(HouseholdPlanFormView):
    form_class = MeasureForm
    title = gettext_lazy("Add a measure")

    def perform(self, form: Any) -> None:
        actions.add_measure(actor=self.request.user, plan=self.object, **form.cleaned_data)


class MeasureFormView(PairingFormView):
    queryset = Measure.objects.select_related("plan__household")
    object_view = True

    def cancel_url(self) -> str:
        return str(self.object.plan.get_absolute_url())

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.plan.get_absolute_url())


class MeasureUpdateView(MeasureFormView):
    form_class = MeasureForm
    title = gettext_lazy("Edit measure")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def perform(self, form: Any) -> None:
        actions.update_measure(actor=self.request.user, measure=self.object, **form.cleaned_data)


class MeasureDeleteView(MeasureFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete measure")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_measure(actor=self.request.user, measure=self.object)

    def success_message(self) -> str:
        return _("The measure was deleted.")


# Cap rules ----------------------------------------------------------------------------------


class CapRuleListView(UserTableMixin, ObjectListView):
    queryset = CapRule.objects.select_related("region")
    filterset_class = CapRuleFilterSet
    table_class = CapRuleTable
    title = gettext_lazy("Cap rules")
    export_name = "cap-rules"
    template_name = "pairing/caprule_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user)
        return context


class CapRuleCreateView(AdministratorsOnly, PairingFormView):
    queryset = CapRule.objects.all()
    form_class = CapRuleForm
    title = gettext_lazy("Set a cap rule")
    cancel = "pairing:caprule-list"

    def get_initial(self) -> dict[str, Any]:
        return {"primary_cap": 5, "leader_cap": 7, "secondary_cap": 5}

    def perform(self, form: Any) -> CapRule:
        return actions.set_cap_rule(actor=self.request.user, **form.cleaned_data)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:caprule-list")


class CapRuleFormView(PairingFormView):
    queryset = CapRule.objects.select_related("region")
    object_view = True
    cancel = "pairing:caprule-list"

    def cancel_url(self) -> str:
        return reverse(self.cancel)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:caprule-list")


class CapRuleUpdateView(CapRuleFormView):
    form_class = CapRuleForm
    title = gettext_lazy("Edit cap rule")

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["region_code"].disabled = True
        return form

    def get_initial(self) -> dict[str, Any]:
        rule: CapRule = self.object
        return {
            "region_code": rule.region_id,
            "primary_cap": rule.primary_cap,
            "leader_cap": rule.leader_cap,
            "secondary_cap": rule.secondary_cap,
        }

    def perform(self, form: Any) -> CapRule:
        data = {**form.cleaned_data, "region_code": self.object.region_id}
        return actions.set_cap_rule(actor=self.request.user, **data)


class CapRuleDeleteView(CapRuleFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete cap rule")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_cap_rule(actor=self.request.user, rule=self.object)

    def success_message(self) -> str:
        return _("The cap rule was deleted.")


# Coverage and proposals ---------------------------------------------------------------------


class CoverageView(ScopedMixin, TemplateView):
    """Who in a region (?region=CODE, by default the top of the user's scope) has no primary
    helper, which helpers are over their cap, and which paired beneficiaries had no visit
    for six months; with the button that asks the optimiser for a proposal."""

    queryset = Pairing.objects.all()
    template_name = "pairing/coverage.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        asked = request.GET.get("region", "").strip()
        code = region_in_scope(request.user, asked)
        if code is None:
            # A helper sees no region, only their own households: the menu leads there.
            if not asked and mine(request.user):
                return redirect("pairing:mine")
            raise Http404
        self.code = code
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request, user, code = self.request, self.request.user, self.code
        region = Region.objects.get(code=code)
        coverage = checks.coverage(code)
        heads = head_name("pk")
        households = coverage.unpaired_households.select_related("village").annotate(
            head_name=heads
        )
        members = coverage.unpaired_members.select_related("region")
        late = checks.unvisited(
            pairing_rows(Pairing.objects.filter(subtree_q("region__code", code)))
        ).annotate(last_visit=last_visit())
        context.update(
            title=_("Coverage"),
            region=region,
            ancestors=region.ancestors(),
            subregions=region.children.order_by("code"),
            coverage=coverage,
            percent=f"{coverage.percent:.1f}",
            paired=coverage.households + coverage.members - coverage.unpaired,
            households_page=page_of(request, households.order_by("village_id", "number"), "h"),
            members_page=page_of(request, members.order_by("region_id", "name", "pk"), "m"),
            unvisited_page=page_of(request, late.order_by("region_id", "started_on", "pk"), "v"),
            can_pair=pairs_in(user, code),
            propose_form=ProposeForm(initial={"region": code}),
            proposals=Proposal.objects.for_user(user)
            .filter(region=code, status=ProposalStatus.OPEN)
            .order_by("-created_at")[:5],
        )
        return context


class ProposeView(AdministratorsOnly, ActionFormView):
    """Runs the optimiser for a region and keeps its proposal, then shows it."""

    queryset = Proposal.objects.all()
    scope_action = Action.CHANGE
    form_class = ProposeForm
    title = gettext_lazy("Propose pairings")

    def get_initial(self) -> dict[str, Any]:
        return {"region": self.request.GET.get("region", "")}

    def perform(self, form: Any) -> Proposal:
        from fupin.pairing import optimise

        user = self.request.user
        code = region_in_scope(user, form.cleaned_data["region"].strip(), Action.CHANGE)
        if code is None:
            raise Http404
        rebalance = form.cleaned_data["rebalance"]
        result = optimise.propose(code, rebalance=rebalance)
        return actions.save_proposal(
            actor=user, region_code=code, result=result, rebalance=rebalance
        )

    def success_message(self) -> str:
        return _("The optimiser's proposal is ready: review it, then apply or discard it.")


class ProposalListView(UserTableMixin, ObjectListView):
    queryset = Proposal.objects.select_related("region", "created_by")
    filterset_class = ProposalFilterSet
    table_class = ProposalTable
    title = gettext_lazy("Pairing proposals")
    export_name = "proposals"


def histogram_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The load histogram (load → number of helpers) with each bar's width in percent."""
    counts = {int(k): int(v) for k, v in (summary.get("histogram") or {}).items()}
    top = max(counts.values(), default=0)
    return [
        {"load": load, "helpers": n, "width": round(100 * n / top) if top else 0}
        for load, n in sorted(counts.items())
    ]


def with_numbers(items: list[dict[str, Any]]) -> None:
    """Adds the household number to the household items of one page (one query)."""
    ids = [i["id"] for i in items if i.get("kind") == "household"]
    numbers = dict(Household.objects.filter(pk__in=ids).values_list("pk", "number"))
    for item in items:
        if item.get("kind") == "household":
            item["number"] = numbers.get(item["id"], "")


class ProposalDetailView(ObjectDetailView):
    """The proposal as a diff: new pairings, changed ones (old → new helper), the
    beneficiaries it could not pair and why, the cost before and after, the load histogram."""

    queryset = Proposal.objects.select_related("region", "created_by", "decided_by")
    template_name = "pairing/proposal_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        proposal: Proposal = self.object
        items = [
            {**item, "reason_text": REASONS.get(item.get("reason") or "", "")}
            for item in proposal.items
        ]
        new = [i for i in items if i.get("new") and not i.get("old")]
        changed = [i for i in items if i.get("new") and i.get("old")]
        unassigned = [i for i in items if not i.get("new")]
        request = self.request
        summary = proposal.summary
        pages = [page_of(request, rows, name) for rows, name in ((new, "n"), (changed, "c"))]
        pages.append(page_of(request, unassigned, "u"))
        with_numbers([i for page in pages for i in page.object_list])
        context.update(
            title=_("Pairing proposal for %(region)s") % {"region": proposal.region.name},
            summary=summary,
            saving=(summary.get("cost_before") or 0) - (summary.get("cost_after") or 0),
            new_page=pages[0],
            changed_page=pages[1],
            unassigned_page=pages[2],
            histogram=histogram_rows(summary),
            can_decide=proposal.status == ProposalStatus.OPEN
            and pairs_in(request.user, proposal.region_id),
            audit_url=audit_url(proposal),
        )
        return context


class ProposalDecideView(PairingFormView):
    queryset = Proposal.objects.select_related("region")
    object_view = True
    form_class = ConfirmForm
    template_name = "pairing/proposal_confirm.html"

    def allowed(self, obj: Any) -> bool:
        return pairs_in(self.request.user, obj.region_id)


class ProposalApplyView(ProposalDecideView):
    title = gettext_lazy("Apply proposal")

    def perform(self, form: Any) -> None:
        self.made = actions.apply_proposal(actor=self.request.user, proposal=self.object)

    def success_message(self) -> str:
        return _("The proposal was applied: %(n)d pairings made.") % {"n": self.made}


class ProposalDiscardView(ProposalDecideView):
    title = gettext_lazy("Discard proposal")

    def perform(self, form: Any) -> None:
        actions.discard_proposal(actor=self.request.user, proposal=self.object)

    def success_message(self) -> str:
        return _("The proposal was discarded.")


# The helper's own pages -------------------------------------------------------------------


class MyHouseholdsView(ScopedMixin, TemplateView):
    """A helper's phone page: the households (and poor members) they are paired with now,
    each with its head, phone, plan and last visit, and a button to record a visit."""

    queryset = Pairing.objects.all()
    template_name = "pairing/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user: Any = self.request.user
        helper = Helper.objects.filter(user=user).select_related("member", "region").first()
        context.update(title=_("My households"), helper=helper)
        if helper is None:
            return context
        latest_plan = HouseholdPlan.objects.filter(household=OuterRef("household")).order_by(
            "-year"
        )
        current = Pairing.objects.for_user(user).filter(helper=helper, ended_on__isnull=True)
        rows = list(
            pairing_rows(current)
            .annotate(
                last_visit=last_visit(),
                plan_id=Subquery(latest_plan.values("pk")[:1]),
                plan_year=Subquery(latest_plan.values("year")[:1]),
            )
            .order_by("kind", "region_id", "pk")
        )
        late = unvisited_ids(current)
        for row in rows:
            row.unvisited = row.pk in late  # type: ignore[attr-defined]
            phone = row.household.phone if row.household else row.member.phone  # type: ignore[union-attr]
            row.phone = personal(user, row.region_id, "phone", phone)  # type: ignore[attr-defined]
        context.update(
            pairings=rows,
            warnings=len(late),
            load=sum(1 for r in rows if r.kind == PairingKind.PRIMARY),
            cap=cap_of(helper),
            visits=visit_rows(Visit.objects.for_user(user).filter(helper=helper))[:10],
        )
        return context
