"""The one place that decides which records a user may see or change (DESIGN §3 rule 2).

A user's grants give region codes; a record is in scope when its region code starts with one
of them. Base views and viewsets call `for_user`; app code never filters by permission itself.
Everything else speaks three verbs:

- `require(actor, obj, action)`: inside an action, re-read the record through the actor's scope
  and refuse (OutOfScope, so the transaction rolls back) when it is not there;
- `can(user, action, obj)`: the same question as a yes or no, for a record or a region code
  (which buttons a page shows, which rows a table links);
- `regions_in_scope(actor, codes, level=...)`: the regions a write names, refused with one
  clear message unless each exists, is at the level asked and lies in the actor's scope.

An actor None is an operator at the command line, who is not scoped. Whether a record's
personal data is shown unmasked is decided here too, per record (`sees_personal_data`).
"""

from collections.abc import Callable, Sequence
from functools import reduce
from operator import or_
from typing import Any, TypeVar, overload

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from fupin.accounts.roles import OWNED_ACTIONS, OWNER_ROLES, Action, allows
from fupin.regions.choices import CODE_LENGTH, Level
from fupin.regions.codes import is_digits, outermost, subtree_q
from fupin.regions.models import Region

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
    """Whether `user` may do `action` on the records of region `code` as a whole (owner grants
    do not count). Outside this module say `can(user, action, code)`, which asks this."""
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


def _covers_at_level(user: Any, code: str, action: Action, level: int) -> bool:
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


def _in_scope(user: Any, obj: models.Model, action: Action) -> bool:
    manager: Any = type(obj)._default_manager
    return bool(manager.for_user(user, action).filter(pk=obj.pk).exists())


def require(
    actor: Any, obj: models.Model, action: Action, *, message: str | Promise | None = None
) -> None:
    """Re-read `obj` through the actor's scope; raise OutOfScope (and so roll back) if it is
    not there. `message` says what is outside in the app's words ("This project ...").

    `actor` None is an operator at the command line, who is not scoped.
    """
    if actor is None or _in_scope(actor, obj, action):
        return
    raise OutOfScope(
        str(message) if message else _("This is outside the regions you are responsible for.")
    )


def can(user: Any, action: Action, obj: models.Model | str, *, level: int | None = None) -> bool:
    """Whether `user` may do `action` on `obj`.

    A record is asked through its model's scoped manager, so owners (a helper and their
    households) count. A region code (a str) asks whether `action` is allowed on the records of
    that region as a whole: what a region's administrator, secretary or auditor may do there;
    with `level`, only through a grant at that level or above (a township's review needs a
    township's or a county's user, not the village's own). `user` None is an operator at the
    command line, who may do everything.
    """
    if user is None:
        return True
    if isinstance(obj, str):
        if level is not None:
            return _covers_at_level(user, obj, action, level)
        return covers(user, obj, action)
    if level is not None:
        raise TypeError("can(..., level=) asks about a region code, not a record")
    return _in_scope(user, obj, action)


@overload
def regions_in_scope(
    actor: Any,
    codes: str,
    *,
    action: Action = Action.CHANGE,
    level: Level | None = None,
    field: str = "region",
) -> Region: ...


@overload
def regions_in_scope(
    actor: Any,
    codes: Sequence[str],
    *,
    action: Action = Action.CHANGE,
    level: Level | None = None,
    field: str = "region",
) -> list[Region]: ...


