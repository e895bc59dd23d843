"""What the projects' actions share: audited fields, the scope checks and small validations."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import OutOfScope
from fupin.projects.models import Project

PROJECT_FIELDS = [
    "name",
    "type",
    "setup",
    "region",
    "organisation",
    "product",
    "land_mu",
    "started_on",
    "stage",
    "share_price",
    "land_price",
    "reserve_percent",
    "collective_percent",
    "preferred_rate",
    "shortfall_rule",
    "note",
]
PARTNER_FIELDS = ["kind", "name", "credit_code", "region", "industry", "contact"]
PARTICIPANT_FIELDS = [
    "project",
    "household",
    "person",
    "name",
    "region",
    "is_poor",
    "is_shareholder",
    "is_worker",
    "is_trainee",
    "joined_on",
    "left_on",
]
ENTRY_FIELDS = [
    "project",
    "participant",
    "kind",
    "asset",
    "land_mu",
    "value",
    "shares",
    "preferred",
    "dated_on",
    "note",
]
RUN_FIELDS = [
    "project",
    "period_start",
    "period_end",
    "status",
    "profit",
    "reserve",
    "reserve_drawn",
    "collective",
    "preferred_total",
    "ordinary_total",
    "shortfall",
    "reverses",
]
CONTRACT_FIELDS = [
    "project",
    "buyer",
    "buyer_place",
    "product",
    "quantity",
    "unit",
    "price",
    "starts_on",
    "ends_on",
    "status",
]


def check_fields(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def may_change(actor: Any, project: Project) -> None:
    """Refuse unless `actor` may change `project` (every covered village in their subtree)."""
    if actor is None:
        return
    if not Project.objects.for_user(actor, Action.CHANGE).filter(pk=project.pk).exists():
        raise OutOfScope(_("This project is outside the regions you may change."))


def may_see(actor: Any, obj: models.Model, field: str) -> None:
    """Refuse a linked record (a household, a member, a partner) the actor cannot see, in the
    same words as one that does not exist: its existence is not the actor's to learn."""
    manager: Any = type(obj)._default_manager
    if actor is not None and not manager.for_user(actor).filter(pk=obj.pk).exists():
        raise ValidationError({field: _("There is no such record in your regions.")})


def project_region(project: Project) -> str:
    return str(project.region_id)
