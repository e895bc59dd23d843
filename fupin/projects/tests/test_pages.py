"""The project pages (the project, participant and purchase-contract lists, the project's and
participant's pages, and the doors of every write page) for every member of the cast: county B
sees and changes nothing of county A, the auditor reads with ID numbers and phones masked, the
helper (who owns no project record) is refused, the anonymous visitor logs in first."""

import datetime
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from fupin.lib.ids import make_resident_id, mask_id
from fupin.projects import actions
from fupin.projects.tests.conftest import pig_contract
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    VILLAGE_B,
    PageSuite,
    ProjectsSample,
    assert_sent_to_login,
    bad_filter,
    client_for,
    csv_rows,
    household_with_head,
    main,
)

from .test_form_pages import project_form

# Each sample record has an "a" side (village A, county A) and a "b" side (village B).
VISIBLE = {
    "province_admin": {"a", "b"},
    "county_a_admin": {"a"},
    "village_a_secretary": {"a"},
    "county_b_admin": {"b"},
    "auditor": {"a"},
    "helper": set(),
}
ADMINS = {
    "a": {"province_admin", "county_a_admin", "village_a_secretary"},
    "b": {"province_admin", "county_b_admin"},
}
READERS = {"auditor", "helper"}  # change nothing anywhere: 403 on every write page
HEAD_A1_ID = make_resident_id(COUNTY_A, datetime.date(1966, 3, 3), 701)
PHONE = "13912345678"
MASKED_PHONE = "139****5678"


def contract_b(p: ProjectsSample) -> Any:
    return pig_contract(p, "内江肉联厂", "内江", "1500")


# --- lists -----------------------------------------------------------------------------------

# Each list and the text that stands for the sample's "a" and "b" records in it (the
# project and participant lists: TestProjectPages and TestParticipantPages below).
LISTS = {
    "/projects/contracts/": ("成都川味调料有限公司", "内江肉联厂"),
}


@pytest.mark.parametrize("url", list(LISTS))
def test_it_lists_to_each_member_of_the_cast_only_what_they_see(cast, projects, url):
    contract_b(projects)
    shows_a, shows_b = LISTS[url]
    for name, user in cast.all().items():
        response = client_for(user).get(url)
        if user is None:
            assert_sent_to_login(response, url)
            continue
        if name == "helper":
            assert response.status_code == 403, url
            assert "您的角色无权访问此页面。" in main(response)
            continue
        assert response.status_code == 200, (name, url)
        page = main(response)
        assert (shows_a in page) is ("a" in VISIBLE[name]), (name, url)
        assert (shows_b in page) is ("b" in VISIBLE[name]), (name, url)


def test_it_offers_a_new_project_only_to_who_changes_records(cast, projects):
    add = reverse("projects:project-add")
    for name in ("province_admin", "county_a_admin", "village_a_secretary", "auditor"):
        page = main(client_for(getattr(cast, name)).get("/projects/projects/"))
        assert (add in page) is (name != "auditor"), name


def test_it_shows_the_projects_figures_in_the_list(cast, projects):
    page = main(client_for(cast.county_a_admin).get("/projects/projects/"))
    row = page.split("花椒专业合作社", 1)[1].split("</tr>", 1)[0]
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    # Region, product, land, start, stage, participants (4 of 5 poor), investment.
    region, product, land, start = (
        [VILLAGE_A, "卸甲碥社区居民委员会"],
        "花椒",
        "50.00",
        "2018-03-01",
    )
    assert cells[2:7] == [*region, product, land, start]
    assert cells[8:] == ["5", "4", "100000.00"]


def test_it_filters_and_searches_the_project_list(cast, projects):
    client = client_for(cast.province_admin)
    p = projects
    cases = {
        f"region={COUNTY_A}": {"a"},
        f"region={VILLAGE_B}": {"b"},
        "region=51": {"a", "b"},
        "type=cooperative": {"a"},
        "type=livestock": {"b"},
        "type=nursery": set(),
        "setup=branch_cooperative": {"a", "b"},
        "stage=proposed": {"a", "b"},
        "stage=filed": set(),
        f"leader={p.party.member_a.pk}": {"a"},
        f"leader={p.party.member_b.pk}": {"b"},
        f"partner={p.enterprise.pk}": {"a"},
        f"organisation={p.party.org_b.pk}": {"b"},
        "q=花椒": {"a"},
        "q=生猪": {"b"},
    }
    for query, expected in cases.items():
        page = main(client.get(f"/projects/projects/?{query}"))
        shown = {
            side
            for side, text in (("a", "花椒专业合作社"), ("b", "生猪养殖合作社"))
            if text in page
        }
        assert shown == expected, query


