"""The organisation pages (list, detail, tree, forms) and the reorganisation pages (the
reorganise form, the history list and its before/after page) for every member of the cast."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.party import actions
from fupin.party.actions import Successor
from fupin.party.models import Member, Organisation, Reorganisation
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PageSuite,
    assert_sent_to_login,
    bad_filter,
    client_for,
    form_refused,
    full_member,
    last_event_id,
    linked,
    main,
    names,
    new_events,
    nothing_saved,
)

from .conftest import CHANGEABLE_ORGS, VISIBLE_ORGS

LIST = "/party/organisations/"
ADD = "/party/organisations/add/"
TREE = "/party/tree/"
REORGANISE = "/party/reorganise/"
HISTORY = "/party/reorganisations/"
READERS = ("auditor", "helper")
# A helper owns no organisation (they own their households and members only): every
# organisation page answers them 403, as to a role that may not open it.
NO_ORGANISATIONS = ("helper",)
ORGS = ("org_a", "org_a2", "org_b", "park")
VILLAGE_A_BIS = "510821100002"  # the second village of township A
VILLAGE_B2 = "510824100002"  # the second village of township B


def listed(response) -> list[str]:
    """The organisation names linked from the rows of the list, in order."""
    return linked(response, "/party/organisations/")


def organisation_form(**changes) -> dict:
    data = {
        "name": "新建党支部",
        "level": "branch",
        "kind": "village",
        "region_codes": VILLAGE_A_BIS,
        "parent": "",
        "founded_on": "2010-07-01",
        "committee_members": "",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def reorganise_form(sources, successors, on="2020-06-30", note="") -> dict:
    """The reorganise page's POST: sources by pk, up to three successor rows."""
    data = {
        "sources": [str(s.pk) for s in sources],
        "on": on,
        "note": note,
        "successors-TOTAL_FORMS": "3",
        "successors-INITIAL_FORMS": "0",
        "successors-MIN_NUM_FORMS": "1",
        "successors-MAX_NUM_FORMS": "3",
    }
    for i in range(3):
        row = successors[i] if i < len(successors) else {}
        for field in ("name", "level", "kind", "region_codes", "parent"):
            data[f"successors-{i}-{field}"] = row.get(field, "")
    return data


def member_in(org: Organisation, village: str, name: str, sequence: int) -> Member:
    return full_member(org, village, name, sequence)


# --- who may open which page: the generic suite ------------------------------------------------


class TestOrganisationPages(PageSuite):
    """The park spanning two counties is seen by both county administrators and changed by
    neither. A helper owns no organisation (they own their households and members only):
    every organisation page answers them 403, as to a role that may not open it."""

    list_url, add_url = LIST, ADD
    detail = "party:organisation-detail"
    edit = "party:organisation-edit"
    delete = "party:organisation-delete"
    sees, changes = VISIBLE_ORGS, CHANGEABLE_ORGS
    no_view = frozenset(NO_ORGANISATIONS)
    deletable = False  # every organisation of the sample has a member

    @pytest.fixture
    def records(self, party):
        return {key: getattr(party, key) for key in ORGS}

    def text(self, obj):
        return obj.name

    def edit_form(self, obj):
        return organisation_form(name=obj.name, note="改", region_codes=VILLAGE_A)

    def bad_edit_form(self, obj):
        return organisation_form(name="", region_codes=VILLAGE_A)

    def add_form(self):
        return organisation_form()

    def bad_add_form(self):
        return organisation_form(region_codes="")


# --- who may open which page -----------------------------------------------------------------


def test_it_shows_the_write_buttons_only_to_who_may_change(cast, party):
    for name, user in cast.members().items():
        for key in VISIBLE_ORGS[name]:
            org = getattr(party, key)
            page = main(client_for(user).get(reverse("party:organisation-detail", args=[org.pk])))
            edit = reverse("party:organisation-edit", args=[org.pk])
            assert (edit in page) is (key in CHANGEABLE_ORGS[name]), (name, key)
            assert (f"source={org.pk}" in page) is (key in CHANGEABLE_ORGS[name]), (name, key)
            add_member = reverse("party:member-add", args=[org.pk])
            assert (add_member in page) is (name not in READERS), (name, key)


