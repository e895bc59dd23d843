"""The projects API: projects, partners, participants, dividend runs (with their payouts) and
purchase contracts. Scoping is the base viewsets' (a project is seen when one of its villages
is in the caller's subtree, changed only when all are; its records follow it); every write is
an action, which decides and audits."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from fupin.lib.api import READ_WRITE, ScopedModelViewSet, ScopedReadOnlyViewSet
from fupin.projects import actions
from fupin.projects.actions.common import CONTRACT_TERMS, PROJECT_INPUT_FIELDS
from fupin.projects.api.serializers import (
    AdvanceSerializer,
    DividendPayoutSerializer,
    DividendRunDetailSerializer,
    DividendRunSerializer,
    ParticipantSerializer,
    PartnerSerializer,
    PreviewSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProposeRunSerializer,
    PurchaseContractSerializer,
    ReverseRunSerializer,
    RunPeriodSerializer,
)
from fupin.projects.filtersets import (
    DividendRunFilterSet,
    ParticipantFilterSet,
    PartnerFilterSet,
    ProjectFilterSet,
    PurchaseContractFilterSet,
)
from fupin.projects.models import (
    DividendRun,
    Participant,
    Partner,
    Project,
    PurchaseContract,
)

# The serializers' names -> the actions' (the API says `villages` and `region` where the
# actions take codes).
RENAMED = {"region_id": "region_code"}
# The actions' names -> the API's, for their errors.
API_NAMES = {"village_codes": "villages", "region_code": "region"}
PARTNER_FIELDS = [
    "kind",
    "name",
    "credit_code",
    "region_code",
    "industry",
    "contact",
    "phone",
    "village_codes",
]
PARTICIPANT_FIELDS = [
    "name",
    "region_code",
    "is_shareholder",
    "is_worker",
    "is_trainee",
    "joined_on",
    "left_on",
]


def _fields(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The validated data the action takes, under the action's names."""
    renamed = {RENAMED.get(k, k): v for k, v in data.items()}
    return {k: v for k, v in renamed.items() if k in names}


@contextmanager
def api_names() -> Iterator[None]:
    """The actions name the villages `village_codes` and a region `region_code`; the API calls
    them `villages` and `region`, so their errors are filed there."""
    try:
        yield
    except ValidationError as e:
        if not hasattr(e, "error_dict"):
            raise
        raise ValidationError({API_NAMES.get(k, k): v for k, v in e.error_dict.items()}) from None


