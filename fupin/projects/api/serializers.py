"""Serializers of the projects API. They parse and show; every write goes through the actions
(fupin/projects/actions/), which decide whether it may be saved and audit it.

A participant's ID number and phone (the registered person's, the household's) and an
industry household's phone are masked unless the caller may see personal data where they live
(fupin/lib/tables.py holds the masks)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fupin.accounts.roles import Action
from fupin.lib.serializers import CodesField, ImmutableOnUpdate, ScopedRelatedField, caller
from fupin.lib.serializers import amount as money
from fupin.lib.tables import personal
from fupin.party.models import Member, Organisation
from fupin.projects.models import (
    Approval,
    Delivery,
    DividendPayout,
    DividendRun,
    Investment,
    Participant,
    Partner,
    Project,
    ProjectYear,
    PurchaseContract,
)
from fupin.registry.models import Household, Person


def percent(**kwargs: Any) -> serializers.DecimalField:
    # The upper bound (100, and the reserve and collective together) is the action's to check.
    return serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, **kwargs)


# --- partners -----------------------------------------------------------------------------


class PartnerSerializer(serializers.ModelSerializer[Partner]):
    """A leading enterprise (with its unified social credit code) or an industry household,
    where it is based, the villages it serves and the projects it supports."""

    region = serializers.CharField(source="region_id", max_length=12)
    region_name = serializers.CharField(source="region.name", read_only=True)
    villages = CodesField(rows="villages", source="village_codes", required=False)
    projects: serializers.PrimaryKeyRelatedField[Project] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )

    class Meta:
        model = Partner
        fields = [
            "id",
            "kind",
            "name",
            "credit_code",
            "region",
            "region_name",
            "county_code",
            "industry",
            "contact",
            "phone",
            "villages",
            "projects",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["county_code", "created_at", "updated_at"]
        # The credit code's uniqueness is the action's to check, with its own message.
        validators: list[Any] = []
        extra_kwargs: dict[str, Any] = {"credit_code": {"validators": []}}

    def to_representation(self, instance: Partner) -> Any:
        data = super().to_representation(instance)
        if "phone" in data:
            data["phone"] = personal(
                caller(self), instance.region_id, "phone", data["phone"], record=instance
            )
        return data


# --- projects -----------------------------------------------------------------------------


class InvestmentSerializer(serializers.ModelSerializer[Investment]):
    amount = money(read_only=True)

    class Meta:
        model = Investment
        fields = ["id", "source", "amount", "invested_on"]
        read_only_fields = fields


class ProjectYearSerializer(serializers.ModelSerializer[ProjectYear]):
    output_value = money(read_only=True)
    wages_paid = money(read_only=True)

    class Meta:
        model = ProjectYear
        fields = ["year", "output_value", "jobs", "wages_paid"]
        read_only_fields = fields


class ApprovalSerializer(serializers.ModelSerializer[Approval]):
    by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Approval
        fields = ["stage", "done_on", "by", "note"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[Project]):
    """A demonstration industry project: type, how it was set up, the villages it covers
    (`villages`, codes), its leading party members and organisation, partners, land, start
    date, approval stage (moved on by the `advance` action) and charter."""

    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    villages = CodesField(rows="coverage", source="village_codes")
    leaders = ScopedRelatedField(model=Member, scope_action=Action.VIEW, many=True, required=False)
    leader_names = serializers.SerializerMethodField()
    organisation = ScopedRelatedField(
        model=Organisation, scope_action=Action.VIEW, required=False, allow_null=True
    )
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None
    )
    partners = ScopedRelatedField(
        model=Partner, scope_action=Action.VIEW, many=True, required=False
    )
    land_mu = money(min_value=0, required=False)
    share_price = money(required=False)
    land_price = money(min_value=0, required=False)
    reserve_percent = percent(required=False)
    collective_percent = percent(required=False)
    preferred_rate = percent(required=False)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "type",
            "setup",
            "region",
            "region_name",
            "villages",
            "leaders",
            "leader_names",
            "organisation",
            "organisation_name",
            "partners",
            "product",
            "land_mu",
            "started_on",
            "stage",
            "share_price",
            "land_price",
            "reserve_percent",
            "collective_percent",
            "preferred_rate",
            "shortfall_rule",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["stage", "created_at", "updated_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_leader_names(self, project: Project) -> list[str]:
        return [m.name for m in project.leaders.all()]


class ProjectDetailSerializer(ProjectSerializer):
    """A project with its investments by source, its yearly figures and its approval steps."""

    investments = InvestmentSerializer(many=True, read_only=True)
    years = ProjectYearSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "investments", "years", "approvals"]


class AdvanceSerializer(serializers.Serializer[Any]):
    """The next approval step, when it was taken (today when not given), and a note."""

    stage = serializers.CharField()
    done_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


# --- participants -------------------------------------------------------------------------


class ParticipantSerializer(ImmutableOnUpdate, serializers.ModelSerializer[Participant]):
    """A household or a person in a project as shareholder, worker or trainee. The name,
    village and whether registered poor come from the household or person when given; a
    participant with neither (a non-poor villager) gives `name` and `region`."""

    immutable = ("project", "household", "person", "region")

    project = ScopedRelatedField(model=Project, scope_action=Action.VIEW)
    project_name = serializers.CharField(source="project.name", read_only=True)
    household = ScopedRelatedField(
        model=Household, scope_action=Action.VIEW, required=False, allow_null=True
    )
    person = ScopedRelatedField(
        model=Person, scope_action=Action.VIEW, required=False, allow_null=True
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(source="region_id", max_length=12, required=False)
    region_name = serializers.CharField(source="region.name", read_only=True)
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Participant
        fields = [
            "id",
            "project",
            "project_name",
            "household",
            "person",
            "name",
            "id_number",
            "phone",
            "region",
            "region_name",
            "county_code",
            "is_poor",
            "is_shareholder",
            "is_worker",
            "is_trainee",
            "joined_on",
            "left_on",
        ]
        read_only_fields = ["county_code", "is_poor"]
        # Once per project is the action's to check.
        validators: list[Any] = []

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, participant: Participant) -> str:
        """The registered person's ID number; "" for a household or a named participant."""
        person = participant.person
        number = person.id_number if person is not None else ""
        return personal(
            caller(self), participant.region_id, "id_number", number, record=participant
        )

    @extend_schema_field(serializers.CharField())
    def get_phone(self, participant: Participant) -> str:
        """The household's contact phone; "" without a household."""
        household = participant.household
        phone = household.phone if household is not None else ""
        return personal(caller(self), participant.region_id, "phone", phone, record=participant)