def test_it_shows_the_organisation_with_coverage_members_and_warnings(cast, party):
    actions.update_organisation(
        actor=None, organisation=party.park, secretary=party.member_park, committee_members="张三"
    )
    child = actions.create_organisation(
        actor=None,
        name="园区一支部",
        level="branch",
        kind="park",
        region_codes=[VILLAGE_B],
        parent=party.park,
    )
    url = reverse("party:organisation-detail", args=[party.park.pk])
    page = main(client_for(cast.province_admin).get(url))
    for text in (
        "两县园区党委",
        "党委",
        "园区",
        "庙二湾社区居民委员会 (510821101001)",
        "金穗社区居民委员会 (510824100001)",
        "园区党员",
        "张三",
        "2015-01-01",
        "园区一支部",
        f"?object_type=party.organisation&amp;object_id={party.park.pk}",
        f"/party/members/?organisation={party.park.pk}",
    ):
        assert text in page, text
    # One full member of the park: no branch warning for a committee; its child branch has none.
    assert "党支部至少需要" not in page
    child_page = main(
        client_for(cast.county_b_admin).get(reverse("party:organisation-detail", args=[child.pk]))
    )
    assert "党支部至少需要3名正式党员，现有0名。" in child_page
    assert "两县园区党委" in child_page  # its parent


def test_it_hides_subordinate_organisations_outside_the_users_regions(cast, party):
    actions.create_organisation(
        actor=None,
        name="园区甲方支部",
        level="branch",
        kind="park",
        region_codes=[VILLAGE_A2],
        parent=party.park,
    )
    url = reverse("party:organisation-detail", args=[party.park.pk])
    assert "园区甲方支部" in main(client_for(cast.county_a_admin).get(url))
    assert "园区甲方支部" not in main(client_for(cast.county_b_admin).get(url))


def test_it_speaks_english_when_asked(cast, party):
    client = client_for(cast.county_a_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    page = main(client.get(LIST))
    assert "Party organisations" in page and "Member count" in page


# --- the list: filters, sorting, export, queries ---------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"region={COUNTY_A}", {"org_a", "org_a2", "park"}),
        (f"region={COUNTY_B}", {"org_b", "park"}),
        (f"region={VILLAGE_A}", {"org_a"}),
        ("level=committee", {"park"}),
        ("kind=village", {"org_a", "org_a2", "org_b"}),
        ("name=甲", {"org_a", "org_a2"}),
        ("open=false", set()),
        (f"parent={10**9}", set()),
    ],
)
def test_it_filters_the_organisation_list(cast, party, query, expected):
    response = client_for(cast.province_admin).get(f"{LIST}?{query}")
    assert set(listed(response)) == names(party, expected)


def test_it_explains_a_bad_filter_and_lists_nothing(cast, party):
    message = "区划代码应为 2、4、6、9 或 12 位数字。"
    assert listed(bad_filter(cast.province_admin, f"{LIST}?region=5108２１", message)) == []


def test_it_keeps_filters_inside_the_scope(cast, party):
    client = client_for(cast.county_b_admin)
    assert set(listed(client.get(f"{LIST}?region={COUNTY_A}"))) == {"两县园区党委"}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["两县园区党委", "乙村党支部", "甲二村党支部", "甲村党支部"]),
        ("region_code", ["两县园区党委", "甲村党支部", "甲二村党支部", "乙村党支部"]),
        ("-region_code", ["乙村党支部", "甲二村党支部", "甲村党支部", "两县园区党委"]),
        (
            "-founded_on",
            ["两县园区党委", "乙村党支部", "甲二村党支部", "甲村党支部"],
        ),  # ties: newest first
    ],
)
def test_it_sorts_the_organisation_list(cast, party, sort, expected):
    assert listed(client_for(cast.province_admin).get(f"{LIST}?sort={sort}")) == expected


