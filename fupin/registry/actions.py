"""Every write to the registry. Pages, API, CLI, the import and the demo call these.

Each is atomic and writes its AuditEvent. ID numbers in audit snapshots are masked: the
audit log is shown to auditors, who must not see them; the row id identifies the person.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, regions_in_scope, require
from fupin.audit.actions import audited_delete, audited_update, check_known
from fupin.audit.log import acting_user, record, snapshot
from fupin.lib.bulk import update_rows
from fupin.lib.deletion import delete_or_explain
from fupin.lib.fields import cents
from fupin.lib.ids import mask_account, mask_id, mask_phone
from fupin.regions.choices import Level
from fupin.regions.models import Region
from fupin.registry.choices import Relation, Status
from fupin.registry.models import (
    PERSON_FACTS,
    Household,
    IncomeRecord,
    Person,
    PovertyLine,
    StatusChange,
)
from fupin.registry.rules import NEXT_STATUS, check_causes, check_person_id, check_year, per_capita

HOUSEHOLD_FIELDS = [
    "village",
    "number",
    "standard",
    "attribute",
    "main_cause",
    "other_cause_1",
    "other_cause_2",
    "phone",
    "bank_account",
    "arable_land",
    "housing",
    "safe_water",
    "electricity",
    "road_access",
    "registered_in",
    "status",
]
PERSON_FIELDS = ["name", "id_number", "relation", "sex", "birth_date", *PERSON_FACTS]
EDITABLE_HOUSEHOLD_FIELDS = [f for f in HOUSEHOLD_FIELDS if f not in ("village", "status")]


def household_snapshot(household: Household) -> dict[str, Any]:
    data = snapshot(household, HOUSEHOLD_FIELDS)
    data["phone"] = mask_phone(household.phone) if household.phone else ""
    data["bank_account"] = mask_account(household.bank_account) if household.bank_account else ""
    return data


def person_snapshot(person: Person) -> dict[str, Any]:
    data = snapshot(person, PERSON_FIELDS)
    # The masked ID hides the birth date; the snapshot must not give it back.
    data["id_number"] = mask_id(person.id_number)
    data["birth_date"] = person.birth_date.year if person.birth_date else None
    return data


def _delete(obj: Household | Person) -> None:
    # The registry knows no other domain: the refusal names what refers to the record.
    delete_or_explain(obj)


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


@transaction.atomic
def create_household(*, actor: Any, village_code: str, number: str, **fields: Any) -> Household:
    village = regions_in_scope(actor, village_code, level=Level.VILLAGE, field="village")
    household = Household(village=village, number=number.strip(), **fields)
    _clean(household)
    check_causes(household.main_cause, household.other_cause_1, household.other_cause_2)
    if Household.objects.filter(village=village, number=household.number).exists():
        raise ValidationError(
            {"number": _("Household number %(n)s already exists in this village.") % {"n": number}}
        )
    household.save()
    StatusChange.objects.create(
        household=household,
        year=household.registered_in,
        status=Status.POOR,
        recorded_by=acting_user(actor),
    )
    record(
        actor=actor,
        action="registry.create_household",
        obj=household,
        region_code=village.code,
        after=household_snapshot(household),
    )
    require(actor, household, Action.CHANGE)
    return household


def _check_household(household: Household) -> None:
    _clean(household)
    check_causes(household.main_cause, household.other_cause_1, household.other_cause_2)
    clash = Household.objects.filter(village_id=household.village_id, number=household.number)
    if clash.exclude(pk=household.pk).exists():
        raise ValidationError(
            {
                "number": _("Household number %(n)s already exists in this village.")
                % {"n": household.number}
            }
        )


@transaction.atomic
def update_household(*, actor: Any, household: Household, **fields: Any) -> Household:
    require(actor, household, Action.CHANGE)
    check_known(fields, EDITABLE_HOUSEHOLD_FIELDS, "household")
    return audited_update(
        actor,
        household,
        {k: v.strip() if k == "number" else v for k, v in fields.items()},
        action="registry.update_household",
        fields=household_snapshot,
        region_code=household.village_id,
        check=_check_household,
    )


def _household_with_members(household: Household) -> dict[str, Any]:
    return {
        **household_snapshot(household),
        "members": [person_snapshot(p) for p in household.members.all()],
    }


@transaction.atomic
def delete_household(*, actor: Any, household: Household) -> None:
    require(actor, household, Action.CHANGE)
    audited_delete(
        actor,
        household,
        action="registry.delete_household",
        fields=_household_with_members,
        region_code=household.village_id,
        delete=_delete,
    )


def _person_errors(person: Person, *, entered_sex: str | None, entered_birth: Any) -> None:
    number, sex, birth, errors = check_person_id(person.id_number, entered_sex, entered_birth)
    person.id_number, person.sex, person.birth_date = number, sex, birth
    if "id_number" not in errors:
        elsewhere = Person.objects.filter(id_number=number).exclude(pk=person.pk)
        other = elsewhere.select_related("household").first()
        if other is not None:
            errors["id_number"] = _("ID number already registered in household %(household)s") % {
                "household": str(other.household)
            }
    # A bad ID gives no sex or birth date: do not also report those as missing.
    exclude = ["household", "sex", "birth_date"] if "id_number" in errors else ["household"]
    try:
        _clean(person, exclude=exclude)
    except ValidationError as e:
        for field, messages in e.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_person(*, actor: Any, household: Household, **fields: Any) -> Person:
    require(actor, household, Action.CHANGE)
    entered_sex, entered_birth = fields.pop("sex", None), fields.pop("birth_date", None)
    person = Person(
        household=household,
        village_code=household.village_id,
        **fields,
    )
    _person_errors(person, entered_sex=entered_sex, entered_birth=entered_birth)
    if (
        person.relation == Relation.HEAD
        and household.members.filter(relation=Relation.HEAD).exists()
    ):
        raise ValidationError({"relation": _("This household already has a head.")})
    person.save()
    record(
        actor=actor,
        action="registry.add_person",
        obj=person,
        object_repr=f"{household} {person.name}",
        region_code=household.village_id,
        after=person_snapshot(person),
    )
    return person


@transaction.atomic
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    require(actor, person, Action.CHANGE)
    entered_sex = fields.pop("sex", None)
    entered_birth = fields.pop("birth_date", None)
    check_known(fields, PERSON_FIELDS, "person")

    def check(person: Person) -> None:
        _person_errors(person, entered_sex=entered_sex, entered_birth=entered_birth)
        heads = Person.objects.filter(household_id=person.household_id, relation=Relation.HEAD)
        if person.relation == Relation.HEAD and heads.exclude(pk=person.pk).exists():
            raise ValidationError({"relation": _("This household already has a head.")})

    return audited_update(
        actor,
        person,
        fields,
        action="registry.update_person",
        fields=person_snapshot,
        region_code=person.village_code,
        check=check,
        object_repr=lambda p: f"{p.household} {p.name}",
    )


@transaction.atomic
def delete_person(*, actor: Any, person: Person) -> None:
    require(actor, person, Action.CHANGE)
    audited_delete(
        actor,
        person,
        action="registry.delete_person",
        fields=person_snapshot,
        region_code=person.village_code,
        delete=_delete,
        object_repr=f"{person.household} {person.name}",
    )


@transaction.atomic
def record_status(
    *,
    actor: Any,
    household: Household,
    year: int,
    status: str,
    reason: str = "",
    approved_by: str = "",
) -> StatusChange:
    """A household exits (脱贫), relapses (返贫) or exits again, in a year."""
    require(actor, household, Action.CHANGE)
    check_year(year)
    last = household.history.order_by("-year", "-id").first()
    current = Status(last.status) if last else Status.POOR
    if Status(status) not in NEXT_STATUS[current]:
        raise ValidationError(
            {
                "status": _("A household that is “%(current)s” cannot become “%(next)s”.")
                % {"current": current.label, "next": Status(status).label}
            }
        )
    if last is not None and year < last.year:
        raise ValidationError(
            {"year": _("The year is before the last change (%(year)d).") % {"year": last.year}}
        )
    change = StatusChange.objects.create(
        household=household,
        year=year,
        status=status,
        reason=reason,
        approved_by=approved_by,
        recorded_by=acting_user(actor),
    )
    before = household.status
    household.status = status
    household.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        action="registry.record_status",
        obj=household,
        region_code=household.village_id,
        before={"status": before},
        after={"status": status, "year": year, "reason": reason, "approved_by": approved_by},
    )
    return change


INCOME_FIELDS = ["wage", "production", "property_income", "transfer", "costs"]


@transaction.atomic
def record_income(
    *, actor: Any, household: Household, year: int, **amounts: Decimal
) -> IncomeRecord:
    """The household's income for a year (replacing an earlier record of that year)."""
    require(actor, household, Action.CHANGE)
    errors = {
        name: _("An amount cannot be negative.")
        for name, value in amounts.items()
        if value is not None and Decimal(value) < 0
    }
    check_year(year)
    check_known(amounts, INCOME_FIELDS, "income")
    if errors:
        raise ValidationError(errors)
    existing = IncomeRecord.objects.filter(household=household, year=year).first()
    before = snapshot(existing, [*INCOME_FIELDS, "per_capita"]) if existing else None
    income = existing or IncomeRecord(household=household, year=year)
    for name in INCOME_FIELDS:
        setattr(income, name, Decimal(amounts.get(name) or 0))
    income.members = household.members.count()
    income.per_capita = per_capita(income.net, income.members)
    income.save()
    record(
        actor=actor,
        action="registry.record_income",
        obj=household,
        region_code=household.village_id,
        before=before,
        after={"year": year, **snapshot(income, [*INCOME_FIELDS, "members", "per_capita"])},
    )
    return income


