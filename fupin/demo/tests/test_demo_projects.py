"""`fupin demo`'s projects: projects, partners, participants, registers and recorded dividend
runs on the poor villages, in bulk, exact to the fen; and the programme's own examples on their
real villages, built through the projects' actions.

The small test tree lacks the examples' villages; one test adds them (with their parents) from
the bundled tree first."""

import datetime
import json
from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from stdnum.cn import uscc

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.demo import projects as demo_projects
from fupin.demo.households import build_households
from fupin.demo.pairing import clear_pairing
from fupin.demo.party import clear_party
from fupin.party.choices import TagKind
from fupin.projects import actions
from fupin.projects import dividends as engine
from fupin.projects.actions.runs import charter_of
from fupin.projects.choices import PartnerKind, RunStatus, Stage
from fupin.projects.models import (
    DividendPayout,
    DividendRun,
    Investment,
    Participant,
    ParticipantIncome,
    Partner,
    Project,
    ProjectYear,
    ShareEntry,
)
from fupin.projects.register import register
from fupin.regions.actions import load_regions
from fupin.regions.loader import BUNDLED, parse_regions
from fupin.regions.models import Region
from fupin.registry.models import Household, IncomeRecord
from fupin.registry.rules import per_capita
from fupin.testing import api_for


def demo(*args: str) -> dict:
    out = StringIO()
    call_command("demo", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def poor_villages() -> set[str]:
    return set(Region.objects.filter(is_poor=True, level=5).values_list("code", flat=True))


def property_incomes() -> dict[tuple[str, str, int], Decimal]:
    """(village, household number, year) -> property income: the same household of a rebuild."""
    return {
        (village, number, year): amount
        for village, number, year, amount in IncomeRecord.objects.filter(
            year__in=demo_projects.RUN_YEARS
        ).values_list("household__village_id", "household__number", "year", "property_income")
    }


@pytest.mark.django_db
def test_it_builds_projects_partners_and_participants_on_the_poor_villages():
    data = demo("--scale", "0.01", "--seed", "3")["projects"]

    villages = poor_villages()
    assert data["projects"] == Project.objects.count() >= 2 * len(villages)
    assert data["fixtures"] == {} and data["users"] == {}, "the small tree has no example village"
    for project in Project.objects.prefetch_related("coverage", "leaders"):
        covered = {c.region_id for c in project.coverage.all()}
        assert covered <= villages
        assert project.region_id == min(covered) or len(covered) > 1
        assert all(m.region_id in covered for m in project.leaders.all())
    assert Project.objects.filter(leaders__isnull=False).distinct().count() == data["projects"]
    # Every approval step up to the project's stage, in order.
    for project in Project.objects.prefetch_related("approvals"):
        steps = [a.stage for a in project.approvals.order_by("done_on", "id")]
        assert steps == list(Stage.values)[: list(Stage.values).index(project.stage) + 1]

    # Poor participants are working people of a poor household of the project's village.
    poor = Participant.objects.filter(is_poor=True).select_related("person", "household")
    assert poor.count() == data["poor_participants"] > 8 * data["projects"]
    for p in poor:
        assert p.household_id == p.person.household_id
        assert p.region_id == p.household.village_id == p.person.village_code
        assert p.project.coverage.filter(region_id=p.region_id).exists()
    assert Participant.objects.count() == data["participants"]

    # Leading enterprises with valid credit codes, industry households on the poor villages.
    enterprises = Partner.objects.filter(kind=PartnerKind.ENTERPRISE)
    assert enterprises.count() == data["enterprises"] >= 2 * 3
    assert all(uscc.is_valid(code) for code in enterprises.values_list("credit_code", flat=True))
    households = Partner.objects.filter(kind=PartnerKind.INDUSTRY_HOUSEHOLD)
    assert households.count() == data["industry_households"] >= 2 * len(villages)
    assert set(households.values_list("region_id", flat=True)) <= villages
    assert Project.objects.filter(partners__kind=PartnerKind.ENTERPRISE).exists()
    # Preferred shares only for poor participants of a charter with a guaranteed rate.
    preferred = ShareEntry.objects.filter(preferred=True)
    assert preferred.exists()
    assert not preferred.filter(participant__is_poor=False).exists()
    assert not preferred.filter(project__preferred_rate=0).exists()
    assert ShareEntry.objects.count() == data["share_entries"]
    assert AuditEvent.objects.filter(action="demo.create_projects").count() == 2


@pytest.mark.django_db
def test_its_dividend_runs_are_the_engines_to_the_fen_and_flow_into_the_registry():
    data = demo("--scale", "0.01", "--seed", "3")["projects"]

    runs = DividendRun.objects.select_related("project")
    assert runs.count() == data["runs"] > data["projects"]
    assert set(runs.values_list("status", flat=True)) == {RunStatus.RECORDED}
    assert {(r.period_start, r.period_end) for r in runs} == {
        (datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in (2018, 2019)
    }
    distributed = Decimal(0)
    for run in runs:
        # What the engine gives over the register at the period's end, as preview_dividends.
        holdings = [
            engine.Holding(
                shareholder=line.participant_id,
                ordinary=line.ordinary,
                preferred=line.preferred,
                preferred_value=line.preferred_value,
            )
            for line in register(run.project, run.period_end)
        ]
        expected = engine.compute(charter_of(run.project), run.profit, holdings)
        payouts = list(run.payouts.order_by("participant_id"))
        assert [
            (p.participant_id, p.shares, p.preferred, p.ordinary, p.total) for p in payouts
        ] == [(p.shareholder, p.shares, p.preferred, p.ordinary, p.total) for p in expected.payouts]
        assert (run.reserve, run.collective, run.shortfall) == (
            expected.reserve,
            expected.collective,
            expected.shortfall,
        )
        assert run.reserve + run.collective + sum(p.total for p in payouts) == run.profit
        assert sum(p.total for p in payouts) == run.distributed
        distributed += run.distributed
    assert str(distributed) == data["distributed"]
    assert DividendPayout.objects.count() == data["payouts"]
    # The 2019 registers hold the cash some added in 2019: the two years differ.
    assert ShareEntry.objects.filter(dated_on__year=2019).exists()

    # Each participant's yearly dividends are the sum of their payouts.
    paid = defaultdict(Decimal)
    for participant, year, total in DividendPayout.objects.values_list(
        "participant_id", "run__period_end__year", "total"
    ):
        paid[participant, year] += total
    incomes = {
        (i.participant_id, i.year): i.dividends
        for i in ParticipantIncome.objects.filter(dividends__gt=0)
    }
    assert incomes == {k: v for k, v in paid.items() if v}

    # The households' property income: what the registry drew, plus their members' dividends.
    by_household = defaultdict(Decimal)
    for (participant, year), total in paid.items():
        household = Participant.objects.get(pk=participant).household
        if household is not None:
            by_household[household.village_id, household.number, year] += total
    assert len({k[:2] for k in by_household}) == data["households_paid"]
    after = property_incomes()
    for record in IncomeRecord.objects.filter(year__in=[2018, 2019])[:500]:
        assert record.per_capita == per_capita(record.net, record.members)
    with transaction.atomic():
        demo_projects.clear_projects()
        clear_pairing()
        clear_party()
        build_households(village_codes=sorted(poor_villages()), seed=3)
        before = property_incomes()
        transaction.set_rollback(True)
    assert set(after) == set(before)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {k for k, v in by_household.items() if v}
    assert all(after[k] - before[k] == by_household[k] for k in changed)
    assert len(changed) == data["income_records"]


@pytest.mark.django_db
def test_a_rebuild_replaces_the_projects_and_gives_the_same_figures():
    first = demo("--scale", "0.01", "--seed", "3")["projects"]
    ids = set(Project.objects.values_list("pk", flat=True))

    again = demo("--scale", "0.01", "--seed", "3")["projects"]

    assert again == first
    assert not ids & set(Project.objects.values_list("pk", flat=True)), "new rows, new ids"
    assert AuditEvent.objects.filter(action="demo.delete_projects").count() == 2
    other = demo("--scale", "0.01", "--seed", "4")["projects"]
    assert other != first


def add_example_villages() -> None:
    """The examples' villages with their parents, from the bundled tree."""
    wanted = {
        code[:n]
        for code in [*demo_projects.FIXTURE_VILLAGES, demo_projects.QUXIAN]
        for n in (2, 4, 6, 9, 12)
        if len(code) >= n
    }
    load_regions(
        actor=None,
        rows=[r for r in parse_regions(BUNDLED, {}) if r.code in wanted],
        source="test",
    )


@pytest.mark.django_db
def test_it_builds_the_programmes_examples_on_their_real_villages_through_the_actions():
    add_example_villages()
    assert Region.objects.get(code=demo_projects.PINGQIAO).name.startswith("平桥村")

    data = demo("--scale", "0.01", "--seed", "3")["projects"]

    fixtures = data["fixtures"]
    assert set(fixtures) == {"pingqiao", "guangrong", "lanwu", "lingshan", "jushui"}
    assert data["users"] == {
        "township_chuanzhu": {"role": "township_admin", "region": "511724231"},
        "county_dazhu": {"role": "county_admin", "region": "511724"},
        "finance_dazhu": {"role": "county_admin", "region": "511724"},
        "county_quxian": {"role": "county_admin", "region": "511725"},
    }

    def fixture(key: str) -> Project:
        # The last of its name there (a drawn project of the village may share the name).
        found = Project.objects.filter(
            name=fixtures[key]["name"], coverage__region_id=fixtures[key]["village"]
        )
        project = found.order_by("pk").last()
        assert project is not None
        return project

    for key in fixtures:
        project = fixture(key)
        assert project.stage == Stage.FILED
        assert AuditEvent.objects.filter(
            action="projects.create_project", object_id=str(project.pk)
        ).exists()

    # 平桥村: 120 poor shareholders with land, preferred funds and cash; 2018 recorded.
    pingqiao = fixture("pingqiao")
    assert pingqiao.coverage.get().region_id == demo_projects.PINGQIAO
    assert pingqiao.preferred_rate == Decimal("8.00")
    poor = pingqiao.participants.filter(is_poor=True, is_shareholder=True)
    assert poor.count() == 120
    assets = set(ShareEntry.objects.filter(project=pingqiao).values_list("asset", flat=True))
    assert assets == {"land", "fund", "cash"}
    assert ShareEntry.objects.filter(project=pingqiao, preferred=True).count() == 120
    run_2018 = pingqiao.dividend_runs.get()
    assert (run_2018.status, run_2018.period_label) == (RunStatus.RECORDED, "2018")
    assert run_2018.payouts.aggregate(s=Sum("total"))["s"] == run_2018.distributed > 0
    # Three users took its three steps (four eyes).
    steps = (run_2018.proposed_by, run_2018.approved_by, run_2018.recorded_by)
    assert [u.username for u in steps] == ["township_chuanzhu", "county_dazhu", "finance_dazhu"]

    # Its 2019 run is the users': 川主乡 previews and proposes it, the county approves it, the
    # county's finance officer records it; one user may not take two of the steps.
    township, dazhu, finance = (
        User.objects.get(username=name)
        for name in ("township_chuanzhu", "county_dazhu", "finance_dazhu")
    )
    start, end = datetime.date(2019, 1, 1), datetime.date(2019, 12, 31)
    preview = actions.preview_dividends(
        project=pingqiao, period_start=start, period_end=end, profit=Decimal("420000.00")
    )
    run = actions.propose_dividend_run(
        actor=township, project=pingqiao, period_start=start, period_end=end, profit="420000.00"
    )
    with pytest.raises(PermissionDenied):
        actions.approve_dividend_run(actor=township, run=run)
    run = actions.approve_dividend_run(actor=dazhu, run=run)
    with pytest.raises(PermissionDenied):
        actions.record_dividend_run(actor=dazhu, run=run)
    run = actions.record_dividend_run(actor=finance, run=run)
    assert run.status == RunStatus.RECORDED
    assert run.payouts.aggregate(s=Sum("total"))["s"] == run.distributed
    assert run.distributed == preview.preferred_total + preview.ordinary_total

    # The county administrator lists it by region; the sibling county's sees nothing there.
    listed = api_for(dazhu).get("/api/v1/projects/?region=511724").json()
    names = [p["name"] for p in listed.get("results", listed)]
    assert "平桥村花椒专业合作社" in names
    quxian = api_for(User.objects.get(username="county_quxian"))
    listed = quxian.get("/api/v1/projects/?region=511724").json()
    assert not listed.get("results", listed)

    # 光荣村: 5 member leaders.
    guangrong = fixture("guangrong")
    assert guangrong.leaders.count() == 5
    assert all(m.region_id == demo_projects.GUANGRONG for m in guangrong.leaders.all())
    # 兰武村: 60 households, 100 亩 of bitter gourd, 150万 a year.
    lanwu = fixture("lanwu")
    assert lanwu.participants.filter(household__isnull=False, person__isnull=True).count() == 60
    assert (lanwu.land_mu, lanwu.product) == (Decimal("100.00"), "苦瓜")
    assert set(
        ProjectYear.objects.filter(project=lanwu).values_list("output_value", flat=True)
    ) == {Decimal("1500000.00")}
    # 灵山村: founded with 75万, 18 households, 120 亩.
    lingshan = fixture("lingshan")
    total = Investment.objects.filter(project=lingshan).aggregate(s=Sum("amount"))["s"]
    assert total == Decimal("750000.00")
    assert lingshan.participants.filter(household__isnull=False).count() == 18
    assert lingshan.land_mu == Decimal("120.00")
    # 雎水镇: 2 poor member leaders, 30 亩, 3 poor participants earning 1.2万 a year each.
    jushui = fixture("jushui")
    assert jushui.coverage.get().region_id.startswith("510705110")
    assert jushui.land_mu == Decimal("30.00")
    leaders = jushui.leaders.all()
    assert len(leaders) == 2
    assert all(m.tags.filter(kind=TagKind.POOR).exists() and m.person_id for m in leaders)
    workers = jushui.participants.filter(is_poor=True)
    assert workers.count() == 3
    assert set(
        ParticipantIncome.objects.filter(participant__in=workers).values_list("wages", flat=True)
    ) == {Decimal("12000.00")}
    assert Household.objects.filter(village_id=demo_projects.PINGQIAO).count() >= 120
