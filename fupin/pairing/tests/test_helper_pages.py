"""The helper's own page (/pairing/mine/): their current households and poor members with the
head, phone, plan and last visit, the six-month warning, and the way to record a visit.
Anyone who is not a helper is told so in Chinese."""

import datetime

from django.urls import reverse

from fupin.lib.ids import make_resident_id
from fupin.pairing import actions
from fupin.party import actions as party
from fupin.registry import actions as registry
from fupin.testing import VILLAGE_A, VILLAGE_A2, client_for, full_member, main_ok

MINE = "/pairing/mine/"
PHONE = "13800001234"


def test_it_shows_the_helper_their_households(cast, pairing):
    registry.update_household(actor=None, household=pairing.household_a, phone=PHONE)
    page = main_ok(client_for(cast.helper).get(MINE))
    for text in (
        "我的帮扶户",
        "党员甲 · 卸甲碥社区居民委员会",
        "主帮扶对象1个（上限5个）。",
        "帮扶户甲",
        "P001",
        f'<a href="tel:{PHONE}">{PHONE}</a>',
        reverse("pairing:plan-detail", args=[pairing.plan_a.pk]),
        "2024-04-01",
        "有1个帮扶对象六个月未走访。",
        reverse("pairing:visit-add", args=[pairing.pairing_a.pk]),
        "了解种植进展，宣讲政策。",  # the recent visit
    ):
        assert text in page, text
    # Nothing of anyone else's.
    for text in ("P002", "P003", "帮扶户乙", "帮扶户甲二"):
        assert text not in page, text


def test_it_shows_a_poor_member_and_a_household_without_a_plan(cast, pairing):
    member = party.register_member(
        actor=None,
        organisation=pairing.party.org_a2,
        region_code=VILLAGE_A2,
        name="贫困党员丙",
        id_number=make_resident_id(VILLAGE_A2[:6], datetime.date(1950, 1, 1), 960),
        stage="full",
        joined_on=datetime.date(1980, 7, 1),
        full_on=datetime.date(1981, 7, 1),
        phone=PHONE,
    )
    registry.add_person(
        actor=None,
        household=pairing.household_a2,
        name="贫困党员丙",
        id_number=member.id_number,
        relation="spouse",
    )
    party.add_tag(actor=None, member=member, kind="poor", since=datetime.date(2016, 1, 1))
    actions.pair(actor=None, helper=pairing.helper_a, member=member)
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    page = main_ok(client_for(cast.helper).get(MINE))
    assert "贫困党员丙" in page and PHONE in page
    assert f"/pairing/plans/add/?household={pairing.household_a2.pk}" in page
    assert "主帮扶对象3个（上限5个）。" in page
    # Begun today: no warning for them yet; household A still has one.
    assert "有1个帮扶对象六个月未走访。" in page


def test_it_records_a_visit_from_the_phone_page(cast, pairing):
    client = client_for(cast.helper)
    page = main_ok(client.get(reverse("pairing:visit-add", args=[pairing.pairing_a.pk])))
    assert "记录走访" in page and 'href="/pairing/mine/"' in page
    today = datetime.date.today()
    response = client.post(
        reverse("pairing:visit-add", args=[pairing.pairing_a.pk]),
        {"visited_on": today.isoformat(), "done": "送去花椒苗", "follow_ups": ""},
    )
    assert response.status_code == 302 and response["Location"] == MINE
    page = main_ok(client.get(MINE))
    assert "走访已记录。" in page and "送去花椒苗" in page
    assert today.isoformat() in page and "六个月未走访" not in page


def test_it_tells_who_is_not_a_helper(cast, pairing):
    for name in (
        "province_admin",
        "county_a_admin",
        "village_a_secretary",
        "county_b_admin",
        "auditor",
    ):
        page = main_ok(client_for(getattr(cast, name)).get(MINE))
        assert "您尚未登记为帮扶责任人" in page, name
        assert "P001" not in page, name
    response = client_for(None).get(MINE)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={MINE}"


def test_it_shows_an_administrator_who_helps_their_own_households_only(cast, pairing):
    """A county administrator may help too: their page lists their pairings, not the county's."""
    born = datetime.date(1979, 1, 1)
    member = full_member(pairing.party.org_a, VILLAGE_A, "县干部", 961, born=born)
    helper = actions.register_helper(actor=None, member=member, user=cast.county_a_admin)
    actions.pair(actor=None, helper=helper, household=pairing.household_a2)
    page = main_ok(client_for(cast.county_a_admin).get(MINE))
    assert "P002" in page and "P001" not in page


def test_it_reads_the_phone_page_in_a_fixed_number_of_queries(
    cast, pairing, django_assert_max_num_queries
):
    for i in range(4):
        household = registry.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=f"Q{i:03}",
            main_cause="illness",
            registered_in=2014,
        )
        actions.pair(actor=None, helper=pairing.helper_a, household=household)
    client = client_for(cast.helper)
    # Session, user, grants, helper, cap rules, pairings, warnings, visits.
    with django_assert_max_num_queries(10):
        page = main_ok(client.get(MINE))
    assert all(f"Q{i:03}" in page for i in range(4))
