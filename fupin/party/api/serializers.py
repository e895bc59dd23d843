"""Serializers of the party API. They parse and show; every write goes through the actions
(fupin/party/actions.py), which decide whether it may be saved and audit it."""

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from fupin.accounts.roles import Action
from fupin.accounts.scoping import sees_personal_data
from fupin.lib.serializers import CodesField, PersonalDataMixin, ScopedRelatedField
from fupin.party.actions import MEMBER_FIELDS, TAG_FIELDS
from fupin.party.checks import warnings_for
from fupin.party.models import (
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ServiceLog,
)
from fupin.registry.choices import Sex


class OrganisationSerializer(serializers.ModelSerializer[Organisation]):
    # DRF takes declared fields off the class, so this `parent` does not shadow Field.parent.
    parent = ScopedRelatedField(  # type: ignore[assignment]
        model=Organisation, scope_action=Action.VIEW, required=False, allow_null=True
    )
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    # The regions it covers (a village branch one village, a park committee several), handed to
    # the actions as `region_codes`.
    coverage = CodesField(rows="coverage", source="region_codes")
    secretary = ScopedRelatedField(
        model=Member, scope_action=Action.VIEW, required=False, allow_null=True
    )
    secretary_name = serializers.CharField(source="secretary.name", read_only=True, default=None)
    member_count = serializers.SerializerMethodField()
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "level",
            "kind",
            "parent",
            "parent_name",
            "region",
            "region_name",
            "coverage",
            "founded_on",
            "closed_on",
            "is_open",
            "secretary",
            "secretary_name",
            "committee_members",
            "note",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["closed_on", "created_at", "updated_at"]
        # Uniqueness and coverage are the actions' to check, with their own messages.
        validators: list[Any] = []

    @extend_schema_field(serializers.IntegerField())
    def get_member_count(self, organisation: Organisation) -> int:
        """Members proper and people in development, all of them (a count, not the records:
        a park committee's count includes members the caller's county does not see)."""
        count = getattr(organisation, "member_count", None)
        return organisation.members.count() if count is None else count

    def validate_secretary(self, secretary: Member | None) -> Member | None:
        if self.instance is None and secretary is not None:
            raise serializers.ValidationError(
                _("Choose the secretary once the organisation has members.")
            )
        return secretary


class OrganisationDetailSerializer(OrganisationSerializer):
    """An organisation with its subordinate organisations, its reorganisations and the
    warnings of the branch rules (fupin/party/checks.py)."""

    children = serializers.SerializerMethodField()
    # The reorganisations that closed it and that created it.
    closed_by: serializers.PrimaryKeyRelatedField[Reorganisation] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    created_by: serializers.PrimaryKeyRelatedField[Reorganisation] = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    warnings = serializers.SerializerMethodField()

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields,
            "children",
            "closed_by",
            "created_by",
            "warnings",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_children(self, organisation: Organisation) -> list[dict[str, Any]]:
        return [
            {"id": child.pk, "name": child.name, "is_open": child.is_open}
            for child in organisation.children.all()
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, organisation: Organisation) -> list[str]:
        return warnings_for([organisation]).get(organisation.pk, [])


# The registry's MemberSerializer (a household's member) holds the name "Member" in the schema.
@extend_schema_serializer(component_name="PartyMember")
class MemberSerializer(PersonalDataMixin, serializers.ModelSerializer[Member]):
    """A member's form. ID number and phone are masked, and the birth date (which would give
    back the digits the mask hides) left out, unless the caller may see personal data in the
    member's region."""

    personal_fields: ClassVar[tuple[str, ...]] = ("id_number", "phone")
    village_attr: ClassVar[str] = "region_id"

    organisation = ScopedRelatedField(model=Organisation, scope_action=Action.VIEW)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    # Where the member lives; it defaults to the organisation's only covered region.
    region = serializers.CharField(source="region_id", max_length=12, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True)
    # Sex and birth date are read from the ID number; when sent, they must agree with it.
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Member
        fields = [
            "id",
            *MEMBER_FIELDS,
            "organisation_name",
            "region_name",
            "county_code",
            "birth_year",
            "person",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["county_code", "person", "created_at", "updated_at"]
        validators: list[Any] = []

    @extend_schema_field(serializers.IntegerField())
    def get_birth_year(self, member: Member) -> int:
        return member.birth_date.year

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, member: Member) -> list[str]:
        """The kinds of the member's current tags (from the prefetched tags)."""
        return sorted({t.kind for t in member.tags.all() if t.current})

    def to_representation(self, instance: Member) -> Any:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not sees_personal_data(getattr(request, "user", None), instance, instance.region_id):
            data["birth_date"] = None
        return data


