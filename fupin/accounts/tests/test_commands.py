"""The `fupin adduser` and `fupin token` commands, through `call_command`."""

import io
import json
import re
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.testing import COUNTY_A, VILLAGE_A, VILLAGE_A2, nothing_saved, row_counts, rows_changed

NEW_PASSWORD = "Another-secret-2025"


def run(*args: str, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


def regions_with(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/regions/")


# --- adduser ---------------------------------------------------------------------------------


def test_it_adds_a_user_with_a_password_from_stdin(cast, monkeypatch):
    before = row_counts()
    out = run(
        "adduser",
        "wang_wu",
        "--region",
        VILLAGE_A2,
        "--role",
        "village_secretary",
        "--name",
        "王五",
        "--password-stdin",
        stdin=f"{NEW_PASSWORD}\n",
        monkeypatch=monkeypatch,
    )
    assert out == f"已创建用户 wang_wu，角色为 {VILLAGE_A2} 的村党组织书记。"
    assert NEW_PASSWORD not in out
    user = User.objects.get(username="wang_wu")
    assert user.first_name == "王五"
    assert user.check_password(NEW_PASSWORD)
    grant = user.grants.get()
    assert (grant.region_id, grant.role, grant.granted_by) == (
        VILLAGE_A2,
        "village_secretary",
        None,
    )
    assert rows_changed(before) == {"accounts.user": 1, "accounts.grant": 1, "audit.auditevent": 1}
    event = AuditEvent.objects.get(action="accounts.create_user", object_id=str(user.pk))
    assert (event.actor, event.actor_name, event.region_code) == (None, "system", VILLAGE_A2)
    assert NEW_PASSWORD not in str(event.after)


def test_it_generates_and_prints_a_password_that_works(cast):
    out = run("adduser", "zhao_liu", "--region", COUNTY_A, "--role", "helper")
    match = re.fullmatch(r"已创建用户 zhao_liu，角色为 510821 的帮扶责任人。 密码：(\S+)", out)
    assert match, out
    password = match.group(1)
    assert len(password) >= 12
    assert User.objects.get(username="zhao_liu").check_password(password)


def test_it_prints_json_with_the_generated_password(cast):
    data = json.loads(run("adduser", "sun_qi", "--region", COUNTY_A, "--role", "auditor", "--json"))
    user = User.objects.get(username="sun_qi")
    assert data == {
        "id": user.pk,
        "username": "sun_qi",
        "region": COUNTY_A,
        "role": "auditor",
        "password": data["password"],
    }
    assert user.check_password(data["password"])


def test_it_prints_json_without_a_password_read_from_stdin(cast, monkeypatch):
    out = run(
        "adduser",
        "zhou_ba",
        "--region",
        VILLAGE_A,
        "--role",
        "first_secretary",
        "--password-stdin",
        "--json",
        stdin=f"{NEW_PASSWORD}\n",
        monkeypatch=monkeypatch,
    )
    data = json.loads(out)
    assert "password" not in data
    assert NEW_PASSWORD not in out
    assert data["username"] == "zhou_ba" and data["role"] == "first_secretary"
    assert User.objects.get(username="zhou_ba").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "problems"),
    [
        pytest.param(
            ["new_user", "--region", "999999", "--role", "helper"],
            None,
            ["region: 没有区划代码为“999999”的区划。"],
            id="no-such-region",
        ),
        pytest.param(
            ["new_user", "--region", COUNTY_A, "--role", "mayor"],
            None,
            ["role: 未知角色“mayor”。"],
            id="unknown-role",
        ),
        pytest.param(
            ["new_user", "--region", VILLAGE_A, "--role", "county_admin"],
            None,
            ["region: 县级管理员只能授予在县级区划上，不能授予在卸甲碥社区居民委员会。"],
            id="wrong-level",
        ),
        pytest.param(
            ["new_user", "--region", COUNTY_A, "--role", "helper", "--password-stdin"],
            "12345678\n",
            ["password: 这个密码太常见了。", "password: 密码只包含数字。"],
            id="weak-password",
        ),
        pytest.param(
            ["helper", "--region", "999999", "--role", "helper", "--password-stdin"],
            "password\n",
            [
                "username: 已存在一位使用该名字的用户。",
                "password: 这个密码太常见了。",
                "region: 没有区划代码为“999999”的区划。",
            ],
            id="every-problem-at-once",
        ),
    ],
)
def test_it_refuses_a_bad_user_listing_the_problems(cast, monkeypatch, args, stdin, problems):
    with nothing_saved():
        with pytest.raises(CommandError) as exc:
            run("adduser", *args, stdin=stdin, monkeypatch=monkeypatch)
        lines = str(exc.value).splitlines()
        assert lines[0] == "用户未创建："
        assert sorted(line.strip() for line in lines[1:]) == sorted(problems)
    assert not User.objects.filter(username="new_user").exists()


def test_it_requires_region_and_role(cast):
    with nothing_saved():
        with pytest.raises(CommandError) as exc:
            run("adduser", "new_user", "--role", "helper")
        assert "--region" in str(exc.value)


# --- token -----------------------------------------------------------------------------------


def test_it_prints_a_token_that_authenticates(cast):
    assert regions_with("0" * 40).status_code == 401
    key = run("token", "village_a_secretary")
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    response = regions_with(key)
    assert response.status_code == 200
    assert response.json()["count"] > 0
    event = AuditEvent.objects.get(action="accounts.issue_token")
    assert (event.actor_name, event.object_id, event.region_code) == (
        "system",
        str(cast.village_a_secretary.pk),
        VILLAGE_A,
    )


def test_it_invalidates_the_previous_token(cast):
    first = run("token", "county_a_admin")
    second = run("token", "county_a_admin")
    assert first != second
    assert regions_with(first).status_code == 401
    assert regions_with(second).status_code == 200
    assert Token.objects.filter(user=cast.county_a_admin).count() == 1


def test_it_prints_the_token_as_json(cast):
    data = json.loads(run("token", "auditor", "--json"))
    assert data == {"username": "auditor", "token": Token.objects.get(user=cast.auditor).key}
    assert regions_with(data["token"]).status_code == 200


def test_it_refuses_a_token_for_an_unknown_user(cast):
    with nothing_saved():
        with pytest.raises(CommandError) as exc:
            run("token", "nobody")
        assert str(exc.value).splitlines() == ["没有这个用户：", "  nobody"]
