"""The pairing API: helpers, pairings, household plans and their measures, visits, cap rules,
and the optimiser's proposals. Scoping is the base viewsets' (a helper signed in sees only what
they own); every write is an action, which decides and audits."""

from typing import Any

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from fupin.lib.api import READ_WRITE, ScopedModelViewSet, ScopedReadOnlyViewSet
from fupin.lib.filters import IdFilter
from fupin.pairing import actions
from fupin.pairing.api.serializers import (
    AppliedProposalSerializer,
    CapRuleSerializer,
    EndPairingSerializer,
    HelperSerializer,
    HouseholdPlanSerializer,
    MeasureSerializer,
    PairingSerializer,
    ProposalDetailSerializer,
    ProposalItemSerializer,
    ProposalSerializer,
    VisitSerializer,
)
from fupin.pairing.choices import (
    MeasureCategory,
    MeasureStatus,
    PairingKind,
    ProposalChange,
    Source,
)
from fupin.pairing.filtersets import (
    CapRuleFilterSet,
    HelperFilterSet,
    HouseholdPlanFilterSet,
    PairingFilterSet,
    ProposalFilterSet,
    ProposalItemFilterSet,
    VisitFilterSet,
)
from fupin.pairing.models import (
    CapRule,
    Helper,
    HouseholdPlan,
    Measure,
    Pairing,
    Proposal,
    ProposalItem,
    Visit,
)
from fupin.regions.filters import RegionFilter

CURRENT = Q(pairings__ended_on__isnull=True)


def _fields(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in names}


# The pages' filters, and for the API a record's beneficiary or plan by id.
class PairingAPIFilterSet(PairingFilterSet):
    household = IdFilter(field_name="household_id", label=_("Household"))
    member = IdFilter(field_name="member_id", label=_("Poor party member"))

    class Meta(PairingFilterSet.Meta):
        fields = [*PairingFilterSet.Meta.fields, "household", "member"]


class HouseholdPlanAPIFilterSet(HouseholdPlanFilterSet):
    household = IdFilter(field_name="household_id", label=_("Household"))

    class Meta(HouseholdPlanFilterSet.Meta):
        fields = [*HouseholdPlanFilterSet.Meta.fields, "household"]


class VisitAPIFilterSet(VisitFilterSet):
    household = IdFilter(field_name="household_id", label=_("Household"))
    member = IdFilter(field_name="member_id", label=_("Poor party member"))

    class Meta(VisitFilterSet.Meta):
        fields = [*VisitFilterSet.Meta.fields, "household", "member"]


class MeasureFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan_id", label=_("Plan"))
    region = RegionFilter(field_name="region_code")
    category = django_filters.ChoiceFilter(choices=MeasureCategory.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label=_("Status"))

    class Meta:
        model = Measure
        fields = ["plan", "region", "category", "status"]