class MemberTagSerializer(serializers.ModelSerializer[MemberTag]):
    # Tags are added to members the caller may change.
    member = ScopedRelatedField(model=Member, scope_action=Action.CHANGE)
    member_name = serializers.CharField(source="member.name", read_only=True)
    current = serializers.BooleanField(read_only=True)

    class Meta:
        model = MemberTag
        fields = ["id", "member", "member_name", "region_code", *TAG_FIELDS, "current"]
        read_only_fields = ["region_code"]


class DevelopmentStepSerializer(serializers.ModelSerializer[DevelopmentStep]):
    member = ScopedRelatedField(model=Member, scope_action=Action.CHANGE)
    member_name = serializers.CharField(source="member.name", read_only=True)
    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = DevelopmentStep
        fields = [
            "id",
            "member",
            "member_name",
            "region_code",
            "stage",
            "on",
            "approved_by",
            "contacts",
            "recorded_by",
        ]
        read_only_fields = ["region_code"]
        # One step per stage is the action's to check (it says which step comes next).
        validators: list[Any] = []


class DevelopmentStepInMemberSerializer(DevelopmentStepSerializer):
    class Meta(DevelopmentStepSerializer.Meta):
        fields = ["id", "stage", "on", "approved_by", "contacts", "recorded_by"]
        read_only_fields = fields


class MemberTagInMemberSerializer(MemberTagSerializer):
    class Meta(MemberTagSerializer.Meta):
        fields = ["id", *TAG_FIELDS, "current"]
        read_only_fields = fields


@extend_schema_serializer(component_name="PartyMemberDetail")
class MemberDetailSerializer(MemberSerializer):
    """A member with every tag (past ones too) and the steps of their development."""

    tag_history = MemberTagInMemberSerializer(source="tags", many=True, read_only=True)
    steps = DevelopmentStepInMemberSerializer(many=True, read_only=True)

    class Meta(MemberSerializer.Meta):
        fields = [*MemberSerializer.Meta.fields, "tag_history", "steps"]


class ServiceLogSerializer(serializers.ModelSerializer[ServiceLog]):
    # A migrant member serves their home village from afar: the caller sees the member and
    # may change the village (the action checks the village).
    member = ScopedRelatedField(model=Member, scope_action=Action.VIEW)
    member_name = serializers.CharField(source="member.name", read_only=True)
    village = serializers.CharField(source="village_id", max_length=12)
    village_name = serializers.CharField(source="village.name", read_only=True)
    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = ServiceLog
        fields = [
            "id",
            "member",
            "member_name",
            "village",
            "village_name",
            "county_code",
            "on",
            "kind",
            "channel",
            "note",
            "recorded_by",
        ]
        read_only_fields = ["county_code"]


class OrganisationRefSerializer(serializers.ModelSerializer[Organisation]):
    class Meta:
        model = Organisation
        fields = ["id", "name", "level", "kind"]
        read_only_fields = fields


class ReorganisationSerializer(serializers.ModelSerializer[Reorganisation]):
    """A merge or split: the organisations it closed, those it created, the regions touched."""

    sources = OrganisationRefSerializer(many=True, read_only=True)
    successors = OrganisationRefSerializer(many=True, read_only=True)
    regions = serializers.SerializerMethodField()
    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Reorganisation
        fields = [
            "id",
            "on",
            "note",
            "sources",
            "successors",
            "members_moved",
            "regions",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_regions(self, reorganisation: Reorganisation) -> list[str]:
        return sorted(r.region_id for r in reorganisation.regions.all())
