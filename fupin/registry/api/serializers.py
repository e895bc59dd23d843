"""Serializers of the registry API. Money and land are `HundredthsField`s (integers of hundredths
in the database), declared here as two-place decimals; writes go through the actions."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fupin.accounts.roles import Action
from fupin.accounts.scoping import sees_personal_data
from fupin.lib.serializers import PersonalDataMixin, amount, year
from fupin.registry.actions import EDITABLE_HOUSEHOLD_FIELDS
from fupin.registry.choices import Sex, Status
from fupin.registry.models import (
    PERSON_FACTS,
    Household,
    IncomeRecord,
    Person,
    PovertyLine,
    StatusChange,
)


class PersonSerializer(PersonalDataMixin, serializers.ModelSerializer[Person]):
    personal_fields = ("id_number",)
    village_attr = "village_code"

    household = serializers.PrimaryKeyRelatedField(queryset=Household.objects.none())
    # Sex and birth date are read from the ID number; when sent, they must agree with it.
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    birth_date = serializers.DateField(required=False, allow_null=True)
    birth_year = serializers.SerializerMethodField()
    # Facts left out or sent as null ("" for a choice) are 未填报 (not reported).
    work_months = serializers.IntegerField(
        min_value=0, max_value=12, required=False, allow_null=True
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "household",
            "village_code",
            "name",
            "id_number",
            "relation",
            "sex",
            "birth_date",
            "birth_year",
            *PERSON_FACTS,
        ]
        read_only_fields = ["village_code"]
        # Uniqueness (of the ID number, of a household number in its village, of a year's
        # line) is the actions' to check, with their own messages.
        validators: list[Any] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "household" in self.fields:
            # Members are added only to households the caller may change; any other answers
            # as if it did not exist.
            self.fields["household"].queryset = Household.objects.for_user(  # type: ignore[attr-defined]
                request.user, Action.CHANGE
            )

    @extend_schema_field(serializers.IntegerField())
    def get_birth_year(self, person: Person) -> int:
        return person.birth_date.year

    def validate_household(self, household: Household) -> Household:
        if self.instance is not None and household.pk != self.instance.household_id:
            raise serializers.ValidationError(_("A member cannot be moved to another household."))
        return household

    def to_representation(self, instance: Person) -> Any:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not sees_personal_data(getattr(request, "user", None), instance, instance.village_code):
            # The full date would give back the digits the ID mask hides; the year stays.
            data["birth_date"] = None
        return data


class MemberSerializer(PersonSerializer):
    """A member inside a household's detail (read-only)."""

    class Meta(PersonSerializer.Meta):
        fields = [f for f in PersonSerializer.Meta.fields if f not in ("household", "village_code")]
        read_only_fields = fields


class StatusChangeSerializer(serializers.ModelSerializer[StatusChange]):
    recorded_by: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = StatusChange
        fields = ["id", "year", "status", "reason", "approved_by", "recorded_by", "recorded_at"]
        read_only_fields = fields


class IncomeRecordSerializer(serializers.ModelSerializer[IncomeRecord]):
    wage = amount(read_only=True)
    production = amount(read_only=True)
    property_income = amount(read_only=True)
    transfer = amount(read_only=True)
    costs = amount(read_only=True)
    per_capita = amount(read_only=True)

    class Meta:
        model = IncomeRecord
        fields = [
            "year",
            "wage",
            "production",
            "property_income",
            "transfer",
            "costs",
            "members",
            "per_capita",
        ]
        read_only_fields = fields


class HouseholdSerializer(PersonalDataMixin, serializers.ModelSerializer[Household]):
    personal_fields = ("phone", "bank_account")

    village = serializers.CharField(source="village_id", max_length=12)
    village_name = serializers.CharField(source="village.name", read_only=True)
    arable_land = amount(min_value=0, required=False, allow_null=True)
    registered_in = year()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = [
            "id",
            "village",
            "village_name",
            "county_code",
            *EDITABLE_HOUSEHOLD_FIELDS,
            "status",
            "member_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["county_code", "status", "created_at", "updated_at"]
        validators: list[Any] = []

    @extend_schema_field(serializers.IntegerField())
    def get_member_count(self, household: Household) -> int:
        count = getattr(household, "member_count", None)
        return household.members.count() if count is None else count

    def validate_village(self, village: str) -> str:
        if self.instance is not None and village != self.instance.village_id:
            raise serializers.ValidationError(
                _("A household cannot be moved to another village; delete and register it again.")
            )
        return village


class HouseholdDetailSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, read_only=True)
    history = StatusChangeSerializer(many=True, read_only=True)
    incomes = IncomeRecordSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "members", "history", "incomes"]


class StatusInputSerializer(serializers.Serializer):
    """A status change to record (POST …/households/{id}/status/)."""

    year = year()
    # Every status is a choice (one enum in the schema); the action refuses the wrong steps.
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    approved_by = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )


class IncomeInputSerializer(serializers.Serializer):
    """A year's income to record (POST …/households/{id}/income/); it replaces that year's."""

    year = year()
    wage = amount(required=False, default=0)
    production = amount(required=False, default=0)
    property_income = amount(required=False, default=0)
    transfer = amount(required=False, default=0)
    costs = amount(required=False, default=0)


class PovertyLineSerializer(serializers.ModelSerializer[PovertyLine]):
    province = serializers.CharField(source="province_id", max_length=2)
    year = year()
    amount = amount()

    class Meta:
        model = PovertyLine
        fields = ["id", "province", "year", "amount"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        line = self.instance
        if line is not None:
            for name, current in (("province_id", line.province_id), ("year", line.year)):
                if name in attrs and attrs[name] != current:
                    raise serializers.ValidationError(
                        {
                            name.removesuffix("_id"): _(
                                "Set the line of another year or province with a new POST."
                            )
                        }
                    )
        return attrs


class QualityWarningSerializer(serializers.Serializer[Any]):
    """One finding of the data checks: which check, which household, what is wrong."""

    check = serializers.CharField()
    # A field named like Field.label (a str attribute), which DRF's metaclass takes as a field.
    label = serializers.CharField()  # type: ignore[assignment]
    household_id = serializers.IntegerField()
    village_code = serializers.CharField()
    household_number = serializers.CharField()
    message = serializers.CharField()


class QualityReportSerializer(serializers.Serializer[Any]):
    """The data checks of a region: households found by each check, and the first findings."""

    region = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    warnings = QualityWarningSerializer(many=True)