def test_it_filters_participants_and_contracts(cast, projects):
    client = client_for(cast.province_admin)
    contract_b(projects)
    cases = {
        "poor=true": {"入股户甲一", "入股户甲二", "入股户甲三", "学员户甲四", "入股户乙"},
        "poor=false": {"村民丙"},
        "trainee=true": {"学员户甲四"},
        "worker=true": {"入股户甲一"},
        f"project={projects.project_b.pk}": {"入股户乙"},
        f"region={VILLAGE_B}": {"入股户乙"},
        "q=村民": {"村民丙"},
    }
    names = {"入股户甲一", "入股户甲二", "入股户甲三", "学员户甲四", "村民丙", "入股户乙"}
    for query, expected in cases.items():
        page = main(client.get(f"/projects/participants/?{query}"))
        assert {n for n in names if n in page} == expected, query
    for query, expected in {
        "q=成都": {"成都川味调料有限公司"},
        "q=生猪": {"内江肉联厂"},
        "status=completed": set(),
        f"project={projects.project_a.pk}": {"成都川味调料有限公司"},
    }.items():
        page = main(client.get(f"/projects/contracts/?{query}"))
        assert {n for n in ("成都川味调料有限公司", "内江肉联厂") if n in page} == expected, query


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/projects/projects/?region=5108x", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ("/projects/projects/?type=bakery", "选择一个有效的选项"),
        ("/projects/projects/?leader=abc", "输入整数。"),
        ("/projects/participants/?poor=maybe", "选择一个有效的选项"),
        ("/projects/contracts/?status=lost", "选择一个有效的选项"),
    ],
)
def test_it_explains_a_bad_filter_and_lists_nothing(cast, projects, url, message):
    table = main(bad_filter(cast.province_admin, url, message)).split("</form>", 1)[1]
    assert "花椒专业合作社" not in table and "入股户甲一" not in table
    assert "成都川味调料有限公司" not in table


def test_it_sorts_the_participant_list(cast, projects):
    client = client_for(cast.county_a_admin)
    up = main(client.get("/projects/participants/?sort=shares_held"))
    down = main(client.get("/projects/participants/?sort=-shares_held"))
    # 村民丙 holds 10000 shares, 入股户甲三 3000.
    assert up.index("入股户甲三") < up.index("村民丙")
    assert down.index("村民丙") < down.index("入股户甲三")


