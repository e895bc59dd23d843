"""The dividend pages: preview (nothing saved), propose, approve, record, discard, reverse, the
run list and its export, for every member of the cast.

The rule the pages show: whoever changes the project proposes and discards; approving,
recording and reversing is the township's or a higher level's (the village secretary gets 403);
the auditor reads (403 on every step); a sibling county's administrator gets 404 everywhere.
Four eyes (fupin.accounts.duties): who proposed a run neither approves nor records it, who
approved it does not record it (403, saying why, and no button).
"""

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
import python_calamine
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.projects import actions
from fupin.projects.models import DividendRun, ParticipantIncome
from fupin.projects.tests.conftest import propose_run
from fupin.testing import PageSuite, client_for, nothing_saved

# Who sees project A's runs (county A's users; the helper sees no project).
SEES_A = {"province_admin", "county_a_admin", "village_a_secretary", "auditor"}
# Who approves, records and reverses them (a grant at the township or above, with CHANGE).
APPROVES_A = {"province_admin", "county_a_admin"}
# Who proposes and discards them (CHANGE over the project).
CHANGES_A = {"province_admin", "county_a_admin", "village_a_secretary"}
STEPS = ("approve", "record", "discard", "reverse")


def preview_url(project: Any, **query: str) -> str:
    url = reverse("projects:run-preview", args=[project.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def run_url(name: str, run: Any) -> str:
    return reverse(f"projects:run-{name}", args=[run.pk])


def propose(projects: Any, profit: str = "10000.00", year: int = 2019) -> DividendRun:
    return propose_run(projects.project_a, profit, year)


def form_errors(response: Any) -> dict[str, Any]:
    assert response.status_code == 200
    return response.context["form"].errors


def test_it_shows_the_run_pages_to_who_sees_the_run(cast, projects):
    run = projects.run_2018
    for name, user in cast.all().items():
        client = client_for(user)
        for url in (  # the run's own page: TestDividendRunPages
            run_url("xlsx", run),
            preview_url(projects.project_a, period="2019", profit="100"),
        ):
            response = client.get(url)
            if user is None:
                assert response.status_code == 302, url
                assert response["Location"].startswith("/accounts/login/")
            elif name in SEES_A:
                assert response.status_code == 200, (name, url)
            elif name == "helper":
                # A helper holds no project at all, so no run (README, "Roles and scope").
                assert response.status_code == 403, url
            else:
                assert response.status_code == 404, (name, url)


def test_it_shows_the_steps_only_to_who_may_take_them(cast, projects):
    proposed = propose(projects)
    for name, user in cast.all().items():
        if name not in SEES_A:
            continue
        page = client_for(user).get(run_url("detail", proposed))
        html = page.content.decode()
        assert (f"projects/dividends/{proposed.pk}/approve/" in html) == (name in APPROVES_A)
        assert ("/discard/" in html) == (name in CHANGES_A), name
        assert "/record/" not in html and "/reverse/" not in html
        recorded = client_for(user).get(run_url("detail", projects.run_2018)).content.decode()
        assert ("/reverse/" in recorded) == (name in APPROVES_A), name
        assert "/approve/" not in recorded and "/discard/" not in recorded
    for name, user in cast.all().items():
        for step in STEPS:
            response = client_for(user).get(run_url(step, proposed))
            if user is None:
                assert response.status_code == 302
            elif name in APPROVES_A or (step == "discard" and name in CHANGES_A):
                assert response.status_code == 200, (name, step)
            elif name in SEES_A or name == "helper":  # the helper: no run anywhere
                assert response.status_code == 403, (name, step)
            else:
                assert response.status_code == 404, (name, step)


def test_it_previews_the_engines_run_and_saves_nothing(cast, projects):
    with nothing_saved():
        response = client_for(cast.county_a_admin).get(
            preview_url(projects.project_a, period="2019", profit="10000.00")
        )
    assert response.status_code == 200
    expected = actions.preview_dividends(
        project=projects.project_a,
        period_start=datetime.date(2019, 1, 1),
        period_end=datetime.date(2019, 12, 31),
        profit=Decimal("10000.00"),
    )
    assert response.context["result"] == expected
    html = response.content.decode()
    for css, value in (
        ("pool", "10000.00"),
        ("reserve", "1000.00"),
        ("collective", "500.00"),
        ("preferred-total", str(expected.preferred_total)),
        ("ordinary-total", str(expected.ordinary_total)),
        ("shortfall", "0.00"),
    ):
        assert f'<dd class="{css}">{value}</dd>' in html, css
    for payout in expected.payouts:
        assert f'<td class="number">{payout.total}</td>' in html
    assert "入股户甲一" in html and "J001" in html and "村民丙" in html
    assert 'class="form propose"' in html
    # The auditor computes the same preview but gets no button to propose it.
    audited = client_for(cast.auditor).get(
        preview_url(projects.project_a, period="2019", profit="10000.00")
    )
    assert audited.context["result"] == expected
    assert 'class="form propose"' not in audited.content.decode()
    with nothing_saved():
        refused = client_for(cast.auditor).post(
            preview_url(projects.project_a), {"period": "2019", "profit": "10000.00"}
        )
    assert refused.status_code == 403


def test_it_computes_a_period_across_two_years(cast, projects):
    response = client_for(cast.county_a_admin).get(
        preview_url(projects.project_a, period="2019-07-01..2020-06-30", profit="5000")
    )
    assert response.context["result"].pool == Decimal("5000.00")
    assert response.context["form"].cleaned_data["period"] == (
        datetime.date(2019, 7, 1),
        datetime.date(2020, 6, 30),
    )


@pytest.mark.parametrize(
    ("period", "profit", "field"),
    [
        ("2019-13", "100", "period"),
        ("last year", "100", "period"),
        ("2020-06-30..2019-07-01", "100", "period"),
        ("2019", "-5", "profit"),
        ("2019", "1.005", "profit"),
        ("2019", "much", "profit"),
        ("2018", "100", "period"),  # the 2018 run is recorded
        ("2018-07-01..2019-06-30", "100", "period"),  # overlaps it
    ],
)
def test_it_refuses_a_bad_period_or_profit(cast, projects, period, profit, field):
    client = client_for(cast.county_a_admin)
    with nothing_saved():
        shown = client.get(preview_url(projects.project_a, period=period, profit=profit))
        assert field in form_errors(shown)
        assert shown.context["result"] is None
        assert 'class="form propose"' not in shown.content.decode()
        posted = client.post(preview_url(projects.project_a), {"period": period, "profit": profit})
        assert field in form_errors(posted)


def test_it_lets_the_village_secretary_propose_but_not_approve(cast, projects):
    client = client_for(cast.village_a_secretary)
    response = client.post(
        preview_url(projects.project_a),
        {"period": "2019", "profit": "10000.00", "note": "2019年分红"},
    )
    run = DividendRun.objects.get(project=projects.project_a, period_start__year=2019)
    assert response.status_code == 302 and response["Location"] == run_url("detail", run)
    assert run.status == "proposed" and run.proposed_by == cast.village_a_secretary
    assert run.note == "2019年分红" and run.profit == Decimal("10000.00")
    assert run.payouts.count() == 4
    detail = client.get(response["Location"])
    assert "分红方案已提出，等待批准。" in detail.content.decode()
    with nothing_saved():
        assert client.post(run_url("approve", run)).status_code == 403
        assert client.post(run_url("record", run)).status_code == 403
    run.refresh_from_db()
    assert run.status == "proposed" and run.approved_by is None
    # A second proposal for the same period waits for the first.
    with nothing_saved():
        again = client.post(preview_url(projects.project_a), {"period": "2019", "profit": "1"})
        assert "period" in form_errors(again)


def test_it_lets_the_county_admin_approve_and_another_user_record(cast, projects):
    run = propose(projects)
    client = client_for(cast.county_a_admin)
    response = client.post(run_url("approve", run))
    assert response.status_code == 302 and response["Location"] == run_url("detail", run)
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by == cast.county_a_admin
    assert run.approved_at is not None
    html = client.get(run_url("detail", run)).content.decode()
    assert "分红方案已批准。" in html
    # Four eyes: who approved it is not offered to record it, and is told why.
    assert (
        f"/dividends/{run.pk}/record/" not in html and f"/dividends/{run.pk}/approve/" not in html
    )
    assert 'class="note another-hand">该分红方案由您批准，须由另一位用户入账。' in html

    with nothing_saved():  # approving twice
        twice = client.post(run_url("approve", run))
        assert form_errors(twice)["__all__"]

    other = client_for(cast.province_admin)
    html = other.get(run_url("detail", run)).content.decode()
    assert f"/dividends/{run.pk}/record/" in html and "another-hand" not in html
    response = other.post(run_url("record", run))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "recorded" and run.recorded_by == cast.province_admin
    incomes = dict(
        ParticipantIncome.objects.filter(year=2019).values_list("participant_id", "dividends")
    )
    assert incomes == {p.participant_id: p.total for p in run.payouts.exclude(total=0)}
    html = other.get(run_url("detail", run)).content.decode()
    assert "分红方案已入账。" in html
    assert 'class="recorded-by">province_admin' in html
    for step in ("approve", "record", "discard"):
        assert f"/dividends/{run.pk}/{step}/" not in html
    actions_logged = set(
        AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True)
    )
    assert {"projects.approve_dividend_run", "projects.record_dividend_run"} <= actions_logged


def test_it_answers_403_to_each_step_by_who_took_an_earlier_one(cast, projects, township_a_admin):
    run = actions.propose_dividend_run(
        actor=cast.county_a_admin,
        project=projects.project_a,
        period_start=datetime.date(2019, 1, 1),
        period_end=datetime.date(2019, 12, 31),
        profit=Decimal("10000.00"),
    )
    county = client_for(cast.county_a_admin)
    html = county.get(run_url("detail", run)).content.decode()
    assert f"/dividends/{run.pk}/approve/" not in html and f"/dividends/{run.pk}/discard/" in html
    assert "该分红方案由您提出，须由另一位用户批准。" in html

    def refused(client: Any, step: str, words: str) -> None:
        with nothing_saved():
            for response in (client.get(run_url(step, run)), client.post(run_url(step, run))):
                assert response.status_code == 403, step
                assert words in response.content.decode()
        assert DividendRun.objects.get(pk=run.pk).status == run.status

    refused(county, "approve", "该分红方案由您提出，须由另一位用户批准。")
    # The sibling county still finds nothing there.
    assert client_for(cast.county_b_admin).post(run_url("approve", run)).status_code == 404
    township = client_for(township_a_admin)
    assert township.post(run_url("approve", run)).status_code == 302
    run.refresh_from_db()
    refused(township, "record", "该分红方案由您批准，须由另一位用户入账。")
    refused(county, "record", "该分红方案由您提出，须由另一位用户入账。")
    assert client_for(cast.county_b_admin).post(run_url("record", run)).status_code == 404
    assert client_for(cast.province_admin).post(run_url("record", run)).status_code == 302
    run.refresh_from_db()
    assert (run.status, run.proposed_by, run.approved_by, run.recorded_by) == (
        "recorded",
        cast.county_a_admin,
        township_a_admin,
        cast.province_admin,
    )


def test_it_never_changes_a_recorded_run(cast, projects):
    run = projects.run_2018
    client = client_for(cast.county_a_admin)
    with nothing_saved():
        for step in ("approve", "record", "discard"):
            assert form_errors(client.post(run_url(step, run)))["__all__"], step
    run.refresh_from_db()
    assert run.status == "recorded" and run.profit == Decimal("20000.00")


def test_it_reverses_a_recorded_run_once(cast, projects):
    run = projects.run_2018
    client = client_for(cast.county_a_admin)
    before = dict(
        ParticipantIncome.objects.filter(year=2018).values_list("participant_id", "dividends")
    )
    assert any(before.values())
    response = client.post(run_url("reverse", run), {"note": "利润填错"})
    reversal = DividendRun.objects.get(reverses=run)
    assert response.status_code == 302 and response["Location"] == run_url("detail", reversal)
    assert reversal.status == "recorded" and reversal.note == "利润填错"
    assert reversal.profit == -run.profit and reversal.distributed == -run.distributed
    after = ParticipantIncome.objects.filter(year=2018).values_list("dividends", flat=True)
    assert set(after) == {Decimal("0.00")}
    html = client.get(run_url("detail", run)).content.decode()
    assert f"/dividends/{run.pk}/reverse/" not in html
    assert run_url("detail", reversal) in html
    with nothing_saved():
        assert form_errors(client.post(run_url("reverse", run)))["__all__"]
        assert form_errors(client.post(run_url("reverse", reversal)))["__all__"]
    # The period is free again: a corrected run may be proposed.
    corrected = client.post(preview_url(projects.project_a), {"period": "2018", "profit": "18000"})
    assert corrected.status_code == 302


def test_it_lets_who_changes_the_project_discard_a_proposal(cast, projects):
    run = propose(projects)
    response = client_for(cast.village_a_secretary).post(run_url("discard", run))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('projects:run-list')}?project={projects.project_a.pk}"
    assert not DividendRun.objects.filter(pk=run.pk).exists()


