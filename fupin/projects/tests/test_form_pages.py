"""The project and participant forms: each one saves through its action and writes its audit
event; each bad input comes back on the form in Chinese (status 200) with nothing saved;
county B's administrator gets 404 and readers 403 on county A's records, and nothing changes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.projects import actions
from fupin.projects.models import (
    Approval,
    Participant,
    ParticipantIncome,
    Project,
    ProjectYear,
    ShareEntry,
)
from fupin.projects.register import register
from fupin.regions.models import Region
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    ProjectsSample,
    client_for,
    form_refused,
    last_event_id,
    main,
    nothing_saved,
    zh,
)

TODAY = datetime.date.today()
TOMORROW = TODAY + datetime.timedelta(days=1)


def actions_since(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )


def village_b_name() -> str:
    return str(Region.objects.get(code=VILLAGE_B).name)


def project_form(p: ProjectsSample, **changes: str) -> dict[str, str]:
    data = {
        "name": "食用菌合作社",
        "type": "cooperative",
        "setup": "village_enterprise",
        "village_codes": f"{VILLAGE_A}\n{VILLAGE_A2}",
        "leaders": p.party.member_a.id_number,
        "organisation": p.party.org_a.name,
        "partners": f"{p.enterprise.credit_code}\n种植大户李某",
        "product": "香菇",
        "land_mu": "30",
        "started_on": "2020-04-01",
        "share_price": "100",
        "land_price": "1000",
        "reserve_percent": "10",
        "collective_percent": "10",
        "preferred_rate": "5",
        "shortfall_rule": "pro_rata",
        "note": "",
    }
    data.update(changes)
    return data


def participant_form(**changes: str) -> dict[str, str]:
    data = {
        "village": VILLAGE_A,
        "number": "",
        "id_number": "",
        "name": "",
        "is_shareholder": "on",
        "joined_on": "2020-05-01",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def contribution_form(**changes: str) -> dict[str, str]:
    data = {"asset": "cash", "dated_on": "2020-06-01", "amount": "1500", "land_mu": "", "note": ""}
    data.update(changes)
    return data


# --- good input ------------------------------------------------------------------------------


def test_it_creates_edits_and_deletes_a_project_through_the_forms(cast, projects):
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    response = client.post("/projects/projects/add/", project_form(projects))
    made = Project.objects.get(name="食用菌合作社")
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.region_id == COUNTY_A  # the smallest region holding both villages
    assert sorted(made.coverage.values_list("region_id", flat=True)) == [VILLAGE_A, VILLAGE_A2]
    assert list(made.leaders.all()) == [projects.party.member_a]
    assert made.organisation == projects.party.org_a
    assert set(made.partners.all()) == {projects.enterprise, projects.grower}
    assert made.share_price == Decimal("100.00") and made.land_price == Decimal("1000.00")
    assert made.preferred_rate == Decimal("5") and made.stage == "proposed"
    # The edit form comes filled in with what was saved.
    page = main(client.get(reverse("projects:project-edit", args=[made.pk])))
    for text in (VILLAGE_A2, projects.party.member_a.id_number, projects.enterprise.credit_code):
        assert text in page, text
    response = client.post(
        reverse("projects:project-edit", args=[made.pk]),
        project_form(projects, village_codes=VILLAGE_A, partners="", name="香菇合作社"),
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.name == "香菇合作社" and made.region_id == VILLAGE_A
    assert not made.partners.exists()
    response = client.post(reverse("projects:project-delete", args=[made.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/projects/"
    assert not Project.objects.filter(pk=made.pk).exists()
    assert actions_since(since) == [
        "projects.create_project",
        "projects.update_project",
        "projects.delete_project",
    ]


def test_it_records_steps_investments_and_years_through_the_forms(cast, projects):
    project = projects.project_a
    since = last_event_id()
    secretary = client_for(cast.village_a_secretary)
    page = main(secretary.get(reverse("projects:project-advance", args=[project.pk])))
    assert zh("Agreed by the village committees") in page
    response = secretary.post(
        reverse("projects:project-advance", args=[project.pk]),
        {"done_on": "2018-04-01", "note": "村两委会议通过"},
    )
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    step = Approval.objects.get(project=project, stage="committees")
    assert step.done_on == datetime.date(2018, 4, 1) and step.by == cast.village_a_secretary
    assert step.note == "村两委会议通过"
    client = client_for(cast.county_a_admin)
    response = client.post(
        reverse("projects:investment-add", args=[project.pk]),
        {"source": "enterprise", "amount": "50000.50", "invested_on": "2018-05-01"},
    )
    assert response.status_code == 302
    assert project.investments.get(source="enterprise").amount == Decimal("50000.50")
    response = client.post(
        reverse("projects:year-add", args=[project.pk]),
        {"year": "2019", "output_value": "550000", "jobs": "14", "wages_paid": "200000"},
    )
    assert response.status_code == 302
    year = ProjectYear.objects.get(project=project, year=2019)
    assert year.output_value == Decimal("550000.00") and year.jobs == 14
    page = main(client.get(project.get_absolute_url()))
    assert "150000.50" in page  # the investment's new total
    assert "550000.00" in page
    assert actions_since(since) == [
        "projects.advance_project",
        "projects.add_investment",
        "projects.record_project_year",
    ]


def test_it_adds_edits_and_deletes_participants_through_the_forms(cast, projects):
    p = projects
    client = client_for(cast.county_a_admin)
    add = reverse("projects:participant-add", args=[p.project_b.pk])
    assert client.get(add).status_code == 404  # county B's project
    add = reverse("projects:participant-add", args=[p.project_a.pk])
    since = last_event_id()
    # A non-poor villager by name, a registered person by ID number.
    response = client.post(add, participant_form(name="村民丁"))
    villager = Participant.objects.get(name="村民丁")
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:participant-detail", args=[villager.pk])
    assert villager.region_id == VILLAGE_A and not villager.is_poor and villager.household is None
    head = p.household_a1.members.get(relation="head")
    other = actions.create_project(
        actor=None,
        name="第二个项目",
        type="nursery",
        setup="collective_economy",
        village_codes=[VILLAGE_A],
    )
    response = client.post(
        reverse("projects:participant-add", args=[other.pk]),
        participant_form(village="", id_number=head.id_number, is_shareholder="", is_worker="on"),
    )
    assert response.status_code == 302
    worker = other.participants.get()
    assert worker.person == head and worker.household == p.household_a1 and worker.is_poor
    assert worker.is_worker and not worker.is_shareholder
    edit = reverse("projects:participant-edit", args=[villager.pk])
    response = client.post(
        edit,
        {
            "name": "村民丁",
            "is_shareholder": "on",
            "is_trainee": "on",
            "joined_on": "2020-05-01",
            "left_on": "2021-01-31",
        },
    )
    assert response.status_code == 302
    villager.refresh_from_db()
    assert villager.is_trainee and villager.left_on == datetime.date(2021, 1, 31)
    response = client.post(reverse("projects:participant-delete", args=[villager.pk]))
    assert response.status_code == 302 and response["Location"] == p.project_a.get_absolute_url()
    assert not Participant.objects.filter(pk=villager.pk).exists()
    assert actions_since(since) == [
        "projects.add_participant",
        "projects.create_project",
        "projects.add_participant",
        "projects.update_participant",
        "projects.delete_participant",
    ]


def test_it_adds_a_household_by_village_and_number(cast, projects):
    response = client_for(cast.village_a_secretary).post(
        reverse("projects:participant-add", args=[projects.project_b.pk]),
        participant_form(number="J004"),
    )
    assert response.status_code == 404
    other = actions.create_project(
        actor=None,
        name="苗圃",
        type="nursery",
        setup="collective_economy",
        village_codes=[VILLAGE_A],
    )
    response = client_for(cast.village_a_secretary).post(
        reverse("projects:participant-add", args=[other.pk]), participant_form(number="J004")
    )
    assert response.status_code == 302
    joined = other.participants.get()
    assert joined.household.number == "J004" and joined.name == "学员户甲四" and joined.is_poor


def test_it_moves_shares_and_records_income_through_the_forms(cast, projects):
    p = projects
    client = client_for(cast.county_a_admin)
    since = last_event_id()
    contribute = reverse("projects:contribution-add", args=[p.holder_a3.pk])
    response = client.post(contribute, contribution_form(asset="land", amount="", land_mu="1.5"))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:participant-detail", args=[p.holder_a3.pk])
    land = ShareEntry.objects.filter(participant=p.holder_a3).latest("id")
    assert (
        land.asset == "land"
        and land.value == Decimal("1200.00")
        and land.shares == Decimal("1200.00")
    )
    response = client.post(
        contribute, contribution_form(asset="fund", amount="800", preferred="on")
    )
    assert response.status_code == 302
    assert ShareEntry.objects.filter(participant=p.holder_a3).latest("id").preferred
    response = client.post(
        reverse("projects:transfer-add", args=[p.villager.pk]),
        {"target": p.holder_a3.pk, "shares": "2500", "dated_on": "2020-07-01", "note": "转让"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("projects:withdrawal-add", args=[p.villager.pk]),
        {"shares": "500", "dated_on": "2020-08-01", "note": ""},
    )
    assert response.status_code == 302
    held = {
        line.participant_id: line for line in register(p.project_a, datetime.date(2020, 12, 31))
    }
    assert held[p.villager.pk].ordinary == Decimal("7000.00")
    assert held[p.holder_a3.pk].ordinary == Decimal("6700.00")  # 3000 + 1200 + 2500
    assert held[p.holder_a3.pk].preferred == Decimal("800.00")
    response = client.post(
        reverse("projects:income-add", args=[p.holder_a1.pk]),
        {"year": "2019", "wages": "8000", "other": "300"},
    )
    assert response.status_code == 302
    income = ParticipantIncome.objects.get(participant=p.holder_a1, year=2019)
    assert income.wages == Decimal("8000.00") and income.other == Decimal("300.00")
    assert actions_since(since) == [
        "projects.contribute",
        "projects.contribute",
        "projects.transfer_shares",  # out of one participant
        "projects.transfer_shares",  # into the other
        "projects.withdraw_shares",
        "projects.record_participant_income",
    ]


# --- bad input -------------------------------------------------------------------------------


def test_it_refuses_a_bad_project_and_saves_nothing(cast, projects):
    p = projects
    client = client_for(cast.county_a_admin)
    url = "/projects/projects/add/"
    cases = [
        ({"name": ""}, "该字段是必填项。"),
        ({"village_codes": ""}, "该字段是必填项。"),
        (
            {"village_codes": "510821100999"},
            zh("There is no village with code %(codes)s.", codes="510821100999"),
        ),
        (
            {"village_codes": VILLAGE_B},
            zh("%(regions)s is outside the regions you may change.", regions=village_b_name()),
        ),
        (
            {"reserve_percent": "60", "collective_percent": "50"},
            zh(
                "The reserve fund and the village collective together cannot take more "
                "than the whole profit."
            ),
        ),
        ({"reserve_percent": "101"}, "确保该值小于或等于100。"),
        ({"share_price": "0"}, "确保该值大于或等于0.01。"),
        ({"land_mu": "-1"}, "确保该值大于或等于0。"),
        (
            {"leaders": p.party.member_b.id_number},  # county B's member: not found
            zh(
                "No party member with the ID number %(numbers)s in the regions you see.",
                numbers=p.party.member_b.id_number,
            ),
        ),
        (
            {"organisation": "没有这个支部"},
            zh(
                "No open party organisation named “%(name)s” in the regions you see.",
                name="没有这个支部",
            ),
        ),
        (
            {"partners": "91510821MA62A0009Z"},
            zh("No partner “%(name)s” in the regions you see.", name="91510821MA62A0009Z"),
        ),
        ({"type": "bakery"}, "选择一个有效的选项"),
        ({"started_on": "2020-02-30"}, "输入一个有效的日期。"),
    ]
    for changes, message in cases:
        form_refused(client, url, project_form(p, **changes), message)


def test_it_refuses_bad_steps_investments_and_years(cast, projects):
    p = projects
    client = client_for(cast.county_a_admin)
    advance = reverse("projects:project-advance", args=[p.project_a.pk])
    form_refused(
        client, advance, {"done_on": TOMORROW.isoformat()}, zh("The date cannot be in the future.")
    )
    form_refused(
        client,
        advance,
        {"done_on": "2018-01-01"},
        zh("A step cannot come before the previous one."),
    )
    form_refused(client, advance, {"done_on": ""}, "该字段是必填项。")
    investment = reverse("projects:investment-add", args=[p.project_a.pk])
    form_refused(
        client, investment, {"source": "fiscal", "amount": "0"}, zh("Must be more than zero.")
    )
    form_refused(
        client, investment, {"source": "fiscal", "amount": "-5"}, zh("Must be more than zero.")
    )
    form_refused(client, investment, {"source": "gold", "amount": "5"}, "选择一个有效的选项")
    year = reverse("projects:year-add", args=[p.project_a.pk])
    form_refused(
        client,
        year,
        {"year": "20190", "output_value": "1", "jobs": "1", "wages_paid": "1"},
        "确保该值小于或等于2100。",
    )
    form_refused(
        client,
        year,
        {"year": "2019", "output_value": "-1", "jobs": "1", "wages_paid": "1"},
        "确保该值大于或等于0。",
    )


def test_it_refuses_bad_participants_and_share_entries(cast, projects):
    p = projects
    client = client_for(cast.county_a_admin)
    add = reverse("projects:participant-add", args=[p.project_a.pk])
    for village, number in ((VILLAGE_A, "J999"), (VILLAGE_B, "J101")):  # J101 is county B's
        form_refused(
            client,
            add,
            participant_form(village=village, number=number),
            zh(
                "No household %(number)s in village %(village)s in the regions you see.",
                number=number,
                village=village,
            ),
        )
    form_refused(
        client,
        add,
        participant_form(village="", number=""),
        zh(
            "Give a household (village code and number), a registered person's ID number, "
            "or a name with its village code."
        ),
    )
    form_refused(
        client,
        add,
        participant_form(number="J001"),
        zh("This participant is already in the project."),
    )
    form_refused(
        client,
        add,
        participant_form(name="外人", village="510821100999"),
        zh("There is no village with this code."),
    )
    form_refused(
        client,
        add,
        participant_form(name="无角色", is_shareholder=""),
        zh("A participant is a shareholder, a worker or a trainee (or several of these)."),
    )
    contribute = reverse("projects:contribution-add", args=[p.holder_a3.pk])
    form_refused(client, contribute, contribution_form(amount="0"), zh("Must be more than zero."))
    form_refused(
        client, contribute, contribution_form(amount="-100"), zh("Must be more than zero.")
    )
    form_refused(
        client,
        contribute,
        contribution_form(asset="land", amount="", land_mu="0"),
        zh("Must be more than zero."),
    )
    form_refused(
        client,
        contribute,
        contribution_form(dated_on=TOMORROW.isoformat()),
        zh("The date cannot be in the future."),
    )
    # The register the 2018 run paid on is closed.
    form_refused(
        client,
        contribute,
        contribution_form(dated_on="2018-06-01"),
        zh(
            "The register up to %(date)s has been paid on by a recorded dividend run; "
            "date the entry after it.",
            date="2018-12-31",
        ),
    )
    form_refused(
        client,
        reverse("projects:contribution-add", args=[p.villager.pk]),
        contribution_form(preferred="on"),
        zh("Preferred shares are for registered poor households only."),
    )
    transfer = reverse("projects:transfer-add", args=[p.villager.pk])
    form_refused(
        client,
        transfer,
        {"target": p.holder_a3.pk, "shares": "99999", "dated_on": "2020-07-01"},
        zh("%(name)s does not hold that many shares.", name="村民丙"),
    )
    # Shares for someone not in the project: not one of the form's choices.
    form_refused(
        client,
        transfer,
        {"target": p.holder_b.pk, "shares": "10", "dated_on": "2020-07-01"},
        "选择一个有效的选项",
    )
    withdraw = reverse("projects:withdrawal-add", args=[p.villager.pk])
    form_refused(
        client, withdraw, {"shares": "0", "dated_on": "2020-07-01"}, zh("Must be more than zero.")
    )
    form_refused(
        client,
        reverse("projects:income-add", args=[p.holder_a1.pk]),
        {"year": "2019", "wages": "-1", "other": "0"},
        "确保该值大于或等于0。",
    )


# --- who may post ----------------------------------------------------------------------------


def valid_posts(p: ProjectsSample) -> list[tuple[str, dict]]:
    """A valid post to each write page of county A's records."""
    project, holder = p.project_a, p.villager
    return [
        (reverse("projects:project-edit", args=[project.pk]), project_form(p, name="改名")),
        (reverse("projects:project-advance", args=[project.pk]), {"done_on": "2018-04-01"}),
        (
            reverse("projects:investment-add", args=[project.pk]),
            {"source": "fiscal", "amount": "10"},
        ),
        (
            reverse("projects:year-add", args=[project.pk]),
            {"year": "2020", "output_value": "1", "jobs": "1", "wages_paid": "1"},
        ),
        (reverse("projects:participant-add", args=[project.pk]), participant_form(name="新人")),
        (reverse("projects:contribution-add", args=[holder.pk]), contribution_form()),
        (
            reverse("projects:transfer-add", args=[holder.pk]),
            {"target": p.holder_a3.pk, "shares": "1", "dated_on": "2020-07-01"},
        ),
        (
            reverse("projects:withdrawal-add", args=[holder.pk]),
            {"shares": "1", "dated_on": "2020-07-01"},
        ),
        (
            reverse("projects:income-add", args=[holder.pk]),
            {"year": "2020", "wages": "1", "other": "0"},
        ),
        (
            reverse("projects:participant-edit", args=[p.trainee.pk]),
            {"name": "学员", "is_trainee": "on", "joined_on": "2018-03-01"},
        ),
        (reverse("projects:participant-delete", args=[p.trainee.pk]), {}),
    ]


