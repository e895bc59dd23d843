"""The households roster as the import pipeline reads it: one row per person, the household's
fields repeated on each member's row (as village staff keep it in Excel).

Rows are keyed by (village code, household number) for households and by ID number for
people: an import creates what is new and updates what exists (upsert). One audit event per
village records what the import did there.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import cache, reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can
from fupin.audit.log import acting_user, record
from fupin.imports import parsers
from fupin.imports.schema import CellError, Column, ParsedRow, RowError
from fupin.imports.through_actions import chunks
from fupin.lib.bulk import analyze, preparer, write_rows
from fupin.lib.forms import MAX_DIGITS
from fupin.regions.choices import Level
from fupin.regions.codes import county_of
from fupin.regions.models import Region
from fupin.registry.choices import (
    NOT_REPORTED,
    Attribute,
    Cause,
    Education,
    Ethnicity,
    Health,
    Housing,
    Labour,
    Political,
    Relation,
    Schooling,
    Sex,
    Standard,
    Status,
    WorkPlace,
)
from fupin.registry.models import (
    HOUSEHOLD_FACTS,
    PERSON_FACTS,
    Household,
    IncomeRecord,
    Person,
    StatusChange,
)
from fupin.registry.rules import CENT, check_causes, check_person_id, per_capita

BATCH = 2000
# A load this large changes the tables enough for the planner to need new statistics.
ANALYZE_AFTER = 10_000


def causes(value: str) -> list[str]:
    """Up to two other causes in one cell, separated as people do: 、 , ， ; ； or spaces."""
    parts = [p for p in value.replace("，", ",").replace("、", ",").replace(";", ",").split(",")]
    parts = [p.strip() for chunk in parts for p in chunk.split() if p.strip()]
    if len(parts) > 2:
        raise CellError(_("at most two other causes"))
    parse = parsers.choice(Cause)
    return [parse(p) for p in parts]


def months(value: str) -> int:
    n = parsers.integer(value)
    if not 0 <= n <= 12:
        raise CellError(_("months in a year: 0 to 12"))
    return int(n)


# Land and money: what the hundredths fields hold, as the forms accept it.
amount = parsers.decimal(min_value=0, max_value=Decimal(10) ** (MAX_DIGITS - 2) - CENT, places=2)


class NotReported:
    """A fact's cell reading 未填报: the fact is unknown (blank or null when saved), and it
    replaces a known value on an update, where a blank cell leaves the value as it is."""

    def __repr__(self) -> str:
        return "NOT_REPORTED"


NOT_REPORTED_CELL = NotReported()


@cache
def _not_reported_zh() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(NOT_REPORTED)


def or_not_reported(parse: parsers.Parser) -> parsers.Parser:
    """A fact's parser that also takes 未填报 (or the label in the active language)."""

    def fact(value: str) -> Any:
        key = parsers.choice_key(value)
        if key in (parsers.choice_key(_not_reported_zh()), parsers.choice_key(str(NOT_REPORTED))):
            return NOT_REPORTED_CELL
        return parse(value)

    inner = parsers.hint(parse)
    options = inner.options
    parsers.set_hint(
        fact,
        parsers.Hint(
            number_format=inner.number_format,
            options=(lambda: [*options(), _not_reported_zh()]) if options else None,
        ),
    )
    return fact


def _saved(model: type[Household] | type[Person], name: str, value: Any) -> Any:
    """A parsed value as it is saved: 未填报 is the field's unknown (its default)."""
    if value is NOT_REPORTED_CELL:
        field: Any = model._meta.get_field(name)
        return field.get_default()
    return value