def test_it_exports_participants_with_id_numbers_and_phones_masked_for_the_auditor(cast, projects):
    registry.update_household(actor=None, household=projects.household_a1, phone=PHONE)
    header, *rows = csv_rows(client_for(cast.auditor).get("/projects/participants/?export=csv"))
    assert len(header) == len(rows[0])
    first = next(r for r in rows if r[0] == "入股户甲一")
    assert mask_id(HEAD_A1_ID) in first and MASKED_PHONE in first
    assert HEAD_A1_ID not in ",".join(first) and PHONE not in ",".join(first)
    assert "36.00" not in first and "3600.00" in first  # shares, exact
    _, *full = csv_rows(client_for(cast.county_a_admin).get("/projects/participants/?export=csv"))
    first = next(r for r in full if r[0] == "入股户甲一")
    assert HEAD_A1_ID in first and PHONE in first
    _, *rows = csv_rows(client_for(cast.county_b_admin).get("/projects/participants/?export=csv"))
    assert [r[0] for r in rows] == ["入股户乙"]
    xlsx = client_for(cast.auditor).get("/projects/participants/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith('attachment; filename="participants-')


@pytest.mark.parametrize(
    ("url", "a", "b"),
    [
        ("/projects/contracts/?export=csv", "成都川味调料有限公司", "内江肉联厂"),
    ],
)
def test_it_exports_projects_and_contracts_by_scope(cast, projects, url, a, b):
    contract_b(projects)
    for name in ("province_admin", "county_a_admin", "county_b_admin", "auditor"):
        _, *rows = csv_rows(client_for(getattr(cast, name)).get(url))
        text = "\n".join(",".join(r) for r in rows)
        assert (a in text) is ("a" in VISIBLE[name]), name
        assert (b in text) is ("b" in VISIBLE[name]), name
    xlsx = client_for(cast.county_a_admin).get(url.replace("csv", "xlsx"))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_it_lists_many_records_with_a_fixed_number_of_queries(
    cast, projects, django_assert_max_num_queries
):
    for i in range(12):
        project = actions.create_project(
            actor=None,
            name=f"示范项目{i}",
            type="nursery",
            setup="village_enterprise",
            village_codes=[VILLAGE_A],
            leaders=[projects.party.member_a],
            partners=[projects.enterprise],
        )
        actions.add_investment(actor=None, project=project, source="fiscal", amount=Decimal(10))
        household = household_with_head(
            VILLAGE_A, f"M{i:03}", f"户主{i}", 800 + i, datetime.date(1960, 1, 1)
        )
        participant = actions.add_participant(
            actor=None, project=project, household=household, is_shareholder=True
        )
        actions.contribute(
            actor=None,
            participant=participant,
            asset="cash",
            amount=Decimal(100),
            dated_on=datetime.date(2024, 1, 1),
        )
        contract = actions.create_contract(
            actor=None,
            project=project,
            buyer=f"买方{i}",
            buyer_place="成都",
            product="苗木",
            quantity=Decimal(10),
            unit="株",
            price=Decimal(5),
            starts_on=datetime.date(2024, 1, 1),
            ends_on=datetime.date(2024, 12, 31),
        )
        actions.record_delivery(
            actor=None,
            contract=contract,
            delivered_on=datetime.date(2024, 2, 1),
            quantity=Decimal(1),
            amount=Decimal(5),
        )
    urls = ("/projects/projects/", "/projects/participants/", "/projects/contracts/")
    for url in (*urls, "/projects/partners/"):
        for name in ("county_a_admin", "auditor", "province_admin"):
            client = client_for(getattr(cast, name))
            # Session, user, grants, the count, the page.
            with django_assert_max_num_queries(5):
                response = client.get(url)
            assert response.status_code == 200, (url, name)


# --- detail pages ----------------------------------------------------------------------------


def details(p: ProjectsSample, side: str) -> dict[str, str]:
    """The detail pages the suites below do not open (the project's and participant's: the
    suites)."""
    contract = p.contract_a if side == "a" else contract_b(p)
    return {"contract": reverse("projects:contract-detail", args=[contract.pk])}


@pytest.mark.parametrize("side", ["a", "b"])
def test_it_opens_detail_pages_by_scope(cast, projects, side):
    for kind, url in details(projects, side).items():
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert_sent_to_login(response, url)
                continue
            expected = 403 if name == "helper" else 200 if side in VISIBLE[name] else 404
            assert response.status_code == expected, (name, kind, side)


def test_it_shows_the_project_with_its_charter_people_money_and_steps(cast, projects):
    p = projects
    url = p.project_a.get_absolute_url()
    page = main(client_for(cast.county_a_admin).get(url))
    for text in (
        "花椒专业合作社",
        "卸甲碥社区居民委员会 (510821100001)",  # the village
        reverse("party:member-detail", args=[p.party.member_a.pk]),  # the leader
        p.party.member_a.name,
        p.party.org_a.name,
        "旺苍县椒香农业有限公司",
        "种植大户李某",
        p.enterprise.get_absolute_url(),
        "花椒",
        "50.00",
        "2018-03-01",
        # The charter.
        "800.00",
        "10.00",
        "5.00",
        "6.00",
        # Investment by source and in total.
        "100000.00",
        # The approval steps: proposed on the start date, the next step offered.
        reverse("projects:project-advance", args=[p.project_a.pk]),
        # Contracts, dividends.
        "成都川味调料有限公司",
        reverse("projects:contract-detail", args=[p.contract_a.pk]),
        reverse("projects:run-detail", args=[p.run_2018.pk]),
        reverse("projects:run-preview", args=[p.project_a.pk]),
        # Participants, with the ID number in full for the county's administrator.
        HEAD_A1_ID,
        "学员户甲四",
        reverse("projects:participant-add", args=[p.project_a.pk]),
        f"/audit/?object_type=projects.project&amp;object_id={p.project_a.pk}",
    ):
        assert text in page, text
    investments = page.split('class="table investments"', 1)[1].split("</table>", 1)[0]
    assert "100000.00" in investments
    steps = page.split('class="steps"', 1)[1].split("</ol>", 1)[0]
    assert "2018-03-01" in steps


def test_it_shows_the_auditor_the_project_masked_and_without_buttons(cast, projects):
    p = projects
    page = main(client_for(cast.auditor).get(p.project_a.get_absolute_url()))
    assert mask_id(HEAD_A1_ID) in page and HEAD_A1_ID not in page
    for url in (
        reverse("projects:project-edit", args=[p.project_a.pk]),
        reverse("projects:project-advance", args=[p.project_a.pk]),
        reverse("projects:run-preview", args=[p.project_a.pk]),
        reverse("projects:participant-add", args=[p.project_a.pk]),
    ):
        assert url not in page, url
    # The dividend history is there to read.
    assert reverse("projects:run-detail", args=[p.run_2018.pk]) in page


def test_it_offers_the_next_approval_step_to_a_user_of_its_level(cast, projects):
    p = projects
    advance = reverse("projects:project-advance", args=[p.project_a.pk])
    url = p.project_a.get_absolute_url()
    # Village steps: the village's secretary records them.
    assert advance in main(client_for(cast.village_a_secretary).get(url))
    for stage in ("committees", "members_meeting", "public_notice"):
        actions.advance_project(
            actor=None, project=p.project_a, stage=stage, done_on=datetime.date(2018, 4, 1)
        )
    p.project_a.refresh_from_db()
    # The township's review: not the village's secretary, the county's administrator may.
    assert advance not in main(client_for(cast.village_a_secretary).get(url))
    assert client_for(cast.village_a_secretary).get(advance).status_code == 403
    assert advance in main(client_for(cast.county_a_admin).get(url))
    actions.advance_project(actor=None, project=p.project_a, stage="township_review")
    actions.advance_project(actor=None, project=p.project_a, stage="filed")
    # Every step taken: no button, and the page answers 403 to everyone.
    assert advance not in main(client_for(cast.province_admin).get(url))
    assert client_for(cast.province_admin).get(advance).status_code == 403


def test_it_shows_the_share_register_at_a_date(cast, projects):
    client = client_for(cast.county_a_admin)
    url = projects.project_a.get_absolute_url()

    def register(query: str) -> str:
        page = main(client.get(f"{url}?{query}"))
        return page.split('id="register"', 1)[1].split("<h2>", 1)[0]

    # Contributions were paid in on 2018-03-15.
    before = register("on=2018-03-14")
    assert "入股户甲一" not in before and "2018-03-14" in before
    after = register("on=2018-03-15")
    row = after.split("入股户甲一", 1)[1].split("</tr>", 1)[0]
    assert "1600.00" in row and "2000.00" in row and "3600.00" in row  # land, preferred, value
    assert "入股户甲二" in after and "村民丙" in after and "学员户甲四" not in after
    assert "21600.00" in after  # every share, summed
    actions.withdraw_shares(
        actor=None,
        participant=projects.villager,
        shares=Decimal("10000"),
        dated_on=datetime.date(2020, 1, 1),
    )
    assert "村民丙" in register("on=2019-12-31")
    assert "村民丙" not in register("on=2020-01-01")
    # A bad date: today's register, and why.
    bad = register("on=2020-13-01")
    assert "2020-13-01" in bad and 'role="alert"' in bad and "入股户甲一" in bad


def test_it_sums_each_share_class_in_its_own_column_of_the_register(cast, projects):
    # A cooperative with both classes: ordinary shares of land (1,600) and cash (3,000 and
    # 10,000), preferred shares of poor households' funds (2,000 and 5,000).
    page = main(client_for(cast.county_a_admin).get(projects.project_a.get_absolute_url()))
    register = page.split('id="register"', 1)[1].split("<h2>", 1)[0]
    totals = register.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cells = re.findall(r"<th[^>]*>(.*?)</th>", totals)
    assert cells[1:] == ["14600.00", "7000.00", "21600.00"]
    assert "colspan" not in totals


def test_it_draws_the_yearly_output_with_its_numbers_as_a_table(cast, projects):
    page = main(client_for(cast.county_a_admin).get(projects.project_a.get_absolute_url()))
    assert "vendor/echarts/echarts.min.js" in page and 'id="output-chart"' in page
    data = json.loads(page.split('id="output-data" type="application/json">', 1)[1].split("<")[0])
    assert data["years"] == ["2018", "2019"]
    assert data["output"] == [320000.0, 500000.0] and data["jobs"] == [10, 12]
    table = page.split('class="table years"', 1)[1].split("</table>", 1)[0]
    for text in ("2018", "320000.00", "120000.00", "2019", "500000.00", "180000.00", "12"):
        assert text in table, text
    empty = main(client_for(cast.county_b_admin).get(projects.project_b.get_absolute_url()))
    assert "echarts.min.js" not in empty


def test_it_shows_the_participant_with_shares_income_and_dividends(cast, projects):
    p = projects
    registry.update_household(actor=None, household=p.household_a1, phone=PHONE)
    actions.record_participant_income(
        actor=None, participant=p.holder_a1, year=2018, wages=Decimal("6000"), other=0
    )
    url = reverse("projects:participant-detail", args=[p.holder_a1.pk])
    page = main(client_for(cast.county_a_admin).get(url))
    for text in (
        "入股户甲一",
        "花椒专业合作社",
        p.household_a1.get_absolute_url(),
        HEAD_A1_ID,
        PHONE,
        "2018-03-15",
        "1600.00",  # 2 mu of land at 800
        "2000.00",  # preferred assistance funds
        "6000.00",
        reverse("projects:run-detail", args=[p.run_2018.pk]),
        reverse("projects:contribution-add", args=[p.holder_a1.pk]),
        reverse("projects:transfer-add", args=[p.holder_a1.pk]),
        reverse("projects:withdrawal-add", args=[p.holder_a1.pk]),
        reverse("projects:income-add", args=[p.holder_a1.pk]),
    ):
        assert text in page, text
    payout = p.run_2018.payouts.get(participant=p.holder_a1)
    assert str(payout.total) in page.split('class="table payouts"', 1)[1]
    auditor = main(client_for(cast.auditor).get(url))
    assert mask_id(HEAD_A1_ID) in auditor and MASKED_PHONE in auditor
    assert HEAD_A1_ID not in auditor and PHONE not in auditor
    assert reverse("projects:contribution-add", args=[p.holder_a1.pk]) not in auditor


def test_it_shows_the_contract_with_its_deliveries(cast, projects):
    p = projects
    actions.record_delivery(
        actor=None,
        contract=p.contract_a,
        delivered_on=datetime.date(2019, 9, 1),
        quantity=Decimal("500"),
        amount=Decimal("30000"),
    )
    url = reverse("projects:contract-detail", args=[p.contract_a.pk])
    page = main(client_for(cast.county_a_admin).get(url))
    for text in (
        "成都川味调料有限公司",
        "成都",
        "花椒",
        "2000.00 kg",
        "60.00",
        "120000.00",  # the contract's value
        "2019-01-01",
        "2021-12-31",
        "2019-09-01",
        "500.00 kg",
        "1500.00 kg",  # still to deliver
        "30000.00",
        reverse("projects:delivery-add", args=[p.contract_a.pk]),
    ):
        assert text in page, text
    auditor = main(client_for(cast.auditor).get(url))
    assert reverse("projects:delivery-add", args=[p.contract_a.pk]) not in auditor


# --- the write pages' doors ------------------------------------------------------------------


def write_pages(p: ProjectsSample, side: str) -> dict[str, str]:
    project = p.project_a if side == "a" else p.project_b
    participant = p.holder_a1 if side == "a" else p.holder_b
    contract = p.contract_a if side == "a" else contract_b(p)
    pages = {
        "project-advance": reverse("projects:project-advance", args=[project.pk]),
        "investment-add": reverse("projects:investment-add", args=[project.pk]),
        "year-add": reverse("projects:year-add", args=[project.pk]),
        "participant-add": reverse("projects:participant-add", args=[project.pk]),
        "contract-add": reverse("projects:contract-add", args=[project.pk]),
        "contract-edit": reverse("projects:contract-edit", args=[contract.pk]),
        "contract-delete": reverse("projects:contract-delete", args=[contract.pk]),
        "delivery-add": reverse("projects:delivery-add", args=[contract.pk]),
    }
    for page in (
        "contribution-add",
        "transfer-add",
        "withdrawal-add",
        "income-add",
    ):
        pages[page] = reverse(f"projects:{page}", args=[participant.pk])
    return pages


@pytest.mark.parametrize("side", ["a", "b"])
def test_it_opens_the_write_pages_only_to_who_may_write(cast, projects, side):
    for page, url in write_pages(projects, side).items():
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert_sent_to_login(response, url)
                continue
            if name in READERS:
                expected = 403
            elif side not in VISIBLE[name]:
                expected = 404
            else:
                expected = 200 if name in ADMINS[side] else 403
            assert response.status_code == expected, (name, page, side)
            if expected == 403:
                assert "您的角色无权访问此页面。" in main(response)


def test_it_answers_404_to_a_county_seeing_but_not_changing_a_project_across_the_border(
    cast, projects
):
    # The one rule (README, "Roles and scope"): an edit page looks the record up among what
    # the user may change; seeing it is not enough.
    both = actions.create_project(
        actor=None,
        name="跨县连片产业园",
        type="garden",
        setup="contiguous",
        village_codes=[VILLAGE_A, VILLAGE_B],
    )
    edit = reverse("projects:project-edit", args=[both.pk])
    for name, detail, write in (
        ("county_a_admin", 200, 404),
        ("county_b_admin", 200, 404),
        ("province_admin", 200, 200),
    ):
        client = client_for(getattr(cast, name))
        assert client.get(both.get_absolute_url()).status_code == detail, name
        assert client.get(edit).status_code == write, name
    page = main(client_for(cast.county_a_admin).get(both.get_absolute_url()))
    assert edit not in page and "510824100001" in page


def test_it_links_the_projects_from_the_navigation_for_who_reads_records(cast, projects):
    link = f'href="{reverse("projects:project-list")}"'
    for name in ("province_admin", "county_b_admin", "auditor", "helper"):
        page = client_for(getattr(cast, name)).get("/regions/").content.decode()
        header = page.split("<main>", 1)[0]
        assert (link in header) is (name != "helper"), name


def test_it_shows_a_busy_project_with_a_fixed_number_of_queries(
    cast, projects, django_assert_max_num_queries
):
    project = projects.project_a
    for i in range(10):
        villager = actions.add_participant(
            actor=None, project=project, name=f"村民{i}", region_code=VILLAGE_A, is_worker=True
        )
        actions.contribute(
            actor=None,
            participant=villager,
            asset="cash",
            amount=Decimal(100 + i),
            dated_on=datetime.date(2020, 1, 1),
        )
        actions.record_project_year(actor=None, project=project, year=2000 + i, output_value=i)
        actions.add_investment(actor=None, project=project, source="other", amount=Decimal(i + 1))
        actions.create_contract(
            actor=None,
            project=project,
            buyer=f"买方{i}",
            buyer_place="内江",
            product="花椒",
            quantity=Decimal(10),
            unit="kg",
            price=Decimal(50),
            starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2020, 12, 31),
        )
    client = client_for(cast.county_a_admin)
    # Session, user, grants, the project, whether it may be changed, then one query for each
    # part of the page (investments, participants and their count, the register and its
    # names, years, villages, leaders, partners, steps, dividend runs, contracts).
    with django_assert_max_num_queries(17):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert "村民9" in main(response) and "买方9" in main(response)


