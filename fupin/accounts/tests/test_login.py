"""Signing in and out, changing one's own password, and the lock-out after failed logins.

django-axes needs the request in `authenticate`, so every login here is a real POST to the
login page (never `client.login()`).
"""

from django.test import Client
from django.urls import reverse

from fupin.accounts import actions
from fupin.accounts.models import User
from fupin.audit.models import AuditEvent
from fupin.testing import PASSWORD, client_for

LOGIN = reverse("accounts:login")
LOGOUT = reverse("accounts:logout")
PASSWORD_CHANGE = reverse("accounts:password-change")
HOME = reverse("regions:region-list")
USERS = reverse("accounts:user-list")
NEW_PASSWORD = "Another-secret-2025"
WRONG_LOGIN = "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
LOCKED_TITLE = "登录失败次数过多"
LOCKED_TEXT = "密码连续输错五次，该账号已锁定 15 分钟。请稍后再试，或请管理员重置密码。"


def log_in(client: Client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client: Client) -> str | None:
    """The user name the client's session belongs to, asked of the server."""
    response = client.get(PASSWORD_CHANGE)
    if response.status_code != 200:
        return None
    return response.context["user"].username


def fail(client: Client, username: str, times: int) -> list[int]:
    return [log_in(client, username, "wrong-password").status_code for _ in range(times)]


# --- login and logout ------------------------------------------------------------------------


def test_it_shows_the_login_page_in_chinese(cast):
    response = Client().get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>登录</h1>" in html
    assert "用户名" in html and "密码" in html