PERSON_COLUMNS = [
    Column(
        "name",
        "姓名",
        ("成员姓名", "家庭成员姓名"),
        required=True,
        parse=parsers.fits(Person, "name"),
    ),
    Column(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证"),
        required=True,
        parse=parsers.id_number,
    ),
    Column(
        "relation",
        "与户主关系",
        ("与户主的关系", "关系"),
        required=True,
        parse=parsers.choice(Relation),
    ),
    Column("sex", "性别", parse=parsers.choice(Sex)),
    Column("birth_date", "出生日期", ("出生年月日",), parse=parsers.date),
    Column("ethnicity", "民族", parse=parsers.choice(Ethnicity)),
    Column("education", "文化程度", parse=parsers.choice(Education)),
    Column("schooling", "在校生状况", ("在校生情况",), parse=parsers.choice(Schooling)),
    Column("health", "健康状况", parse=parsers.choice(Health)),
    Column("labour", "劳动技能", ("劳动能力",), parse=parsers.choice(Labour)),
    Column("work_place", "务工地点", ("务工状况",), parse=parsers.choice(WorkPlace)),
    Column("work_months", "务工时间（月）", ("务工时间", "务工月数"), parse=months),
    Column(
        "medical_insurance",
        "参加医疗保险",
        ("参加城乡居民基本医疗保险", "新农合"),
        parse=parsers.boolean,
    ),
    Column(
        "pension_insurance", "参加养老保险", ("参加城乡居民基本养老保险",), parse=parsers.boolean
    ),
    Column("serious_illness_insurance", "参加大病保险", (), parse=parsers.boolean),
    Column("political", "政治面貌", parse=parsers.choice(Political)),
]
HOUSEHOLD_COLUMNS = [
    Column("standard", "识别标准", parse=parsers.choice(Standard)),
    Column("attribute", "贫困户属性", ("户属性",), parse=parsers.choice(Attribute)),
    Column(
        "main_cause",
        "主要致贫原因",
        ("致贫原因",),
        parse=parsers.choice(Cause),
        help="每户至少一行填写",
    ),
    Column("other_causes", "其他致贫原因", (), parse=causes, help="最多两项，用顿号分隔"),
    Column("phone", "联系电话", ("电话", "手机号码"), parse=parsers.phone),
    Column(
        "bank_account",
        "银行账号",
        ("银行卡号", "开户账号"),
        parse=parsers.fits(Household, "bank_account"),
    ),
    Column("arable_land", "耕地面积（亩）", ("耕地面积", "耕地（亩）"), parse=amount),
    Column("housing", "住房安全", ("住房情况",), parse=parsers.choice(Housing)),
    Column("safe_water", "饮水安全", (), parse=parsers.boolean),
    Column("electricity", "生活用电", ("通生活用电",), parse=parsers.boolean),
    Column("road_access", "通硬化路", ("道路硬化",), parse=parsers.boolean),
    Column(
        "registered_in",
        "识别年度",
        ("识别年份", "建档立卡年度"),
        parse=parsers.year,
        help="每户至少一行填写",
    ),
]


def _facts(columns: list[Column], facts: tuple[str, ...]) -> list[Column]:
    """The fact columns take 未填报 too; a blank cell leaves the fact unknown (or unchanged)."""
    return [replace(c, parse=or_not_reported(c.parse)) if c.key in facts else c for c in columns]


PERSON_COLUMNS = _facts(PERSON_COLUMNS, PERSON_FACTS)
HOUSEHOLD_COLUMNS = _facts(HOUSEHOLD_COLUMNS, HOUSEHOLD_FACTS)
INCOME_COLUMNS = [
    Column("income_year", "收入年度", (), parse=parsers.year),
    Column("wage", "工资性收入", (), parse=amount),
    Column("production", "生产经营性收入", ("生产经营性净收入",), parse=amount),
    Column("property_income", "财产性收入", (), parse=amount),
    Column("transfer", "转移性收入", (), parse=amount),
    Column("costs", "生产经营性支出", (), parse=amount),
]
# The columns a new row is written with through the bulk path (every column but the id).
HOUSEHOLD_INSERT = [f.name for f in Household._meta.concrete_fields if f.name != "id"]
PERSON_INSERT = [f.name for f in Person._meta.concrete_fields if f.name != "id"]
STATUS_INSERT = [f.name for f in StatusChange._meta.concrete_fields if f.name != "id"]
KEY_COLUMNS = [
    Column("village_code", "村代码", ("行政村代码", "村级代码", "区划代码"), required=True),
    Column(
        "number",
        "户编号",
        ("户号", "户编码"),
        required=True,
        parse=parsers.fits(Household, "number"),
    ),
]
HOUSEHOLD_KEYS = [c.key for c in HOUSEHOLD_COLUMNS if c.key != "other_causes"]
PERSON_KEYS = [c.key for c in PERSON_COLUMNS]
INCOME_KEYS = ["wage", "production", "property_income", "transfer", "costs"]
LABELS = {
    c.key: c.label for c in [*KEY_COLUMNS, *PERSON_COLUMNS, *HOUSEHOLD_COLUMNS, *INCOME_COLUMNS]
}

