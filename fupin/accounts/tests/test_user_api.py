"""/api/v1/users/ and /api/v1/grants/ for every member of the cast."""

import pytest
from rest_framework.test import APIClient

from fupin.accounts import actions
from fupin.accounts.models import Grant, User
from fupin.audit.models import AuditEvent
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    api_for,
    last_event_id,
    nothing_saved,
)

USERS = "/api/v1/users/"
GRANTS = "/api/v1/grants/"
NEW_PASSWORD = "Another-secret-2025"
NON_ADMINS = ("village_a_secretary", "auditor", "helper")
EVERYONE = {
    "province_admin",
    "county_a_admin",
    "county_b_admin",
    "village_a_secretary",
    "auditor",
    "helper",
}
# The users each member of the cast administers (and so sees through the API).
VISIBLE = {
    "province_admin": EVERYONE,
    "county_a_admin": {"county_a_admin", "village_a_secretary", "auditor", "helper"},
    "county_b_admin": {"county_b_admin"},
    "village_a_secretary": set(),
    "auditor": set(),
    "helper": set(),
}


def only_event_since(since: int) -> AuditEvent:
    events = list(AuditEvent.objects.filter(id__gt=since))
    assert len(events) == 1, [e.action for e in events]
    return events[0]


def usernames(response) -> set[str]:
    assert response.status_code == 200
    return {u["username"] for u in response.json()["results"]}


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [USERS, GRANTS, f"{USERS}1/", f"{GRANTS}1/"])
def test_it_answers_401_without_credentials(cast, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "身份认证信息未提供。"}


def test_it_refuses_writes_without_credentials(cast):
    with nothing_saved():
        responses = [
            APIClient().post(
                USERS,
                {"username": "x", "password": NEW_PASSWORD, "region": COUNTY_A, "role": "helper"},
            ),
            APIClient().delete(f"{USERS}{cast.helper.pk}/"),
            APIClient().delete(f"{GRANTS}{cast.helper.grants.get().pk}/"),
        ]
    assert [r.status_code for r in responses] == [401, 401, 401]


def test_it_authenticates_with_a_token(cast):
    key = actions.issue_token(actor=None, user=cast.county_a_admin)
    response = token_client(key).get(USERS)
    assert usernames(response) == VISIBLE["county_a_admin"]


def test_it_refuses_a_wrong_token(cast):
    response = token_client("0" * 40).get(USERS)
    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


def test_it_refuses_the_token_of_a_deactivated_user(cast):
    key = actions.issue_token(actor=None, user=cast.helper)
    actions.update_user(
        actor=None, user=cast.helper, first_name="", last_name="", email="", is_active=False
    )
    response = token_client(key).get("/api/v1/regions/")
    assert response.status_code == 401
    # The token is gone with the deactivation: reactivating the user does not revive it.
    actions.update_user(
        actor=None, user=cast.helper, first_name="", last_name="", email="", is_active=True
    )
    response = token_client(key).get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


def test_it_refuses_the_token_once_the_password_is_reset(cast):
    key = actions.issue_token(actor=None, user=cast.helper)
    assert token_client(key).get("/api/v1/regions/").status_code == 200
    actions.set_password(actor=cast.county_a_admin, user=cast.helper, password="Another-pass-2026")
    response = token_client(key).get("/api/v1/regions/")
    assert response.status_code == 401
    assert response.json() == {"detail": "认证令牌无效。"}


# --- users: reading --------------------------------------------------------------------------


def test_it_lists_to_each_member_only_the_users_they_administer(cast):
    for name, member in cast.all().items():
        response = api_for(member).get(USERS)
        if member is None:
            assert response.status_code == 401
        else:
            assert usernames(response) == VISIBLE[name], name
            assert response.json()["count"] == len(VISIBLE[name])


def test_it_retrieves_a_user_in_scope_and_answers_404_outside(cast):
    for name, member in cast.all().items():
        client = api_for(member)
        for target in EVERYONE:
            response = client.get(f"{USERS}{getattr(cast, target).pk}/")
            visible = member is not None and target in VISIBLE[name]
            expected = 401 if member is None else 200 if visible else 404
            assert response.status_code == expected, (name, target)
            if expected == 200:
                assert response.json()["username"] == target
            elif expected == 404:
                assert target not in response.content.decode()


