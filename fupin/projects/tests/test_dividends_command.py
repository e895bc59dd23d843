"""`fupin dividends preview|record --project ID --period PERIOD --profit AMOUNT [--json]
[--user USERNAME]`: the engine's exact figures as decimal strings, the approval rules when
acting as a user, and refusals in Chinese that save nothing."""

import datetime
import json
from decimal import Decimal
from functools import partial
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from fupin.projects import dividends
from fupin.projects.models import DividendRun, ParticipantIncome
from fupin.projects.register import register
from fupin.testing import command_refused, nothing_saved


def run(*args: str) -> str:
    out = StringIO()
    call_command("dividends", *args, stdout=out)
    return out.getvalue()


def run_json(*args: str) -> dict[str, Any]:
    lines = run(*args, "--json").strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


refused = partial(command_refused, "dividends")


def engine_run(project: Any, year: int, profit: str) -> dividends.Run:
    """The run by the pure engine, straight from the charter and the register."""
    charter = dividends.Charter(
        reserve_percent=project.reserve_percent,
        collective_percent=project.collective_percent,
        preferred_rate=project.preferred_rate / 100,
        shortfall_rule=project.shortfall_rule,
    )
    holdings = [
        dividends.Holding(
            shareholder=line.participant_id,
            ordinary=line.ordinary,
            preferred=line.preferred,
            preferred_value=line.preferred_value,
        )
        for line in register(project, datetime.date(year, 12, 31))
    ]
    return dividends.compute(charter, Decimal(profit), holdings)


def as_strings(run: dividends.Run) -> dict[str, Any]:
    return {
        "pool": f"{run.pool:.2f}",
        "reserve": f"{run.reserve:.2f}",
        "collective": f"{run.collective:.2f}",
        "shortfall": f"{run.shortfall:.2f}",
        "payouts": [
            {
                "shareholder": p.shareholder,
                "shares": f"{p.shares:.2f}",
                "preferred": f"{p.preferred:.2f}",
                "ordinary": f"{p.ordinary:.2f}",
                "total": f"{p.total:.2f}",
            }
            for p in run.payouts
        ],
    }


def test_it_previews_the_exact_run_and_saves_nothing(projects):
    project = projects.project_a
    with nothing_saved():
        figures = run_json(
            "preview", "--project", str(project.pk), "--period", "2019", "--profit", "10000"
        )
    assert figures == {
        "project": project.pk,
        "period": "2019",
        "pool": "10000.00",
        "reserve": "1000.00",
        "collective": "500.00",
        "shortfall": "0.00",
        "preferred_total": "420.00",
        "ordinary_total": "8080.00",
        "reserve_drawn": "0.00",
        "payouts": [
            {
                "shareholder": projects.holder_a1.pk,
                "shares": "3600.00",
                "preferred": "120.00",
                "ordinary": "885.48",
                "total": "1005.48",
            },
            {
                "shareholder": projects.holder_a2.pk,
                "shares": "5000.00",
                "preferred": "300.00",
                "ordinary": "0.00",
                "total": "300.00",
            },
            {
                "shareholder": projects.holder_a3.pk,
                "shares": "3000.00",
                "preferred": "0.00",
                "ordinary": "1660.27",
                "total": "1660.27",
            },
            {
                "shareholder": projects.villager.pk,
                "shares": "10000.00",
                "preferred": "0.00",
                "ordinary": "5534.25",
                "total": "5534.25",
            },
        ],
    }
    expected = as_strings(engine_run(project, 2019, "10000"))
    assert {key: figures[key] for key in expected} == expected


@pytest.mark.parametrize("profit", ["400", "0", "12345.67", "0.01", "999999999.99"])
def test_it_gives_the_engines_figures_for_any_profit(projects, profit):
    figures = run_json(
        "preview", "--project", str(projects.project_a.pk), "--period", "2019", "--profit", profit
    )
    expected = as_strings(engine_run(projects.project_a, 2019, profit))
    assert {key: figures[key] for key in expected} == expected
    paid = sum(Decimal(p["total"]) for p in figures["payouts"])
    assert Decimal(figures["reserve"]) + Decimal(figures["collective"]) + paid == Decimal(profit)
    if profit == "400":  # 340 left after the reserve and the collective: 80 short of 420
        assert figures["shortfall"] == "80.00" and figures["ordinary_total"] == "0.00"