@transaction.atomic
def set_poverty_line(*, actor: Any, province_code: str, year: int, amount: Decimal) -> PovertyLine:
    province = Region.objects.filter(pk=province_code, level=Level.PROVINCE).first()
    if province is None:
        raise ValidationError(
            {"province": _("There is no province with code “%(code)s”.") % {"code": province_code}}
        )
    if Decimal(amount) <= 0:
        raise ValidationError({"amount": _("A poverty line must be above zero.")})
    if not can(actor, Action.MANAGE_USERS, province.code):
        raise ValidationError({"province": _("Only the province may set its poverty line.")})
    line, created = PovertyLine.objects.get_or_create(
        province=province, year=year, defaults={"amount": amount}
    )
    before = None if created else {"amount": str(line.amount)}
    line.amount = Decimal(amount)
    line.save()
    record(
        actor=actor,
        action="registry.set_poverty_line",
        obj=line,
        region_code=province.code,
        before=before,
        after={"year": year, "amount": str(line.amount)},
    )
    return line


def line_for(province_code: str, year: int) -> Decimal | None:
    line = PovertyLine.objects.filter(province_id=province_code, year=year).first()
    return line.amount if line else None


@transaction.atomic
def add_property_income(
    *, actor: Any, year: int, amounts: dict[int, Decimal], reason: str, region_code: str = ""
) -> int:
    """Add `amounts` (household id -> yuan, negative to take back) to the households' property
    income of `year`, creating the year's record where there is none, in bulk: a dividend run
    pays a hundred thousand households at once. One audit event for the batch names its
    `reason` (the dividend run), which holds the per-household amounts. Returns the number of
    households changed."""
    check_year(year)
    amounts = {pk: Decimal(v) for pk, v in amounts.items() if v}
    if not amounts:
        return 0
    batch = 2000  # under SQLite's limit of variables per statement
    ids = sorted(amounts)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        existing = {
            r.household_id: r
            for r in IncomeRecord.objects.filter(household_id__in=chunk, year=year)
        }
        missing = [pk for pk in chunk if pk not in existing]
        members: dict[int, int] = dict(
            Person.objects.filter(household_id__in=missing)
            .order_by()
            .values_list("household_id")
            .annotate(n=models.Count("pk"))
            .values_list("household_id", "n")
        )
        counties = dict(Household.objects.filter(pk__in=missing).values_list("pk", "county_code"))
        fresh = []
        for pk in chunk:
            income = existing.get(pk)
            if income is None:
                income = IncomeRecord(
                    household_id=pk,
                    county_code=counties[pk],
                    year=year,
                    members=members.get(pk, 0),
                )
                fresh.append(income)
            income.property_income = (income.property_income or Decimal(0)) + amounts[pk]
            income.per_capita = per_capita(income.net, income.members)
        IncomeRecord.objects.bulk_create(fresh)
        update_rows(
            IncomeRecord,
            ["property_income", "per_capita"],
            (
                (cents(r.property_income), cents(r.per_capita), r.pk)
                for pk in chunk
                if (r := existing.get(pk)) is not None
            ),
        )
    record(
        actor=actor,
        action="registry.add_property_income",
        object_type="registry.incomerecord",
        object_repr=reason,
        region_code=region_code,
        after={"year": year, "households": len(amounts), "total": str(sum(amounts.values()))},
    )
    return len(amounts)