@pytest.mark.parametrize("name", ["county_b_admin", "auditor", "helper", "anonymous"])
def test_it_refuses_posts_on_county_a_from_who_may_not_and_changes_nothing(cast, projects, name):
    posts = valid_posts(projects)
    client = client_for(cast.all()[name])
    with nothing_saved():
        responses = [client.post(url, data) for url, data in posts]
        created = client.post("/projects/projects/add/", project_form(projects))
    if name == "anonymous":
        assert all(r.status_code == 302 for r in [*responses, created])
        assert all(r["Location"].startswith("/accounts/login/?next=") for r in responses)
        return
    expected = 404 if name == "county_b_admin" else 403
    assert [r.status_code for r in responses] == [expected] * len(posts)
    if name == "county_b_admin":
        # Not county A's villages, nor its leader or partners (the form names what it refuses).
        assert created.status_code == 200
    else:
        assert created.status_code == 403


def test_it_lets_county_a_post_to_every_write_page(cast, projects):
    client = client_for(cast.county_a_admin)
    responses = [client.post(url, data) for url, data in valid_posts(projects)]
    assert [r.status_code for r in responses] == [302] * len(responses)
    assert not Participant.objects.filter(pk=projects.trainee.pk).exists()
    assert Project.objects.get(pk=projects.project_a.pk).name == "改名"


def test_it_explains_why_a_project_that_paid_dividends_is_kept(cast, projects):
    url = reverse("projects:project-delete", args=[projects.project_a.pk])
    form_refused(
        client_for(cast.county_a_admin),
        url,
        {},
        zh("This project has dividend runs; a project that paid dividends is kept."),
    )
