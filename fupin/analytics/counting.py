"""Counting the figures from the records themselves: for every region code under a prefix and
every year, the figures of the records attached exactly at that code (`own`). The summary
rows are built from this (refresh.py) and checked against it (`fupin analytics check`).

Stocks are counted at the end of each year from the records' dates and histories (a household's
status is its latest status change up to that year; a pairing is current when it started by
then and had not ended); flows (exits, relapses, dividends, output) within the year. Records
without dates (helpers, partners) count in every year. One pass per table over the prefix's
range, so a village recounts in milliseconds and the province in one sweep.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Max, Min, Q

from fupin.lib.fields import cents
from fupin.pairing.models import Helper, Pairing
from fupin.party.choices import TagKind
from fupin.party.models import MEMBER_STAGES, Member, MemberTag, Organisation
from fupin.projects.choices import PartnerKind, RunStatus
from fupin.projects.models import (
    DividendPayout,
    DividendRun,
    Participant,
    Partner,
    Project,
    ProjectYear,
)
from fupin.regions.choices import Level
from fupin.regions.codes import subtree_q
from fupin.regions.models import Region
from fupin.registry.choices import NOT_EXITED, Status
from fupin.registry.models import Household, Person, StatusChange

Own = dict[tuple[str, int], Counter[str]]
Under = Callable[[str], Q]

# The headline figures and what adds up to each, at every level and in every year: the one
# definition every reader of the figures (card, charts, child table, map, API, CLI, bulletin,
# report tables) uses, and the tests check. 未脱贫户 are the households not exited, the
# relapsed included (registry.choices.NOT_EXITED: the coverage page counts the same); the
# households by main cause and by attribute are these; 党员 are members proper (probationary
# and full, never the development pipeline), in a village (农村党员) or in an organ above one.
# A name ending in "." stands for every figure of that breakdown.
HEADLINES: dict[str, tuple[tuple[str, ...], ...]] = {
    "households": (("households_not_exited", "households_exited"),),
    "households_not_exited": (
        ("households_poor", "households_relapsed"),
        ("cause.",),
        ("attribute.",),
    ),
    "people": (("people_not_exited", "people_exited"),),
    "people_not_exited": (("people_poor", "people_relapsed"),),
    "beneficiaries": (("households_not_exited", "poor_members"),),
    "projects": (("project_type.",),),
    "members": (("village_members", "organ_members"),),
}


def year_range(prefix: str = "") -> range:
    """The years the records under `prefix` (all when empty) cover: from the first registration
    to the last year any record is dated in (never after this year)."""
    today = datetime.date.today().year

    def under(field: str) -> Q:
        return subtree_q(field, prefix) if prefix else Q()

    households = Household.objects.filter(under("village__code"))
    first = households.aggregate(y=Min("registered_in"))["y"]
    lasts = [
        households.aggregate(y=Max("registered_in"))["y"],
        StatusChange.objects.filter(under("household__village__code")).aggregate(y=Max("year"))[
            "y"
        ],
        ProjectYear.objects.filter(under("project__region__code")).aggregate(y=Max("year"))["y"],
        DividendRun.objects.filter(under("project__region__code")).aggregate(d=Max("period_end"))[
            "d"
        ],
        Pairing.objects.filter(under("region__code")).aggregate(d=Max("started_on"))["d"],
        Project.objects.filter(under("region__code")).aggregate(d=Max("started_on"))["d"],
    ]
    years = [v if isinstance(v, int) else v.year for v in lasts if v is not None]
    if first is None:
        first = min(years, default=today)
    last = min(max([first, *years]), today)
    return range(min(first, last), last + 1)


def _end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _current(start: datetime.date | None, end: datetime.date | None, year: int) -> bool:
    """Whether something that started on `start` and ended on `end` holds at the end of `year`."""
    day = _end(year)
    return (start is None or start <= day) and (end is None or end > day)


def count(prefix: str, years: Iterable[int] | None = None) -> Own:
    """The own figures of every code under `prefix` (all codes when empty) for `years`."""
    years = list(years if years is not None else year_range())
    own: Own = defaultdict(Counter)

    def under(field: str) -> Q:
        return subtree_q(field, prefix) if prefix else Q()

    _regions(own, under("code"), years)
    households = _registry(own, under, years)
    _pairing(own, under, years, households)
    _projects(own, under, years)
    _party(own, under, years)
    return own


def _regions(own: Own, within: Q, years: list[int]) -> None:
    # Counted on the township (a village row exists only where there are records; 34,000 rows
    # a year holding "1 village" would be most of the table).
    villages = Region.objects.filter(within, level=Level.VILLAGE).values_list(
        "code", "parent_id", "is_poor", "poor_since", "exited_in", "population"
    )
    # The population is the latest known, in every year, on the village's own row.
    for code, township, is_poor, since, exited, population in villages:
        for year in years:
            row = own[township, year]
            row["villages"] += 1
            if is_poor and (since is None or since <= year) and (exited is None or exited > year):
                row["poor_villages"] += 1
            if population is not None:
                row["villages_with_population"] += 1
                if population:
                    own[code, year]["population"] += population


@dataclass
class Households:
    """What the pairing's figures need of the households counted: their people, and whether
    each was a beneficiary (registered and not exited) at the end of a year."""

    sizes: dict[int, int]
    registered: dict[int, int]
    history: dict[int, list[tuple[int, str]]]

    def needs_helper(self, household: int, year: int) -> bool:
        registered = self.registered.get(household)
        if registered is None or registered > year:
            return False
        return _status_at(self.history.get(household, []), year) in NOT_EXITED


def _registry(own: Own, under: Under, years: list[int]) -> Households:
    """Households and people by status at each year's end, exits and relapses in each year."""
    households = list(
        Household.objects.filter(under("village__code")).values_list(
            "pk", "village_id", "registered_in", "main_cause", "attribute"
        )
    )
    sizes: dict[int, int] = Counter(
        Person.objects.filter(under("household__village__code")).values_list(
            "household_id", flat=True
        )
    )
    history: dict[int, list[tuple[int, str]]] = defaultdict(list)
    changes = (
        StatusChange.objects.filter(under("household__village__code"))
        .order_by("household_id", "year", "id")
        .values_list("household_id", "year", "status")
    )
    for household, year, status in changes:
        history[household].append((year, status))
    for pk, village, registered, cause, attribute in households:
        people = sizes.get(pk, 0)
        steps = history.get(pk, [])
        for year, status in steps:
            if year in years and status in (Status.EXITED, Status.RELAPSED):
                row = own[village, year]
                kind = "exits" if status == Status.EXITED else "relapses"
                row[kind] += 1
                row[f"{kind}_people"] += people
        for year in years:
            if registered > year:
                continue
            status = _status_at(steps, year)
            row = own[village, year]
            row["households"] += 1
            row["people"] += people
            row[f"households_{status}"] += 1
            row[f"people_{status}"] += people
            if status in NOT_EXITED:
                row["households_not_exited"] += 1
                row["people_not_exited"] += people
                row[f"cause.{cause}"] += 1
                row[f"attribute.{attribute}"] += 1
                row["beneficiaries"] += 1
    registered_in = {pk: registered for pk, _v, registered, _c, _a in households}
    return Households(sizes, registered_in, history)


