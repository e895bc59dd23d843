"""Coverage of a region, the optimiser's proposals, and a helper's own households."""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.roles import Action
from fupin.accounts.scoping import region_in_scope
from fupin.audit.links import audit_url
from fupin.lib.forms import ConfirmForm
from fupin.lib.shares import percent
from fupin.lib.tables import personal
from fupin.lib.views import (
    ActionFormView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    page_of,
    region_page,
)
from fupin.pairing import actions, checks
from fupin.pairing.choices import PairingKind, ProposalChange, ProposalStatus
from fupin.pairing.filtersets import (
    ProposalFilterSet,
)
from fupin.pairing.forms import (
    ProposeForm,
)
from fupin.pairing.models import Helper, HouseholdPlan, Pairing, Proposal, ProposalItem, Visit
from fupin.pairing.rules import cap_of
from fupin.pairing.tables import (
    ProposalTable,
    head_name,
    pairing_rows,
    visit_rows,
)

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).
from fupin.pairing.views.common import (
    REASONS,
    AdministratorsOnly,
    UserTableMixin,
    last_visit,
    mine,
    pairs_in,
    unvisited_ids,
)
from fupin.regions.codes import subtree_q
from fupin.regions.models import Region
from fupin.registry.models import Household


class CoverageView(ScopedMixin, TemplateView):
    """Who in a region (?region=CODE, by default the top of the user's scope) has no primary
    helper, which helpers are over their cap, and which paired beneficiaries had no visit
    for six months; with the button that asks the optimiser for a proposal."""

    queryset = Pairing.objects.all()
    template_name = "pairing/coverage.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        asked = request.GET.get("region", "").strip()
        code = region_in_scope(request.user, asked)
        # A helper sees no region, only their own households: the menu leads there.
        if code is None and not asked and mine(request.user):
            return redirect("pairing:mine")
        self.code = region_page(code, asked)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request, user, code = self.request, self.request.user, self.code
        region = Region.objects.get(code=code)
        coverage = checks.coverage(code)
        paired = coverage.households + coverage.members - coverage.unpaired
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
            # As the dashboard writes it (a dash where nobody needs a helper).
            percent=percent(paired, coverage.households + coverage.members),
            paired=paired,
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


def with_numbers(items: list[ProposalItem]) -> None:
    """Adds the household number and the reason's words to the items of one page (one
    query)."""
    ids = [i.household_id for i in items if i.household_id is not None]
    numbers = dict(Household.objects.filter(pk__in=ids).values_list("pk", "number"))
    for item in items:
        number = numbers.get(item.household_id, "") if item.household_id is not None else ""
        item.number = number  # type: ignore[attr-defined]
        item.reason_text = REASONS.get(item.reason, "")  # type: ignore[attr-defined]


class ProposalDetailView(ObjectDetailView):
    """The proposal as a diff: new pairings, changed ones (old → new helper), the
    beneficiaries it could not pair and why, the cost before and after, the load histogram.
    Each section pages its items (a province's proposal has hundreds of thousands)."""

    queryset = Proposal.objects.select_related("region", "created_by", "decided_by")
    template_name = "pairing/proposal_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        proposal: Proposal = self.object
        request = self.request
        items = ProposalItem.objects.for_user(request.user).filter(proposal=proposal)
        pages = [
            page_of(request, items.filter(change=change).order_by("pk"), name)
            for change, name in (
                (ProposalChange.NEW, "n"),
                (ProposalChange.CHANGED, "c"),
                (ProposalChange.UNASSIGNABLE, "u"),
            )
        ]
        with_numbers([i for page in pages for i in page.object_list])
        summary = proposal.summary
        decides = proposal.status == ProposalStatus.OPEN and pairs_in(
            request.user, proposal.region_id
        )
        another_hand = actions.another_applier(request.user, proposal) if decides else ""
        context.update(
            title=_("Pairing proposal for %(region)s") % {"region": proposal.region.name},
            summary=summary,
            saving=(summary.get("cost_before") or 0) - (summary.get("cost_after") or 0),
            new_page=pages[0],
            changed_page=pages[1],
            unassigned_page=pages[2],
            histogram=histogram_rows(summary),
            can_decide=decides,
            # Four eyes: who made the proposal may discard it, another user applies it.
            another_hand=another_hand,
            can_apply=decides and not another_hand,
            audit_url=audit_url(proposal),
        )
        return context


class ProposalDecideView(ObjectEditView):
    queryset = Proposal.objects.select_related("region")
    object_view = True
    form_class = ConfirmForm
    template_name = "pairing/proposal_confirm.html"

    def allowed(self, obj: Any) -> bool:
        return pairs_in(self.request.user, obj.region_id)


class ProposalApplyView(ProposalDecideView):
    """403, saying why, to who made the proposal (four eyes)."""

    title = gettext_lazy("Apply proposal")

    def allowed(self, obj: Any) -> bool:
        if not super().allowed(obj):
            return False
        actions.require_another_applier(self.request.user, obj)
        return True

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
            row.phone = personal(user, row.region_id, "phone", phone, record=row)  # type: ignore[attr-defined]
        context.update(
            pairings=rows,
            warnings=len(late),
            load=sum(1 for r in rows if r.kind == PairingKind.PRIMARY),
            cap=cap_of(helper),
            visits=visit_rows(Visit.objects.for_user(user).filter(helper=helper))[:10],
        )
        return context