def test_it_keeps_the_auditor_and_the_sibling_county_out_of_the_steps(cast, projects):
    run = propose(projects)
    with nothing_saved():
        for step in STEPS:
            assert client_for(cast.auditor).post(run_url(step, run)).status_code == 403
            assert client_for(cast.county_b_admin).post(run_url(step, run)).status_code == 404
            assert client_for(cast.helper).post(run_url(step, run)).status_code == 403
            assert client_for(None).post(run_url(step, run)).status_code == 302
        assert (
            client_for(cast.county_b_admin)
            .post(preview_url(projects.project_a), {"period": "2019", "profit": "1"})
            .status_code
            == 404
        )
    run.refresh_from_db()
    assert run.status == "proposed"


def test_it_filters_and_exports_the_runs(cast, projects, django_assert_max_num_queries):
    b_run = propose_run(projects.project_b, "800.00")
    a_run = propose(projects)
    url = reverse("projects:run-list")  # who sees which run: TestDividendRunPages
    client = client_for(cast.province_admin)
    with django_assert_max_num_queries(12):
        listed = client.get(url, {"status": "proposed", "year": "2019"})
    assert {row.record.pk for row in listed.context["table"].rows} == {a_run.pk, b_run.pk}
    by_project = client.get(url, {"project": projects.project_a.pk})
    assert {r.record.pk for r in by_project.context["table"].rows} == {
        projects.run_2018.pk,
        a_run.pk,
    }
    export = client_for(cast.county_a_admin).get(url, {"export": "xlsx"})
    assert export.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert len(rows) == 3  # the header and county A's two runs
    assert {"17000.00", str(a_run.distributed)} <= {str(cell) for row in rows for cell in row}


class TestDividendRunPages(PageSuite):
    """The run list, the run's page, the exports and the discard page for the whole cast: a
    2019 proposal of project A (village A) and one of project B (village B). The steps only
    a township may take (approve, record, reverse) are the tests' above."""

    list_url = "/projects/dividends/"
    detail = "projects:run-detail"
    delete = "projects:run-discard"
    no_view = frozenset({"helper"})

    @pytest.fixture
    def records(self, projects):
        b_run = propose_run(projects.project_b, "800.00")
        return {"a": propose(projects), "b": b_run}

    def text(self, obj):
        return obj.project.name