def test_it_answers_404_in_chinese(cast):
    response = api_for(cast.county_b_admin).get(f"{USERS}{cast.helper.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_it_shows_a_users_grants_and_no_password(cast):
    data = api_for(cast.county_a_admin).get(f"{USERS}{cast.village_a_secretary.pk}/").json()
    grant = cast.village_a_secretary.grants.get()
    assert data["grants"] == [{"id": grant.pk, "region": VILLAGE_A, "role": "village_secretary"}]
    assert "password" not in data
    assert set(data) == {
        "id",
        "username",
        "first_name",
        "email",
        "is_active",
        "last_login",
        "grants",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=county_admin", {"county_a_admin", "county_b_admin"}),
        (f"region={COUNTY_A}", {"county_a_admin", "village_a_secretary", "auditor", "helper"}),
        ("q=secretary", {"village_a_secretary"}),
        ("is_active=false", set()),
    ],
)
def test_it_filters_users(cast, query, expected):
    assert usernames(api_for(cast.province_admin).get(f"{USERS}?{query}")) == expected


def test_it_orders_users(cast):
    response = api_for(cast.county_a_admin).get(f"{USERS}?ordering=-username")
    names = [u["username"] for u in response.json()["results"]]
    assert names == sorted(VISIBLE["county_a_admin"], reverse=True)


# --- users: creating -------------------------------------------------------------------------


def test_it_creates_a_user(cast):
    since = last_event_id()
    response = api_for(cast.county_b_admin).post(
        USERS,
        {
            "username": "b_helper",
            "first_name": "钱帮扶",
            "email": "qian@example.com",
            "password": NEW_PASSWORD,
            "region": VILLAGE_B,
            "role": "helper",
        },
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="b_helper")
    data = response.json()
    assert data["id"] == user.pk
    assert data["first_name"] == "钱帮扶"
    assert [(g["region"], g["role"]) for g in data["grants"]] == [(VILLAGE_B, "helper")]
    assert "password" not in data
    assert user.check_password(NEW_PASSWORD)
    event = only_event_since(since)
    assert (event.action, event.actor, event.region_code) == (
        "accounts.create_user",
        cast.county_b_admin,
        VILLAGE_B,
    )
    assert "b_helper" in usernames(api_for(cast.county_b_admin).get(USERS))