# --- the suites: scope of lists, detail pages, exports and write pages for the whole cast ----


class TestProjectPages(PageSuite):
    """The project list, detail, export, edit and delete pages and the new-project form for
    the whole cast: project A (village A) and project B (village B)."""

    list_url = "/projects/projects/"
    detail = "projects:project-detail"
    edit = "projects:project-edit"
    delete = "projects:project-delete"
    add_url = "/projects/projects/add/"
    no_view = frozenset({"helper"})
    deletable = False  # project A has paid dividends

    @pytest.fixture
    def records(self, projects):
        self.sample = projects
        return {"a": projects.project_a, "b": projects.project_b}

    def text(self, obj):
        return obj.name

    def edit_form(self, obj):
        return project_form(self.sample, name=obj.name, village_codes=VILLAGE_A)

    def bad_edit_form(self, obj):
        return project_form(self.sample, name="")

    def add_form(self):
        return project_form(self.sample)

    def bad_add_form(self):
        return project_form(self.sample, name="")


class TestParticipantPages(PageSuite):
    """The participant list, detail, export, edit and delete pages for the whole cast: the
    trainee of project A (village A) and the shareholder of project B (village B)."""

    list_url = "/projects/participants/"
    detail = "projects:participant-detail"
    edit = "projects:participant-edit"
    delete = "projects:participant-delete"
    no_view = frozenset({"helper"})

    @pytest.fixture
    def records(self, projects):
        return {"a": projects.trainee, "b": projects.holder_b}

    def text(self, obj):
        return obj.name

    def edit_form(self, obj):
        return {"name": obj.name, "is_trainee": "on", "is_worker": "on", "joined_on": "2018-03-01"}

    def bad_edit_form(self, obj):
        return {**self.edit_form(obj), "name": ""}
