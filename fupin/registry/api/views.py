from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from fupin.accounts.roles import Action
from fupin.accounts.scoping import region_in_scope
from fupin.lib.api import READ_WRITE, ScopedModelViewSet, ScopedViewSetMixin
from fupin.registry import actions, quality
from fupin.registry.api.serializers import (
    HouseholdDetailSerializer,
    HouseholdSerializer,
    IncomeInputSerializer,
    IncomeRecordSerializer,
    PersonSerializer,
    PovertyLineSerializer,
    QualityReportSerializer,
    StatusChangeSerializer,
    StatusInputSerializer,
)
from fupin.registry.filtersets import HouseholdFilterSet, PersonFilterSet
from fupin.registry.models import Household, Person, PovertyLine
from fupin.registry.tables import with_list_columns


class HouseholdViewSet(ScopedModelViewSet):
    """Registered households of the caller's subtree. Phones and bank accounts are masked for
    roles without personal data (auditors). The detail adds members, status history and
    incomes; `status/` and `income/` record a status change or a year's income."""

    queryset = with_list_columns(Household.objects.all())
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    # Not the phone or bank account: their order would tell what the mask hides.
    ordering_fields = [
        "number",
        "village",
        "registered_in",
        "status",
        "attribute",
        "main_cause",
        "member_count",
        "updated_at",
    ]
    http_method_names = READ_WRITE
    delete_action = actions.delete_household
    object_arg = "household"

    def get_queryset(self) -> QuerySet[Household]:
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("members", "history__recorded_by", "incomes")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return HouseholdDetailSerializer if self.action == "retrieve" else HouseholdSerializer

    def perform_create(self, serializer: BaseSerializer[Household]) -> None:
        data = dict(serializer.validated_data)
        household = actions.create_household(
            actor=self.request.user, village_code=data.pop("village_id"), **data
        )
        serializer.instance = household

    def perform_update(self, serializer: BaseSerializer[Household]) -> None:
        fields = {
            name: value
            for name, value in serializer.validated_data.items()
            if name in actions.EDITABLE_HOUSEHOLD_FIELDS
        }
        serializer.instance = actions.update_household(
            actor=self.request.user,
            household=serializer.instance,  # type: ignore[arg-type]
            **fields,
        )

    @extend_schema(request=StatusInputSerializer, responses={201: StatusChangeSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def record_status(self, request: Request, pk: Any = None) -> Response:
        household = self.get_object()
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = actions.record_status(
            actor=request.user, household=household, **data.validated_data
        )
        return Response(StatusChangeSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncomeInputSerializer, responses={201: IncomeRecordSerializer})
    @action(detail=True, methods=["post"], url_path="income")
    def record_income(self, request: Request, pk: Any = None) -> Response:
        household = self.get_object()
        data = IncomeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        income = actions.record_income(
            actor=request.user, household=household, year=v.pop("year"), **v
        )
        return Response(IncomeRecordSerializer(income).data, status=status.HTTP_201_CREATED)


class PersonViewSet(ScopedModelViewSet):
    """Members of registered households in the caller's subtree. ID numbers (and birth dates,
    which would unmask them) are hidden from roles without personal data."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["name", "household", "relation"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_person
    object_arg = "person"

    def perform_create(self, serializer: BaseSerializer[Person]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.add_person(
            actor=self.request.user, household=data.pop("household"), **data
        )

    def perform_update(self, serializer: BaseSerializer[Person]) -> None:
        data = dict(serializer.validated_data)
        data.pop("household", None)
        serializer.instance = actions.update_person(
            actor=self.request.user,
            person=serializer.instance,  # type: ignore[arg-type]
            **data,
        )


class PovertyLineViewSet(ScopedModelViewSet):
    """The poverty line of a province per year (yuan per person per year). The province's
    administrators set it; a POST for a year that has one replaces its amount."""

    queryset = PovertyLine.objects.all()
    write_action = Action.MANAGE_USERS
    serializer_class = PovertyLineSerializer
    ordering_fields = ["year"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[PovertyLine]) -> None:
        v = serializer.validated_data
        serializer.instance = actions.set_poverty_line(
            actor=self.request.user,
            province_code=v["province_id"],
            year=v["year"],
            amount=v["amount"],
        )

    def perform_update(self, serializer: BaseSerializer[PovertyLine]) -> None:
        line: PovertyLine = serializer.instance  # type: ignore[assignment]
        serializer.instance = actions.set_poverty_line(
            actor=self.request.user,
            province_code=line.province_id,
            year=line.year,
            amount=serializer.validated_data.get("amount", line.amount),
        )


class QualityViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """The data checks of a region (`?region=CODE`, default the top of the caller's scope):
    counts per check and the first 1,000 warnings. 404 for a region outside the scope."""

    queryset = Household.objects.all()
    shown = 1000

    @extend_schema(
        responses=QualityReportSerializer,
        parameters=[OpenApiParameter("region", str, description="region code")],
    )
    def list(self, request: Request) -> Response:
        code = region_in_scope(request.user, request.query_params.get("region", "").strip())
        if code is None:
            raise NotFound
        warnings = quality.warnings_for(code, limit=self.shown)
        return Response(
            {
                "region": code,
                "counts": quality.counts_for(code),
                "warnings": [
                    {**asdict(w), "label": str(quality.CHECK_LABELS[w.check])} for w in warnings
                ],
            }
        )
