"""The pairing pages (lists, detail pages, the write pages' doors, the coverage page) for every
member of the cast: county B sees and changes nothing of county A, the auditor reads with
phones masked, the helper sees only their own records, the anonymous visitor logs in first."""

import datetime
from typing import Any

import pytest
from django.urls import reverse

from fupin.pairing import actions
from fupin.pairing.models import CapRule, Pairing
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    PageSuite,
    PairingSample,
    assert_sent_to_login,
    bad_filter,
    client_for,
    csv_rows,
    household_with_head,
    main,
)

READERS = ("auditor",)
PHONE = "13912345678"
MASKED_PHONE = "139****5678"
# Each sample record has an "a" side (village A, county A) and a "b" side (village B).
VISIBLE = {
    "province_admin": {"a", "b"},
    "county_a_admin": {"a"},
    "village_a_secretary": {"a"},
    "county_b_admin": {"b"},
    "auditor": {"a"},
    "helper": {"a"},
}
# Who changes the "a" records as an administrator (pairs, edits helpers), and who writes the
# helper's own records (visits, plans and measures) too.
ADMINS_OF_A = {"province_admin", "county_a_admin", "village_a_secretary"}
WRITERS_OF_A = ADMINS_OF_A | {"helper"}


def records(p: PairingSample, side: str) -> dict[str, Any]:
    return {
        "helper": getattr(p, f"helper_{side}"),
        "pairing": getattr(p, f"pairing_{side}"),
        "plan": getattr(p, f"plan_{side}"),
        "visit": getattr(p, f"visit_{side}"),
    }


# --- lists -----------------------------------------------------------------------------------


class PairingPageSuite(PageSuite):
    """A list of the pairing and its detail pages: `kind` names the sample's records
    (kind + "_a", kind + "_b"); the helper sees what they own, all on side a."""

    sees = VISIBLE
    kind: str

    @pytest.fixture
    def records(self, pairing):
        return {side: getattr(pairing, f"{self.kind}_{side}") for side in ("a", "b")}

    def text(self, obj):
        return obj.household.number


class TestHelperPages(PairingPageSuite):
    list_url, detail, kind = "/pairing/helpers/", "pairing:helper-detail", "helper"

    def text(self, obj):
        return obj.member.name


class TestPairingPages(PairingPageSuite):
    list_url, detail, kind = "/pairing/pairings/", "pairing:pairing-detail", "pairing"


class TestPlanPages(PairingPageSuite):
    list_url, detail, kind = "/pairing/plans/", "pairing:plan-detail", "plan"


class TestVisitPages(PairingPageSuite):
    list_url, detail, kind = "/pairing/visits/", "pairing:visit-detail", "visit"


def test_it_lists_cap_rules_to_everyone_signed_in_and_proposals_to_readers(cast, pairing):
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=4, leader_cap=6, secondary_cap=3
    )
    for name, user in cast.all().items():
        caps = client_for(user).get("/pairing/caps/")
        proposals = client_for(user).get("/pairing/proposals/")
        if user is None:
            assert_sent_to_login(caps, "/pairing/caps/")
            assert_sent_to_login(proposals, "/pairing/proposals/")
            continue
        assert caps.status_code == 200 and COUNTY_A in main(caps), name
        # A rule is reference data; only who may change it gets the link to its form.
        edit = reverse("pairing:caprule-edit", args=[CapRule.objects.get().pk])
        assert (edit in main(caps)) is (name in {"province_admin", "county_a_admin"}), name
        # A helper has no region to propose for: no proposals.
        assert proposals.status_code == (403 if name == "helper" else 200), name


def test_it_filters_and_searches_the_pairing_list(cast, pairing):
    client = client_for(cast.province_admin)
    actions.end_pairing(actor=None, pairing=pairing.pairing_b, ended_on=datetime.date(2024, 9, 1))
    cases = {
        f"region={COUNTY_A}": {"P001"},
        f"region={VILLAGE_A}": {"P001"},
        "current=true": {"P001"},
        "current=false": {"P003"},
        "kind=primary": {"P001", "P003"},
        "kind=secondary": set(),
        f"helper={pairing.helper_b.pk}": {"P003"},
        "source=manual": {"P001", "P003"},
        "source=optimiser": set(),
        "q=帮扶户乙": {"P003"},
        "q=P001": {"P001"},
        "q=党员甲": {"P001"},
    }
    for query, expected in cases.items():
        page = main(client.get(f"/pairing/pairings/?{query}"))
        assert {n for n in ("P001", "P003") if n in page} == expected, query


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/pairing/pairings/?region=5108x", "区划代码应为 2、4、6、9 或 12 位数字。"),
        ("/pairing/pairings/?kind=tertiary", "选择一个有效的选项"),
        ("/pairing/helpers/?skill=flying", "选择一个有效的选项"),
        ("/pairing/visits/?since=2024-05-01&until=2024-04-01", "结束日期早于开始日期"),
        ("/pairing/plans/?year=abc", "输入整数。"),
    ],
)
def test_it_explains_a_bad_filter_and_lists_nothing(cast, pairing, url, message):
    table = main(bad_filter(cast.province_admin, url, message)).split("</form>", 1)[1]
    assert "P001" not in table and "P003" not in table