def regions_in_scope(
    actor: Any,
    codes: str | Sequence[str],
    *,
    action: Action = Action.CHANGE,
    level: Level | None = None,
    field: str = "region",
) -> Region | list[Region]:
    """The regions a write names, refused (a ValidationError on `field`) unless each exists, is
    at `level` (a village, say; None for any) and the actor may do `action` in it.

    One code (a str) gives its region. A list is cleaned (blanks dropped, each code once) and
    gives the regions in code order, [] for none: saying that a record needs one is the
    caller's. The messages name the unknown codes, or the regions out of scope (in the words
    of a write: "... is outside the regions you may change"); `field` is the form's or the
    API's field they are attached to.
    """
    single = isinstance(codes, str)
    wanted = (
        [codes] if isinstance(codes, str) else sorted({c.strip() for c in codes if c and c.strip()})
    )
    rows = Region.objects.filter(code__in=wanted)
    if level is not None:
        rows = rows.filter(level=level)
    found = {r.code: r for r in rows}
    village = level == Level.VILLAGE
    missing = [c for c in wanted if c not in found]
    if missing and single:
        raise ValidationError(
            {
                field: (
                    _("There is no village with code “%(code)s”.")
                    if village
                    else _("There is no region with code “%(code)s”.")
                )
                % {"code": missing[0]}
            }
        )
    if missing:
        raise ValidationError(
            {
                field: (
                    _("There is no village with code %(codes)s.")
                    if village
                    else _("There is no region with code %(codes)s.")
                )
                % {"codes": "、".join(missing)}
            }
        )
    outside = [found[c] for c in wanted if not can(actor, action, c)]
    if outside and single:
        region = outside[0]
        raise ValidationError(
            {
                field: (
                    _("%(village)s is outside the regions you may change.")
                    % {"village": region.name}
                    if village
                    else _("%(region)s is outside the regions you may change.")
                    % {"region": region.name}
                )
            }
        )
    if outside:
        raise ValidationError(
            {
                field: _("%(regions)s is outside the regions you may change.")
                % {"regions": "、".join(r.name for r in outside)}
            }
        )
    return found[codes] if isinstance(codes, str) else [found[c] for c in wanted]


# --- personal data ---------------------------------------------------------------------------


def _personal_prefixes(user: Any) -> tuple[list[str] | None, list[str]]:
    """(codes where `user` sees every record's personal data, None for everywhere; codes where
    they see it on the records they own only)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return [], []
    if user.is_superuser:
        return None, []
    grants = [(c, r) for c, r in grants_of(user) if allows(r, Action.PERSONAL_DATA)]
    every = outermost({c for c, r in grants if r not in OWNER_ROLES})
    own = outermost({c for c, r in grants if r in OWNER_ROLES})
    if all(r in OWNER_ROLES for _c, r in grants_of(user)):
        # Someone who is only an owner (a helper) is shown nothing but their own records, so
        # what they are shown in their region they may read whole, with no query per record.
        return outermost({*every, *own}), []
    return every, own


def sees_personal_data(user: Any, obj: models.Model | None, code: str) -> bool:
    """Whether `user` sees the personal data (ID number, phone, bank account, birth date) of
    `obj`, a record whose person lives in region `code`, unmasked.

    A grant with the personal-data capability over `code` shows it, except an owner role's (a
    helper's), which shows it only on records the user owns (`register_owned`): someone who is
    an auditor of a county and a helper in one of its villages reads the village's other
    households as an auditor, masked. Without a user (a serializer with no request) it masks;
    without a record it answers as for one the user does not own.
    """
    every, own = _personal_prefixes(user)
    if every is None or any(code.startswith(p) for p in every):
        return True
    if obj is None or type(obj) not in _OWNED or not any(code.startswith(p) for p in own):
        return False
    owned_by = _OWNED[type(obj)][0]
    manager: Any = type(obj)._default_manager
    return bool(manager.filter(pk=obj.pk).filter(owned_by(user)).exists())


def personal_data_q(user: Any, model: type[models.Model]) -> Q:
    """The rows of `model` whose personal data `user` sees unmasked, as a filter: a search by ID
    number matches only there, or trying numbers would read the masked digits back."""
    every, own = _personal_prefixes(user)
    if every is None:
        return Q()
    field: str = model.scope_field  # type: ignore[attr-defined]
    rows = prefix_q(field, every)
    if own and model in _OWNED:
        rows |= prefix_q(field, own) & _OWNED[model][0](user)
    return rows