Key = tuple[str, str]


def _key(row: ParsedRow) -> Key:
    return (row.values["village_code"], row.values["number"])


class HouseholdSchema:
    name = "households"
    title = gettext_lazy("Poor households and their members")
    columns = [*KEY_COLUMNS, *PERSON_COLUMNS, *HOUSEHOLD_COLUMNS, *INCOME_COLUMNS]

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        errors: list[RowError] = []

        def err(row: ParsedRow, key: str, message: str) -> None:
            errors.append(RowError(row.row, LABELS.get(key, ""), row.raw.get(key, ""), message))

        # Rows with a bad cell come too (its value None, its key in row.bad): each check below
        # skips what it cannot judge, so a bad cell is reported once, by the pipeline.
        # Villages: they exist, are villages, and lie in the actor's scope.
        codes = {r.values["village_code"] for r in rows if r.values["village_code"]}
        villages = set(
            Region.objects.filter(code__in=codes, level=Level.VILLAGE).values_list(
                "code", flat=True
            )
        )
        for row in rows:
            code = row.values["village_code"]
            if code is None:
                continue
            if code not in villages:
                err(row, "village_code", _("there is no village with this code"))
            elif not can(actor, Action.CHANGE, code):
                err(row, "village_code", _("this village is outside the regions you may change"))

        # People: the ID agrees with the sex and birth date entered; no ID twice in the file.
        first_seen: dict[str, int] = {}
        for row in rows:
            v = row.values
            if v["id_number"] is None:
                continue
            number, _sex, _birth, problems = check_person_id(
                v["id_number"], v.get("sex"), v.get("birth_date")
            )
            for field, message in problems.items():
                err(row, field, message)
            # What the ID says, kept for save() (which runs only when there was no error).
            v["id_number"], v["sex"], v["birth_date"] = number, _sex, _birth
            if number in first_seen:
                err(
                    row,
                    "id_number",
                    _("the same ID number as row %(row)d") % {"row": first_seen[number]},
                )
            else:
                first_seen[number] = row.row

        # IDs already registered in another household.
        rows_by_id: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            if row.values["id_number"] is not None:
                rows_by_id[row.values["id_number"]].append(row)
        for chunk in chunks(list(rows_by_id)):
            elsewhere = Person.objects.filter(id_number__in=chunk).values_list(
                "id_number", "household__village_id", "household__number"
            )
            for id_number, village, number in elsewhere:
                for row in rows_by_id[id_number]:
                    if _key(row) != (village, number):
                        err(
                            row,
                            "id_number",
                            _("already registered in household %(household)s")
                            % {"household": f"{village}-{number}"},
                        )

        # Households: fields agree between their rows; new ones have what a household needs.
        groups: dict[Key, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            if row.values["village_code"] is not None and row.values["number"] is not None:
                groups[_key(row)].append(row)
        existing = self._existing(list(groups))
        registered_heads = self._registered_heads(list(existing.values()), rows_by_id)
        for key, members in groups.items():
            for field in [*HOUSEHOLD_KEYS, "other_causes", "income_year", *INCOME_KEYS]:
                seen = [
                    (m, m.values.get(field)) for m in members if m.values.get(field) is not None
                ]
                for m, value in seen[1:]:
                    if value != seen[0][1]:
                        err(
                            m,
                            field,
                            _("differs from row %(row)d of the same household")
                            % {"row": seen[0][0].row},
                        )
            heads = [m for m in members if m.values["relation"] == Relation.HEAD]
            # A registered head the file leaves as they are is the first head (add_person
            # refuses a second one too).
            known_head = key in existing and existing[key].pk in registered_heads
            for extra in heads[0 if known_head else 1 :]:
                err(extra, "relation", _("a second head of the same household"))
            # The other causes name causes besides the main one, each once (as the forms).
            other = next((m for m in members if m.values.get("other_causes")), None)
            if other is not None:
                main = next(
                    (m.values["main_cause"] for m in members if m.values.get("main_cause")), None
                )
                if main is None and key in existing:
                    main = existing[key].main_cause
                try:
                    check_causes(main or "", *other.values["other_causes"])
                except ValidationError as e:
                    err(other, "other_causes", e.messages[0])
            if key not in existing:
                unknown = set().union(*(m.bad for m in members))
                if not heads and "relation" not in unknown:
                    err(members[0], "relation", _("a new household needs a head (户主)"))
                for field in ("main_cause", "registered_in"):
                    if field not in unknown and all(m.values.get(field) is None for m in members):
                        err(
                            members[0],
                            field,
                            _("a new household needs “%(column)s” on at least one row")
                            % {"column": LABELS[field]},
                        )
            income = [m for m in members if any(m.values.get(k) is not None for k in INCOME_KEYS)]
            if income and all(m.values.get("income_year") is None for m in members):
                err(income[0], "income_year", _("incomes need the year they were earned"))
        return errors

    def _registered_heads(
        self, households: list[Household], rows_by_id: dict[str, list[ParsedRow]]
    ) -> set[int]:
        """The households among these whose registered head is not a row of the file (a row
        of the file gives the person's relation anew)."""
        found: set[int] = set()
        for chunk in chunks([h.pk for h in households]):
            heads = Person.objects.filter(household__in=chunk, relation=Relation.HEAD)
            for household_id, id_number in heads.values_list("household_id", "id_number"):
                if id_number not in rows_by_id:
                    found.add(household_id)
        return found

    def _existing(self, keys: list[Key]) -> dict[Key, Household]:
        """The households of these keys already registered: one query per 500 villages (an OR
        of thousands of (village, number) pairs costs more to build than to run)."""
        wanted = set(keys)
        found: dict[Key, Household] = {}
        for chunk in chunks(sorted({village for village, _number in keys})):
            for h in Household.objects.filter(village_id__in=chunk):
                if (h.village_id, h.number) in wanted:
                    found[(h.village_id, h.number)] = h
        return found

    def save(self, rows: list[ParsedRow], *, actor: Any, progress: Callable[[int], None]) -> int:
        groups: dict[Key, list[ParsedRow]] = defaultdict(list)
        for row in rows:
            groups[_key(row)].append(row)
        existing = self._existing(list(groups))
        stats: dict[str, dict[str, Any]] = defaultdict(
            lambda: {
                "households_created": [],
                "households_updated": [],
                "people_created": 0,
                "people_updated": 0,
            }
        )

        now = timezone.now()
        new_keys: list[Key] = []
        household_rows = []
        changed_households: list[Household] = []
        prepare_household = preparer(Household, HOUSEHOLD_INSERT)
        for (village, number), members in groups.items():
            fields = self._household_fields(members)
            household = existing.get((village, number))
            if household is None:
                household_rows.append(
                    prepare_household(
                        {
                            "village": village,
                            "county_code": county_of(village),
                            "number": number,
                            "status": Status.POOR,
                            "created_at": now,
                            "updated_at": now,
                            **fields,
                        }
                    )
                )
                new_keys.append((village, number))
                stats[village]["households_created"].append(number)
            else:
                for name, value in fields.items():
                    setattr(household, name, value)
                changed_households.append(household)
                stats[village]["households_updated"].append(number)
        # New rows go through the bulk path (COPY / executemany); their ids are read back.
        write_rows(Household, HOUSEHOLD_INSERT, household_rows)
        update_fields = sorted({f for m in groups.values() for f in self._household_fields(m)})
        if changed_households and update_fields:
            Household.objects.bulk_update(changed_households, update_fields, batch_size=BATCH)
        households = self._existing(list(groups))
        user = acting_user(actor)
        recorder = user.pk if user is not None else None
        prepare_status = preparer(StatusChange, STATUS_INSERT)
        write_rows(
            StatusChange,
            STATUS_INSERT,
            [
                prepare_status(
                    {
                        "household": households[key].pk,
                        "county_code": county_of(key[0]),
                        "year": households[key].registered_in,
                        "status": Status.POOR,
                        "recorded_by": recorder,
                        "recorded_at": now,
                    }
                )
                for key in new_keys
            ],
        )

        # People: upsert by ID number.
        ids = [r.values["id_number"] for r in rows]
        known: dict[str, Person] = {}
        for chunk in chunks(ids):
            for p in Person.objects.filter(id_number__in=chunk):
                known[p.id_number] = p
        person_rows = []
        changed_people: list[Person] = []
        person_fields: set[str] = set()
        prepare_person = preparer(Person, PERSON_INSERT)
        for n, row in enumerate(rows, start=1):
            household = households[_key(row)]
            # check() has put the ID's own sex and birth date in the row.
            fields = {
                k: _saved(Person, k, row.values[k])
                for k in PERSON_KEYS
                if row.values.get(k) is not None
            }
            person = known.get(fields["id_number"])
            if person is None:
                person_rows.append(
                    prepare_person(
                        {
                            "household": household.pk,
                            "village_code": household.village_id,
                            "county_code": household.county_code,
                            **fields,
                        }
                    )
                )
                stats[household.village_id]["people_created"] += 1
            else:
                for name, value in fields.items():
                    setattr(person, name, value)
                person_fields.update(fields)
                changed_people.append(person)
                stats[household.village_id]["people_updated"] += 1
            if n % BATCH == 0:
                progress(n)
        write_rows(Person, PERSON_INSERT, person_rows)
        if changed_people:
            Person.objects.bulk_update(changed_people, sorted(person_fields), batch_size=BATCH)

        self._save_incomes(groups, households)
        if len(rows) >= ANALYZE_AFTER:
            analyze(Household, Person, StatusChange, IncomeRecord)
        for village, s in stats.items():
            record(
                actor=actor,
                action="registry.import_households",
                object_type="registry.household",
                object_repr=_("import: %(h)d households, %(p)d people")
                % {
                    "h": len(s["households_created"]) + len(s["households_updated"]),
                    "p": s["people_created"] + s["people_updated"],
                },
                region_code=village,
                after=s,
            )
        progress(len(rows))
        return len(rows)

    def _household_fields(self, members: list[ParsedRow]) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for name in HOUSEHOLD_KEYS:
            value = next((m.values[name] for m in members if m.values.get(name) is not None), None)
            if value is not None:
                fields[name] = _saved(Household, name, value)
        other = next(
            (m.values["other_causes"] for m in members if m.values.get("other_causes")), None
        )
        if other is not None:
            fields["other_cause_1"] = other[0] if other else ""
            fields["other_cause_2"] = other[1] if len(other) > 1 else ""
        return fields

    def _save_incomes(
        self, groups: dict[Key, list[ParsedRow]], households: dict[Key, Household]
    ) -> None:
        """Incomes given in the file replace the household's record of that year."""
        wanted: list[tuple[Household, int, dict[str, Decimal]]] = []
        for key, members in groups.items():
            year = next(
                (m.values["income_year"] for m in members if m.values.get("income_year")), None
            )
            if year is None:
                continue
            amounts = {
                k: next((m.values[k] for m in members if m.values.get(k) is not None), Decimal(0))
                for k in INCOME_KEYS
            }
            wanted.append((households[key], year, amounts))
        if not wanted:
            return
        sizes = dict(
            Person.objects.filter(household__in=[h for h, _y, _a in wanted])
            .values("household_id")
            .annotate(n=Count("id"))
            .values_list("household_id", "n")
        )
        IncomeRecord.objects.filter(
            reduce(or_, (Q(household=h, year=y) for h, y, _a in wanted))
        ).delete()
        records = []
        for household, year, amounts in wanted:
            members = sizes.get(household.pk, 0)
            net = (
                amounts["wage"]
                + amounts["production"]
                + amounts["property_income"]
                + amounts["transfer"]
                - amounts["costs"]
            )
            records.append(
                IncomeRecord(
                    household=household,
                    county_code=household.county_code,
                    year=year,
                    members=members,
                    per_capita=per_capita(net, members),
                    **amounts,
                )
            )
        IncomeRecord.objects.bulk_create(records, batch_size=BATCH)


SCHEMA = HouseholdSchema()