def test_it_logs_in_with_the_right_password(cast):
    client = Client()
    response = log_in(client, "village_a_secretary", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert signed_in_as(client) == "village_a_secretary"
    assert User.objects.get(username="village_a_secretary").last_login is not None


def test_it_follows_next_after_logging_in(cast):
    client = Client()
    response = client.post(
        LOGIN, {"username": "county_a_admin", "password": PASSWORD, "next": USERS}
    )
    assert response["Location"] == USERS
    assert client.get(USERS).status_code == 200


def test_it_refuses_a_wrong_password_in_chinese(cast):
    client = Client()
    response = log_in(client, "helper", "not-the-password")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert signed_in_as(client) is None


def test_it_refuses_an_unknown_user_with_the_same_message(cast):
    response = log_in(Client(), "nobody", PASSWORD)
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()


def test_it_refuses_a_deactivated_user(cast):
    actions.update_user(
        actor=None, user=cast.helper, first_name="", last_name="", email="", is_active=False
    )
    client = Client()
    response = log_in(client, "helper", PASSWORD)
    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_it_sends_a_signed_in_user_away_from_the_login_page(cast):
    response = client_for(cast.auditor).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_it_logs_out_with_a_post(cast):
    client = Client()
    log_in(client, "auditor", PASSWORD)
    assert signed_in_as(client) == "auditor"
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert signed_in_as(client) is None
    assert client.get(USERS)["Location"].startswith(f"{LOGIN}?next=")


def test_it_does_not_log_out_on_a_get(cast):
    client = Client()
    log_in(client, "auditor", PASSWORD)
    assert client.get(LOGOUT).status_code == 405
    assert signed_in_as(client) == "auditor"


# --- changing one's own password -------------------------------------------------------------


def change(client: Client, old: str, new: str, new2: str | None = None):
    return client.post(
        PASSWORD_CHANGE,
        {"old_password": old, "password": new, "password2": new if new2 is None else new2},
    )


def test_it_refuses_a_wrong_current_password(cast):
    client = Client()
    log_in(client, "helper", PASSWORD)
    before = AuditEvent.objects.count()
    response = change(client, "not-my-password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "当前密码不正确。" in response.content.decode()
    assert User.objects.get(username="helper").check_password(PASSWORD)
    assert AuditEvent.objects.count() == before


def test_it_refuses_a_new_password_typed_differently_twice(cast):
    client = client_for(cast.helper)
    response = change(client, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert response.status_code == 200
    assert "两次输入的密码不一致。" in response.content.decode()
    assert User.objects.get(username="helper").check_password(PASSWORD)


def test_it_refuses_a_weak_new_password(cast):
    response = change(client_for(cast.helper), PASSWORD, "password")
    assert response.status_code == 200
    assert "这个密码太常见了。" in response.content.decode()
    assert User.objects.get(username="helper").check_password(PASSWORD)


def test_it_changes_the_password_and_keeps_the_session(cast):
    client = Client()
    log_in(client, "village_a_secretary", PASSWORD)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = change(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert "已保存。" in client.get(HOME).content.decode()
    # Still signed in: the session hash was updated along with the password.
    assert signed_in_as(client) == "village_a_secretary"
    [event] = AuditEvent.objects.filter(id__gt=since)
    assert (event.action, event.actor_name) == ("accounts.set_password", "village_a_secretary")
    # The new password signs in, the old one no longer does.
    assert log_in(Client(), "village_a_secretary", NEW_PASSWORD).status_code == 302
    assert log_in(Client(), "village_a_secretary", PASSWORD).status_code == 200


def test_it_signs_out_other_sessions_when_an_admin_resets_a_password(cast):
    client = Client()
    log_in(client, "helper", PASSWORD)
    actions.set_password(actor=cast.county_a_admin, user=cast.helper, password=NEW_PASSWORD)
    assert signed_in_as(client) is None


# --- lock-out (django-axes) ------------------------------------------------------------------


def test_it_locks_the_account_after_five_failed_logins(cast):
    client = Client()
    statuses = fail(client, "helper", 4)
    assert statuses == [200, 200, 200, 200]
    fifth = log_in(client, "helper", "wrong-password")
    assert fifth.status_code == 429
    # The sixth attempt, with the right password, is refused too.
    sixth = log_in(client, "helper", PASSWORD)
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert f"<h1>{LOCKED_TITLE}</h1>" in html
    assert LOCKED_TEXT in html
    assert signed_in_as(client) is None


def test_it_locks_out_a_fresh_browser_too(cast):
    fail(Client(), "helper", 5)
    client = Client()
    assert log_in(client, "helper", PASSWORD).status_code == 429
    assert signed_in_as(client) is None


def test_it_does_not_lock_another_user(cast):
    client = Client()
    fail(client, "helper", 5)
    assert log_in(client, "helper", PASSWORD).status_code == 429
    response = log_in(client, "auditor", PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == "auditor"


def test_it_does_not_lock_the_same_user_from_another_address(cast):
    fail(Client(), "helper", 5)
    client = Client()
    response = log_in(client, "helper", PASSWORD, address="10.0.0.7")
    assert response.status_code == 302
    assert signed_in_as(client) == "helper"


def test_it_forgets_failures_after_a_successful_login(cast):
    client = Client()
    fail(client, "helper", 4)
    assert log_in(client, "helper", PASSWORD).status_code == 302
    client.post(LOGOUT)
    assert fail(client, "helper", 4) == [200, 200, 200, 200]
    assert log_in(client, "helper", PASSWORD).status_code == 302


def test_it_unlocks_the_account_when_an_administrator_resets_the_password(cast):
    # The lock-out page tells the user to ask their administrator for a new password.
    client = Client()
    fail(client, "helper", 5)
    assert log_in(client, "helper", PASSWORD).status_code == 429
    actions.set_password(actor=cast.county_a_admin, user=cast.helper, password=NEW_PASSWORD)
    response = log_in(client, "helper", NEW_PASSWORD)
    assert response.status_code == 302
    assert signed_in_as(client) == "helper"


def test_it_unlocks_only_the_user_whose_password_was_reset(cast):
    client = Client()
    fail(client, "helper", 5)
    fail(client, "auditor", 5)
    actions.set_password(actor=cast.county_a_admin, user=cast.helper, password=NEW_PASSWORD)
    assert log_in(client, "auditor", PASSWORD).status_code == 429
    assert log_in(client, "helper", NEW_PASSWORD).status_code == 302


def behind_proxy(client: Client, username: str, password: str, client_address: str):
    """A login through one reverse proxy (127.0.0.1) for a client at `client_address`; the
    client forged an X-Forwarded-For entry of its own before the proxy appended the real one."""
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"10.9.9.9, {client_address}",
    )


def test_it_locks_out_the_guesser_not_the_user_behind_a_reverse_proxy(cast, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = Client()
    statuses = [
        behind_proxy(guesser, "helper", "wrong", "203.0.113.5").status_code for _ in "12345"
    ]
    assert statuses[-1] == 429
    assert behind_proxy(guesser, "helper", PASSWORD, "203.0.113.5").status_code == 429
    # The user, from their own address through the same proxy, still signs in.
    client = Client()
    assert behind_proxy(client, "helper", PASSWORD, "198.51.100.20").status_code == 302
    assert signed_in_as(client) == "helper"


def test_it_trusts_no_forwarded_address_without_a_proxy(cast):
    # Without TRUSTED_PROXY_COUNT a forged X-Forwarded-For changes nothing: the lock-out is by
    # the connection's own address.
    fail(Client(), "helper", 5)
    client = Client()
    response = client.post(
        LOGIN,
        {"username": "helper", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert response.status_code == 429