def test_it_filters_helpers_by_skill_leader_and_region(cast, pairing):
    client = client_for(cast.province_admin)
    cases = {
        "skill=planting": {"党员甲"},
        "skill=ecommerce": {"党员甲"},
        "skill=livestock": {"党员乙"},
        "skill=jobs": set(),
        f"region={COUNTY_B}": {"党员乙"},
        "leader=true": set(),
        "active=true": {"党员甲", "党员乙"},
        "q=乙": {"党员乙"},
    }
    for query, expected in cases.items():
        page = main(client.get(f"/pairing/helpers/?{query}"))
        assert {n for n in ("党员甲", "党员乙") if n in page} == expected, query


def test_it_sorts_the_pairing_list(cast, pairing):
    client = client_for(cast.province_admin)
    up = main(client.get("/pairing/pairings/?sort=region_code"))
    down = main(client.get("/pairing/pairings/?sort=-region_code"))
    assert up.index("P001") < up.index("P003")
    assert down.index("P003") < down.index("P001")


def test_it_exports_the_helper_list_masked_for_the_auditor(cast, pairing):
    header, *rows = csv_rows(client_for(cast.auditor).get("/pairing/helpers/?export=csv"))
    assert header[0] == "姓名" and header[-1] == "电话"
    assert [r[0] for r in rows] == ["党员甲"]
    assert rows[0][-1] == MASKED_PHONE and PHONE not in ",".join(rows[0])
    assert "种植、电商" in rows[0]
    _, *full = csv_rows(client_for(cast.county_a_admin).get("/pairing/helpers/?export=csv"))
    assert full[0][-1] == PHONE
    xlsx = client_for(cast.auditor).get("/pairing/helpers/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith('attachment; filename="helpers-')


def test_it_exports_pairings_with_the_household_phone_masked_for_the_auditor(cast, pairing):
    registry.update_household(actor=None, household=pairing.household_a, phone=PHONE)
    header, *rows = csv_rows(client_for(cast.auditor).get("/pairing/pairings/?export=csv"))
    assert header[:2] == ["帮扶对象", "帮扶责任人"]
    beneficiary = ["P001 帮扶户甲", "党员甲", VILLAGE_A, "卸甲碥社区居民委员会"]
    assert rows == [[*beneficiary, "主帮扶", "2024-03-01", "—", "人工结对", MASKED_PHONE]]
    _, *rows = csv_rows(client_for(cast.helper).get("/pairing/pairings/?export=csv"))
    assert rows[0][-1] == PHONE
    _, *rows = csv_rows(client_for(cast.county_b_admin).get("/pairing/pairings/?export=csv"))
    assert [r[0] for r in rows] == ["P003 帮扶户乙"]


def test_it_lists_many_pairings_with_a_fixed_number_of_queries(
    cast, pairing, django_assert_max_num_queries
):
    from fupin.lib.ids import make_resident_id
    from fupin.party import actions as party

    for i in range(12):
        household = household_with_head(
            VILLAGE_A, f"M{i:03}", f"户主{i}", 700 + i, datetime.date(1960, 1, 1)
        )
        member = party.register_member(
            actor=None,
            organisation=pairing.party.org_a,
            region_code=VILLAGE_A,
            name=f"帮扶党员{i}",
            id_number=make_resident_id(COUNTY_A, datetime.date(1980, 1, 1), 800 + i),
            stage="full",
            joined_on=datetime.date(2000, 7, 1),
            full_on=datetime.date(2001, 7, 1),
        )
        helper = actions.register_helper(actor=None, member=member)
        actions.pair(actor=None, helper=helper, household=household)
    for url in ("/pairing/pairings/", "/pairing/helpers/", "/pairing/visits/", "/pairing/plans/"):
        client = client_for(cast.county_a_admin)
        # Session, user, grants, the count, the page (and the cap rules on the helper list).
        with django_assert_max_num_queries(7):
            response = client.get(url)
        assert response.status_code == 200


# --- detail pages ----------------------------------------------------------------------------


def test_it_shows_the_helper_with_beneficiaries_load_cap_and_visits(cast, pairing):
    page = main(client_for(cast.county_a_admin).get(pairing.helper_a.get_absolute_url()))
    for text in (
        "党员甲",
        "卸甲碥社区居民委员会 (510821100001)",
        "种植、电商",
        PHONE,
        "helper",  # the login
        "1 / 5",  # primary load / cap
        "0 / 5",
        "P001 帮扶户甲",
        "2024-04-01",
        "了解种植进展，宣讲政策。",
        "六个月未走访",
        f"/audit/?object_type=pairing.helper&amp;object_id={pairing.helper_a.pk}",
        reverse("pairing:helper-edit", args=[pairing.helper_a.pk]),
    ):
        assert text in page, text
    auditor = main(client_for(cast.auditor).get(pairing.helper_a.get_absolute_url()))
    assert MASKED_PHONE in auditor and PHONE not in auditor
    assert reverse("pairing:helper-edit", args=[pairing.helper_a.pk]) not in auditor


def test_it_shows_the_helper_over_the_cap(cast, pairing):
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    page = main(client_for(cast.county_a_admin).get(pairing.helper_a.get_absolute_url()))
    assert "超出上限：主帮扶对象2个，上限为1个。" in page and "2 / 1" in page


def test_it_shows_the_pairing_with_its_visits_and_the_six_month_warning(cast, pairing):
    url = pairing.pairing_a.get_absolute_url()
    page = main(client_for(cast.county_a_admin).get(url))
    for text in (
        "党员甲",
        "P001",
        "帮扶户甲",
        "卸甲碥社区居民委员会 (510821100001)",
        "2024-03-01",
        "了解种植进展，宣讲政策。",
        "联系农技员上门指导。",
        "六个月未走访：帮扶责任人已超过六个月未走访该帮扶对象。",
        pairing.plan_a.get_absolute_url(),
        reverse("pairing:pairing-end", args=[pairing.pairing_a.pk]),
        reverse("pairing:visit-add", args=[pairing.pairing_a.pk]),
    ):
        assert text in page, text
    # A visit today lifts the warning.
    actions.record_visit(
        actor=None,
        helper=pairing.helper_a,
        household=pairing.household_a,
        visited_on=datetime.date.today(),
        done="入户走访",
    )
    assert "六个月未走访" not in main(client_for(cast.county_a_admin).get(url))
    # The helper records visits, but does not end or delete the pairing.
    helper = main(client_for(cast.helper).get(url))
    assert reverse("pairing:visit-add", args=[pairing.pairing_a.pk]) in helper
    assert reverse("pairing:pairing-end", args=[pairing.pairing_a.pk]) not in helper
    auditor = main(client_for(cast.auditor).get(url))
    assert reverse("pairing:visit-add", args=[pairing.pairing_a.pk]) not in auditor


def test_it_shows_the_plan_in_five_sections_with_its_measures(cast, pairing):
    page = main(client_for(cast.helper).get(pairing.plan_a.get_absolute_url()))
    for text in (
        "户P001 2024年帮扶计划",
        "帮扶户甲",
        "一、基本情况",
        "一家三口，户主患慢性病。",
        "二、存在问题",
        "缺技术、缺资金。",
        "三、帮扶措施",
        "产业",
        "发展花椒种植3亩",
        "1500.00",
        "县农业农村局",
        "2024-10-31",
        "四、帮扶责任",
        "帮扶责任人每月走访一次。",
        "五、脱贫目标和时限",
        "2025年人均纯收入超过国家扶贫标准",
        "2025-12-31",
        "党员甲",
        reverse("pairing:plan-pdf", args=[pairing.plan_a.pk]),
        reverse("pairing:measure-add", args=[pairing.plan_a.pk]),
        "六个月未走访：该户的帮扶责任人已超过六个月未走访。",
        "<dt>主要需求</dt><dd>种植</dd>",  # from the main measure's category (industry)
    ):
        assert text in page, text
    auditor = main(client_for(cast.auditor).get(pairing.plan_a.get_absolute_url()))
    assert reverse("pairing:plan-edit", args=[pairing.plan_a.pk]) not in auditor


def test_it_shows_the_visit(cast, pairing):
    page = main(client_for(cast.helper).get(pairing.visit_a.get_absolute_url()))
    for text in ("2024-04-01走访", "党员甲", "P001", "帮扶户甲", "了解种植进展", "联系农技员"):
        assert text in page, text
    assert reverse("pairing:visit-edit", args=[pairing.visit_a.pk]) in page


# --- the write pages' doors ------------------------------------------------------------------


def write_pages(p: PairingSample, side: str) -> dict[str, tuple[str, set[str]]]:
    """Each write page of an "a" or "b" record, and who (of those who see it) may open it."""
    r = records(p, side)
    measure = (
        p.measure_a
        if side == "a"
        else actions.add_measure(actor=None, plan=p.plan_b, category="health", description="体检")
    )
    admins = ADMINS_OF_A if side == "a" else {"province_admin", "county_b_admin"}
    writers = WRITERS_OF_A if side == "a" else admins
    return {
        "helper-edit": (reverse("pairing:helper-edit", args=[r["helper"].pk]), admins),
        "helper-delete": (reverse("pairing:helper-delete", args=[r["helper"].pk]), admins),
        "pairing-end": (reverse("pairing:pairing-end", args=[r["pairing"].pk]), admins),
        "pairing-delete": (reverse("pairing:pairing-delete", args=[r["pairing"].pk]), admins),
        "visit-add": (reverse("pairing:visit-add", args=[r["pairing"].pk]), writers),
        "visit-edit": (reverse("pairing:visit-edit", args=[r["visit"].pk]), writers),
        "visit-delete": (reverse("pairing:visit-delete", args=[r["visit"].pk]), writers),
        "plan-edit": (reverse("pairing:plan-edit", args=[r["plan"].pk]), writers),
        "plan-delete": (reverse("pairing:plan-delete", args=[r["plan"].pk]), writers),
        "measure-add": (reverse("pairing:measure-add", args=[r["plan"].pk]), writers),
        "measure-edit": (reverse("pairing:measure-edit", args=[measure.pk]), writers),
        "measure-delete": (reverse("pairing:measure-delete", args=[measure.pk]), writers),
    }


@pytest.mark.parametrize("side", ["a", "b"])
def test_it_opens_the_write_pages_only_to_who_may_write(cast, pairing, side):
    for page, (url, writers) in write_pages(pairing, side).items():
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert_sent_to_login(response, url)
                continue
            if name in READERS:
                expected = 403  # a reader changes nothing anywhere
            elif name == "helper" and page.startswith("helper-"):
                expected = 403  # helper records are the administrators', even their own
            elif side not in VISIBLE[name]:
                expected = 404
            elif name in writers:
                expected = 200
            else:
                expected = 403
            assert response.status_code == expected, (name, page, side)
            if expected == 403:
                assert "您的角色无权访问此页面。" in main(response)


def test_it_opens_the_cap_rule_forms_to_its_region_administrators(cast, pairing):
    rule = actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=4, leader_cap=6, secondary_cap=3
    )
    expected = {
        "province_admin": 200,
        "county_a_admin": 200,
        "village_a_secretary": 404,  # the county's rule is above the village
        "county_b_admin": 404,
        "auditor": 403,
        "helper": 403,
    }
    for page in ("caprule-edit", "caprule-delete"):
        url = reverse(f"pairing:{page}", args=[rule.pk])
        for name, status in expected.items():
            assert client_for(getattr(cast, name)).get(url).status_code == status, (name, page)


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/pairing/helpers/add/", "登记帮扶责任人"),
        ("/pairing/pairings/add/", "新建结对"),
        ("/pairing/caps/add/", "设置帮扶上限规则"),
        ("/pairing/propose/", "生成结对方案"),
        ("/pairing/plans/add/", "新建帮扶计划"),
    ],
)
def test_it_opens_the_new_record_forms_to_who_may_write(cast, pairing, url, title):
    for name, user in cast.all().items():
        response = client_for(user).get(url)
        if user is None:
            assert_sent_to_login(response, url)
            continue
        # A helper writes plans of their own households, nothing else new.
        writes = name != "auditor" and (name != "helper" or url == "/pairing/plans/add/")
        assert response.status_code == (200 if writes else 403), (name, url)
        if writes:
            assert title in main(response)