def _status_at(steps: list[tuple[int, str]], year: int) -> str:
    status = Status.POOR.value
    for when, value in steps:
        if when > year:
            break
        status = value
    return status


def _pairing(own: Own, under: Under, years: list[int], households: Households) -> None:
    """Helpers; current primary pairings and the people they reach (`paired_people`: a
    household that has exited keeps its helper, 脱贫不脱帮扶, and still counts); beneficiaries
    with a primary helper (`paired`: households not exited and members tagged poor at the
    year's end, the numerator of the coverage); each helper's load."""
    helpers = Helper.objects.filter(under("region__code"), active=True).values_list(
        "pk", "region_id"
    )
    helper_region = dict(helpers)
    for region in helper_region.values():
        for year in years:
            own[region, year]["helpers"] += 1
    primary = Pairing.objects.filter(kind="primary").values_list(
        "helper_id", "household_id", "member_id", "region_id", "started_on", "ended_on"
    )
    poor_tags: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for member, since, until in MemberTag.objects.filter(
        under("region_code"), kind=TagKind.POOR
    ).values_list("member_id", "since", "until"):
        poor_tags[member].append((since, until))
    # The beneficiary's side: pairings of beneficiaries under the prefix.
    for _helper, household, member, region, started, ended in primary.filter(under("region__code")):
        for year in years:
            if _current(started, ended, year):
                row = own[region, year]
                if household:
                    row["paired_people"] += households.sizes.get(household, 0)
                    row["paired"] += households.needs_helper(household, year)
                else:
                    row["paired_people"] += 1
                    row["paired"] += any(
                        _current(since, until, year) for since, until in poor_tags[member]
                    )
    # The helper's side: current primary pairings of helpers under the prefix.
    helper_ids = list(helper_region)
    for start in range(0, len(helper_ids), 5000):
        chunk = helper_ids[start : start + 5000]
        for helper, _h, _m, _r, started, ended in primary.filter(helper_id__in=chunk):
            for year in years:
                if _current(started, ended, year):
                    own[helper_region[helper], year]["helper_pairings"] += 1


