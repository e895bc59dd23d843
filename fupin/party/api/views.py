"""The party API: organisations, members, their tags, development steps and service logs, and
the reorganisations' history. Scoping is the base viewsets'; every write is an action."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework.serializers import BaseSerializer

from fupin.lib.api import READ_WRITE, ScopedModelViewSet, ScopedReadOnlyViewSet
from fupin.party import actions
from fupin.party.api.serializers import (
    DevelopmentStepSerializer,
    MemberDetailSerializer,
    MemberSerializer,
    MemberTagSerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    ReorganisationSerializer,
    ServiceLogSerializer,
)
from fupin.party.filtersets import (
    DevelopmentStepFilterSet,
    MemberFilterSet,
    MemberTagFilterSet,
    OrganisationFilterSet,
    ReorganisationFilterSet,
    ServiceLogFilterSet,
)
from fupin.party.models import (
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ServiceLog,
    with_member_count,
)


@contextmanager
def coverage_errors() -> Iterator[None]:
    """The actions name an organisation's regions `region_codes`; the API calls the field
    `coverage`, so its errors are filed there."""
    try:
        yield
    except ValidationError as e:
        if not hasattr(e, "error_dict"):
            raise
        raise ValidationError(
            {("coverage" if k == "region_codes" else k): v for k, v in e.error_dict.items()}
        ) from None


class OrganisationViewSet(ScopedModelViewSet):
    """Party organisations that cover a region of the caller's subtree. One spanning several
    counties (a park committee) is seen by each county and changed only by the level above
    them all. `coverage` lists the codes of the covered regions. Merges and splits are
    recorded as reorganisations."""

    queryset = with_member_count(
        Organisation.objects.select_related("parent", "region", "secretary").prefetch_related(
            "coverage"
        )
    )
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    ordering_fields = ["name", "region", "level", "kind", "founded_on", "member_count"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_organisation
    object_arg = "organisation"

    def get_queryset(self) -> QuerySet[Organisation]:
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("children", "closed_by", "created_by")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return OrganisationDetailSerializer
        return OrganisationSerializer

    def perform_create(self, serializer: BaseSerializer[Organisation]) -> None:
        data = dict(serializer.validated_data)
        data.pop("secretary", None)  # refused by the serializer on a new organisation
        with coverage_errors():
            serializer.instance = actions.create_organisation(
                actor=self.request.user, region_codes=data.pop("region_codes"), **data
            )

    def perform_update(self, serializer: BaseSerializer[Organisation]) -> None:
        data = dict(serializer.validated_data)
        fields = {k: v for k, v in data.items() if k in actions.EDITABLE_ORGANISATION_FIELDS}
        with coverage_errors():
            serializer.instance = actions.update_organisation(
                actor=self.request.user,
                organisation=serializer.instance,  # type: ignore[arg-type]
                region_codes=data.get("region_codes"),
                **fields,
            )


class MemberViewSet(ScopedModelViewSet):
    """Party members, and people in development towards membership, living in the caller's
    subtree. ID numbers and phones are masked (and birth dates left out) for roles without
    personal data. `tags` lists the kinds of the current tags; the detail adds every tag and
    the development steps. A new `organisation` in a PATCH transfers the member."""

    queryset = Member.objects.select_related("organisation", "region").prefetch_related("tags")
    serializer_class = MemberSerializer
    filterset_class = MemberFilterSet
    # Not the ID number, birth date or phone: their order would tell what the mask hides.
    ordering_fields = ["name", "region", "organisation", "stage", "joined_on", "full_on", "status"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_member
    object_arg = "member"

    def get_queryset(self) -> QuerySet[Member]:
        qs = super().get_queryset()
        if self.action == "retrieve":
            qs = qs.prefetch_related("steps__recorded_by")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return MemberDetailSerializer if self.action == "retrieve" else MemberSerializer

    def perform_create(self, serializer: BaseSerializer[Member]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.register_member(
            actor=self.request.user,
            organisation=data.pop("organisation"),
            region_code=data.pop("region_id", None),
            **data,
        )

    def perform_update(self, serializer: BaseSerializer[Member]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.update_member(
            actor=self.request.user,
            member=serializer.instance,  # type: ignore[arg-type]
            region_code=data.pop("region_id", None),
            **data,
        )


class MemberTagViewSet(ScopedModelViewSet):
    """Programme tags of members (poor member, wealth leader, returnee…) with their dates. A
    tag is added or removed, not edited: a changed fact is a new tag from a new date."""

    queryset = MemberTag.objects.select_related("member")
    serializer_class = MemberTagSerializer
    filterset_class = MemberTagFilterSet
    ordering_fields = ["since", "until", "kind", "member"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    delete_action = actions.remove_tag
    object_arg = "tag"

    def perform_create(self, serializer: BaseSerializer[MemberTag]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.add_tag(
            actor=self.request.user, member=data.pop("member"), **data
        )


class DevelopmentStepViewSet(ScopedModelViewSet):
    """The development pipeline (发展党员): each step a member reached, when and approved by
    whom. A POST advances the member one stage; the action keeps the order and the minimum
    periods."""

    queryset = DevelopmentStep.objects.select_related("member", "recorded_by")
    serializer_class = DevelopmentStepSerializer
    filterset_class = DevelopmentStepFilterSet
    ordering_fields = ["on", "stage", "member"]
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[DevelopmentStep]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.record_step(
            actor=self.request.user, member=data.pop("member"), **data
        )


class ServiceLogViewSet(ScopedModelViewSet):
    """Services of members to villages of the caller's subtree: a migrant member's help from
    afar (information, jobs, produce sales by phone, QQ or WeChat), a no-post member's
    volunteer or post duty."""

    queryset = ServiceLog.objects.select_related("member", "village", "recorded_by")
    serializer_class = ServiceLogSerializer
    filterset_class = ServiceLogFilterSet
    ordering_fields = ["on", "kind", "channel", "village"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    delete_action = actions.delete_service
    object_arg = "service"

    def perform_create(self, serializer: BaseSerializer[ServiceLog]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = actions.record_service(
            actor=self.request.user,
            member=data.pop("member"),
            village_code=data.pop("village_id"),
            **data,
        )


class ReorganisationViewSet(ScopedReadOnlyViewSet):
    """Merges and splits that touched a region of the caller's subtree: the organisations
    closed, those created, the members moved. Recorded by the reorganise action (pages, CLI)."""

    queryset = Reorganisation.objects.select_related("recorded_by").prefetch_related(
        "sources", "successors", "regions"
    )
    serializer_class = ReorganisationSerializer
    filterset_class = ReorganisationFilterSet
    ordering_fields = ["on", "members_moved"]
