"""The user pages (fupin/accounts/urls.py) for every member of the cast, GET and POST."""

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from django.urls import reverse

from fupin.accounts import actions
from fupin.accounts.models import Grant, User
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    Cast,
    assert_sent_to_login,
    client_for,
    last_event_id,
    main,
    new_events,
    nothing_saved,
)

NEW_PASSWORD = "Another-secret-2025"
ADMINS = ("province_admin", "county_a_admin", "county_b_admin")
NON_ADMINS = ("village_a_secretary", "auditor", "helper")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Status of an object page about a user of county A (the village secretary) and one of
# county B (its administrator), for each administrator.
OBJECT_STATUS = {
    "province_admin": (200, 200),
    "county_a_admin": (200, 404),
    "county_b_admin": (404, 200),
}


def listed_usernames(response) -> set[str]:
    """The user names linked from the rows of the user table."""
    return set(re.findall(r'<a href="/accounts/users/\d+/">([^<]+)</a>', response.content.decode()))


# The object pages about a user of the cast: (URL, what the page shows of that user).
# The grant pages are about the user's (only) grant.
ObjectPage = Callable[[User], tuple[str, str]]
OBJECT_PAGES: dict[str, ObjectPage] = {
    "user-detail": lambda u: (reverse("accounts:user-detail", args=[u.pk]), u.username),
    "user-edit": lambda u: (reverse("accounts:user-edit", args=[u.pk]), u.username),
    "user-password": lambda u: (reverse("accounts:user-password", args=[u.pk]), u.username),
    "user-delete": lambda u: (reverse("accounts:user-delete", args=[u.pk]), u.username),
    "grant-add": lambda u: (reverse("accounts:grant-add", args=[u.pk]), u.username),
    "grant-delete": lambda u: (
        reverse("accounts:grant-delete", args=[u.grants.get().pk]),
        str(u.grants.get()),
    ),
}
# Object pages that are forms (lib.views.ActionFormView with object_view).
OBJECT_FORM_PAGES = [name for name in OBJECT_PAGES if name != "user-detail"]


# --- who may open which page -----------------------------------------------------------------


@pytest.mark.parametrize("page", ["user-list", "user-add"])
def test_it_opens_the_user_list_and_add_pages_to_administrators_only(cast, page):
    url = reverse(f"accounts:{page}")
    seen = {}
    for name, member in cast.all().items():
        response = client_for(member).get(url)
        seen[name] = response.status_code
        if name == "anonymous":
            assert_sent_to_login(response, url)
        elif name in NON_ADMINS:
            assert "您的角色无权访问此页面。" in response.content.decode()
    assert seen == {
        "province_admin": 200,
        "county_a_admin": 200,
        "county_b_admin": 200,
        "village_a_secretary": 403,
        "auditor": 403,
        "helper": 403,
        "anonymous": 302,
    }


@pytest.mark.parametrize("page", list(OBJECT_PAGES))
def test_it_opens_object_pages_only_to_administrators_of_the_user(cast, page):
    in_a, in_b = cast.village_a_secretary, cast.county_b_admin
    for name, member in cast.all().items():
        client = client_for(member)
        for target, index in ((in_a, 0), (in_b, 1)):
            url, shown = OBJECT_PAGES[page](target)
            response = client.get(url)
            if name == "anonymous":
                assert_sent_to_login(response, url)
            elif name in OBJECT_STATUS:
                expected = OBJECT_STATUS[name][index]
                assert response.status_code == expected, (name, url)
                if expected == 200:
                    assert shown in main(response)
                else:
                    assert "此处没有内容，或超出了您负责的区划范围。" in main(response)
                    assert shown not in main(response)
            else:
                assert response.status_code == 403, (name, url)
                assert shown not in main(response)


def test_it_refuses_the_user_detail_page_with_403_to_non_administrators(cast):
    url = reverse("accounts:user-detail", args=[cast.helper.pk])
    for name in NON_ADMINS:
        response = client_for(getattr(cast, name)).get(url)
        assert response.status_code == 403
        assert "您的角色无权访问此页面。" in response.content.decode()


@pytest.mark.parametrize("page", OBJECT_FORM_PAGES)
def test_it_refuses_object_form_pages_with_403_to_non_administrators(cast, page):
    url, _ = OBJECT_PAGES[page](cast.helper)
    statuses = {name: client_for(getattr(cast, name)).get(url).status_code for name in NON_ADMINS}
    assert statuses == dict.fromkeys(NON_ADMINS, 403)


