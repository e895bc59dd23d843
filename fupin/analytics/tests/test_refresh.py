"""The summary figures: a rebuild counts what the records say, the actions keep them current
through the audit log (no difference after writes of every domain), and the subtree totals add
up the way the region tree does."""

import datetime
from typing import Any

import pytest
from django.core.management import call_command

from fupin.analytics import refresh
from fupin.analytics.figures import child_figures, figures, label, trend
from fupin.analytics.models import RegionFigures
from fupin.pairing import actions as pairing
from fupin.projects import actions as projects
from fupin.regions.actions import set_population
from fupin.regions.loader import PopulationRow
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PROVINCE,
    VILLAGE_A,
    VILLAGE_B,
    build_pairing_sample,
    build_projects_sample,
)


@pytest.fixture
def sample(db: Any, cast: Any) -> Any:
    pairing_sample = build_pairing_sample()
    return pairing_sample, build_projects_sample(pairing_sample.party)


def test_it_counts_the_records(sample: Any) -> None:
    refresh.rebuild()
    year = max(y for y, _ in trend(PROVINCE))
    a, b = figures(COUNTY_A, year), figures(COUNTY_B, year)
    # County A: pairing's household A and A2, projects' J001–J004 (one member each).
    assert a["households"] == 6 and a["households_poor"] == 6 and a["people"] == 6
    assert b["households"] == 2
    assert a["projects"] == 1 and b["projects"] == 1
    assert a["enterprises"] == 1 and a["industry_households"] == 1
    assert a["participants"] == 5 and a["poor_participants"] == 4 and a["shareholders"] == 4
    assert a["paired"] == 1 and a["paired_people"] == 1
    assert a["cause.illness"] == 6
    assert figures(PROVINCE, year)["households"] == 8
    assert refresh.check() == []


def test_it_pays_dividends_into_the_year_of_the_run(sample: Any) -> None:
    _pairing, sample_projects = sample
    refresh.rebuild()
    paid = sum(p.total for p in sample_projects.run_2018.payouts.all())
    in_a = sum(
        p.total
        for p in sample_projects.run_2018.payouts.select_related("participant")
        if p.participant.region_id.startswith(COUNTY_A)
    )
    assert figures(COUNTY_A, 2018)["dividends_fen"] == int(in_a * 100) == int(paid * 100)
    assert figures(COUNTY_A, 2018)["output_fen"] == 32_000_000


def test_it_follows_the_actions_through_the_audit_log(
    sample: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pairing_sample, sample_projects = sample
    refresh.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        household = registry.create_household(
            actor=None,
            village_code=VILLAGE_B,
            number="F001",
            main_cause="disability",
            registered_in=2014,
        )
    latest = max(y for y, _ in trend(PROVINCE))
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_status(
            actor=None,
            household=pairing_sample.household_a2,
            year=latest,
            status="exited",
            reason="收入达标",
        )
    with django_capture_on_commit_callbacks(execute=True):
        projects.add_participant(
            actor=None,
            project=sample_projects.project_b,
            household=household,
            is_worker=True,
        )
    with django_capture_on_commit_callbacks(execute=True):
        pairing.pair(actor=None, helper=pairing_sample.helper_b, household=household)
    assert refresh.check() == []
    assert figures(COUNTY_B, latest)["households"] == 3
    assert figures(COUNTY_A, latest)["exits"] == 1
    assert figures(COUNTY_B, latest)["cause.disability"] == 1
    # The pairing made today brought this year into the figures (a full rebuild).
    assert max(y for y, _ in trend(PROVINCE)) == datetime.date.today().year
    assert figures(PROVINCE)["participants"] == 7
    assert figures(PROVINCE, latest)["participants"] == 6


def test_it_counts_a_household_that_exits_with_its_helper_among_the_paired_people(
    sample: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pairing_sample, _projects = sample
    refresh.rebuild()
    latest = max(y for y, _ in trend(PROVINCE))
    before = figures(COUNTY_A, latest)
    assert before["paired"] == 1 and before["paired_people"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        registry.record_status(
            actor=None,
            household=pairing_sample.pairing_a.household,
            year=latest,
            status="exited",
            reason="收入达标",
        )
    # 脱贫不脱帮扶: the helper stays, so the person is still paired, but the household no
    # longer needs a helper and leaves the coverage's numerator with its denominator.
    after = figures(COUNTY_A, latest)
    assert after["paired_people"] == 1
    assert after["paired"] == 0
    assert after["beneficiaries"] == before["beneficiaries"] - 1
    assert refresh.check() == []
    with django_capture_on_commit_callbacks(execute=True):
        pairing.end_pairing(
            actor=None, pairing=pairing_sample.pairing_a, ended_on=datetime.date(latest, 12, 1)
        )
    assert figures(COUNTY_A, latest)["paired_people"] == 0
    assert refresh.check() == []


def test_it_follows_a_population_load(sample: Any, django_capture_on_commit_callbacks: Any) -> None:
    refresh.rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        set_population(
            actor=None, rows=[PopulationRow(VILLAGE_A, 1500), PopulationRow(VILLAGE_B, 700)]
        )
    assert figures(COUNTY_A)["population"] == 1500
    assert figures(PROVINCE)["population"] == 2200
    assert figures(VILLAGE_A[:9])["villages_with_population"] == 1
    assert refresh.check() == []


def test_it_lists_every_child_region_with_its_figures(sample: Any) -> None:
    refresh.rebuild()
    children = child_figures("5108")
    codes = [region.code for region, _ in children]
    assert COUNTY_A in codes and COUNTY_B in codes
    by_code = {region.code: f for region, f in children}
    assert (
        by_code[COUNTY_A]["households"] + by_code[COUNTY_B]["households"]
        == figures("5108")["households"]
    )
    village_rows = RegionFigures.objects.filter(code=VILLAGE_A)
    assert village_rows.exists()
    assert all(row.own == row.total for row in village_rows)


def test_it_rebuilds_one_subtree_and_keeps_the_totals_above(sample: Any) -> None:
    refresh.rebuild()
    before = figures(PROVINCE)
    RegionFigures.objects.filter(code__startswith=VILLAGE_A).update(own={}, total={})
    assert refresh.check(VILLAGE_A) != []
    refresh.rebuild(VILLAGE_A)
    assert figures(PROVINCE) == before
    assert refresh.check() == []


def test_it_checks_and_reports_a_difference_from_the_command(sample: Any, capsys: Any) -> None:
    call_command("analytics", "rebuild", "--json")
    call_command("analytics", "check", "--json")
    assert '"count": 0' in capsys.readouterr().out
    row = RegionFigures.objects.get(code=COUNTY_A, year=max(trend(COUNTY_A))[0])
    row.total = {**row.total, "households": 999}
    row.save()
    with pytest.raises(SystemExit) as failed:
        call_command("analytics", "check", "--region", COUNTY_A, "--json")
    assert failed.value.code == 1
    assert "total:households" in capsys.readouterr().out


def test_it_refuses_an_unknown_region(sample: Any) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("analytics", "rebuild", "--region", "99")
    with pytest.raises(CommandError):
        call_command("analytics", "check", "--region", "5108x")


def test_it_labels_every_figure_in_chinese(sample: Any) -> None:
    assert label("households_poor") != "households_poor"
    assert label("cause.illness") != "cause.illness"
    assert label("project_type.cooperative") != "project_type.cooperative"
