"""The user and grant actions (fupin/accounts/actions.py), called directly with the cast as actor.

Every success writes exactly one audit event; every refusal raises before anything is saved
(users, grants and audit events are counted around each refused call).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.authtoken.models import Token

from fupin.accounts import actions
from fupin.accounts.models import Grant, User
from fupin.accounts.roles import Action
from fupin.accounts.scoping import OutOfScope, grants_of, owner_prefixes, prefixes
from fupin.audit.models import AuditEvent
from fupin.testing import (
    CITY,
    COUNTY_A,
    COUNTY_B,
    PASSWORD,
    PROVINCE,
    TOWNSHIP_A,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    nothing_saved,
    row_counts,
    rows_changed,
)

NEW_PASSWORD = "Another-secret-2025"
OUT_OF_SCOPE = "该用户不在您管理的区划范围内。"


@contextmanager
def one_event() -> Iterator[list[AuditEvent]]:
    """The block writes exactly one audit event, handed back in the yielded list."""
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: list[AuditEvent] = []
    yield found
    new = list(AuditEvent.objects.filter(id__gt=last))
    assert len(new) == 1, [e.action for e in new]
    found.extend(new)


def refused(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def new_user_kwargs(**overrides: Any) -> dict[str, Any]:
    return {
        "username": "new_secretary",
        "password": PASSWORD,
        "region_code": VILLAGE_A2,
        "role": "village_secretary",
        **overrides,
    }


def two_county_helper() -> User:
    """A helper who works in both county A and county B (made by the operator)."""
    user = actions.create_user(
        actor=None, username="two_counties", password=PASSWORD, region_code=COUNTY_A, role="helper"
    )
    actions.add_grant(actor=None, user=user, region_code=COUNTY_B, role="helper")
    return user


# --- create_user -----------------------------------------------------------------------------


def test_it_creates_a_user_with_its_grant_and_one_audit_event(cast):
    before = row_counts()
    with one_event() as events:
        user = actions.create_user(
            actor=cast.county_a_admin,
            first_name="王芳",
            email="wang@example.com",
            **new_user_kwargs(),
        )
    assert rows_changed(before) == {"accounts.user": 1, "accounts.grant": 1, "audit.auditevent": 1}
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.is_active and not user.is_superuser and not user.is_staff
    grant = user.grants.get()
    assert (grant.region_id, grant.role, grant.granted_by) == (
        VILLAGE_A2,
        "village_secretary",
        cast.county_a_admin,
    )
    event = events[0]
    assert event.action == "accounts.create_user"
    assert event.actor == cast.county_a_admin
    assert event.actor_name == "county_a_admin"
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
    assert event.region_code == VILLAGE_A2
    assert event.before is None
    assert event.after == {
        "username": "new_secretary",
        "first_name": "王芳",
        "last_name": "",
        "email": "wang@example.com",
        "is_active": True,
        "grants": [[VILLAGE_A2, "village_secretary"]],
    }
    assert PASSWORD not in str(event.after)


def test_it_strips_the_username_and_files_an_operators_creation_under_system(cast):
    with one_event() as events:
        user = actions.create_user(actor=None, **new_user_kwargs(username="  padded  "))
    assert user.username == "padded"
    assert events[0].actor is None
    assert events[0].actor_name == "system"
    assert user.grants.get().granted_by is None


def test_it_lets_the_province_admin_create_a_county_admin_in_county_b(cast):
    user = actions.create_user(
        actor=cast.province_admin,
        **new_user_kwargs(username="b_admin2", region_code=COUNTY_B, role="county_admin"),
    )
    assert user.grants.get().region_id == COUNTY_B
    assert User.objects.for_user(cast.county_b_admin, Action.MANAGE_USERS).filter(pk=user.pk)


@pytest.mark.parametrize(
    ("actor", "region_code", "role", "region_name"),
    [
        ("county_a_admin", VILLAGE_B, "village_secretary", "金穗社区居民委员会"),
        ("county_a_admin", COUNTY_B, "helper", "苍溪县"),
        ("county_a_admin", CITY, "city_admin", "广元市"),  # a role above its own
        ("county_a_admin", PROVINCE, "province_admin", "四川省"),
        ("village_a_secretary", VILLAGE_A, "helper", "卸甲碥社区居民委员会"),
        ("auditor", COUNTY_A, "helper", "旺苍县"),
        ("helper", VILLAGE_A, "helper", "卸甲碥社区居民委员会"),
    ],
)
def test_it_refuses_a_new_user_out_of_the_actors_reach(cast, actor, region_code, role, region_name):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.create_user(
            actor=getattr(cast, actor), **new_user_kwargs(region_code=region_code, role=role)
        )
    assert f"{region_name}不在您管理的区划范围内。" in refused(exc)["region"]


@pytest.mark.parametrize(
    ("actor", "region_code", "role", "role_name", "level", "region_name"),
    [
        ("county_a_admin", COUNTY_A, "city_admin", "市级管理员", "市级", "旺苍县"),
        ("province_admin", VILLAGE_A, "county_admin", "县级管理员", "县级", "卸甲碥社区居民委员会"),
        ("province_admin", TOWNSHIP_A, "village_secretary", "村党组织书记", "村级", "东河镇"),
    ],
)
def test_it_refuses_a_new_user_whose_role_does_not_fit_the_regions_level(
    cast, actor, region_code, role, role_name, level, region_name
):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.create_user(
            actor=getattr(cast, actor), **new_user_kwargs(region_code=region_code, role=role)
        )
    message = f"{role_name}只能授予在{level}区划上，不能授予在{region_name}。"
    assert message in refused(exc)["region"]


@pytest.mark.parametrize(
    ("actor", "overrides", "field", "message"),
    [
        (
            "county_a_admin",
            {"region_code": "510821100009"},
            "region",
            "没有区划代码为“510821100009”的区划。",
        ),
        ("province_admin", {"role": "mayor"}, "role", "未知角色“mayor”。"),
        ("county_a_admin", {"password": "12345678"}, "password", "这个密码太常见了。"),
        ("county_a_admin", {"password": "9081726354"}, "password", "密码只包含数字。"),
        (
            "county_a_admin",
            {"username": "zhangsanfeng", "password": "zhangsanfeng1"},
            "password",
            "密码跟 用户名 太相似了。",
        ),
        ("county_a_admin", {"username": "helper"}, "username", "已存在一位使用该名字的用户。"),
        (
            "county_a_admin",
            {"username": "王 芳!"},
            "username",
            "请输入合法的用户名。只能包含英文字母、数字、特殊字符“@”、“.”、“-”和“_”。",
        ),
    ],
)
def test_it_refuses_a_bad_new_user_and_saves_nothing(cast, actor, overrides, field, message):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.create_user(actor=getattr(cast, actor), **new_user_kwargs(**overrides))
    assert message in refused(exc)[field]


def test_it_reports_every_problem_of_a_new_user_at_once(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.create_user(
            actor=cast.county_a_admin,
            username="helper",
            password="12345678",
            region_code=COUNTY_B,
            role="helper",
            email="not-an-email",
        )
    errors = refused(exc)
    assert errors["username"] == ["已存在一位使用该名字的用户。"]
    assert errors["email"] == ["请输入合法的邮件地址。"]
    assert "这个密码太常见了。" in errors["password"]
    assert errors["region"] == ["苍溪县不在您管理的区划范围内。"]


def test_it_says_in_chinese_that_a_password_is_too_short(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.create_user(actor=cast.county_a_admin, **new_user_kwargs(password="Zq7!x"))
    assert refused(exc)["password"] == ["密码太短：至少需要 8 个字符。"]


# --- update_user -----------------------------------------------------------------------------


def update(actor: User | None, user: User, **overrides: Any) -> User:
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": user.is_active,
        **overrides,
    }
    return actions.update_user(actor=actor, user=user, **values)


def test_it_updates_a_user_and_audits_before_and_after(cast):
    secretary = cast.village_a_secretary
    with one_event() as events:
        update(cast.county_a_admin, secretary, first_name="李明", email="li@example.com")
    secretary.refresh_from_db()
    assert (secretary.first_name, secretary.email) == ("李明", "li@example.com")
    event = events[0]
    assert event.action == "accounts.update_user"
    assert event.actor == cast.county_a_admin
    assert event.region_code == VILLAGE_A
    assert event.object_id == str(secretary.pk)
    assert event.before["first_name"] == "" and event.before["email"] == ""
    assert event.after["first_name"] == "李明" and event.after["email"] == "li@example.com"
    assert event.before["username"] == event.after["username"] == "village_a_secretary"


def test_it_deactivates_a_user_so_they_lose_their_scope(cast):
    helper = cast.helper
    with one_event() as events:
        update(cast.county_a_admin, helper, is_active=False)
    helper.refresh_from_db()
    assert helper.is_active is False
    assert (events[0].before["is_active"], events[0].after["is_active"]) == (True, False)
    assert prefixes(helper, Action.VIEW) == []


def test_it_refuses_an_invalid_email_on_update_and_saves_nothing(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        update(cast.county_a_admin, cast.helper, email="nope")
    assert refused(exc)["email"] == ["请输入合法的邮件地址。"]
    assert User.objects.get(pk=cast.helper.pk).email == ""


def test_it_refuses_to_deactivate_ones_own_account(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        update(cast.county_a_admin, cast.county_a_admin, is_active=False)
    assert refused(exc)["is_active"] == ["不能停用您自己的账号。"]
    assert User.objects.get(pk=cast.county_a_admin.pk).is_active


def test_it_lets_an_admin_edit_their_own_name(cast):
    with one_event():
        update(cast.county_a_admin, cast.county_a_admin, first_name="县管")
    assert User.objects.get(pk=cast.county_a_admin.pk).first_name == "县管"


@pytest.mark.parametrize("actor", ["county_b_admin", "village_a_secretary", "auditor", "helper"])
def test_it_refuses_updates_from_outside_the_users_subtree(cast, actor):
    with nothing_saved(), pytest.raises(OutOfScope) as exc:
        update(getattr(cast, actor), cast.village_a_secretary, first_name="改")
    assert isinstance(exc.value, PermissionDenied)
    assert str(exc.value) == OUT_OF_SCOPE
    assert User.objects.get(pk=cast.village_a_secretary.pk).first_name == ""


def test_it_refuses_county_a_changing_the_province_admin(cast):
    with nothing_saved(), pytest.raises(OutOfScope):
        update(cast.county_a_admin, cast.province_admin, is_active=False)
    assert User.objects.get(pk=cast.province_admin.pk).is_active


# --- set_password ----------------------------------------------------------------------------


def test_it_resets_a_password_and_audits_without_the_password(cast):
    secretary = cast.village_a_secretary
    with one_event() as events:
        actions.set_password(actor=cast.county_a_admin, user=secretary, password=NEW_PASSWORD)
    secretary.refresh_from_db()
    assert secretary.check_password(NEW_PASSWORD)
    assert not secretary.check_password(PASSWORD)
    event = events[0]
    assert event.action == "accounts.set_password"
    assert event.actor == cast.county_a_admin
    assert event.region_code == VILLAGE_A
    assert event.before is None and event.after is None
    assert NEW_PASSWORD not in str(event.__dict__)


def test_it_lets_a_non_admin_change_their_own_password(cast):
    helper = cast.helper
    with one_event() as events:
        actions.set_password(actor=helper, user=helper, password=NEW_PASSWORD)
    helper.refresh_from_db()
    assert helper.check_password(NEW_PASSWORD)
    assert events[0].actor == helper and events[0].region_code == COUNTY_A


def test_it_refuses_a_weak_password_and_keeps_the_old_one(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.set_password(
            actor=cast.county_a_admin, user=cast.village_a_secretary, password="password"
        )
    assert refused(exc)["password"] == ["这个密码太常见了。"]
    assert User.objects.get(pk=cast.village_a_secretary.pk).check_password(PASSWORD)


@pytest.mark.parametrize("actor", ["county_b_admin", "village_a_secretary", "auditor"])
def test_it_refuses_a_password_reset_from_outside_the_users_subtree(cast, actor):
    with nothing_saved(), pytest.raises(OutOfScope) as exc:
        actions.set_password(actor=getattr(cast, actor), user=cast.helper, password=NEW_PASSWORD)
    assert str(exc.value) == OUT_OF_SCOPE
    assert User.objects.get(pk=cast.helper.pk).check_password(PASSWORD)


# --- delete_user -----------------------------------------------------------------------------


def test_it_deletes_a_user_with_their_grants_and_audits_what_was_there(cast):
    secretary = cast.village_a_secretary
    pk = secretary.pk
    before = row_counts()
    with one_event() as events:
        actions.delete_user(actor=cast.county_a_admin, user=secretary)
    assert not User.objects.filter(pk=pk).exists()
    assert not Grant.objects.filter(user_id=pk).exists()
    assert rows_changed(before) == {
        "accounts.user": -1,
        "accounts.grant": -1,
        "audit.auditevent": 1,
    }
    event = events[0]
    assert event.action == "accounts.delete_user"
    assert event.actor == cast.county_a_admin
    assert (event.object_type, event.object_id) == ("accounts.user", str(pk))
    assert event.object_repr == "village_a_secretary"
    assert event.region_code == VILLAGE_A
    assert event.before["username"] == "village_a_secretary"
    assert event.before["grants"] == [[VILLAGE_A, "village_secretary"]]
    assert event.after is None


def test_it_refuses_to_delete_ones_own_account(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.delete_user(actor=cast.county_a_admin, user=cast.county_a_admin)
    assert exc.value.messages == ["不能删除您自己的账号。"]


@pytest.mark.parametrize("actor", ["county_b_admin", "village_a_secretary", "auditor", "helper"])
def test_it_refuses_deleting_a_user_outside_the_actors_subtree(cast, actor):
    with nothing_saved(), pytest.raises(OutOfScope) as exc:
        actions.delete_user(actor=getattr(cast, actor), user=cast.village_a_secretary)
    assert str(exc.value) == OUT_OF_SCOPE
    assert User.objects.filter(pk=cast.village_a_secretary.pk).exists()


def test_it_refuses_county_b_deleting_county_a_admin(cast):
    with nothing_saved(), pytest.raises(OutOfScope):
        actions.delete_user(actor=cast.county_b_admin, user=cast.county_a_admin)


# --- add_grant and remove_grant --------------------------------------------------------------


def test_it_adds_a_grant_and_widens_the_users_scope_at_once(cast):
    secretary = cast.village_a_secretary
    assert prefixes(secretary, Action.VIEW) == [VILLAGE_A]  # caches the grants on the object
    with one_event() as events:
        grant = actions.add_grant(
            actor=cast.county_a_admin, user=secretary, region_code=TOWNSHIP_A, role="helper"
        )
    assert (grant.region_id, grant.role, grant.granted_by) == (
        TOWNSHIP_A,
        "helper",
        cast.county_a_admin,
    )
    # A helper's grant reaches only the records its user owns there, not every record.
    assert owner_prefixes(secretary, Action.VIEW) == [TOWNSHIP_A]
    assert prefixes(secretary, Action.VIEW) == [VILLAGE_A]
    event = events[0]
    assert event.action == "accounts.add_grant"
    assert (event.object_type, event.object_id) == ("accounts.grant", str(grant.pk))
    assert event.region_code == TOWNSHIP_A
    assert event.actor == cast.county_a_admin
    assert event.before is None
    assert event.after == {"user": "village_a_secretary", "region": TOWNSHIP_A, "role": "helper"}


def test_it_refuses_a_grant_the_user_already_holds(cast):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.add_grant(
            actor=cast.county_a_admin,
            user=cast.village_a_secretary,
            region_code=VILLAGE_A,
            role="village_secretary",
        )
    assert exc.value.messages == ["该用户在此区划已有这个角色。"]


@pytest.mark.parametrize(
    ("region_code", "role", "field", "message"),
    [
        (COUNTY_B, "helper", "region", "苍溪县不在您管理的区划范围内。"),
        ("5108", "city_admin", "region", "广元市不在您管理的区划范围内。"),
        ("510821100099", "helper", "region", "没有区划代码为“510821100099”的区划。"),
        (
            VILLAGE_A2,
            "county_admin",
            "region",
            "县级管理员只能授予在县级区划上，不能授予在庙二湾社区居民委员会。",
        ),
        (VILLAGE_A2, "chief", "role", "未知角色“chief”。"),
    ],
)
def test_it_refuses_a_bad_grant_and_saves_nothing(cast, region_code, role, field, message):
    with nothing_saved(), pytest.raises(ValidationError) as exc:
        actions.add_grant(
            actor=cast.county_a_admin, user=cast.helper, region_code=region_code, role=role
        )
    assert refused(exc)[field] == [message]
    assert list(cast.helper.grants.values_list("region_id", "role")) == [(COUNTY_A, "helper")]


@pytest.mark.parametrize("actor", ["county_b_admin", "village_a_secretary", "auditor", "helper"])
def test_it_refuses_granting_to_a_user_outside_the_actors_subtree(cast, actor):
    with nothing_saved(), pytest.raises(OutOfScope):
        actions.add_grant(
            actor=getattr(cast, actor),
            user=cast.village_a_secretary,
            region_code=VILLAGE_A,
            role="helper",
        )


def test_it_removes_a_grant_and_narrows_the_users_scope_at_once(cast):
    secretary = cast.village_a_secretary
    extra = actions.add_grant(actor=None, user=secretary, region_code=VILLAGE_A2, role="helper")
    extra_pk = extra.pk
    assert owner_prefixes(secretary, Action.VIEW) == [VILLAGE_A2]  # caches the grants
    with one_event() as events:
        actions.remove_grant(actor=cast.county_a_admin, grant=extra)
    assert not Grant.objects.filter(pk=extra_pk).exists()
    assert owner_prefixes(secretary, Action.VIEW) == []
    assert grants_of(secretary) == [(VILLAGE_A, "village_secretary")]
    event = events[0]
    assert event.action == "accounts.remove_grant"
    assert (event.object_type, event.object_id) == ("accounts.grant", str(extra_pk))
    assert event.region_code == VILLAGE_A2
    assert event.actor == cast.county_a_admin
    assert event.before == {"user": "village_a_secretary", "region": VILLAGE_A2, "role": "helper"}
    assert event.after is None


@pytest.mark.parametrize("actor", ["county_b_admin", "village_a_secretary", "auditor", "helper"])
def test_it_refuses_removing_a_grant_outside_the_actors_subtree(cast, actor):
    grant = cast.village_a_secretary.grants.get()
    with nothing_saved(), pytest.raises(OutOfScope):
        actions.remove_grant(actor=getattr(cast, actor), grant=grant)
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_it_refuses_county_a_removing_the_province_admins_grant(cast):
    grant = cast.province_admin.grants.get()
    with nothing_saved(), pytest.raises(OutOfScope):
        actions.remove_grant(actor=cast.county_a_admin, grant=grant)


# --- issue_token -----------------------------------------------------------------------------


def test_it_issues_a_token_that_replaces_the_previous_one(cast):
    secretary = cast.village_a_secretary
    with one_event() as events:
        first = actions.issue_token(actor=cast.county_a_admin, user=secretary)
    assert Token.objects.get(user=secretary).key == first
    event = events[0]
    assert event.action == "accounts.issue_token"
    assert event.actor == cast.county_a_admin
    assert event.region_code == VILLAGE_A
    assert first not in str(event.__dict__)
    with one_event():
        second = actions.issue_token(actor=cast.county_a_admin, user=secretary)
    assert second != first
    assert list(Token.objects.filter(user=secretary).values_list("key", flat=True)) == [second]


def test_it_lets_a_non_admin_issue_their_own_token(cast):
    with one_event() as events:
        key = actions.issue_token(actor=cast.auditor, user=cast.auditor)
    assert Token.objects.get(key=key).user == cast.auditor
    assert events[0].actor == cast.auditor


@pytest.mark.parametrize(
    ("actor", "target"),
    [
        ("county_b_admin", "village_a_secretary"),
        ("county_a_admin", "county_b_admin"),
        ("county_a_admin", "province_admin"),
        ("village_a_secretary", "helper"),
        ("auditor", "village_a_secretary"),
        ("helper", "auditor"),
    ],
)
def test_it_refuses_a_token_for_someone_else_outside_the_actors_subtree(cast, actor, target):
    user = getattr(cast, target)
    with nothing_saved(), pytest.raises(OutOfScope):
        actions.issue_token(actor=getattr(cast, actor), user=user)
    assert not Token.objects.filter(user=user).exists()


# --- a user in both counties -----------------------------------------------------------------


def test_it_shows_county_a_a_user_of_both_counties_but_lets_it_change_nothing(cast):
    user = two_county_helper()
    a_admin = cast.county_a_admin
    assert User.objects.for_user(a_admin, Action.MANAGE_USERS).filter(pk=user.pk).exists()
    grant_a = user.grants.get(region_id=COUNTY_A)
    attempts = [
        lambda: update(a_admin, user, first_name="改"),
        lambda: update(a_admin, user, is_active=False),
        lambda: actions.set_password(actor=a_admin, user=user, password=NEW_PASSWORD),
        lambda: actions.delete_user(actor=a_admin, user=user),
        lambda: actions.add_grant(actor=a_admin, user=user, region_code=VILLAGE_A, role="helper"),
        lambda: actions.remove_grant(actor=a_admin, grant=grant_a),
        lambda: actions.issue_token(actor=a_admin, user=user),
    ]
    for attempt in attempts:
        with nothing_saved(), pytest.raises(OutOfScope) as exc:
            attempt()
        assert str(exc.value) == OUT_OF_SCOPE
    user.refresh_from_db()
    assert (user.first_name, user.is_active) == ("", True)
    assert user.check_password(PASSWORD)
    assert user.grants.count() == 2


def test_it_lets_the_province_admin_change_a_user_of_both_counties(cast):
    user = two_county_helper()
    with one_event() as events:
        update(cast.province_admin, user, first_name="两县")
    assert User.objects.get(pk=user.pk).first_name == "两县"
    assert events[0].region_code == COUNTY_A  # filed under the first grant