def test_it_opens_the_password_change_page_to_every_signed_in_member(cast):
    url = reverse("accounts:password-change")
    for name, member in cast.all().items():
        response = client_for(member).get(url)
        if member is None:
            assert_sent_to_login(response, url)
        else:
            assert response.status_code == 200, name
            assert "修改我的密码" in response.content.decode()
            assert "当前密码" in response.content.decode()


def test_it_shows_a_users_grants_on_the_detail_page(cast):
    response = client_for(cast.county_a_admin).get(
        reverse("accounts:user-detail", args=[cast.village_a_secretary.pk])
    )
    html = response.content.decode()
    assert "村党组织书记" in html
    assert "卸甲碥社区居民委员会" in html
    grant = cast.village_a_secretary.grants.get()
    assert reverse("accounts:grant-delete", args=[grant.pk]) in html


# --- the list: scope, filters, export, queries -----------------------------------------------


def test_it_lists_the_users_of_each_administrators_subtree(cast):
    everyone = {"province_admin", "county_a_admin", "county_b_admin"} | set(NON_ADMINS)
    expected = {
        "province_admin": everyone,
        "county_a_admin": {"county_a_admin", *NON_ADMINS},
        "county_b_admin": {"county_b_admin"},
    }
    for name, usernames in expected.items():
        response = client_for(getattr(cast, name)).get(reverse("accounts:user-list"))
        assert response.status_code == 200
        assert listed_usernames(response) == usernames, name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=secretary", {"village_a_secretary"}),
        ("q=ADMIN", {"province_admin", "county_a_admin", "county_b_admin"}),
        ("role=county_admin", {"county_a_admin", "county_b_admin"}),
        ("role=auditor", {"auditor"}),
        (f"region={COUNTY_B}", {"county_b_admin"}),
        (f"region={COUNTY_A}", {"county_a_admin", "village_a_secretary", "auditor", "helper"}),
        (f"region={VILLAGE_A}", {"village_a_secretary"}),
        (f"q=admin&role=county_admin&region={COUNTY_A}", {"county_a_admin"}),
    ],
)
def test_it_filters_the_user_list(cast, query, expected):
    response = client_for(cast.province_admin).get(f"{reverse('accounts:user-list')}?{query}")
    assert response.status_code == 200
    assert listed_usernames(response) == expected


def test_it_counts_the_rows_of_the_user_list(cast):
    client = client_for(cast.county_a_admin)
    assert "共 4 行" in main(client.get(reverse("accounts:user-list")))
    assert "共 1 行" in main(client.get(f"{reverse('accounts:user-list')}?role=auditor"))


def test_it_finds_a_user_by_full_name(cast):
    actions.update_user(
        actor=None, user=cast.helper, first_name="张帮扶", last_name="", email="", is_active=True
    )
    response = client_for(cast.county_a_admin).get(f"{reverse('accounts:user-list')}?q=帮扶")
    assert listed_usernames(response) == {"helper"}


def test_it_keeps_filters_inside_the_scope(cast):
    response = client_for(cast.county_b_admin).get(
        f"{reverse('accounts:user-list')}?region={COUNTY_A}"
    )
    assert response.status_code == 200
    assert listed_usernames(response) == set()


