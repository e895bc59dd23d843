"""What the pairing's actions share: audited fields and the scope checks."""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers

if TYPE_CHECKING:
    pass

HELPER_FIELDS = ["member", "user", "region", "expertise", "is_leader", "active"]
PAIRING_FIELDS = ["helper", "household", "member", "region", "kind", "started_on", "ended_on"]
PLAN_FIELDS = [
    "year",
    "situation",
    "problems",
    "responsibilities",
    "exit_target",
    "exit_deadline",
    "main_need",
]
MEASURE_FIELDS = [
    "category",
    "description",
    "is_main",
    "cost",
    "responsible_unit",
    "deadline",
    "status",
]
VISIT_FIELDS = ["helper", "household", "member", "visited_on", "done", "follow_ups"]


def check_fields(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def sees(actor: Any, obj: Any) -> bool:
    return actor is None or type(obj).objects.for_user(actor).filter(pk=obj.pk).exists()


def may_pair_in(actor: Any, village_code: str) -> None:
    if actor is not None and not covers(actor, village_code, Action.CHANGE):
        raise ValidationError(_("Only an administrator of this village's region may pair here."))