def test_it_sorts_by_member_count(cast, party):
    member_in(party.org_b, VILLAGE_B, "乙二", 601)
    order = listed(client_for(cast.province_admin).get(f"{LIST}?sort=-member_count"))
    assert order[0] == "乙村党支部"


def test_it_exports_the_organisation_list(cast, party):
    response = client_for(cast.county_b_admin).get(f"{LIST}?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "乙村党支部" in body and "两县园区党委" in body
    assert "甲村党支部" not in body and COUNTY_A not in body
    xlsx = client_for(cast.province_admin).get(f"{LIST}?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"].startswith('attachment; filename="organisations-')


def test_it_lists_many_organisations_with_a_fixed_number_of_queries(
    cast, party, django_assert_max_num_queries
):
    for i in range(30):
        org = actions.create_organisation(
            actor=None,
            name=f"批量党支部{i}",
            level="branch",
            kind="village",
            region_codes=[VILLAGE_A2 if i % 3 == 0 else VILLAGE_A_BIS],
            parent=party.park if i % 3 == 0 else None,
        )
        member_in(org, org.region_id, f"批量{i}", 700 + i)
    for name in ("province_admin", "county_a_admin", "auditor"):
        client = client_for(getattr(cast, name))
        # Session, user, grants, the count and the page (members counted in the page's query).
        with django_assert_max_num_queries(5):
            response = client.get(f"{LIST}?sort=-member_count")
        assert len(listed(response)) >= 33


# --- the tree --------------------------------------------------------------------------------


def test_it_draws_the_tree_of_each_users_region(cast, party):
    child = actions.create_organisation(
        actor=None,
        name="园区乙方支部",
        level="branch",
        kind="park",
        region_codes=[VILLAGE_B],
        parent=party.park,
    )
    member_in(child, VILLAGE_B, "乙方", 801)
    for name, user in cast.all().items():
        response = client_for(user).get(TREE)
        if user is None:
            assert_sent_to_login(response, TREE)
            continue
        page = main(response)
        expected = names(party, VISIBLE_ORGS[name])
        if name in ("province_admin", "county_b_admin"):
            expected.add(child.name)
        shown = set(re.findall(r'<a href="/party/organisations/\d+/">([^<]+)</a>', page))
        assert shown == expected, name
    page = main(client_for(cast.county_b_admin).get(f"{TREE}?region={COUNTY_B}"))
    # The child nests under the park, with its member count.
    park_at = page.index("两县园区党委")
    assert page.index("园区乙方支部") > park_at
    assert re.search(r"园区乙方支部</a>\s*<small>[^<]*1 名党员", page)


def test_it_answers_404_for_a_tree_outside_the_users_regions(cast, party):
    assert client_for(cast.county_b_admin).get(f"{TREE}?region={COUNTY_A}").status_code == 404
    assert client_for(cast.county_a_admin).get(f"{TREE}?region=51a").status_code == 404
    assert client_for(cast.village_a_secretary).get(f"{TREE}?region={VILLAGE_A}").status_code == 200


def test_it_leaves_closed_organisations_out_of_the_tree(cast, party):
    actions.reorganise(
        actor=None,
        sources=[party.org_a],
        successors=[Successor("甲村党总支", "general_branch", "village", [VILLAGE_A])],
        on=datetime.date(2020, 1, 1),
    )
    page = main(client_for(cast.county_a_admin).get(f"{TREE}?region={VILLAGE_A}"))
    assert "甲村党总支" in page and "甲村党支部" not in page


def test_it_draws_the_tree_with_a_fixed_number_of_queries(
    cast, party, django_assert_max_num_queries
):
    parent = party.park
    for depth in range(4):
        parent = actions.create_organisation(
            actor=None,
            name=f"第{depth}层",
            level="committee" if depth < 3 else "branch",
            kind="park",
            region_codes=[VILLAGE_A2],
            parent=parent,
        )
        for i in range(5):
            leaf = actions.create_organisation(
                actor=None,
                name=f"第{depth}层支部{i}",
                level="branch",
                kind="village",
                region_codes=[VILLAGE_A2],
                parent=parent,
            )
            member_in(leaf, VILLAGE_A2, f"叶{depth}{i}", 900 + depth * 10 + i)
    client = client_for(cast.province_admin)
    # Session, user, grants; the region and its ancestors and sub-regions; the organisations
    # with their member counts; the warnings' two counts.
    with django_assert_max_num_queries(10):
        response = client.get(f"{TREE}?region={COUNTY_A}")
    assert main(response).count("第3层支部") == 5


# --- POSTs: organisations --------------------------------------------------------------------


def test_it_creates_an_organisation_through_the_form(cast, party):
    since = last_event_id()
    response = client_for(cast.county_a_admin).post(
        ADD, organisation_form(region_codes=f"{VILLAGE_A_BIS}\n{VILLAGE_A}", level="general_branch")
    )
    org = Organisation.objects.get(name="新建党支部")
    assert response.status_code == 302
    assert response["Location"] == reverse("party:organisation-detail", args=[org.pk])
    assert org.region_id == TOWNSHIP_A and org.level == "general_branch"
    assert set(org.coverage.values_list("region_id", flat=True)) == {VILLAGE_A, VILLAGE_A_BIS}
    [event] = new_events(since)
    assert (event.action, event.actor) == ("party.create_organisation", cast.county_a_admin)


def test_it_creates_a_park_committee_over_two_counties_for_the_province(cast, party):
    form = organisation_form(
        name="三会园区党委",
        level="committee",
        kind="park",
        region_codes=f"{VILLAGE_A}，{VILLAGE_B}、{VILLAGE_B2}",
    )
    assert client_for(cast.province_admin).post(ADD, form).status_code == 302
    org = Organisation.objects.get(name="三会园区党委")
    assert org.region_id == "5108" and org.coverage.count() == 3


@pytest.mark.parametrize(
    ("user", "changes", "field", "message"),
    [
        ("county_a_admin", {"region_codes": ""}, "region_codes", "该字段是必填项。"),
        ("county_a_admin", {"name": ""}, "name", "该字段是必填项。"),
        ("county_a_admin", {"level": "cell"}, "level", "不在可用的选项中"),
        ("county_a_admin", {"founded_on": "2010-02-30"}, "founded_on", "输入一个有效的日期。"),
        ("county_a_admin", {"region_codes": "999999999999"}, "region_codes", "没有代码为"),
        (
            "county_b_admin",
            {"region_codes": VILLAGE_A},
            "region_codes",
            "卸甲碥社区居民委员会不在您可以修改的区域内。",
        ),
        (
            "county_a_admin",
            {"region_codes": f"{TOWNSHIP_A} {VILLAGE_A}"},
            "region_codes",
            "位于另一个覆盖区域之内",
        ),
        ("county_a_admin", {"name": "甲村党支部", "region_codes": VILLAGE_A}, "name", "此处已有"),
    ],
)
def test_it_refuses_a_bad_organisation_form_and_saves_nothing(
    cast, party, user, changes, field, message
):
    with nothing_saved():
        response = client_for(getattr(cast, user)).post(ADD, organisation_form(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for e in errors[field]), errors
    assert message in main(response)


def test_it_refuses_a_parent_that_does_not_cover_the_regions(cast, party):
    form = organisation_form(parent=str(party.park.pk), region_codes=VILLAGE_A)
    form_refused(client_for(cast.province_admin), ADD, form, "超出上级组织两县园区党委的覆盖范围")


def test_it_offers_as_parents_only_visible_open_upper_organisations(cast, party):
    page = main(client_for(cast.county_b_admin).get(ADD))
    assert "两县园区党委" in page  # a committee
    assert "乙村党支部" not in page  # a branch: too many to list
    page = main(client_for(cast.county_b_admin).get(f"{ADD}?parent={party.org_b.pk}"))
    assert f'<option value="{party.org_b.pk}" selected>乙村党支部' in page
    # Another county's branch cannot be slipped in through the address.
    page = main(client_for(cast.county_b_admin).get(f"{ADD}?parent={party.org_a.pk}"))
    assert "甲村党支部" not in page


def test_it_edits_an_organisation_through_the_form(cast, party):
    since = last_event_id()
    url = reverse("party:organisation-edit", args=[party.org_a.pk])
    page = main(client_for(cast.village_a_secretary).get(url))
    assert 'value="甲村党支部"' in page and VILLAGE_A in page
    form = organisation_form(
        name="甲村党支部委员会",
        region_codes=VILLAGE_A,
        secretary=str(party.member_a.pk),
        committee_members="党员甲、李四",
    )
    response = client_for(cast.village_a_secretary).post(url, form)
    assert response.status_code == 302
    org = Organisation.objects.get(pk=party.org_a.pk)
    assert (org.name, org.secretary, org.committee_members) == (
        "甲村党支部委员会",
        party.member_a,
        "党员甲、李四",
    )
    [event] = new_events(since)
    assert event.action == "party.update_organisation"
    assert event.before["name"] == "甲村党支部" and event.after["name"] == "甲村党支部委员会"


def test_it_refuses_a_bad_organisation_edit(cast, party):
    url = reverse("party:organisation-edit", args=[party.org_a.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            url, organisation_form(name="甲村党支部", region_codes=VILLAGE_A_BIS)
        )
    assert response.status_code == 200
    assert "有1名党员居住在新覆盖范围之外。" in main(response)
    # A member of another organisation cannot be made secretary: not on the list.
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            url,
            organisation_form(
                name="甲村党支部", region_codes=VILLAGE_A, secretary=str(party.member_a2.pk)
            ),
        )
    assert "不在可用的选项中" in main(response)
    assert Organisation.objects.get(pk=party.org_a.pk).coverage.get().region_id == VILLAGE_A


def test_it_deletes_an_empty_organisation_and_refuses_one_with_members(cast, party):
    url = reverse("party:organisation-delete", args=[party.org_a.pk])
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(url)
    assert response.status_code == 200
    assert "甲村党支部仍有党员：请先转移党员，或进行组织调整。" in main(response)
    empty = actions.create_organisation(
        actor=None, name="空支部", level="branch", kind="village", region_codes=[VILLAGE_A_BIS]
    )
    since = last_event_id()
    response = client_for(cast.county_a_admin).post(
        reverse("party:organisation-delete", args=[empty.pk]), follow=True
    )
    assert response.redirect_chain == [(LIST, 302)]
    assert not Organisation.objects.filter(pk=empty.pk).exists()
    [event] = new_events(since)
    assert event.action == "party.delete_organisation"


def test_it_answers_403_to_readers_reorganising_and_changes_nothing(cast, party):
    successor = {"name": "x", "level": "branch", "kind": "village", "region_codes": VILLAGE_A}
    for name in READERS:
        with nothing_saved():
            response = client_for(getattr(cast, name)).post(
                REORGANISE, reorganise_form([party.org_a], [successor])
            )
        assert response.status_code == 403, name


def test_it_sends_an_anonymous_reorganisation_to_the_login_page(cast, party):
    with nothing_saved():
        response = client_for(None).post(REORGANISE, {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


# --- the reorganise page ---------------------------------------------------------------------


def test_it_opens_the_reorganise_page_to_who_may_change(cast, party):
    for name, user in cast.all().items():
        response = client_for(user).get(REORGANISE)
        if user is None:
            assert_sent_to_login(response, REORGANISE)
        elif name in READERS:
            assert response.status_code == 403
        else:
            assert response.status_code == 200, name
            offered = set(re.findall(r'name="sources" value="(\d+)"', main(response)))
            changeable = {str(getattr(party, k).pk) for k in CHANGEABLE_ORGS[name]}
            assert offered == changeable, name


def test_it_answers_404_for_a_reorganise_region_outside_the_users(cast, party):
    client = client_for(cast.county_b_admin)
    assert client.get(f"{REORGANISE}?region={COUNTY_A}").status_code == 404
    # The city holds county A too: not county B's to reorganise.
    assert client.get(f"{REORGANISE}?region=5108").status_code == 404
    response = client_for(cast.province_admin).get(
        f"{REORGANISE}?region=5108&source={party.park.pk}"
    )
    assert f'value="{party.park.pk}" checked' in main(response) or re.search(
        rf'value="{party.park.pk}"[^>]*checked', main(response)
    )


def test_it_refuses_county_admins_a_reorganisation_of_the_park(cast, party):
    for user in (cast.county_a_admin, cast.county_b_admin):
        form = reorganise_form(
            [party.park],
            [
                {
                    "name": "新园区党委",
                    "level": "committee",
                    "kind": "park",
                    "region_codes": VILLAGE_B,
                }
            ],
        )
        form_refused(client_for(user), REORGANISE, form, "不在可用的选项中")
    assert Organisation.objects.get(pk=party.park.pk).is_open


def test_it_merges_three_village_branches_into_two_general_branches(cast, party):
    """The 苍溪县 case: three village branches become two general branches."""
    third = actions.create_organisation(
        actor=None, name="乙二村党支部", level="branch", kind="village", region_codes=[VILLAGE_B2]
    )
    member_in(third, VILLAGE_B2, "乙二村党员", 611)
    member_in(party.org_b, VILLAGE_B, "乙村党员二", 612)
    fourth = actions.create_organisation(
        actor=None,
        name="烟峰楼村党支部",
        level="branch",
        kind="village",
        region_codes=["510824102001"],
    )
    since = last_event_id()
    form = reorganise_form(
        [party.org_b, third, fourth],
        [
            {
                "name": "陵江社区党总支",
                "level": "general_branch",
                "kind": "community",
                "region_codes": f"{VILLAGE_B}\n{VILLAGE_B2}",
            },
            {
                "name": "云峰社区党总支",
                "level": "general_branch",
                "kind": "community",
                "region_codes": "510824102001",
            },
        ],
        note="三村合并为两个社区党总支",
    )
    response = client_for(cast.county_b_admin).post(f"{REORGANISE}?region={COUNTY_B}", form)
    reorganisation = Reorganisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("party:reorganisation-detail", args=[reorganisation.pk])
    assert reorganisation.members_moved == 3
    lingjiang = Organisation.objects.get(name="陵江社区党总支")
    assert lingjiang.members.count() == 3 and lingjiang.founded_on == datetime.date(2020, 6, 30)
    for source in (party.org_b, third, fourth):
        source.refresh_from_db()
        assert source.closed_on == datetime.date(2020, 6, 30)
    actions_written = [e.action for e in new_events(since)]
    assert actions_written.count("party.create_organisation") == 2
    assert actions_written[-1] == "party.reorganise"

    page = main(client_for(cast.county_b_admin).get(response["Location"]))
    before, after = page.split('class="after"', 1)
    for text in (
        "乙村党支部",
        "乙二村党支部",
        "烟峰楼村党支部",
        "金穗社区居民委员会 (510824100001)",
    ):
        assert text in before, text
    assert "陵江社区党总支" in after and "云峰社区党总支" in after
    assert re.search(r"陵江社区党总支</a>.*?<td>3</td>", after, re.S)
    assert "三村合并为两个社区党总支" in page
    assert f"object_type=party.reorganisation&amp;object_id={reorganisation.pk}" in page

    # The closed branch links to its successor, and the successor to its predecessors.
    closed = main(
        client_for(cast.county_b_admin).get(
            reverse("party:organisation-detail", args=[party.org_b.pk])
        )
    )
    assert "陵江社区党总支" in closed and "云峰社区党总支" in closed
    assert "2020-06-30" in closed
    created = main(
        client_for(cast.county_b_admin).get(
            reverse("party:organisation-detail", args=[lingjiang.pk])
        )
    )
    assert "乙村党支部" in created and "乙二村党支部" in created

    history = main(client_for(cast.county_b_admin).get(HISTORY))
    assert "陵江社区党总支" in history and "2020-06-30" in history
    assert history.count(f'href="/party/reorganisations/{reorganisation.pk}/"') == 1


@pytest.mark.parametrize(
    ("successors", "on", "message"),
    [
        ([], "2020-06-30", "请至少提交 1 个表单。"),
        (
            [
                {
                    "name": "乙村党总支",
                    "level": "general_branch",
                    "kind": "village",
                    "region_codes": VILLAGE_B2,
                }
            ],
            "2020-06-30",
            "没有新组织覆盖1名党员或下级组织（党员乙）所在区划",
        ),
        (
            [
                {
                    "name": "乙村党总支",
                    "level": "general_branch",
                    "kind": "village",
                    "region_codes": VILLAGE_B,
                }
            ],
            (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
            "组织调整须在发生后登记",
        ),
        (
            [
                {
                    "name": "乙村党总支",
                    "level": "general_branch",
                    "kind": "village",
                    "region_codes": VILLAGE_A,
                }
            ],
            "2020-06-30",
            "卸甲碥社区居民委员会不在您可以修改的区域内。",
        ),
        (
            [{"name": "乙村党总支", "level": "", "kind": "village", "region_codes": VILLAGE_B}],
            "2020-06-30",
            "该字段是必填项。",
        ),
        (
            [
                {
                    "name": "乙村党总支",
                    "level": "general_branch",
                    "kind": "village",
                    "region_codes": VILLAGE_B,
                }
            ],
            "2020-02-30",
            "输入一个有效的日期。",
        ),
    ],
)
def test_it_refuses_a_bad_reorganisation_and_saves_nothing(cast, party, successors, on, message):
    form = reorganise_form([party.org_b], successors, on=on)
    with nothing_saved():
        response = client_for(cast.county_b_admin).post(REORGANISE, form)
    assert response.status_code == 200
    assert message in main(response)
    assert party.org_b.members.count() == 1
    # What was typed is shown again.
    for row in successors:
        assert row["name"] in main(response)


def test_it_refuses_a_reorganisation_without_sources(cast, party):
    form = reorganise_form(
        [], [{"name": "x", "level": "branch", "kind": "village", "region_codes": VILLAGE_B}]
    )
    form_refused(client_for(cast.county_b_admin), REORGANISE, form, "该字段是必填项。")


# --- the history -----------------------------------------------------------------------------


@pytest.fixture
def history(party) -> dict[str, Reorganisation]:
    """A merge in county A and a split of the park across both counties."""
    merge = actions.reorganise(
        actor=None,
        sources=[party.org_a],
        successors=[Successor("甲村党总支", "general_branch", "village", [VILLAGE_A])],
        on=datetime.date(2019, 5, 1),
    )
    split = actions.reorganise(
        actor=None,
        sources=[party.park],
        successors=[
            Successor("甲方园区党委", "committee", "park", [VILLAGE_A2]),
            Successor("乙方园区党委", "committee", "park", [VILLAGE_B]),
        ],
        on=datetime.date(2020, 5, 1),
    )
    return {"merge": merge, "split": split}


def test_it_lists_the_history_to_each_member_of_the_cast(cast, party, history):
    visible = {
        "province_admin": {"merge", "split"},
        "county_a_admin": {"merge", "split"},
        "village_a_secretary": {"merge"},
        "county_b_admin": {"split"},
        "auditor": {"merge", "split"},
    }
    for name, user in cast.all().items():
        response = client_for(user).get(HISTORY)
        if user is None:
            assert_sent_to_login(response, HISTORY)
            continue
        if name in NO_ORGANISATIONS:
            assert response.status_code == 403, name
            for key in ("merge", "split"):
                url = reverse("party:reorganisation-detail", args=[history[key].pk])
                assert client_for(user).get(url).status_code == 403, (name, key)
            continue
        shown = set(re.findall(r'href="/party/reorganisations/(\d+)/"', main(response)))
        assert shown == {str(history[k].pk) for k in visible[name]}, name
        for key in ("merge", "split"):
            url = reverse("party:reorganisation-detail", args=[history[key].pk])
            status = client_for(user).get(url).status_code
            assert status == (200 if key in visible[name] else 404), (name, key)


def test_it_shows_county_b_only_its_side_of_a_split(cast, party, history):
    url = reverse("party:reorganisation-detail", args=[history["split"].pk])
    page = main(client_for(cast.county_b_admin).get(url))
    assert "乙方园区党委" in page and "两县园区党委" in page
    assert "甲方园区党委" not in page
    assert "另有1个党组织不在您负责的区划范围内。" in page
    full = main(client_for(cast.province_admin).get(url))
    assert "甲方园区党委" in full and "另有" not in full


def test_it_filters_and_exports_the_history(cast, party, history):
    client = client_for(cast.province_admin)
    page = main(client.get(f"{HISTORY}?region={VILLAGE_A}"))
    assert f"/party/reorganisations/{history['merge'].pk}/" in page
    assert f"/party/reorganisations/{history['split'].pk}/" not in page
    page = main(client.get(f"{HISTORY}?since=2020-01-01"))
    assert f"/party/reorganisations/{history['merge'].pk}/" not in page
    body = b"".join(client.get(f"{HISTORY}?export=csv").streaming_content).decode("utf-8")
    assert "两县园区党委" in body and "甲方园区党委 ＋ 乙方园区党委" in body
    assert VILLAGE_A in body  # the merge's region


def test_it_lists_the_history_with_a_fixed_number_of_queries(
    cast, party, history, django_assert_max_num_queries
):
    for i in range(10):
        org = actions.create_organisation(
            actor=None, name=f"待并{i}", level="branch", kind="village", region_codes=[VILLAGE_A2]
        )
        actions.reorganise(
            actor=None,
            sources=[org],
            successors=[Successor(f"并后{i}", "branch", "village", [VILLAGE_A2])],
            on=datetime.date(2021, 1, 1),
        )
    client = client_for(cast.county_a_admin)
    # Session, user, grants, the count, the page, and its sources, successors and regions.
    with django_assert_max_num_queries(8):
        response = client.get(HISTORY)
    assert main(response).count('href="/party/reorganisations/') == 12
    # The reorganisation, its sources and successors (each with its coverage), their counts,
    # and the audit event that recorded what the sources held.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("party:reorganisation-detail", args=[history["split"].pk]))
    assert response.status_code == 200


def test_it_links_the_organisation_to_its_audit_log(cast, party):
    url = reverse("party:organisation-detail", args=[party.org_b.pk])
    page = main(client_for(cast.county_b_admin).get(url))
    link = f"/audit/?object_type=party.organisation&amp;object_id={party.org_b.pk}"
    assert link in page
    events = main(client_for(cast.county_b_admin).get(link.replace("&amp;", "&")))
    assert "party.create_organisation" in events