def test_it_records_as_the_operator(projects):
    project = projects.project_a
    preview = run_json(
        "preview", "--project", str(project.pk), "--period", "2019", "--profit", "10000"
    )
    figures = run_json(
        "record", "--project", str(project.pk), "--period", "2019", "--profit", "10000"
    )
    saved = DividendRun.objects.get(pk=figures.pop("run"))
    assert figures.pop("status") == "recorded" == saved.status
    assert figures == preview
    assert saved.proposed_by is None and saved.approved_by is None
    assert saved.period_start == datetime.date(2019, 1, 1)
    incomes = dict(
        ParticipantIncome.objects.filter(year=2019).values_list("participant_id", "dividends")
    )
    assert incomes == {
        p["shareholder"]: Decimal(p["total"]) for p in figures["payouts"] if p["total"] != "0.00"
    }
    # Recorded: the period is taken.
    message = refused(
        "record", "--project", str(project.pk), "--period", "2019", "--profit", "10000"
    )
    assert message.startswith("未能分红：")


def test_it_records_as_a_user_under_the_approval_rules(cast, projects):
    project = str(projects.project_a.pk)
    args = ("record", "--project", project, "--period", "2019", "--profit", "5000.50")
    for username in ("village_a_secretary", "auditor", "county_b_admin", "helper"):
        # No proposal is left behind by a refused approval either.
        assert refused(*args, "--user", username).startswith("未能分红："), username
    assert refused(*args, "--user", "nobody") == "没有这个用户：\n  nobody"
    assert refused(*args, "--user", "county_a_admin", "--approved-by", "nobody") == (
        "没有这个用户：\n  nobody"
    )
    # Four eyes: one user does not propose, approve and record (and nothing is left behind).
    with nothing_saved():
        alone = refused(*args, "--user", "county_a_admin")
    assert alone == "未能分红：\n  该分红方案由您提出，须由另一位用户批准。"
    with nothing_saved():
        approver_records = refused(
            *args,
            "--user",
            "village_a_secretary",
            "--approved-by",
            "county_a_admin",
            "--recorded-by",
            "county_a_admin",
        )
    assert approver_records == "未能分红：\n  该分红方案由您批准，须由另一位用户入账。"
    figures = run_json(
        *args,
        "--user",
        "village_a_secretary",
        "--approved-by",
        "county_a_admin",
        "--recorded-by",
        "province_admin",
    )
    saved = DividendRun.objects.get(pk=figures["run"])
    assert saved.status == "recorded" and figures["pool"] == "5000.50"
    assert (saved.proposed_by, saved.approved_by, saved.recorded_by) == (
        cast.village_a_secretary,
        cast.county_a_admin,
        cast.province_admin,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2019", "--profit", "-5"), "未能分红："),
        (("--period", "2019", "--profit", "abc"), "未能分红："),
        (("--period", "2019", "--profit", "1.005"), "未能分红："),
        (("--period", "2019-13", "--profit", "100"), "未能分红："),
        (("--period", "2020-06-30..2019-07-01", "--profit", "100"), "未能分红："),
        (("--period", "2018", "--profit", "100"), "未能分红："),
        (("--period", "2018-07-01..2019-06-30", "--profit", "100"), "未能分红："),
    ],
)
def test_it_refuses_bad_input(projects, args, message):
    for step in ("preview", "record"):
        assert refused(step, "--project", str(projects.project_a.pk), *args).startswith(message)


def test_it_refuses_an_unknown_project(projects):
    for project in ("999999", "x", ""):
        message = refused("preview", "--project", project, "--period", "2019", "--profit", "1")
        assert message == f"没有编号为“{project}”的项目。"


def test_it_prints_a_readable_summary(projects):
    project = projects.project_a
    text = run("preview", "--project", str(project.pk), "--period", "2019", "--profit", "400")
    assert f"花椒专业合作社（{project.pk}），2019：可分配利润400.00。" in text
    assert "公积金40.00，村集体20.00，优先股分红340.00，普通股分红0.00。" in text
    assert "保底分红缺口：80.00。" in text
    assert "4名股东共分得340.00。" in text
    assert f"{projects.holder_a2.pk}：5000.00股，242.86 + 0.00 = 242.86" in text
    assert "预览：未保存任何内容。" in text
    recorded = run("record", "--project", str(project.pk), "--period", "2019", "--profit", "10000")
    saved = DividendRun.objects.get(period_start__year=2019, project=project)
    assert f"已入账，分红编号{saved.pk}。" in recorded