def _projects(own: Own, under: Under, years: list[int]) -> None:
    projects = Project.objects.filter(under("region__code")).values_list(
        "region_id", "type", "started_on"
    )
    for region, kind, started in projects:
        for year in years:
            if _current(started, None, year):
                own[region, year]["projects"] += 1
                own[region, year][f"project_type.{kind}"] += 1
    participants = Participant.objects.filter(under("region__code")).values_list(
        "region_id", "is_poor", "is_shareholder", "joined_on", "left_on"
    )
    for region, poor, shareholder, joined, left in participants:
        for year in years:
            if _current(joined, left, year):
                row = own[region, year]
                row["participants"] += 1
                row["poor_participants"] += poor
                row["shareholders"] += shareholder
    paid = DividendPayout.objects.filter(
        under("participant__region__code"), run__status=RunStatus.RECORDED
    ).values_list("participant__region_id", "run__period_end", "total")
    year_set = set(years)
    for region, end, total in paid:
        if end.year in year_set:
            own[region, end.year]["dividends_fen"] += cents(total)
    output = ProjectYear.objects.filter(under("project__region__code")).values_list(
        "project__region_id", "year", "output_value"
    )
    for region, year, value in output:
        if year in year_set:
            own[region, year]["output_fen"] += cents(value)
    partners = Partner.objects.filter(under("region__code")).values_list("region_id", "kind")
    for region, kind in partners:
        key = "enterprises" if kind == PartnerKind.ENTERPRISE else "industry_households"
        for year in years:
            own[region, year][key] += 1


def _party(own: Own, under: Under, years: list[int]) -> None:
    members = Member.objects.filter(under("region__code"), stage__in=MEMBER_STAGES).values_list(
        "region_id", "region__level", "joined_on"
    )
    for region, level, joined in members:
        # 农村党员 live in a village (or community); the others are the organs' cadres.
        where = "village_members" if level == Level.VILLAGE else "organ_members"
        for year in years:
            if _current(joined, None, year):
                own[region, year]["members"] += 1
                own[region, year][where] += 1
    poor_villages = set(
        Region.objects.filter(under("code"), level=Level.VILLAGE, is_poor=True).values_list(
            "code", flat=True
        )
    )
    tags = MemberTag.objects.filter(under("region_code")).values_list(
        "region_code", "kind", "since", "until"
    )
    for region, kind, since, until in tags:
        for year in years:
            if _current(since, until, year):
                row = own[region, year]
                row[f"tag.{kind}"] += 1
                if kind == TagKind.POOR:
                    row["poor_members"] += 1
                    row["beneficiaries"] += 1
                if kind == TagKind.WEALTH_LEADER and region in poor_villages:
                    row["wealth_leaders_poor_villages"] += 1
    organisations = Organisation.objects.filter(under("region__code")).values_list(
        "region_id", "founded_on", "closed_on"
    )
    for region, founded, closed in organisations:
        for year in years:
            if _current(founded, closed, year):
                own[region, year]["organisations"] += 1
