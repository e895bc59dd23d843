"""Serializers of the pairing API. They parse and show; every write goes through the actions
(fupin/pairing/actions.py), which decide whether it may be saved and audit it.

Helpers' and beneficiaries' ID numbers and phones are masked unless the caller may see
personal data where the person lives (fupin/lib/tables.py holds the masks)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fupin.accounts.models import User
from fupin.accounts.roles import Action
from fupin.lib.serializers import ImmutableOnUpdate, ScopedRelatedField, amount, caller
from fupin.lib.tables import personal
from fupin.pairing.actions import MEASURE_FIELDS, PLAN_FIELDS
from fupin.pairing.choices import Skill
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
from fupin.party.models import Member
from fupin.registry.models import Household


class LoginField(ScopedRelatedField):
    """A login among the users the caller manages (a helper's own pages open with it)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(model=User, scope_action=Action.MANAGE_USERS, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        # A user holding two grants in the caller's subtree is one user, not two rows.
        return super().get_queryset().distinct()


# --- helpers ------------------------------------------------------------------------------


class HelperSerializer(ImmutableOnUpdate, serializers.ModelSerializer[Helper]):
    """A helper: the party member, where they work, their expertise (skill codes), whether they
    lead, their login, and their current load (primary and secondary pairings)."""

    immutable = ("member",)

    member = ScopedRelatedField(model=Member, scope_action=Action.VIEW)
    member_name = serializers.CharField(source="member.name", read_only=True)
    id_number = serializers.CharField(source="member.id_number", read_only=True)
    phone = serializers.CharField(source="member.phone", read_only=True)
    # Where the helper works: a village, township, county or city; the member's village
    # when not given.
    region = serializers.CharField(source="region_id", max_length=12, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True)
    expertise = serializers.ListField(
        source="skills", child=serializers.ChoiceField(choices=Skill.choices), required=False
    )
    user = LoginField(required=False, allow_null=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None)
    primary_load = serializers.IntegerField(read_only=True, default=0)
    secondary_load = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Helper
        fields = [
            "id",
            "member",
            "member_name",
            "id_number",
            "phone",
            "region",
            "region_name",
            "county_code",
            "expertise",
            "is_leader",
            "active",
            "user",
            "username",
            "primary_load",
            "secondary_load",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["county_code", "created_at", "updated_at"]

    def to_representation(self, instance: Helper) -> Any:
        data = super().to_representation(instance)
        user, village = caller(self), instance.member.region_id
        for name in ("id_number", "phone"):
            data[name] = personal(user, village, name, data[name], record=instance)
        return data


# --- pairings -----------------------------------------------------------------------------


class BeneficiaryMixin:
    """A household or a poor party member (one of the two), by id; the name and contact
    phone shown (the phone masked as personal data)."""

    @extend_schema_field(serializers.CharField())
    def get_beneficiary_name(self, obj: Pairing | Visit) -> str:
        if obj.member_id is not None:
            return obj.member.name  # type: ignore[union-attr]
        return str(obj.household)

    @extend_schema_field(serializers.CharField())
    def get_beneficiary_phone(self, obj: Pairing | Visit) -> str:
        beneficiary: Any = obj.member if obj.member_id is not None else obj.household
        return personal(caller(self), obj.region_id, "phone", beneficiary.phone, record=obj)


class PairingSerializer(BeneficiaryMixin, serializers.ModelSerializer[Pairing]):
    """A helper paired with a household or a poor party member. Made by `pair`, ended by the
    `end` action (a pairing that happened is ended, not changed)."""

    helper = ScopedRelatedField(model=Helper, scope_action=Action.VIEW)
    helper_name = serializers.CharField(source="helper.member.name", read_only=True)
    helper_phone = serializers.SerializerMethodField()
    household = ScopedRelatedField(
        model=Household, scope_action=Action.VIEW, required=False, allow_null=True
    )
    member = ScopedRelatedField(
        model=Member, scope_action=Action.VIEW, required=False, allow_null=True
    )
    beneficiary_name = serializers.SerializerMethodField()
    beneficiary_phone = serializers.SerializerMethodField()
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    current = serializers.BooleanField(read_only=True)
    made_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Pairing
        fields = [
            "id",
            "helper",
            "helper_name",
            "helper_phone",
            "household",
            "member",
            "beneficiary_name",
            "beneficiary_phone",
            "region",
            "region_name",
            "county_code",
            "kind",
            "started_on",
            "ended_on",
            "current",
            "source",
            "made_by",
            "created_at",
        ]
        read_only_fields = ["county_code", "ended_on", "source", "created_at"]
        # One current primary helper per beneficiary is the action's to check.
        validators: list[Any] = []

    @extend_schema_field(serializers.CharField())
    def get_helper_phone(self, pairing: Pairing) -> str:
        member = pairing.helper.member
        return personal(caller(self), member.region_id, "phone", member.phone, record=pairing)


class EndPairingSerializer(serializers.Serializer[Any]):
    """When the pairing ended: today when not given."""

    ended_on = serializers.DateField(required=False, allow_null=True)


# --- plans and measures -------------------------------------------------------------------


class MeasureSerializer(ImmutableOnUpdate, serializers.ModelSerializer[Measure]):
    """One measure of a household plan. Marking one main unmarks the plan's others."""

    immutable = ("plan",)

    # Measures are added to plans the caller may change.
    plan = ScopedRelatedField(model=HouseholdPlan, scope_action=Action.CHANGE)
    cost = amount(min_value=0, required=False)

    class Meta:
        model = Measure
        fields = ["id", "plan", "region_code", "county_code", *MEASURE_FIELDS]
        read_only_fields = ["region_code", "county_code"]


class MeasureInPlanSerializer(MeasureSerializer):
    class Meta(MeasureSerializer.Meta):
        fields = ["id", *MEASURE_FIELDS]
        read_only_fields = fields


class HouseholdPlanSerializer(ImmutableOnUpdate, serializers.ModelSerializer[HouseholdPlan]):
    """A household's plan for a year (一户一策) in its five sections; the measures are written
    through /measures/."""

    immutable = ("household",)

    household = ScopedRelatedField(model=Household, scope_action=Action.VIEW)
    household_name = serializers.CharField(source="household.__str__", read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    measures = MeasureInPlanSerializer(many=True, read_only=True)

    class Meta:
        model = HouseholdPlan
        fields = [
            "id",
            "household",
            "household_name",
            "region",
            "region_name",
            "county_code",
            *PLAN_FIELDS,
            "measures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["county_code", "created_at", "updated_at"]
        # One plan per household and year is the action's to check.
        validators: list[Any] = []


# --- visits -------------------------------------------------------------------------------


class VisitSerializer(ImmutableOnUpdate, BeneficiaryMixin, serializers.ModelSerializer[Visit]):
    """A helper's visit to a beneficiary they are paired with. A helper signed in may leave
    `helper` out: the visit is theirs."""

    immutable = ("helper", "household", "member")

    helper = ScopedRelatedField(model=Helper, scope_action=Action.VIEW, required=False)
    helper_name = serializers.CharField(source="helper.member.name", read_only=True)
    household = ScopedRelatedField(
        model=Household, scope_action=Action.VIEW, required=False, allow_null=True
    )
    member = ScopedRelatedField(
        model=Member, scope_action=Action.VIEW, required=False, allow_null=True
    )
    beneficiary_name = serializers.SerializerMethodField()
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "helper",
            "helper_name",
            "household",
            "member",
            "beneficiary_name",
            "region",
            "region_name",
            "county_code",
            "visited_on",
            "done",
            "follow_ups",
            "created_at",
        ]
        read_only_fields = ["county_code", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and attrs.get("helper") is None:
            own = Helper.objects.filter(user=caller(self)).first() if caller(self) else None
            if own is None:
                raise serializers.ValidationError(
                    {"helper": [self.fields["helper"].error_messages["required"]]}
                )
            attrs["helper"] = own
        return attrs


# --- cap rules ----------------------------------------------------------------------------


class CapRuleSerializer(ImmutableOnUpdate, serializers.ModelSerializer[CapRule]):
    """How many beneficiaries a helper of the region's subtree may take: primary, primary for a
    leader, secondary. Setting a region's rule again replaces it."""

    immutable = ("region",)

    region = serializers.CharField(source="region_id", max_length=12)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = CapRule
        fields = ["id", "region", "region_name", "primary_cap", "leader_cap", "secondary_cap"]
        # One rule per region: setting it again replaces it (the action's to do).
        validators: list[Any] = []


# --- proposals ----------------------------------------------------------------------------


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """What the optimiser proposed for a region: the figures (`summary`: beneficiaries,
    assigned, unassigned, cost before and after, load histogram), and whether it was applied
    or discarded, when and by whom."""

    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    created_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    decided_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "region",
            "region_name",
            "rebalance",
            "status",
            "summary",
            "created_by",
            "created_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class ProposalItemSerializer(serializers.ModelSerializer[ProposalItem]):
    """One beneficiary whose primary helper the proposal changes (`change`: new or changed),
    or who stays unassigned (with the reason, and in `nearest` the names of the nearest helpers
    in reach, all at their cap). `id` is the household's or the member's, as `kind` says; `old`
    and `new` are helpers' ids."""

    kind = serializers.ChoiceField(choices=["household", "member"], read_only=True)
    id = serializers.IntegerField(source="beneficiary_id", read_only=True)
    village = serializers.CharField(source="region_code", read_only=True)
    old = serializers.IntegerField(source="old_helper_id", allow_null=True, read_only=True)
    new = serializers.IntegerField(source="new_helper_id", allow_null=True, read_only=True)
    reason = serializers.ChoiceField(
        choices=["", "no_helper_in_reach", "helpers_at_cap"], read_only=True
    )

    class Meta:
        model = ProposalItem
        fields = [
            "kind",
            "id",
            "name",
            "village",
            "old",
            "old_name",
            "new",
            "new_name",
            "reason",
            "nearest",
            "change",
        ]
        read_only_fields = fields


class ProposalDetailSerializer(ProposalSerializer):
    """A proposal with the address of its items (`items_url`, paged: a province's run to
    hundreds of thousands), the diff to review before applying it."""

    items_url = serializers.HyperlinkedIdentityField(view_name="api:proposal-items")

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "items_url"]
        read_only_fields = fields


class AppliedProposalSerializer(ProposalDetailSerializer):
    """A proposal just applied, with how many pairings it made."""

    made = serializers.IntegerField(read_only=True)

    class Meta(ProposalDetailSerializer.Meta):
        fields = [*ProposalDetailSerializer.Meta.fields, "made"]
        read_only_fields = fields
