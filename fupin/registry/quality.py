"""The national data checks of the registration (数据质量校验), as warnings for a region subtree.

Each check is one query that the database answers over the subtree (a range on the village
code, DESIGN §3 rule 1) with EXISTS, correlated subqueries or an aggregate: nothing walks the
people of a county in Python, so a county of ~50,000 households is a handful of index-backed
queries (bench/quality.py measures them). A warning names the household; checks about one
person (a five-guarantees member able to work, someone working without labour ability, a
spouse, a person registered twice) give one warning per person, naming them.

The cause checks read all three causes (main and the two others); ages are taken on today's
date; "income above the line" compares a household's latest income record with the poverty
line of that year and its province (no line that year: no warning).

Facts nobody reported (未填报: a blank choice, a null flag or number; models.HOUSEHOLD_FACTS and
PERSON_FACTS) are warnings of their own, one per household or person naming what is missing;
the other checks never take an unknown for a fact (an unknown schooling is not a pupil, an
unknown place of work is not working away).

Scope is the caller's: pass a region code inside the user's view scope. Messages name only
the household's own members; ID numbers are masked, and a duplicate in another county is
reported by that county's code, not by its household.
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.lib.ids import mask_id
from fupin.regions.codes import subtree_q
from fupin.registry.choices import (
    NOT_EXITED,
    NOT_REPORTED,
    Attribute,
    Cause,
    Health,
    Labour,
    Relation,
    Schooling,
    Sex,
    Status,
    WorkPlace,
)
from fupin.registry.models import (
    HOUSEHOLD_FACTS,
    PERSON_FACTS,
    Household,
    IncomeRecord,
    Person,
    PovertyLine,
)
from fupin.registry.rules import age_on

# 人均耕地 above this many mu is taken for a typing error (mu vs. square metres, a lost point).
LAND_PER_PERSON_MU = 50
ILL = [Health.CHRONIC, Health.SERIOUS]
ABLE = [Labour.ORDINARY, Labour.SKILLED]
UNABLE = [Labour.LOST, Labour.NONE]
# Known to be in school, or working away: an unknown (未填报) value is neither.
IN_SCHOOL = [s for s in Schooling if s != Schooling.NONE]
AWAY = [w for w in WorkPlace if w != WorkPlace.NONE]
# Working age for the five-guarantees check, inclusive.
WORKING_AGE = (16, 65)


@dataclass(frozen=True)
class QualityWarning:
    """One finding: which check, about which household, and what is wrong, in words."""

    check: str
    household_id: int
    village_code: str
    household_number: str
    message: str


Row = dict[str, Any]


@dataclass(frozen=True)
class Check:
    """One check: its code, its title for the page, its query over a subtree (rows with
    household_id, village_code and household_number, plus what the message needs)."""

    code: str
    label: Promise
    rows: Callable[[str, datetime.date], QuerySet[Any, Row]]
    message: Callable[[Row, datetime.date], str]


def _households(code: str) -> QuerySet[Household]:
    return Household.objects.filter(subtree_q("village__code", code))


def _people(code: str) -> QuerySet[Person]:
    return Person.objects.filter(subtree_q("village_code", code))


def _household_rows(qs: QuerySet[Household], *fields: str) -> QuerySet[Any, Row]:
    return qs.order_by("village_id", "number").values(
        *fields, household_id=F("pk"), village_code=F("village_id"), household_number=F("number")
    )


def _person_rows(qs: QuerySet[Person], *fields: str) -> QuerySet[Any, Row]:
    return qs.order_by("village_code", "household__number", "pk").values(
        "household_id", "village_code", "name", *fields, household_number=F("household__number")
    )


def _members(code: str, outer: str = "pk") -> QuerySet[Person]:
    """The members of the outer query's household. The subtree is repeated (a member lives
    in the household's village) so the planner reads only the subtree's people, whatever
    join it picks, instead of the whole registry."""
    return _people(code).filter(household=OuterRef(outer))


def _has_cause(cause: str) -> Q:
    return Q(main_cause=cause) | Q(other_cause_1=cause) | Q(other_cause_2=cause)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def illness_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    ill = Exists(_members(code).filter(health__in=ILL))
    return _household_rows(_households(code).filter(_has_cause(Cause.ILLNESS)).exclude(ill))


def schooling_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    pupil = Exists(_members(code).filter(schooling__in=IN_SCHOOL))
    return _household_rows(_households(code).filter(_has_cause(Cause.SCHOOLING)).exclude(pupil))


def wubao_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    youngest, oldest = WORKING_AGE
    qs = _people(code).filter(
        household__attribute=Attribute.WUBAO,
        labour__in=ABLE,
        birth_date__lte=_years_before(today, youngest),
        birth_date__gt=_years_before(today, oldest + 1),
    )
    return _person_rows(qs, "birth_date", "labour")


def employed_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    qs = _people(code).filter(Q(work_months__gt=0) | Q(work_place__in=AWAY), labour__in=UNABLE)
    return _person_rows(qs, "labour", "work_place", "work_months")


def same_sex_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    head = _members(code, "household_id").filter(relation=Relation.HEAD, sex=OuterRef("sex"))
    return _person_rows(_people(code).filter(Exists(head), relation=Relation.SPOUSE), "sex")


def land_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    # Only households with more than 50 mu in all can have more than 50 per person: that
    # filter comes first and leaves few rows to count members for. arable_land is stored
    # in hundredths of a mu, and a comparison with an expression compares stored values.
    qs = (
        _households(code)
        .filter(arable_land__gt=Decimal(LAND_PER_PERSON_MU))
        .annotate(members_n=Count("members"))
        .filter(members_n__gt=0, arable_land__gt=F("members_n") * LAND_PER_PERSON_MU * 100)
    )
    return _household_rows(qs, "arable_land", "members_n")


def no_head_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    head = Exists(_members(code).filter(relation=Relation.HEAD))
    return _household_rows(_households(code).exclude(head))


def twice_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    # The registry refuses a second registration (the actions, and a unique constraint per
    # county); an import of older data or another county's roster can still bring one in.
    # Within a county an ID is unique, so a second row with the ID is another household's.
    # A count per person, not EXISTS: the planner keeps it as one probe of the ID index per
    # person of the subtree (an index-only scan once vacuumed), where a semi-join tends to
    # hash the whole registry.
    same_id = (
        Person.objects.filter(id_number=OuterRef("id_number"))
        .order_by()
        .values("id_number")
        .annotate(n=Count("*"))
        .values("n")
    )
    elsewhere = (
        Person.objects.filter(id_number=OuterRef("id_number"))
        .exclude(household_id=OuterRef("household_id"))
        .order_by("county_code")
    )
    qs = (
        _people(code)
        .alias(registered=Subquery(same_id))
        .filter(registered__gt=1)
        .annotate(other_county=Subquery(elsewhere.values("county_code")[:1]))
    )
    return _person_rows(qs, "id_number", "other_county")


def _unknown(model: type[Household] | type[Person], fields: tuple[str, ...]) -> Q:
    """Any of these facts not reported: a blank choice or a null flag or number."""
    q = Q()
    for name in fields:
        field = _field(model, name)
        q |= Q(**{f"{name}__isnull": True}) if field.null else Q(**{name: ""})
    return q


def household_facts_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    qs = _households(code).filter(_unknown(Household, HOUSEHOLD_FACTS))
    return _household_rows(qs, *HOUSEHOLD_FACTS)


def person_facts_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    return _person_rows(_people(code).filter(_unknown(Person, PERSON_FACTS)), *PERSON_FACTS)


def _field(model: type[Household] | type[Person], name: str) -> Any:
    return model._meta.get_field(name)


def _not_reported(model: type[Household] | type[Person], fields: tuple[str, ...], row: Row) -> str:
    """The names of the facts the row leaves unknown, as a list in words."""
    names = [
        str(_field(model, name).verbose_name)
        for name in fields
        if row[name] is None or row[name] == ""
    ]
    return _(", ").join(names)


def _shown(model: type[Person], name: str, value: Any) -> str:
    """A value as the pages show it; 未填报 for an unknown one."""
    if value is None or value == "":
        return str(NOT_REPORTED)
    choices = _field(model, name).choices
    return str(dict(choices)[value]) if choices else str(value)


def income_rows(code: str, today: datetime.date) -> QuerySet[Any, Row]:
    latest = IncomeRecord.objects.filter(household=OuterRef("pk")).order_by("-year")
    line = PovertyLine.objects.filter(
        province_id=Substr(OuterRef("village_id"), 1, 2), year=OuterRef("latest_year")
    )
    qs = (
        _households(code)
        .filter(status__in=NOT_EXITED)
        .annotate(
            latest_year=Subquery(latest.values("year")[:1]),
            income=Subquery(latest.values("per_capita")[:1]),
        )
        .annotate(line=Subquery(line.values("amount")[:1]))
        .filter(income__gt=F("line"))
    )
    return _household_rows(qs, "status", "latest_year", "income", "line")


def _age(row: Row, today: datetime.date) -> int:
    return age_on(row["birth_date"], today)


def _hundredths(value: Decimal) -> str:
    return f"{value:.2f}"


CHECKS = [
    Check(
        "illness_without_ill",
        gettext_lazy("Poor through illness, but nobody is ill"),
        illness_rows,
        lambda r, t: _(
            "The poverty cause is illness, but no member has a chronic or serious illness."
        ),
    ),
    Check(
        "schooling_without_pupil",
        gettext_lazy("Poor through schooling costs, but nobody in school"),
        schooling_rows,
        lambda r, t: _("The poverty cause is schooling costs, but no member is in school."),
    ),
    Check(
        "wubao_able_to_work",
        gettext_lazy("Five-guarantees household with a member able to work"),
        wubao_rows,
        lambda r, t: (
            _("%(name)s, aged %(age)s, has “%(labour)s” in a five-guarantees household.")
            % {"name": r["name"], "age": _age(r, t), "labour": Labour(r["labour"]).label}
        ),
    ),
    Check(
        "working_without_labour",
        gettext_lazy("Working away without labour ability"),
        employed_rows,
        lambda r, t: (
            _("%(name)s works away (%(place)s, %(months)s months) but has “%(labour)s”.")
            % {
                "name": r["name"],
                "place": _shown(Person, "work_place", r["work_place"]),
                "months": _shown(Person, "work_months", r["work_months"]),
                "labour": Labour(r["labour"]).label,
            }
        ),
    ),
    Check(
        "head_spouse_same_sex",
        gettext_lazy("Head and spouse of the same sex"),
        same_sex_rows,
        lambda r, t: (
            _("The head and the spouse %(name)s are both %(sex)s.")
            % {"name": r["name"], "sex": Sex(r["sex"]).label}
        ),
    ),
    Check(
        "land_per_person",
        gettext_lazy("More than 50 mu of arable land per person"),
        land_rows,
        lambda r, t: (
            _("%(land)s mu of arable land for %(members)s members: %(each)s mu per person.")
            % {
                "land": _hundredths(r["arable_land"]),
                "members": r["members_n"],
                "each": _hundredths(r["arable_land"] / r["members_n"]),
            }
        ),
    ),
    Check(
        "no_head",
        gettext_lazy("Household without a head"),
        no_head_rows,
        lambda r, t: _("No member is recorded as the head of the household."),
    ),
    Check(
        "person_in_two_households",
        gettext_lazy("Person registered in two households"),
        twice_rows,
        lambda r, t: (
            _("%(name)s (ID %(id)s) is also registered in a household of county %(county)s.")
            % {"name": r["name"], "id": mask_id(r["id_number"]), "county": r["other_county"]}
        ),
    ),
    Check(
        "income_above_line",
        gettext_lazy("Income above the line, still marked poor"),
        income_rows,
        lambda r, t: (
            _(
                "Per-capita net income in %(year)s was %(income)s yuan, above that year's line of "
                "%(line)s yuan, yet the household is marked “%(status)s”."
            )
            % {
                "year": r["latest_year"],
                "income": _hundredths(r["income"]),
                "line": _hundredths(r["line"]),
                "status": Status(r["status"]).label,
            }
        ),
    ),
    Check(
        "household_facts_not_reported",
        gettext_lazy("Household facts not reported"),
        household_facts_rows,
        lambda r, t: (
            _("Not reported: %(facts)s.") % {"facts": _not_reported(Household, HOUSEHOLD_FACTS, r)}
        ),
    ),
    Check(
        "member_facts_not_reported",
        gettext_lazy("Member facts not reported"),
        person_facts_rows,
        lambda r, t: (
            _("%(name)s: not reported: %(facts)s.")
            % {"name": r["name"], "facts": _not_reported(Person, PERSON_FACTS, r)}
        ),
    ),
]
CHECK_LABELS: dict[str, Promise] = {c.code: c.label for c in CHECKS}


def _warnings(check: Check, rows: Any, today: datetime.date) -> Iterator[QualityWarning]:
    for row in rows:
        yield QualityWarning(
            check=check.code,
            household_id=row["household_id"],
            village_code=row["village_code"],
            household_number=row["household_number"],
            message=str(check.message(row, today)),
        )


@contextmanager
def _planned_once() -> Iterator[None]:
    """PostgreSQL's JIT compiles these county-wide queries anew on every call, which costs more
    (0.25–0.5 s) than it saves; switched off for this transaction only."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def warnings_for(region_code: str, *, limit: int | None = None) -> list[QualityWarning]:
    """Every warning in the subtree of `region_code`, check by check (in the order of CHECKS),
    by village and household number within a check; at most `limit` in all."""
    with _planned_once():
        return _warnings_for(region_code, limit)


def _warnings_for(region_code: str, limit: int | None) -> list[QualityWarning]:
    today = timezone.localdate()
    out: list[QualityWarning] = []
    for check in CHECKS:
        rows = check.rows(region_code, today)
        if limit is not None:
            if len(out) >= limit:
                break
            rows = rows[: limit - len(out)]
        out.extend(_warnings(check, rows, today))
    return out


def counts_for(region_code: str) -> dict[str, int]:
    """How many warnings each check gives in the subtree (every check, zeros included)."""
    today = timezone.localdate()
    with _planned_once():
        return {check.code: check.rows(region_code, today).count() for check in CHECKS}
