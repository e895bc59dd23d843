"""What the pairing's pages share: who may pair where, the table mixin (the forms are
`ObjectEditView` / `ObjectDeleteView` declarations of fupin/lib/views.py)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can
from fupin.lib.views import changes_somewhere
from fupin.pairing import checks
from fupin.pairing.models import Helper, HouseholdPlan, Pairing, Visit

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).


REASONS = {
    "no_helper_in_reach": gettext_lazy("No helper within reach"),
    "helpers_at_cap": gettext_lazy("All helpers within reach are at their cap"),
}


def pairs_in(user: Any, code: str) -> bool:
    """Whether `user` may pair in the region `code` (an administrator of it)."""
    return can(user, Action.CHANGE, code)


def unvisited_ids(pairings: QuerySet[Pairing]) -> set[int]:
    return set(checks.unvisited(pairings).values_list("pk", flat=True))


def last_visit() -> Subquery:
    """The date of the pairing's helper's last visit to its beneficiary (a subquery)."""
    visits = Visit.objects.filter(helper=OuterRef("helper")).filter(
        # The beneficiary is a household or a member: compare the one the pairing has
        # (NULL = NULL would match nothing).
        Q(household__isnull=False, household=OuterRef("household"))
        | Q(member__isnull=False, member=OuterRef("member"))
    )
    return Subquery(visits.order_by("-visited_on", "-pk").values("visited_on")[:1])


class AdministratorsOnly:
    """Pages only an administrator (someone who changes records of some region) may open: a
    helper, a reader or an auditor gets a 403 before the form. (Asked of the helper records:
    a helper changes their own pairings, plans and visits, but no helper record.)"""

    request: HttpRequest

    def check_role(self) -> None:
        super().check_role()  # type: ignore[misc]
        if self.request.user.is_authenticated and not changes_somewhere(
            self.request.user, Helper.objects
        ):
            raise PermissionDenied(_("Your role does not allow this page."))


class UserTableMixin:
    request: HttpRequest

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}


# Helpers ------------------------------------------------------------------------------------


def current_plan(user: Any, household_id: int | None) -> HouseholdPlan | None:
    if household_id is None:
        return None
    plans = HouseholdPlan.objects.for_user(user).filter(household_id=household_id)
    return plans.order_by("-year").first()


def head_of(household: Any) -> str:
    if household is None:
        return ""
    head = household.members.filter(relation="head").order_by("id").first()
    return head.name if head else ""


def mine(user: Any) -> bool:
    return Helper.objects.filter(user=user).exists()
