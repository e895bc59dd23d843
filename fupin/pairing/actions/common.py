"""What the pairing's actions share: audited fields and the scope checks."""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

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

# Pairing is an administrator's act: a helper or an auditor of the village is refused in these
# words (`can(actor, Action.CHANGE, village_code)`).
ONLY_ADMINISTRATORS_PAIR = gettext_lazy(
    "Only an administrator of this village's region may pair here."
)

# Four eyes (fupin.accounts.duties): who made a proposal does not apply it too.
MADE_IT = gettext_lazy("You made this pairing proposal; another user must apply it.")


def check_fields(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