def test_it_fills_the_pairing_form_from_the_coverage_page(cast, pairing):
    url = f"/pairing/pairings/add/?household={pairing.household_a2.pk}"
    page = main(client_for(cast.county_a_admin).get(url))
    assert 'value="510821101001"' in page and 'value="P002"' in page
    url = f"/pairing/pairings/add/?helper={pairing.helper_a.pk}"
    page = main(client_for(cast.county_a_admin).get(url))
    assert f'value="{pairing.party.member_a.id_number}"' in page
    assert pairing.party.member_a.id_number not in main(client_for(cast.county_b_admin).get(url))
    # County B cannot read county A's household through the link.
    url = f"/pairing/pairings/add/?household={pairing.household_a2.pk}"
    page = main(client_for(cast.county_b_admin).get(url))
    assert "P002" not in page


# --- coverage --------------------------------------------------------------------------------


def test_it_shows_the_coverage_of_each_users_region(cast, pairing):
    expected = {
        "province_admin": ("四川省", "66.7%"),
        "county_a_admin": ("旺苍县", "50.0%"),
        "village_a_secretary": ("卸甲碥社区居民委员会", "100.0%"),
        "county_b_admin": ("苍溪县", "100.0%"),
        "auditor": ("旺苍县", "50.0%"),
    }
    for name, (region, percent) in expected.items():
        page = main(client_for(getattr(cast, name)).get("/pairing/coverage/"))
        assert f"结对覆盖: {region}" in page, name
        assert f'<dd class="percent">{percent}</dd>' in page, name
    response = client_for(cast.helper).get("/pairing/coverage/")
    assert response.status_code == 302 and response["Location"] == "/pairing/mine/"
    assert_sent_to_login(client_for(None).get("/pairing/coverage/"), "/pairing/coverage/")


