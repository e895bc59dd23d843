"""The one place that decides which records a user may see or change (DESIGN §3 rule 2).

A user's grants give region codes; a record is in scope when its region code starts with one
of them. Base views and viewsets call `for_user`; app code never filters by permission itself.
"""

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from fupin.accounts.roles import OWNED_ACTIONS, OWNER_ROLES, Action, allows
from fupin.regions.choices import CODE_LENGTH, Level
from fupin.regions.codes import is_digits, outermost, subtree_q
from fupin.regions.models import Region

if TYPE_CHECKING:
    from fupin.accounts.models import User

M = TypeVar("M", bound=models.Model)

# The queries a request makes are many; the grants of its user are few and fixed.
_CACHE_ATTR = "_fupin_grants"


def grants_of(user: Any) -> list[tuple[str, str]]:
    """(region code, role) pairs of a signed-in user, read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(user.grants.values_list("region_id", "role"))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached grants after they changed (the actions that change grants call this)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def prefixes(user: Any, action: Action) -> list[str] | None:
    """Region-code prefixes where `user` may do `action` on every record; None means
    everywhere (superuser). Grants of owner roles (a helper) count only for their own records
    (`owner_prefixes`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser:
        return None
    owned_only = action in OWNED_ACTIONS
    return outermost(
        {
            code
            for code, role in grants_of(user)
            if allows(role, action) and not (owned_only and role in OWNER_ROLES)
        }
    )


def owner_prefixes(user: Any, action: Action) -> list[str]:
    """Region-code prefixes where `user` may do `action` on the records they own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if user.is_superuser or action not in OWNED_ACTIONS:
        return []
    return outermost(
        {code for code, role in grants_of(user) if role in OWNER_ROLES and allows(role, action)}
    )


# Model -> the rows a user owns, as a filter, and whether owning them allows changing them.
# The app that knows what "own" means registers it (the pairing app: a helper reads their
# households and changes their plans and visits); scoping knows no domain.
_OWNED: dict[type[models.Model], tuple[Callable[[Any], Q], bool]] = {}


def register_owned(
    model: type[models.Model], owned_by: Callable[[Any], Q], *, change: bool = False
) -> None:
    _OWNED[model] = (owned_by, change)


def _owned_filter(model: type[models.Model], action: Action) -> Callable[[Any], Q] | None:
    owned_by, change = _OWNED.get(model, (None, False))
    return owned_by if action == Action.VIEW or change else None


def covers(user: Any, code: str, action: Action) -> bool:
    scope = prefixes(user, action)
    return scope is None or any(code.startswith(p) for p in scope)


def region_in_scope(user: Any, code: str, action: Action = Action.VIEW) -> str | None:
    """The region a per-region page should show: `code` if the user may, the top of their
    scope when `code` is empty, None when it is outside (the caller answers 404)."""
    scope = prefixes(user, action)
    if not code:
        if scope is None:
            return min(Region.objects.filter(level=1).values_list("code", flat=True), default=None)
        return scope[0] if scope else None
    if not is_digits(code) or not covers(user, code, action):
        return None
    return code if Region.objects.filter(code=code).exists() else None


def prefix_q(field: str, scope: list[str]) -> Q:
    """Rows whose region code `field` lies under one of the codes in `scope`."""
    if not scope:
        return Q(pk__in=[])
    return reduce(or_, (subtree_q(field, p) for p in scope))


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that knows its model's region field (`Model.scope_field`)."""

    def for_user(self, user: Any, action: Action = Action.VIEW) -> "ScopedQuerySet[M]":
        scope = prefixes(user, action)
        if scope is None:
            return self
        own = owner_prefixes(user, action)
        owned_by = _owned_filter(self.model, action) if own else None
        if not scope and owned_by is None:
            return self.none()
        field: str = self.model.scope_field  # type: ignore[attr-defined]
        rows = prefix_q(field, scope)
        if owned_by is not None:
            rows |= prefix_q(field, own) & owned_by(user)
        qs = self.filter(rows)
        # A scope field across a to-many relation (a user's grants) would repeat rows.
        return qs.distinct() if "__" in field else qs


class SpanningQuerySet(ScopedQuerySet[M]):
    """Records that cover several regions (a park committee over villages of two counties).

    The model names its coverage rows (`Model.scope_relation`, a reverse foreign key whose
    model has a `scope_field`). A user sees the record when one covered region lies in their
    subtree, and may change it only when every covered region does: an organisation across
    two counties belongs to both, and only the level above both may reorganise it.
    """

    def for_user(self, user: Any, action: Action = Action.VIEW) -> "ScopedQuerySet[M]":
        scope = prefixes(user, action)
        if scope is None:
            return self
        if not scope:
            return self.none()
        relation: Any = self.model._meta.get_field(self.model.scope_relation)  # type: ignore[attr-defined]
        rows: Any = relation.related_model._default_manager.filter(
            **{relation.field.name: OuterRef("pk")}
        )
        inside = prefix_q(relation.related_model.scope_field, scope)
        qs = self.filter(Exists(rows.filter(inside)))
        if action != Action.VIEW:
            qs = qs.exclude(Exists(rows.exclude(inside)))
        return qs


def _model_at(model: type[models.Model], path: str) -> type[models.Model]:
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    return model


class ThroughQuerySet(ScopedQuerySet[M]):
    """Records that belong to another record (a project's participants, share entries and
    dividend runs): in scope exactly when that record is. The model names the path to it
    (`Model.scope_through`), whose own manager decides."""

    def for_user(self, user: Any, action: Action = Action.VIEW) -> "ScopedQuerySet[M]":
        scope = prefixes(user, action)
        if scope is None:
            return self
        if not scope and not owner_prefixes(user, action):
            # Visibly empty, so that pages answer a role without this action with a 403.
            return self.none()
        path: str = self.model.scope_through  # type: ignore[attr-defined]
        owner: Any = _model_at(self.model, path)._default_manager
        return self.filter(**{f"{path}__in": owner.for_user(user, action).values("pk")})


def covers_at_level(user: Any, code: str, action: Action, level: int) -> bool:
    """Whether `user` may do `action` at `code` through a grant at `level` or above (a
    township's review needs a township's or a county's user, not the village's own)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    longest = CODE_LENGTH[Level(level)]
    return any(
        code.startswith(grant)
        and len(grant) <= longest
        and allows(role, action)
        and role not in OWNER_ROLES
        for grant, role in grants_of(user)
    )


class ReferenceQuerySet(ScopedQuerySet[M]):
    """Reference data (poverty lines): every signed-in user reads it; writes stay scoped."""

    def for_user(self, user: Any, action: Action = Action.VIEW) -> "ScopedQuerySet[M]":
        if action == Action.VIEW and getattr(user, "is_authenticated", False):
            return self
        return super().for_user(user, action)


class OutOfScope(PermissionDenied):
    """A write that would leave the actor's subtree; raised inside the action's transaction."""


def ensure_in_scope(actor: "User | None", obj: models.Model, action: Action) -> None:
    """Re-read `obj` through the actor's scope; raise (and so roll back) if it fell outside.

    `actor` None is an operator at the command line, who is not scoped.
    """
    if actor is None:
        return
    manager: Any = type(obj)._default_manager
    if not manager.for_user(actor, action).filter(pk=obj.pk).exists():
        raise OutOfScope(_("This is outside the regions you are responsible for."))
