"""Every write to users and grants. Pages, API and CLI call these; each is atomic and audited."""

from typing import Any

from axes.utils import reset as reset_failed_logins
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from fupin.accounts.choices import Role
from fupin.accounts.models import Grant, User
from fupin.accounts.roles import RANK, ROLE_LEVEL, Action, allows
from fupin.accounts.scoping import (
    OutOfScope,
    can,
    forget_grants,
    grants_of,
    prefix_q,
    prefixes,
    require,
)
from fupin.audit.actions import audited_delete, audited_update
from fupin.audit.log import record, snapshot
from fupin.regions.choices import Level
from fupin.regions.models import Region

USER_FIELDS = ["username", "first_name", "last_name", "email", "is_active"]


def home_region(user: User) -> str:
    """The region code an event about this user is filed under (their first grant)."""
    grant = user.grants.order_by("region_id").first()
    return grant.region_id if grant else ""


def check_grant(actor: User | None, region_code: str, role: str) -> Region:
    """Raise ValidationError unless `actor` may give `role` over `region_code`."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    region = Region.objects.filter(pk=region_code).first()
    if region is None:
        raise ValidationError(
            {"region": _("There is no region with code “%(code)s”.") % {"code": region_code}}
        )
    level = ROLE_LEVEL[Role(role)]
    if level is not None and region.level != level:
        raise ValidationError(
            {
                "region": _("The role %(role)s is granted on a %(level)s, not on %(region)s.")
                % {
                    "role": Role(role).label,
                    "level": Level(level).label,
                    "region": region.name,
                }
            }
        )
    if actor is None or actor.is_superuser:
        return region
    own = [
        Role(r)
        for code, r in grants_of(actor)
        if region_code.startswith(code) and allows(r, Action.MANAGE_USERS)
    ]
    if not own:
        raise ValidationError(
            {
                "region": _("%(region)s is outside the regions you administer.")
                % {"region": region.name}
            }
        )
    if RANK[Role(role)] > max(RANK[r] for r in own):
        raise ValidationError({"role": _("You cannot grant a role above your own.")})
    return region


def _ensure_manageable(actor: User | None, user: User) -> None:
    """Raise unless every grant of `user` lies inside the subtree `actor` administers.

    Seeing a user needs one grant in scope; changing them needs all, so a county
    administrator cannot lock out someone who also works for the city.
    """
    if actor is None:
        return
    scope = prefixes(actor, Action.MANAGE_USERS)
    in_scope = can(actor, Action.MANAGE_USERS, user)
    outside = scope is not None and user.grants.exclude(prefix_q("region__code", scope)).exists()
    if not in_scope or outside:
        raise OutOfScope(_("This user is outside the regions you administer."))


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from None


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    username: str,
    password: str,
    region_code: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    username = username.strip()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    errors: dict[str, Any] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as e:
        errors.update(e.message_dict)
    try:
        _check_password(password, user)
    except ValidationError as e:
        errors.update(e.message_dict)
    try:
        region = check_grant(actor, region_code, role)
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    Grant.objects.create(user=user, region=region, role=role, granted_by=actor)
    record(
        actor=actor,
        action="accounts.create_user",
        obj=user,
        region_code=region.code,
        after={**snapshot(user, USER_FIELDS), "grants": [[region.code, role]]},
    )
    require(actor, user, Action.MANAGE_USERS)
    return user


@transaction.atomic
def update_user(
    *,
    actor: User | None,
    user: User,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
) -> User:
    _ensure_manageable(actor, user)
    if actor is not None and actor.pk == user.pk and not is_active:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    if not is_active:
        # A deactivated user's token must not come back to life if the account is reactivated.
        Token.objects.filter(user=user).delete()
    return audited_update(
        actor,
        user,
        {"first_name": first_name, "last_name": last_name, "email": email, "is_active": is_active},
        action="accounts.update_user",
        fields=USER_FIELDS,
        region_code=home_region,
        check=lambda u: u.full_clean(exclude=["password"]),
    )


@transaction.atomic
def set_password(*, actor: User | None, user: User, password: str) -> None:
    """An administrator resets a password, or a user changes their own (actor == user)."""
    if actor is None or actor.pk != user.pk:
        _ensure_manageable(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # Whoever held the old password may hold the API token it gave: it stops working too.
    Token.objects.filter(user=user).delete()
    # A new password lifts a lock-out after failed logins (the lock-out page says to ask for one).
    reset_failed_logins(username=user.get_username())
    record(actor=actor, action="accounts.set_password", obj=user, region_code=home_region(user))


@transaction.atomic
def delete_user(*, actor: User | None, user: User) -> None:
    _ensure_manageable(actor, user)
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("You cannot delete your own account."))
    audited_delete(
        actor,
        user,
        action="accounts.delete_user",
        fields=_user_with_grants,
        region_code=home_region(user),
    )


def _user_with_grants(user: User) -> dict[str, Any]:
    return {
        **snapshot(user, USER_FIELDS),
        "grants": [[g.region_id, g.role] for g in user.grants.all()],
    }


@transaction.atomic
def add_grant(*, actor: User | None, user: User, region_code: str, role: str) -> Grant:
    _ensure_manageable(actor, user)
    region = check_grant(actor, region_code, role)
    if user.grants.filter(region=region, role=role).exists():
        raise ValidationError(_("This user already holds that role there."))
    grant = Grant.objects.create(user=user, region=region, role=role, granted_by=actor)
    forget_grants(user)
    record(
        actor=actor,
        action="accounts.add_grant",
        obj=grant,
        region_code=region.code,
        after={"user": user.username, "region": region.code, "role": role},
    )
    return grant


@transaction.atomic
def remove_grant(*, actor: User | None, grant: Grant) -> None:
    _ensure_manageable(actor, grant.user)
    # The same rule as granting: a county administrator cannot take away a city role.
    check_grant(actor, grant.region_id, grant.role)
    record(
        actor=actor,
        action="accounts.remove_grant",
        obj=grant,
        region_code=grant.region_id,
        before={"user": grant.user.username, "region": grant.region_id, "role": grant.role},
    )
    grant.delete()
    forget_grants(grant.user)


@transaction.atomic
def issue_token(*, actor: User | None, user: User) -> str:
    """A new API token for `user`; any earlier one stops working."""
    if actor is None or actor.pk != user.pk:
        _ensure_manageable(actor, user)
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record(actor=actor, action="accounts.issue_token", obj=user, region_code=home_region(user))
    return token.key
