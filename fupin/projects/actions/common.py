"""What the projects' actions share: audited fields, the scope checks' words and small
validations."""

from typing import Any

from django.utils.translation import gettext_lazy

from fupin.projects.models import Project

# A project changes only from where every covered village is in scope
# (`require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)`).
PROJECT_OUTSIDE = gettext_lazy("This project is outside the regions you may change.")
# A linked record (a household, a member, a partner) the actor cannot see is refused in the same
# words as one that does not exist: its existence is not the actor's to learn.
NO_SUCH_RECORD = gettext_lazy("There is no such record in your regions.")

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
# A project's charter: the terms the form, the API and the import pass to the actions as
# they are (the name, the villages and the people around a project each come their own way).
CHARTER_FIELDS = [
    "product",
    "land_mu",
    "started_on",
    "share_price",
    "land_price",
    "reserve_percent",
    "collective_percent",
    "preferred_rate",
    "shortfall_rule",
    "note",
]
# What the project form and the API take: the charter and the project's name, villages, people.
PROJECT_INPUT_FIELDS = [
    "name",
    "type",
    "setup",
    "village_codes",
    "leaders",
    "organisation",
    "partners",
    *CHARTER_FIELDS,
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
# A purchase contract's terms: what its form and the API pass to the actions as they are.
CONTRACT_TERMS = [
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
CONTRACT_FIELDS = ["project", *CONTRACT_TERMS]


def check_fields(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def project_region(project: Project) -> str:
    return str(project.region_id)