def test_it_answers_404_for_a_region_outside_the_users_scope(cast, pairing):
    for name, code in (
        ("county_b_admin", COUNTY_A),
        ("county_a_admin", COUNTY_B),
        ("village_a_secretary", COUNTY_A),
        ("helper", COUNTY_A),
        ("province_admin", "5199"),
        ("province_admin", "abc"),
    ):
        response = client_for(getattr(cast, name)).get(f"/pairing/coverage/?region={code}")
        assert response.status_code == 404, (name, code)


def test_it_lists_the_unpaired_the_over_cap_and_the_unvisited(cast, pairing):
    page = main(client_for(cast.county_a_admin).get(f"/pairing/coverage/?region={COUNTY_A}"))
    unpaired = page.split('class="table unpaired-households"', 1)[1].split("</table>", 1)[0]
    assert "P002" in unpaired and "帮扶户甲二" in unpaired and "P001" not in unpaired
    assert f"/pairing/pairings/add/?household={pairing.household_a2.pk}" in unpaired
    unvisited = page.split('class="table unvisited"', 1)[1].split("</table>", 1)[0]
    assert "P001 帮扶户甲" in unvisited and "2024-04-01" in unvisited
    assert "没有帮扶责任人超出上限。" in page
    assert 'action="/pairing/propose/"' in page
    # The auditor reads the same figures without the buttons.
    auditor = main(client_for(cast.auditor).get(f"/pairing/coverage/?region={COUNTY_A}"))
    assert "P002" in auditor and 'action="/pairing/propose/"' not in auditor
    assert "/pairing/pairings/add/" not in auditor
    # Over the cap; then paired and visited: all clear.
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    for household in (pairing.household_a, pairing.household_a2):
        actions.record_visit(
            actor=None,
            helper=pairing.helper_a,
            household=household,
            visited_on=datetime.date.today(),
            done="入户走访",
        )
    page = main(client_for(cast.county_a_admin).get(f"/pairing/coverage/?region={COUNTY_A}"))
    over = page.split('class="table over-cap"', 1)[1].split("</table>", 1)[0]
    assert "党员甲" in over and "<td>2</td><td>1</td>" in over
    assert '<dd class="percent">100.0%</dd>' in page
    assert "每户都有主帮扶责任人。" in page
    assert "所有结对帮扶对象在近六个月内均已走访。" in page


def test_it_pages_the_unpaired_households(cast, pairing):
    for i in range(55):
        registry.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=f"U{i:03}",
            main_cause="illness",
            registered_in=2014,
        )
    client = client_for(cast.county_a_admin)
    first = main(client.get(f"/pairing/coverage/?region={COUNTY_A}"))
    second = main(client.get(f"/pairing/coverage/?region={COUNTY_A}&h=2"))
    assert "U000" in first and "U049" in first and "U050" not in first
    assert "U050" in second and "U054" in second and "P002" in second
    assert f"?region={COUNTY_A}&amp;h=2" in first
    assert Pairing.objects.count() == 2
