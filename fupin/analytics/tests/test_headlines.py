"""Numbers that agree (issue 17): every headline figure has one definition
(analytics.counting.HEADLINES), its breakdowns add up to it at every level and in every year,
and every page that shows it shows the same number: the dashboard's card, charts and child
table, the statistics API, the report tables, the bulletin, the coverage page and the member
list.

The world: the pairing's and the projects' samples, with households that exited, one that
exited and relapsed (未脱贫 again), a poor party member with a helper, a county organ's cadre
(a member, not 农村党员) and an applicant (in the member list, not a member)."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from fupin.analytics import refresh
from fupin.analytics.bulletin import Number, write_bulletin
from fupin.analytics.counting import HEADLINES
from fupin.analytics.figures import figures, latest_year
from fupin.analytics.models import RegionFigures
from fupin.analytics.reports import standard_report
from fupin.analytics.views import coverage
from fupin.lib.ids import make_resident_id
from fupin.pairing import actions as pairing
from fupin.party import actions as party
from fupin.regions.models import Region
from fupin.registry import actions as registry
from fupin.registry.models import Person
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    VILLAGE_B,
    api_for,
    build_pairing_sample,
    build_projects_sample,
    client_for,
    main,
)

LEVELS = {1, 2, 3, 4, 5}


@pytest.fixture
def world(db: Any, cast: Any) -> Any:
    sample = build_pairing_sample()
    projects = build_projects_sample(sample.party)
    status = registry.record_status
    status(actor=None, household=projects.household_a1, year=2018, status="exited")
    # Exited, then relapsed: not exited again, and still to be paired.
    status(actor=None, household=sample.household_a2, year=2018, status="exited")
    status(actor=None, household=sample.household_a2, year=2020, status="relapsed")
    status(actor=None, household=projects.household_a3, year=2019, status="exited")
    status(actor=None, household=projects.household_a3, year=2021, status="relapsed")
    status(actor=None, household=projects.household_a3, year=2023, status="exited")
    # A poor party member of village B (the head of a registered household), with a helper.
    head = Person.objects.get(household=projects.household_b, relation="head")
    poor = party.register_member(
        actor=None,
        organisation=sample.party.org_b,
        region_code=VILLAGE_B,
        name=head.name,
        id_number=head.id_number,
        stage="full",
        joined_on=datetime.date(2010, 7, 1),
        full_on=datetime.date(2011, 7, 1),
    )
    party.add_tag(actor=None, member=poor, kind="poor", since=datetime.date(2016, 1, 1))
    pairing.pair(actor=None, helper=sample.helper_b, member=poor)
    # A cadre of a county organ: a party member, not one of the villages' 农村党员.
    organ = party.create_organisation(
        actor=None,
        name="县农业农村局机关党支部",
        level="branch",
        kind="organ",
        region_codes=[COUNTY_A],
        founded_on=datetime.date(2000, 7, 1),
    )
    party.register_member(
        actor=None,
        organisation=organ,
        region_code=COUNTY_A,
        name="机关党员",
        id_number=make_resident_id(COUNTY_A, datetime.date(1980, 5, 5), 801),
        stage="full",
        joined_on=datetime.date(2005, 7, 1),
        full_on=datetime.date(2006, 7, 1),
    )
    # An applicant: a row of the member list, not a party member.
    party.register_member(
        actor=None,
        organisation=sample.party.org_a,
        name="申请人",
        id_number=make_resident_id(COUNTY_A, datetime.date(1999, 5, 5), 802),
        stage="applicant",
    )
    refresh.rebuild()
    return sample


def parts_sum(values: dict[str, int], parts: tuple[str, ...]) -> int:
    return sum(
        v
        for part in parts
        for k, v in values.items()
        if (k.startswith(part) if part.endswith(".") else k == part)
    )


def test_it_adds_every_breakdown_up_to_its_headline_at_every_level(world: Any) -> None:
    rows = list(RegionFigures.objects.values_list("code", "level", "year", "own", "total"))
    assert {level for _c, level, _y, _o, _t in rows} == LEVELS
    for code, _level, year, own, total in rows:
        for values in (own, total):
            for headline, breakdowns in HEADLINES.items():
                for parts in breakdowns:
                    assert parts_sum(values, parts) == values.get(headline, 0), (
                        code,
                        year,
                        headline,
                        parts,
                    )
    # The world has every kind the definitions add up: it tests something.
    latest = figures(PROVINCE)
    assert latest["households_relapsed"] == 1 and latest["households_exited"] == 2
    assert latest["households_not_exited"] == latest["households_poor"] + 1
    assert latest["organ_members"] == 1 and latest["village_members"] == 5
    assert latest["poor_members"] == 1
    assert figures(PROVINCE, 2021)["households_relapsed"] == 2


def dashboard(client: Any, code: str) -> Any:
    response = client.get(reverse("analytics:dashboard-region", args=[code]))
    assert response.status_code == 200
    return response


def test_it_shows_each_headline_alike_on_every_page(world: Any, cast: Any) -> None:
    client, api = client_for(cast.province_admin), api_for(cast.province_admin)
    for region in Region.objects.exclude(level=5).order_by("code"):
        code = region.code
        year = latest_year(code)
        fig = figures(code, year)
        board = dashboard(client, code)
        cards = {c["key"]: c for c in board.context["cards"]}
        not_exited = fig["households_not_exited"]
        assert cards["poor"]["value"] == f"{not_exited:,} / {fig['people_not_exited']:,}"
        assert cards["members"]["value"].startswith(f"{fig['members']:,} / ")
        note = str(cards["members"]["note"])
        assert f"{fig['village_members']:,}" in note and f"{fig['organ_members']:,}" in note
        # The charts of the households not exited add up to the card.
        tables = board.context["tables"]
        for group in ("cause", "attribute"):
            assert sum(row[1] for row in tables[group].rows) == not_exited, (code, group)
        # The child table and the map's values are each child's own figures.
        children = tables["children"]
        for row in children.rows:  # code, name, then households not exited
            assert row[2] == figures(row[0], year)["households_not_exited"], row
        metrics = {m["key"]: m["values"] for m in board.context["chart"]["children"]["metrics"]}
        assert metrics["people_not_exited"] == [
            float(figures(row[0], year)["people_not_exited"]) for row in children.rows
        ]
        # The API.
        answer = api.get("/api/v1/stats/", {"region": code}).json()
        assert answer["figures"]["households_not_exited"] == not_exited
        assert answer["figures"]["members"] == fig["members"]
        # The report tables: 合计 = 未脱贫 + 已脱贫, 未脱贫 as the card.
        status = standard_report(code, year).tables[0]
        total = status.rows[-1].values
        assert total[:4] == [
            fig["households"],
            not_exited,
            fig["households_relapsed"],
            fig["households_exited"],
        ]
        assert fig["households"] == not_exited + fig["households_exited"]
        pairing_table = standard_report(code, year).tables[2]
        assert pairing_table.rows[-1].values[:2] == [fig["beneficiaries"], fig["paired"]]
        # The bulletin writes the same figures.
        numbers = {n.key: n.value for n in write_bulletin(code).numbers() if isinstance(n, Number)}
        for key in ("members", "village_members", "poor_members", "beneficiaries", "paired"):
            assert numbers[key] == fig[key], (code, key)


def test_it_agrees_between_the_coverage_page_and_the_dashboard_in_every_region(
    world: Any, cast: Any
) -> None:
    client = client_for(cast.province_admin)
    regions = list(Region.objects.order_by("code"))
    assert {r.level for r in regions} == LEVELS
    for region in regions:
        code = region.code
        page = client.get(reverse("pairing:coverage"), {"region": code})
        assert page.status_code == 200
        board = dashboard(client, code)
        # A region without records has no figures (and nobody to pair).
        fig = {"households_not_exited": 0, "poor_members": 0, "paired": 0, "beneficiaries": 0}
        fig.update(board.context["view"].board.figures)
        cover = page.context["coverage"]
        assert cover.households == fig["households_not_exited"], code
        assert cover.members == fig["poor_members"], code
        assert page.context["paired"] == fig["paired"], code
        assert cover.households + cover.members == fig["beneficiaries"], code
        assert page.context["percent"] == coverage(fig), code
        cards = {c["key"]: c["value"] for c in board.context["cards"]}
        shown = main(page).split('<dd class="percent">', 1)[1].split("</dd>", 1)[0]
        assert shown == cards["coverage"], code
    # The world has regions with and without anyone to pair.
    assert coverage(figures(COUNTY_A)) == Decimal("25.0")
    assert coverage(figures(COUNTY_B)) == Decimal("66.7")
    assert coverage(figures("510821100")) is not None
    assert any(coverage(figures(r.code)) is None for r in regions)


def test_it_says_which_rows_of_the_member_list_the_dashboard_counts(world: Any, cast: Any) -> None:
    client = client_for(cast.province_admin)
    fig = figures(PROVINCE)
    page = client.get(reverse("party:member-list"), {"region": PROVINCE})
    assert page.status_code == 200
    note = page.context["note"]
    assert page.context["table"].paginator.count == fig["members"] + 1  # the applicant
    assert f"{fig['members']:,}" in note and f"{fig['village_members']:,}" in note
    members = client.get(reverse("party:member-list"), {"category": "members"})
    assert members.context["table"].paginator.count == fig["members"]
    for where, key in (("village", "village_members"), ("organ", "organ_members")):
        listed = client.get(reverse("party:member-list"), {"category": "members", "where": where})
        assert listed.context["table"].paginator.count == fig[key], where


def test_it_lists_the_households_a_headline_counts(world: Any, cast: Any) -> None:
    client = client_for(cast.province_admin)
    fig = figures(PROVINCE)
    listed = client.get(reverse("registry:household-list"), {"status": "not_exited"})
    assert listed.context["table"].paginator.count == fig["households_not_exited"]
    listed = client.get(reverse("registry:household-list"), {"status": "poor"})
    assert listed.context["table"].paginator.count == fig["households_poor"]