def test_it_lists_many_users_with_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for i in range(30):
        actions.create_user(
            actor=None,
            username=f"extra{i:02}",
            password=PASSWORD,
            region_code=VILLAGE_A2 if i % 2 else VILLAGE_A,
            role="helper",
        )
        if i % 3 == 0:
            actions.add_grant(
                actor=None,
                user=User.objects.get(username=f"extra{i:02}"),
                region_code=TOWNSHIP_A,
                role="auditor",
            )
    client = client_for(cast.province_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:user-list"))
    assert len(listed_usernames(response)) == 36
    with django_assert_max_num_queries(8):
        response = client.get(f"{reverse('accounts:user-list')}?export=xlsx")
    assert response.status_code == 200


def xlsx_text(content: bytes) -> tuple[str, str]:
    """(sheet XML, all the text of the workbook's cells) of an .xlsx file."""
    book = zipfile.ZipFile(io.BytesIO(content))
    assert book.testzip() is None
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    names = book.namelist()
    shared = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in names else ""
    return sheet, shared + sheet


def test_it_exports_the_filtered_list_as_xlsx(cast):
    response = client_for(cast.province_admin).get(
        f"{reverse('accounts:user-list')}?region={COUNTY_A}&export=xlsx"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert re.fullmatch(
        r'attachment; filename="users-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    assert response.content[:2] == b"PK"
    sheet, text = xlsx_text(response.content)
    for username in ("county_a_admin", "village_a_secretary", "auditor", "helper"):
        assert f">{username}<" in text
    assert ">county_b_admin<" not in text
    assert ">province_admin<" not in text
    assert ">用户名<" in text
    assert f"县级管理员 @ {COUNTY_A}" in text
    # A header and four users.
    assert len(re.findall(r"<row ", sheet)) == 5


def test_it_exports_only_the_users_in_scope(cast):
    response = client_for(cast.county_b_admin).get(f"{reverse('accounts:user-list')}?export=xlsx")
    _, text = xlsx_text(response.content)
    assert ">county_b_admin<" in text
    assert "village_a_secretary" not in text and "county_a_admin" not in text


def test_it_refuses_the_export_to_non_administrators(cast):
    for name in NON_ADMINS:
        response = client_for(getattr(cast, name)).get(
            f"{reverse('accounts:user-list')}?export=xlsx"
        )
        assert response.status_code == 403
        assert response.get("Content-Type") != XLSX


# --- POSTs -----------------------------------------------------------------------------------


def test_it_creates_a_user_through_the_form(cast):
    since = last_event_id()
    response = client_for(cast.province_admin).post(
        reverse("accounts:user-add"),
        {
            "username": "b_secretary",
            "first_name": "赵书记",
            "email": "zhao@example.com",
            "password": NEW_PASSWORD,
            "region": VILLAGE_B,
            "role": "village_secretary",
        },
    )
    user = User.objects.get(username="b_secretary")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[user.pk])
    assert user.first_name == "赵书记" and user.email == "zhao@example.com"
    assert user.check_password(NEW_PASSWORD)
    assert list(user.grants.values_list("region_id", "role", "granted_by")) == [
        (VILLAGE_B, "village_secretary", cast.province_admin.pk)
    ]
    [event] = new_events(since)
    assert event.action == "accounts.create_user"
    assert event.actor == cast.province_admin
    assert event.region_code == VILLAGE_B
    assert event.request_id == response["X-Request-ID"]


def test_it_says_saved_after_a_form_succeeds(cast):
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:user-edit", args=[cast.helper.pk]),
        {"first_name": "帮扶人", "email": "", "is_active": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:user-detail", args=[cast.helper.pk])
    assert "已保存。" in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "region", "role", "message"),
    [
        ("county_a_admin", COUNTY_B, "helper", "苍溪县不在您管理的区划范围内。"),
        (
            "county_a_admin",
            VILLAGE_B,
            "village_secretary",
            "金穗社区居民委员会不在您管理的区划范围内。",
        ),
        ("county_a_admin", "5108", "city_admin", "广元市不在您管理的区划范围内。"),
        (
            "county_a_admin",
            COUNTY_A,
            "province_admin",
            "省级管理员只能授予在省级区划上，不能授予在旺苍县。",
        ),
        ("county_b_admin", "51", "province_admin", "四川省不在您管理的区划范围内。"),
        ("province_admin", "510821999999", "helper", "没有区划代码为“510821999999”的区划。"),
        (
            "province_admin",
            VILLAGE_A,
            "county_admin",
            "县级管理员只能授予在县级区划上，不能授予在卸甲碥社区居民委员会。",
        ),
    ],
)
def test_it_re_renders_a_bad_new_user_form_with_the_error_and_saves_nothing(
    cast, actor, region, role, message
):
    with nothing_saved():
        response = client_for(getattr(cast, actor)).post(
            reverse("accounts:user-add"),
            {"username": "bad_user", "password": NEW_PASSWORD, "region": region, "role": role},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="bad_user"' in html  # the form keeps what was typed
    assert not User.objects.filter(username="bad_user").exists()


def test_it_shows_every_problem_of_a_bad_new_user_form(cast):
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            reverse("accounts:user-add"),
            {"username": "helper", "password": "12345678", "region": COUNTY_A, "role": "helper"},
        )
    html = response.content.decode()
    assert "已存在一位使用该名字的用户。" in html
    assert "这个密码太常见了。" in html
    assert "密码只包含数字。" in html


def test_it_requires_the_fields_of_the_new_user_form(cast):
    with nothing_saved():
        response = client_for(cast.province_admin).post(
            reverse("accounts:user-add"), {"role": "mayor"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "该字段是必填项。" in html
    assert "选择一个有效的选项。 mayor 不在可用的选项中。" in html


def test_it_edits_a_user_through_the_form(cast):
    since = last_event_id()
    helper = cast.helper
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:user-edit", args=[helper.pk]),
        {"first_name": "新名字", "email": "new@example.com"},  # unticked: deactivate
    )
    assert response.status_code == 302
    helper.refresh_from_db()
    assert (helper.first_name, helper.email, helper.is_active) == (
        "新名字",
        "new@example.com",
        False,
    )
    [event] = new_events(since)
    assert event.action == "accounts.update_user"
    assert event.before["is_active"] is True and event.after["is_active"] is False


def test_it_prefills_the_edit_form(cast):
    actions.update_user(
        actor=None,
        user=cast.helper,
        first_name="预填",
        last_name="",
        email="a@b.cn",
        is_active=True,
    )
    html = (
        client_for(cast.county_a_admin)
        .get(reverse("accounts:user-edit", args=[cast.helper.pk]))
        .content.decode()
    )
    assert 'value="预填"' in html and 'value="a@b.cn"' in html and "checked" in html


def test_it_refuses_deactivating_oneself_through_the_form(cast):
    me = cast.county_a_admin
    with nothing_saved():
        response = client_for(me).post(
            reverse("accounts:user-edit", args=[me.pk]), {"first_name": "", "email": ""}
        )
    assert response.status_code == 200
    assert "不能停用您自己的账号。" in response.content.decode()
    assert User.objects.get(pk=me.pk).is_active


def test_it_sets_a_password_through_the_form(cast):
    since = last_event_id()
    secretary = cast.village_a_secretary
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:user-password", args=[secretary.pk]),
        {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password(NEW_PASSWORD)
    [event] = new_events(since)
    assert (event.action, event.actor, event.region_code) == (
        "accounts.set_password",
        cast.county_a_admin,
        VILLAGE_A,
    )


@pytest.mark.parametrize(
    ("password", "password2", "message"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "两次输入的密码不一致。"),
        ("12345678", "12345678", "这个密码太常见了。"),
    ],
)
def test_it_refuses_a_bad_password_on_the_form(cast, password, password2, message):
    secretary = cast.village_a_secretary
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            reverse("accounts:user-password", args=[secretary.pk]),
            {"password": password, "password2": password2},
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.get(pk=secretary.pk).check_password(PASSWORD)


def test_it_deletes_a_user_through_the_form(cast):
    since = last_event_id()
    pk = cast.village_a_secretary.pk
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:user-delete", args=[pk]), follow=True
    )
    assert response.redirect_chain == [(reverse("accounts:user-list"), 302)]
    assert "用户已删除。" in response.content.decode()
    assert not User.objects.filter(pk=pk).exists()
    [event] = new_events(since)
    assert (event.action, event.object_id) == ("accounts.delete_user", str(pk))


def test_it_confirms_before_deleting(cast):
    response = client_for(cast.county_a_admin).get(
        reverse("accounts:user-delete", args=[cast.helper.pk])
    )
    assert response.status_code == 200
    assert "此操作不可撤销，并将记入审计日志。" in response.content.decode()
    assert User.objects.filter(pk=cast.helper.pk).exists()


def test_it_refuses_deleting_oneself_through_the_form(cast):
    me = cast.county_a_admin
    with nothing_saved():
        response = client_for(me).post(reverse("accounts:user-delete", args=[me.pk]))
    assert response.status_code == 200
    assert "不能删除您自己的账号。" in response.content.decode()


def test_it_adds_a_grant_through_the_form(cast):
    since = last_event_id()
    secretary = cast.village_a_secretary
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:grant-add", args=[secretary.pk]),
        {"region": TOWNSHIP_A, "role": "helper"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[secretary.pk])
    assert secretary.grants.filter(region_id=TOWNSHIP_A, role="helper").exists()
    [event] = new_events(since)
    assert (event.action, event.region_code) == ("accounts.add_grant", TOWNSHIP_A)


@pytest.mark.parametrize(
    ("region", "role", "message"),
    [
        (VILLAGE_A, "village_secretary", "该用户在此区划已有这个角色。"),
        (VILLAGE_B, "helper", "金穗社区居民委员会不在您管理的区划范围内。"),
        ("5108", "city_admin", "广元市不在您管理的区划范围内。"),
        ("510821100077", "helper", "没有区划代码为“510821100077”的区划。"),
    ],
)
def test_it_refuses_a_bad_grant_on_the_form(cast, region, role, message):
    secretary = cast.village_a_secretary
    with nothing_saved():
        response = client_for(cast.county_a_admin).post(
            reverse("accounts:grant-add", args=[secretary.pk]), {"region": region, "role": role}
        )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_cancels_removing_a_grant_back_to_the_users_page(cast):
    grant = cast.village_a_secretary.grants.get()
    response = client_for(cast.county_a_admin).get(
        reverse("accounts:grant-delete", args=[grant.pk])
    )
    detail = reverse("accounts:user-detail", args=[cast.village_a_secretary.pk])
    assert f'<a href="{detail}">取消</a>' in main(response)
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_removes_a_grant_through_the_form(cast):
    secretary = cast.village_a_secretary
    extra = actions.add_grant(actor=None, user=secretary, region_code=VILLAGE_A2, role="helper")
    since = last_event_id()
    response = client_for(cast.county_a_admin).post(
        reverse("accounts:grant-delete", args=[extra.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user-detail", args=[secretary.pk])
    assert not Grant.objects.filter(pk=extra.pk).exists()
    assert secretary.grants.count() == 1
    [event] = new_events(since)
    assert (event.action, event.region_code) == ("accounts.remove_grant", VILLAGE_A2)


def post_everything(client, user: User) -> list:
    """A valid POST to every object page about `user` (the delete last)."""
    grant = user.grants.first()
    assert grant is not None
    posts = [
        (reverse("accounts:user-edit", args=[user.pk]), {"first_name": "改了", "email": ""}),
        (
            reverse("accounts:user-password", args=[user.pk]),
            {"password": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ),
        (reverse("accounts:grant-add", args=[user.pk]), {"region": VILLAGE_A2, "role": "helper"}),
        (reverse("accounts:grant-delete", args=[grant.pk]), {}),
        (reverse("accounts:user-delete", args=[user.pk]), {}),
    ]
    return [client.post(url, data) for url, data in posts]


def assert_untouched(user: User, grants: int = 1) -> None:
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.first_name, fresh.is_active) == ("", True)
    assert fresh.check_password(PASSWORD)
    assert fresh.grants.count() == grants


def test_it_answers_404_to_county_b_posting_to_county_a_pages_and_changes_nothing(cast):
    with nothing_saved():
        responses = post_everything(client_for(cast.county_b_admin), cast.village_a_secretary)
    assert [r.status_code for r in responses] == [404] * 5
    assert_untouched(cast.village_a_secretary)


def test_it_changes_nothing_when_non_administrators_post(cast):
    for name in NON_ADMINS:
        with nothing_saved():
            responses = post_everything(client_for(getattr(cast, name)), cast.helper)
        assert all(r.status_code in (403, 404) for r in responses), name
        assert_untouched(cast.helper)


def test_it_sends_anonymous_posts_to_the_login_page_and_changes_nothing(cast):
    with nothing_saved():
        responses = post_everything(client_for(None), cast.helper)
    assert all(r.status_code == 302 for r in responses)
    assert all(r["Location"].startswith("/accounts/login/?next=") for r in responses)
    assert_untouched(cast.helper)


def test_it_refuses_county_a_changing_a_user_of_both_counties_through_the_pages(cast: Cast):
    user = actions.create_user(
        actor=None, username="two_counties", password=PASSWORD, region_code=COUNTY_A, role="helper"
    )
    actions.add_grant(actor=None, user=user, region_code=COUNTY_B, role="helper")
    client = client_for(cast.county_a_admin)
    assert client.get(reverse("accounts:user-detail", args=[user.pk])).status_code == 200
    with nothing_saved():
        responses = post_everything(client, user)
    for response in responses:
        assert response.status_code == 200
        assert "该用户不在您管理的区划范围内。" in response.content.decode()
    assert_untouched(user, grants=2)