class ProjectViewSet(ScopedModelViewSet):
    """Demonstration industry projects covering a village of the caller's subtree (`region`
    filters by a covered village's subtree: `?region=511724` lists 大竹县's projects). One
    covering villages of two counties is seen by each and changed only by the level above
    both. `advance` takes the next approval step, by a user of that step's level."""

    queryset = Project.objects.select_related("region", "organisation").prefetch_related(
        "coverage", "leaders", "partners"
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    ordering_fields = ["name", "region", "type", "stage", "started_on", "created_at"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_project
    object_arg = "project"

    def get_queryset(self) -> QuerySet[Project]:
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("investments", "years", "approvals__by")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def perform_create(self, serializer: BaseSerializer[Project]) -> None:
        data = dict(serializer.validated_data)
        with api_names():
            project = actions.create_project(
                actor=self.request.user, **_fields(data, PROJECT_INPUT_FIELDS)
            )
        serializer.instance = self.queryset.get(pk=project.pk)

    def perform_update(self, serializer: BaseSerializer[Project]) -> None:
        with api_names():
            project = actions.update_project(
                actor=self.request.user,
                project=serializer.instance,  # type: ignore[arg-type]
                **_fields(dict(serializer.validated_data), PROJECT_INPUT_FIELDS),
            )
        serializer.instance = self.queryset.get(pk=project.pk)

    @extend_schema(request=AdvanceSerializer, responses=ProjectDetailSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: Any = None) -> Response:
        """Take the project's next approval step (dated today unless `done_on` is given)."""
        project = self.get_object()
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.advance_project(actor=request.user, project=project, **body.validated_data)
        fresh = self.queryset.prefetch_related("investments", "years", "approvals__by").get(
            pk=project.pk
        )
        context = self.get_serializer_context()
        return Response(ProjectDetailSerializer(fresh, context=context).data)


class PartnerViewSet(ScopedModelViewSet):
    """Partners based in the caller's subtree: leading enterprises (龙头企业, with a valid
    unified social credit code) and industry households (产业大户), the villages they serve and
    the projects they support. An industry household's phone is masked for roles without
    personal data."""

    queryset = Partner.objects.select_related("region").prefetch_related("villages", "projects")
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilterSet
    ordering_fields = ["name", "region", "kind", "created_at"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_partner
    object_arg = "partner"

    def perform_create(self, serializer: BaseSerializer[Partner]) -> None:
        data = dict(serializer.validated_data)
        with api_names():
            partner = actions.create_partner(
                actor=self.request.user, **_fields(data, PARTNER_FIELDS)
            )
        serializer.instance = self.queryset.get(pk=partner.pk)

    def perform_update(self, serializer: BaseSerializer[Partner]) -> None:
        with api_names():
            partner = actions.update_partner(
                actor=self.request.user,
                partner=serializer.instance,  # type: ignore[arg-type]
                **_fields(dict(serializer.validated_data), PARTNER_FIELDS),
            )
        serializer.instance = self.queryset.get(pk=partner.pk)


class ParticipantViewSet(ScopedModelViewSet):
    """Participants of the projects the caller sees: households and people as shareholders,
    workers or trainees. ID numbers and phones are masked for roles without personal data."""

    queryset = Participant.objects.select_related("project", "household", "person", "region")
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilterSet
    ordering_fields = ["name", "region", "joined_on", "project"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_participant
    object_arg = "participant"

    def perform_create(self, serializer: BaseSerializer[Participant]) -> None:
        data = dict(serializer.validated_data)
        with api_names():
            participant = actions.add_participant(
                actor=self.request.user,
                project=data["project"],
                household=data.get("household"),
                person=data.get("person"),
                **_fields(data, [f for f in PARTICIPANT_FIELDS if f != "left_on"]),
            )
        serializer.instance = self.queryset.get(pk=participant.pk)

    def perform_update(self, serializer: BaseSerializer[Participant]) -> None:
        with api_names():
            participant = actions.update_participant(
                actor=self.request.user,
                participant=serializer.instance,  # type: ignore[arg-type]
                # Where a participant lives comes with them: it is not changed here.
                **_fields(
                    dict(serializer.validated_data),
                    [f for f in PARTICIPANT_FIELDS if f != "region_code"],
                ),
            )
        serializer.instance = self.queryset.get(pk=participant.pk)


class DividendRunViewSet(ScopedReadOnlyViewSet):
    """Dividend runs of the projects the caller sees, with each shareholder's payout exact to
    the fen (in the detail, and paginated at `payouts/`). A run is proposed, `approve`d by a
    user of the township or above, then `record`ed (the dividends flow into the households'
    property income); a recorded run is never changed: `reverse` records the opposite run.
    `preview` computes a run without saving it, `propose` saves it for approval, `discard`
    drops a run not yet recorded."""

    queryset = DividendRun.objects.select_related(
        "project", "proposed_by", "approved_by", "recorded_by"
    )
    serializer_class = DividendRunSerializer
    filterset_class = DividendRunFilterSet
    ordering_fields = ["period_start", "status", "created_at", "project"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return DividendRunSerializer if self.action == "list" else DividendRunDetailSerializer

    def get_queryset(self) -> QuerySet[DividendRun]:
        qs = super().get_queryset()
        if self.action in ("retrieve", "approve", "record", "reverse"):
            qs = qs.prefetch_related("payouts__participant")
        return qs

    def _answer(self, run: DividendRun, status: int = 200) -> Response:
        fresh = self.queryset.prefetch_related("payouts__participant").get(pk=run.pk)
        context = self.get_serializer_context()
        return Response(DividendRunDetailSerializer(fresh, context=context).data, status=status)

    @extend_schema(responses=DividendPayoutSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def payouts(self, request: Request, pk: Any = None) -> Response:
        """The run's payout sheet, one row per shareholder."""
        run = self.get_object()
        rows = run.payouts.select_related("participant").order_by("participant_id")
        page = self.paginate_queryset(rows)
        context = self.get_serializer_context()
        data = DividendPayoutSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(request=RunPeriodSerializer, responses=PreviewSerializer)
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """What the charter pays for `profit` over the period, by shareholder; nothing is
        saved."""
        body = RunPeriodSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        run = actions.preview_dividends(**body.validated_data)
        data = {
            "pool": run.pool,
            "reserve": run.reserve,
            "reserve_drawn": run.reserve_drawn,
            "collective": run.collective,
            "shortfall": run.shortfall,
            "preferred_total": run.preferred_total,
            "ordinary_total": run.ordinary_total,
            "payouts": [asdict(p) for p in run.payouts],
        }
        return Response(PreviewSerializer(data).data)

    @extend_schema(request=ProposeRunSerializer, responses={201: DividendRunDetailSerializer})
    @action(detail=False, methods=["post"])
    def propose(self, request: Request) -> Response:
        """Save the run the charter gives for the period's profit, for approval."""
        body = ProposeRunSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        run = actions.propose_dividend_run(actor=request.user, **body.validated_data)
        return self._answer(run, status=201)

    @extend_schema(request=None, responses=DividendRunDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        """Approve the proposed run (a user of the township or above over the project)."""
        return self._answer(actions.approve_dividend_run(actor=request.user, run=self.get_object()))

    @extend_schema(request=None, responses=DividendRunDetailSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: Any = None) -> Response:
        """Record the approved run: the dividends go into the households' property income."""
        return self._answer(actions.record_dividend_run(actor=request.user, run=self.get_object()))

    @extend_schema(request=ReverseRunSerializer, responses=DividendRunDetailSerializer)
    @action(detail=True, methods=["post"])
    def reverse(self, request: Request, pk: Any = None) -> Response:
        """Record the reversing run of a recorded run (the opposite amounts); the answer is
        the new run."""
        run = self.get_object()
        body = ReverseRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reversing = actions.reverse_dividend_run(
            actor=request.user, run=run, note=body.validated_data.get("note", "")
        )
        return self._answer(reversing, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def discard(self, request: Request, pk: Any = None) -> Response:
        """Drop a run that is not recorded yet."""
        actions.discard_dividend_run(actor=request.user, run=self.get_object())
        return Response(status=204)


class PurchaseContractViewSet(ScopedModelViewSet):
    """Purchase contracts (订单扶贫) of the projects the caller sees: buyer and where it is,
    product, quantity, price, period, status, and the deliveries made under it."""

    queryset = PurchaseContract.objects.select_related("project").prefetch_related("deliveries")
    serializer_class = PurchaseContractSerializer
    filterset_class = PurchaseContractFilterSet
    ordering_fields = ["starts_on", "ends_on", "buyer", "status", "created_at"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_contract
    object_arg = "contract"

    def perform_create(self, serializer: BaseSerializer[PurchaseContract]) -> None:
        data = dict(serializer.validated_data)
        contract = actions.create_contract(
            actor=self.request.user, project=data["project"], **_fields(data, CONTRACT_TERMS)
        )
        serializer.instance = self.queryset.get(pk=contract.pk)

    def perform_update(self, serializer: BaseSerializer[PurchaseContract]) -> None:
        contract = actions.update_contract(
            actor=self.request.user,
            contract=serializer.instance,  # type: ignore[arg-type]
            **_fields(dict(serializer.validated_data), CONTRACT_TERMS),
        )
        serializer.instance = self.queryset.get(pk=contract.pk)