# --- dividend runs ------------------------------------------------------------------------


class DividendPayoutSerializer(serializers.ModelSerializer[DividendPayout]):
    """One shareholder's dividend: shares held, preferred, ordinary and total, to the fen."""

    name = serializers.CharField(source="participant.name", read_only=True)
    shares = money(read_only=True)
    preferred = money(read_only=True)
    ordinary = money(read_only=True)
    total = money(read_only=True)

    class Meta:
        model = DividendPayout
        fields = ["id", "participant", "name", "shares", "preferred", "ordinary", "total"]
        read_only_fields = fields


RUN_AMOUNTS = (
    "profit",
    "reserve",
    "reserve_drawn",
    "collective",
    "preferred_total",
    "ordinary_total",
    "shortfall",
    "distributed",
)


class DividendRunSerializer(serializers.ModelSerializer[DividendRun]):
    """A distribution of a project's profit for a period: the pool's parts, the shortfall of
    the guarantee, the charter as it stood, and where it stands (proposed, approved,
    recorded). The payouts are at /dividend-runs/{id}/payouts/ and in the detail."""

    project_name = serializers.CharField(source="project.name", read_only=True)
    # The project's region (the smallest holding its villages), for lists and rollups.
    region = serializers.CharField(source="project.region_id", read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    reverses: serializers.PrimaryKeyRelatedField[DividendRun] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    proposed_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    approved_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = DividendRun
        fields = [
            "id",
            "project",
            "project_name",
            "region",
            "period_start",
            "period_end",
            "period",
            "status",
            *RUN_AMOUNTS,
            "reserve_percent",
            "collective_percent",
            "preferred_rate",
            "shortfall_rule",
            "reverses",
            "note",
            "proposed_by",
            "approved_by",
            "approved_at",
            "recorded_by",
            "recorded_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        for name in RUN_AMOUNTS:
            fields[name] = money(read_only=True)
        return fields


class DividendRunDetailSerializer(DividendRunSerializer):
    payouts = DividendPayoutSerializer(many=True, read_only=True)

    class Meta(DividendRunSerializer.Meta):
        fields = [*DividendRunSerializer.Meta.fields, "payouts"]
        read_only_fields = fields


class RunPeriodSerializer(serializers.Serializer[Any]):
    """A project (one the caller sees), a period and the distributable profit of it."""

    project = ScopedRelatedField(model=Project, scope_action=Action.VIEW)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    profit = money()


class ProposeRunSerializer(RunPeriodSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PreviewPayoutSerializer(serializers.Serializer[Any]):
    shareholder = serializers.IntegerField(help_text="The participant's id.")
    shares = money()
    preferred = money()
    ordinary = money()
    total = money()


class PreviewSerializer(serializers.Serializer[Any]):
    """What a run would pay, nothing saved: the pool and its parts, the shortfall of the
    guarantee, and each shareholder's dividend (amounts as decimal strings)."""

    pool = money()
    reserve = money()
    reserve_drawn = money()
    collective = money()
    shortfall = money()
    preferred_total = money()
    ordinary_total = money()
    payouts = PreviewPayoutSerializer(many=True)


class ReverseRunSerializer(serializers.Serializer[Any]):
    """Why the run is reversed."""

    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


# --- purchase contracts -------------------------------------------------------------------


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    quantity = money(read_only=True)
    amount = money(read_only=True)

    class Meta:
        model = Delivery
        fields = ["id", "delivered_on", "quantity", "amount"]
        read_only_fields = fields


class PurchaseContractSerializer(ImmutableOnUpdate, serializers.ModelSerializer[PurchaseContract]):
    """A purchase contract (订单扶贫): the buyer and where it is, the product, quantity, unit,
    price, period and status, with its deliveries (read here)."""

    immutable = ("project",)

    project = ScopedRelatedField(model=Project, scope_action=Action.VIEW)
    project_name = serializers.CharField(source="project.name", read_only=True)
    region = serializers.CharField(source="project.region_id", read_only=True)
    quantity = money()
    price = money()
    value = money(read_only=True)
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta:
        model = PurchaseContract
        fields = [
            "id",
            "project",
            "project_name",
            "region",
            "buyer",
            "buyer_place",
            "product",
            "quantity",
            "unit",
            "price",
            "value",
            "starts_on",
            "ends_on",
            "status",
            "deliveries",
            "created_at",
        ]
        read_only_fields = ["created_at"]