class HelperViewSet(ScopedModelViewSet):
    """Helpers (帮扶责任人) working in the caller's subtree: the party member, the region of
    work, the expertise (skill codes), whether a leader, the login, and the current load.
    ID numbers and phones are masked for roles without personal data. A registered poor
    person is refused; a helper with pairings or visits is deactivated, not deleted."""

    queryset = Helper.objects.select_related("member", "region", "user").annotate(
        primary_load=Count("pairings", filter=CURRENT & Q(pairings__kind=PairingKind.PRIMARY)),
        secondary_load=Count("pairings", filter=CURRENT & Q(pairings__kind=PairingKind.SECONDARY)),
    )
    serializer_class = HelperSerializer
    filterset_class = HelperFilterSet
    ordering_fields = ["region", "is_leader", "active", "created_at", "primary_load"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_helper
    object_arg = "helper"

    def perform_create(self, serializer: BaseSerializer[Helper]) -> None:
        data = dict(serializer.validated_data)
        created = actions.register_helper(
            actor=self.request.user,
            member=data["member"],
            region_code=data.get("region_id"),
            expertise=data.get("skills", ()),
            is_leader=data.get("is_leader", False),
            user=data.get("user"),
        )
        if data.get("active") is False:
            created = actions.update_helper(actor=self.request.user, helper=created, active=False)
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def perform_update(self, serializer: BaseSerializer[Helper]) -> None:
        data = dict(serializer.validated_data)
        fields = _fields(data, ["is_leader", "user", "active"])
        if "skills" in data:
            fields["expertise"] = data["skills"]
        if "region_id" in data:
            fields["region_code"] = data["region_id"]
        helper = actions.update_helper(
            actor=self.request.user,
            helper=serializer.instance,  # type: ignore[arg-type]
            **fields,
        )
        serializer.instance = self.get_queryset().get(pk=helper.pk)


class PairingViewSet(ScopedModelViewSet):
    """Pairings (结对帮扶) of beneficiaries in the caller's subtree: a helper with a household
    or a poor party member, primary (one current per beneficiary) or secondary, within the
    helper's cap. Only an administrator of the beneficiary's region pairs; the helper must
    work within reach (village, township, county; a city organ's cadre the whole city). A
    pairing that happened is ended (`end`), not changed; DELETE is for one made by mistake."""

    queryset = Pairing.objects.select_related(
        "helper__member", "household", "member", "region", "made_by"
    )
    serializer_class = PairingSerializer
    filterset_class = PairingAPIFilterSet
    ordering_fields = ["region", "started_on", "ended_on", "kind", "helper", "created_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    delete_action = actions.delete_pairing
    object_arg = "pairing"

    def perform_create(self, serializer: BaseSerializer[Pairing]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.pair(
            actor=self.request.user,
            helper=data["helper"],
            household=data.get("household"),
            member=data.get("member"),
            kind=data.get("kind", PairingKind.PRIMARY),
            started_on=data.get("started_on"),
            source=Source.MANUAL,
        )

    @extend_schema(request=EndPairingSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: Any = None) -> Response:
        """End the pairing (today, or on `ended_on`); it stays as history."""
        pairing = self.get_object()
        body = EndPairingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ended = actions.end_pairing(
            actor=request.user, pairing=pairing, ended_on=body.validated_data.get("ended_on")
        )
        return Response(PairingSerializer(ended, context=self.get_serializer_context()).data)


class HouseholdPlanViewSet(ScopedModelViewSet):
    """Household plans (一户一策) of the caller's subtree, one per household and year, with
    their measures (read here; written through /measures/). A helper sees and changes the
    plans of the households they are paired with."""

    queryset = HouseholdPlan.objects.select_related("household", "region").prefetch_related(
        "measures"
    )
    serializer_class = HouseholdPlanSerializer
    filterset_class = HouseholdPlanAPIFilterSet
    ordering_fields = ["region", "year", "exit_deadline", "updated_at"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_plan
    object_arg = "plan"

    def perform_create(self, serializer: BaseSerializer[HouseholdPlan]) -> None:
        data = dict(serializer.validated_data)
        plan = actions.create_plan(
            actor=self.request.user,
            household=data["household"],
            year=data["year"],
            **_fields(data, [f for f in actions.PLAN_FIELDS if f != "year"]),
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)

    def perform_update(self, serializer: BaseSerializer[HouseholdPlan]) -> None:
        plan = actions.update_plan(
            actor=self.request.user,
            plan=serializer.instance,  # type: ignore[arg-type]
            **_fields(dict(serializer.validated_data), actions.PLAN_FIELDS),
        )
        serializer.instance = self.get_queryset().get(pk=plan.pk)


class MeasureViewSet(ScopedModelViewSet):
    """Measures of the household plans of the caller's subtree: national category,
    description, cost (yuan), responsible unit, deadline, status. A plan's first measure is
    its main one; marking another main unmarks it."""

    queryset = Measure.objects.all()
    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    ordering_fields = ["plan", "deadline", "cost", "status", "category"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_measure
    object_arg = "measure"

    def perform_create(self, serializer: BaseSerializer[Measure]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.add_measure(
            actor=self.request.user,
            plan=data["plan"],
            **_fields(data, actions.MEASURE_FIELDS),
        )

    def perform_update(self, serializer: BaseSerializer[Measure]) -> None:
        serializer.instance = actions.update_measure(
            actor=self.request.user,
            measure=serializer.instance,  # type: ignore[arg-type]
            **_fields(dict(serializer.validated_data), actions.MEASURE_FIELDS),
        )


class VisitViewSet(ScopedModelViewSet):
    """Visits (走访) to beneficiaries of the caller's subtree: date, helper, what was done,
    follow-ups. The helper must be paired with the beneficiary since before the visit. A
    helper signed in records their own visits (`helper` may be left out) and sees only them."""

    queryset = Visit.objects.select_related("helper__member", "household", "member", "region")
    serializer_class = VisitSerializer
    filterset_class = VisitAPIFilterSet
    ordering_fields = ["visited_on", "region", "helper", "created_at"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_visit
    object_arg = "visit"

    def perform_create(self, serializer: BaseSerializer[Visit]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.record_visit(
            actor=self.request.user,
            helper=data["helper"],
            household=data.get("household"),
            member=data.get("member"),
            visited_on=data["visited_on"],
            done=data["done"],
            follow_ups=data.get("follow_ups", ""),
        )

    def perform_update(self, serializer: BaseSerializer[Visit]) -> None:
        serializer.instance = actions.update_visit(
            actor=self.request.user,
            visit=serializer.instance,  # type: ignore[arg-type]
            **_fields(dict(serializer.validated_data), ["visited_on", "done", "follow_ups"]),
        )


class CapRuleViewSet(ScopedModelViewSet):
    """Caps on helpers' loads by region (reference data every signed-in user reads): the rule
    of the nearest region above a helper's applies; without one, 5 primary (7 for a leader)
    and 5 secondary. Set (POST, which replaces the region's rule) and changed by the
    region's administrators."""

    queryset = CapRule.objects.select_related("region")
    serializer_class = CapRuleSerializer
    filterset_class = CapRuleFilterSet
    ordering_fields = ["region", "primary_cap", "leader_cap", "secondary_cap"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_cap_rule
    object_arg = "rule"

    def perform_create(self, serializer: BaseSerializer[CapRule]) -> None:
        data = dict(serializer.validated_data)
        default = CapRule()
        serializer.instance = actions.set_cap_rule(
            actor=self.request.user,
            region_code=data["region_id"],
            primary_cap=data.get("primary_cap", default.primary_cap),
            leader_cap=data.get("leader_cap", default.leader_cap),
            secondary_cap=data.get("secondary_cap", default.secondary_cap),
        )

    def perform_update(self, serializer: BaseSerializer[CapRule]) -> None:
        rule: CapRule = serializer.instance  # type: ignore[assignment]
        data = dict(serializer.validated_data)
        serializer.instance = actions.set_cap_rule(
            actor=self.request.user,
            region_code=rule.region_id,
            primary_cap=data.get("primary_cap", rule.primary_cap),
            leader_cap=data.get("leader_cap", rule.leader_cap),
            secondary_cap=data.get("secondary_cap", rule.secondary_cap),
        )


class ProposalViewSet(ScopedReadOnlyViewSet):
    """The optimiser's proposals for regions of the caller's subtree (made by `fupin pair` or
    the proposal page). `items` pages the items (the detail gives their address): each
    beneficiary whose primary helper changes, or who stays unassigned and why. `apply` makes
    the pairings as one audited action (refused if pairings changed meanwhile); `discard`
    drops the proposal."""

    queryset = Proposal.objects.select_related("region", "created_by", "decided_by")
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilterSet
    ordering_fields = ["created_at", "decided_at", "status", "region"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "items":
            return ProposalItemSerializer
        return ProposalSerializer if self.action == "list" else ProposalDetailSerializer

    @extend_schema(
        responses=ProposalItemSerializer(many=True),
        parameters=[OpenApiParameter("change", enum=ProposalChange.values)],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def items(self, request: Request, pk: Any = None) -> Response:
        """The proposal's items, paged, in the optimiser's order; `change` picks one kind."""
        # The proposal through the scope (404 outside it); not get_object(), whose filters are
        # the proposals' and would read this page's query as theirs.
        proposal = get_object_or_404(self.get_queryset(), pk=pk)
        items = ProposalItem.objects.for_user(request.user).filter(proposal=proposal)
        filterset = ProposalItemFilterSet(request.query_params, items.order_by("pk"))
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        return self.get_paginated_response(ProposalItemSerializer(page, many=True).data)

    @extend_schema(request=None, responses=AppliedProposalSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: Any = None) -> Response:
        """Make the proposed primary pairings and end the ones they replace."""
        proposal = self.get_object()
        made = actions.apply_proposal(actor=request.user, proposal=proposal)
        proposal.made = made
        data = AppliedProposalSerializer(proposal, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses=ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: Any = None) -> Response:
        """Drop the proposal; nothing is paired."""
        proposal = self.get_object()
        actions.discard_proposal(actor=request.user, proposal=proposal)
        return Response(
            ProposalDetailSerializer(proposal, context=self.get_serializer_context()).data
        )