@pytest.mark.parametrize(
    ("actor", "data", "errors"),
    [
        pytest.param(
            "county_a_admin",
            {"region": COUNTY_B, "role": "helper"},
            {"region": ["苍溪县不在您管理的区划范围内。"]},
            id="outside-scope",
        ),
        pytest.param(
            "county_a_admin",
            {"region": "5108", "role": "city_admin"},
            {"region": ["广元市不在您管理的区划范围内。"]},
            id="role-above-own",
        ),
        pytest.param(
            "province_admin",
            {"region": "510821100042"},
            {"region": ["没有区划代码为“510821100042”的区划。"]},
            id="no-such-region",
        ),
        pytest.param(
            "province_admin",
            {"region": VILLAGE_A, "role": "county_admin"},
            {"region": ["县级管理员只能授予在县级区划上，不能授予在卸甲碥社区居民委员会。"]},
            id="wrong-level",
        ),
        pytest.param(
            "province_admin",
            {"role": "mayor"},
            {"role": ["“mayor” 不是合法选项。"]},
            id="unknown-role",
        ),
        pytest.param(
            "county_a_admin",
            {"username": "helper", "password": "12345678"},
            {
                "username": ["已存在一位使用该名字的用户。"],
                "password": ["这个密码太常见了。", "密码只包含数字。"],
            },
            id="duplicate-and-weak",
        ),
        pytest.param(
            "province_admin",
            {"email": "nope"},
            {"email": ["请输入合法的邮件地址。"]},
            id="bad-email",
        ),
        pytest.param(
            "village_a_secretary",
            {"region": VILLAGE_A, "role": "helper"},
            {"region": ["卸甲碥社区居民委员会不在您管理的区划范围内。"]},
            id="secretary",
        ),
        pytest.param(
            "auditor",
            {"region": COUNTY_A, "role": "helper"},
            {"region": ["旺苍县不在您管理的区划范围内。"]},
            id="auditor",
        ),
        pytest.param(
            "helper",
            {"region": COUNTY_A, "role": "helper"},
            {"region": ["旺苍县不在您管理的区划范围内。"]},
            id="helper",
        ),
    ],
)
def test_it_refuses_a_bad_new_user_with_400_per_field(cast, actor, data, errors):
    body = {
        "username": "api_user",
        "password": NEW_PASSWORD,
        "region": VILLAGE_A2,
        "role": "village_secretary",
        **data,
    }
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(USERS, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors


def test_it_names_every_missing_field(cast):
    with nothing_saved():
        response = api_for(cast.province_admin).post(USERS, {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        field: ["该字段是必填项。"] for field in ("username", "password", "region", "role")
    }


# --- users: changing and deleting ------------------------------------------------------------


def test_it_patches_a_user_in_scope(cast):
    since = last_event_id()
    response = api_for(cast.county_a_admin).patch(
        f"{USERS}{cast.village_a_secretary.pk}/",
        {"first_name": "孙书记", "email": "sun@example.com"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["first_name"] == "孙书记"
    user = User.objects.get(pk=cast.village_a_secretary.pk)
    assert (user.first_name, user.email, user.is_active) == ("孙书记", "sun@example.com", True)
    event = only_event_since(since)
    assert event.action == "accounts.update_user"
    assert event.before["first_name"] == "" and event.after["first_name"] == "孙书记"


def test_it_ignores_a_patch_of_the_username(cast):
    response = api_for(cast.county_a_admin).patch(
        f"{USERS}{cast.helper.pk}/", {"username": "renamed"}, format="json"
    )
    assert response.status_code == 200
    assert User.objects.get(pk=cast.helper.pk).username == "helper"


@pytest.mark.parametrize(
    "actor", ["county_b_admin", "village_a_secretary", "auditor", "helper", "county_a_admin"]
)
def test_it_answers_404_to_patch_and_delete_outside_scope(cast, actor):
    # county A's administrator is outside the scope of the province administrator's account.
    target = cast.province_admin if actor == "county_a_admin" else cast.village_a_secretary
    client = api_for(getattr(cast, actor))
    with nothing_saved():
        patched = client.patch(f"{USERS}{target.pk}/", {"first_name": "改"}, format="json")
        deleted = client.delete(f"{USERS}{target.pk}/")
    assert (patched.status_code, deleted.status_code) == (404, 404)
    assert User.objects.get(pk=target.pk).first_name == ""


def test_it_refuses_deactivating_oneself_with_400(cast):
    me = cast.county_a_admin
    with nothing_saved():
        response = api_for(me).patch(f"{USERS}{me.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 400
    assert response.json() == {"is_active": ["不能停用您自己的账号。"]}
    assert User.objects.get(pk=me.pk).is_active


def test_it_refuses_a_bad_email_in_a_patch(cast):
    with nothing_saved():
        response = api_for(cast.county_a_admin).patch(
            f"{USERS}{cast.helper.pk}/", {"email": "nope"}, format="json"
        )
    assert response.status_code == 400
    assert response.json() == {"email": ["请输入合法的邮件地址。"]}


def test_it_has_no_put_on_users(cast):
    response = api_for(cast.province_admin).put(
        f"{USERS}{cast.helper.pk}/", {"first_name": "x"}, format="json"
    )
    assert response.status_code == 405


def test_it_deletes_a_user_in_scope(cast):
    since = last_event_id()
    pk = cast.helper.pk
    response = api_for(cast.county_a_admin).delete(f"{USERS}{pk}/")
    assert response.status_code == 204
    assert not User.objects.filter(pk=pk).exists()
    event = only_event_since(since)
    assert (event.action, event.object_id, event.region_code) == (
        "accounts.delete_user",
        str(pk),
        COUNTY_A,
    )


def test_it_refuses_deleting_oneself_with_400(cast):
    me = cast.county_b_admin
    with nothing_saved():
        response = api_for(me).delete(f"{USERS}{me.pk}/")
    assert response.status_code == 400
    assert response.json() == {"detail": ["不能删除您自己的账号。"]}


def test_it_refuses_county_a_changing_a_user_of_both_counties_with_403(cast):
    user = actions.create_user(
        actor=None, username="two_counties", password=PASSWORD, region_code=COUNTY_A, role="helper"
    )
    actions.add_grant(actor=None, user=user, region_code=COUNTY_B, role="helper")
    client = api_for(cast.county_a_admin)
    assert client.get(f"{USERS}{user.pk}/").status_code == 200
    with nothing_saved():
        patched = client.patch(f"{USERS}{user.pk}/", {"first_name": "改"}, format="json")
        deleted = client.delete(f"{USERS}{user.pk}/")
    for response in (patched, deleted):
        assert response.status_code == 403
        assert response.json() == {"detail": "该用户不在您管理的区划范围内。"}
    assert User.objects.get(pk=user.pk).first_name == ""


# --- grants ----------------------------------------------------------------------------------


def test_it_lists_to_each_member_only_the_grants_in_their_subtree(cast):
    expected_regions = {
        "province_admin": {"51", COUNTY_A, VILLAGE_A, COUNTY_B},
        "county_a_admin": {COUNTY_A, VILLAGE_A},
        "county_b_admin": {COUNTY_B},
        "village_a_secretary": set(),
        "auditor": set(),
        "helper": set(),
    }
    for name, member in cast.all().items():
        response = api_for(member).get(GRANTS)
        if member is None:
            assert response.status_code == 401
            continue
        assert response.status_code == 200
        results = response.json()["results"]
        assert {g["region"] for g in results} == expected_regions[name], name
    county_a = api_for(cast.county_a_admin).get(GRANTS).json()["results"]
    assert len(county_a) == 4  # county admin, secretary, auditor and helper
    assert {g["role_display"] for g in county_a} == {
        "县级管理员",
        "村党组织书记",
        "审计员",
        "帮扶责任人",
    }


def test_it_retrieves_a_grant_in_scope_and_answers_404_outside(cast):
    grant = cast.village_a_secretary.grants.get()
    url = f"{GRANTS}{grant.pk}/"
    statuses = {name: api_for(m).get(url).status_code for name, m in cast.all().items()}
    assert statuses == {
        "province_admin": 200,
        "county_a_admin": 200,
        "county_b_admin": 404,
        "village_a_secretary": 404,
        "auditor": 404,
        "helper": 404,
        "anonymous": 401,
    }


def test_it_filters_grants(cast):
    response = api_for(cast.province_admin).get(f"{GRANTS}?role=county_admin&region=5108")
    assert {g["region"] for g in response.json()["results"]} == {COUNTY_A, COUNTY_B}
    response = api_for(cast.province_admin).get(f"{GRANTS}?user={cast.helper.pk}")
    assert [g["user"] for g in response.json()["results"]] == [cast.helper.pk]


def test_it_creates_a_grant(cast):
    since = last_event_id()
    response = api_for(cast.county_a_admin).post(
        GRANTS,
        {"user": cast.village_a_secretary.pk, "region": TOWNSHIP_A, "role": "helper"},
        format="json",
    )
    assert response.status_code == 201
    grant = Grant.objects.get(user=cast.village_a_secretary, region_id=TOWNSHIP_A)
    assert grant.role == "helper" and grant.granted_by == cast.county_a_admin
    data = response.json()
    assert data["id"] == grant.pk
    assert (data["user"], data["region"], data["role"], data["role_display"]) == (
        cast.village_a_secretary.pk,
        TOWNSHIP_A,
        "helper",
        "帮扶责任人",
    )
    event = only_event_since(since)
    assert (event.action, event.actor, event.region_code) == (
        "accounts.add_grant",
        cast.county_a_admin,
        TOWNSHIP_A,
    )


@pytest.mark.parametrize(
    ("actor", "target", "region", "role", "errors"),
    [
        pytest.param(
            "county_a_admin",
            "helper",
            COUNTY_B,
            "helper",
            {"region": ["苍溪县不在您管理的区划范围内。"]},
            id="region-outside-scope",
        ),
        pytest.param(
            "county_a_admin",
            "helper",
            "5108",
            "city_admin",
            {"region": ["广元市不在您管理的区划范围内。"]},
            id="role-above-own",
        ),
        pytest.param(
            "county_a_admin",
            "helper",
            "510821100055",
            "helper",
            {"region": ["没有区划代码为“510821100055”的区划。"]},
            id="no-such-region",
        ),
        pytest.param(
            "county_a_admin",
            "helper",
            VILLAGE_A,
            "county_admin",
            {"region": ["县级管理员只能授予在县级区划上，不能授予在卸甲碥社区居民委员会。"]},
            id="wrong-level",
        ),
        pytest.param(
            "county_a_admin",
            "helper",
            VILLAGE_A,
            "mayor",
            {"role": ["“mayor” 不是合法选项。"]},
            id="unknown-role",
        ),
        pytest.param(
            "county_a_admin",
            "village_a_secretary",
            VILLAGE_A,
            "village_secretary",
            {"detail": ["该用户在此区划已有这个角色。"]},
            id="duplicate",
        ),
    ],
)
def test_it_refuses_a_bad_grant_with_400(cast, actor, target, region, role, errors):
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(
            GRANTS,
            {"user": getattr(cast, target).pk, "region": region, "role": role},
            format="json",
        )
    assert response.status_code == 400
    assert response.json() == errors


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("county_b_admin", "helper"),
        ("county_a_admin", "county_b_admin"),
        ("county_a_admin", "province_admin"),
        ("village_a_secretary", "helper"),
        ("auditor", "village_a_secretary"),
        ("helper", "helper"),
    ],
)
def test_it_refuses_a_grant_for_a_user_outside_scope_as_if_absent(cast, actor, target):
    pk = getattr(cast, target).pk
    with nothing_saved():
        response = api_for(getattr(cast, actor)).post(
            GRANTS, {"user": pk, "region": VILLAGE_A, "role": "helper"}, format="json"
        )
    assert response.status_code == 400
    # The same answer as for a user that does not exist: nothing leaks.
    assert response.json() == {"user": [f"无效主键 “{pk}” － 对象不存在。"]}


def test_it_deletes_a_grant(cast):
    extra = actions.add_grant(
        actor=None, user=cast.village_a_secretary, region_code=VILLAGE_A2, role="helper"
    )
    pk = extra.pk
    since = last_event_id()
    response = api_for(cast.county_a_admin).delete(f"{GRANTS}{pk}/")
    assert response.status_code == 204
    assert not Grant.objects.filter(pk=pk).exists()
    event = only_event_since(since)
    assert (event.action, event.object_id, event.region_code) == (
        "accounts.remove_grant",
        str(pk),
        VILLAGE_A2,
    )


@pytest.mark.parametrize(
    ("actor", "owner"),
    [
        ("county_b_admin", "village_a_secretary"),
        ("county_a_admin", "county_b_admin"),
        ("county_a_admin", "province_admin"),
        ("village_a_secretary", "village_a_secretary"),
        ("auditor", "helper"),
        ("helper", "helper"),
    ],
)
def test_it_answers_404_to_deleting_a_grant_outside_scope(cast, actor, owner):
    grant = getattr(cast, owner).grants.get()
    with nothing_saved():
        response = api_for(getattr(cast, actor)).delete(f"{GRANTS}{grant.pk}/")
    assert response.status_code == 404
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_removing_a_grant_of_a_user_of_both_counties(cast):
    user = actions.create_user(
        actor=None, username="two_counties", password=PASSWORD, region_code=COUNTY_A, role="helper"
    )
    actions.add_grant(actor=None, user=user, region_code=COUNTY_B, role="helper")
    grant_a = user.grants.get(region_id=COUNTY_A)
    with nothing_saved():
        response = api_for(cast.county_a_admin).delete(f"{GRANTS}{grant_a.pk}/")
    assert response.status_code == 403
    assert response.json() == {"detail": "该用户不在您管理的区划范围内。"}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_it_never_edits_a_grant(cast, method):
    grant = cast.helper.grants.get()
    with nothing_saved():
        response = getattr(api_for(cast.province_admin), method)(
            f"{GRANTS}{grant.pk}/", {"role": "auditor"}, format="json"
        )
    assert response.status_code == 405
    assert Grant.objects.get(pk=grant.pk).role == "helper"
