"""`fupin pair --region CODE [--dry-run] [--rebalance] [--json] [--workers N]`."""

import json
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fupin.audit.models import AuditEvent
from fupin.pairing.models import Pairing, Proposal
from fupin.pairing.tests.test_optimise import assert_rules_hold, build_world, current_primary
from fupin.testing import COUNTY_A, COUNTY_B, PROVINCE, command_refused, nothing_saved


@pytest.fixture
def world(db: Any, cast: Any) -> Any:
    return build_world()


def run(*args: str) -> str:
    out = StringIO()
    call_command("pair", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    lines = run(*args, "--json", "--workers", "1").strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


refused = partial(command_refused, "pair")


def test_it_pairs_every_beneficiary_it_can_and_a_second_run_changes_nothing(world):
    figures = run_json("--region", COUNTY_A)
    assert set(figures) == {"beneficiaries", "assigned", "unassigned", "total_cost", "seconds"}
    assert figures["beneficiaries"] == 19  # 18 households not exited and a poor member
    assert figures["assigned"] == 19 and figures["unassigned"] == 0
    assert figures["total_cost"] > 0 and figures["seconds"] >= 0
    assert len(current_primary()) == 19 + 1  # county B's household keeps its helper
    assert_rules_hold()
    proposal = Proposal.objects.get()
    assert proposal.status == "applied" and proposal.region_id == COUNTY_A
    assert AuditEvent.objects.filter(action="pairing.apply_proposal").count() == 1
    pairings = sorted(current_primary(), key=lambda p: p.pk)
    again = run_json("--region", COUNTY_A)
    assert again == {**figures, "total_cost": 0, "seconds": again["seconds"]}
    assert sorted(current_primary(), key=lambda p: p.pk) == pairings
    assert not Proposal.objects.latest("id").items.exists()


def test_it_reports_the_reasons_of_those_left_unpaired(world):
    call_command("pair", "--region", COUNTY_B, "--dry-run", stdout=StringIO())  # nothing to refuse
    from fupin.pairing import actions

    actions.set_cap_rule(
        actor=None, region_code=COUNTY_B, primary_cap=2, leader_cap=2, secondary_cap=2
    )
    figures = run_json("--region", COUNTY_B)
    assert figures == {
        "beneficiaries": 4,
        "assigned": 2,
        "unassigned": 2,
        "total_cost": figures["total_cost"],
        "seconds": figures["seconds"],
    }
    items = Proposal.objects.get().items.all()
    assert sorted(i.reason for i in items) == ["", "helpers_at_cap", "helpers_at_cap"]
    text = run("--region", COUNTY_B, "--dry-run", "--workers", "1")
    assert f"{COUNTY_B}：帮扶对象4个，已有主要帮扶责任人2个，未结对2个。" in text
    assert "未结对：0个附近没有帮扶责任人，2个附近的帮扶责任人均已达到上限。" in text
    assert "方案：新增或调整结对0个。" in text
    assert "试运行：未保存任何内容。" in text


def test_it_saves_nothing_on_a_dry_run(world):
    with nothing_saved():
        text = run("--region", PROVINCE, "--dry-run", "--workers", "2")
    assert Pairing.objects.count() == 2
    lines = text.strip().splitlines()
    assert lines[0] == f"{PROVINCE}：帮扶对象23个，已有主要帮扶责任人23个，未结对0个。"
    assert lines[1] == "方案：新增或调整结对21个。"
    assert lines[2].startswith("调整前成本22,000，调整后")  # 20 households, a member
    assert lines[3].startswith("帮扶责任人按帮扶户数分布：")
    assert lines[4] == "试运行：未保存任何内容。"


def test_it_rebalances_only_when_asked(world):
    run_json("--region", PROVINCE)
    before = {(p.household_id, p.member_id): p.helper_id for p in current_primary()}
    figures = run_json("--region", PROVINCE, "--rebalance")
    assert figures["assigned"] == figures["beneficiaries"] == 23
    after = {(p.household_id, p.member_id): p.helper_id for p in current_primary()}
    assert after == before  # already optimal: moving anyone would cost more
    assert Proposal.objects.latest("id").rebalance is True
    assert_rules_hold()


def test_it_refuses_unknown_regions_and_bad_worker_counts(world):
    assert refused("--region", "519999") == "没有区划代码为“519999”的区划。"
    assert refused("--region", "五一") == "没有区划代码为“五一”的区划。"
    assert refused("--region", COUNTY_A, "--workers", "0") == "--workers 至少为 1。"
    assert Proposal.objects.count() == 0
