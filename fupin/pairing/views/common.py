"""What the pairing's pages share: who may pair where, the form base, the table mixin."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers
from fupin.lib.views import ActionFormView, changes_somewhere
from fupin.pairing import checks
from fupin.pairing.models import Helper, HouseholdPlan, Pairing, Visit

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).


REASONS = {
    "no_helper_in_reach": gettext_lazy("No helper within reach"),
    "helpers_at_cap": gettext_lazy("All helpers within reach are at their cap"),
}
PER_PAGE = 50


def changeable(user: Any, obj: Model) -> bool:
    """Whether `user` may change `obj` (through its model's scope, helpers' ownership too)."""
    manager: Any = type(obj)._default_manager
    return bool(manager.for_user(user, Action.CHANGE).filter(pk=obj.pk).exists())


def pairs_in(user: Any, code: str) -> bool:
    """Whether `user` may pair in the region `code` (an administrator of it)."""
    return covers(user, code, Action.CHANGE)


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


def page_of(request: HttpRequest, rows: Any, name: str) -> Page:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(name))


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


class PairingFormView(ActionFormView):
    """A form about one record (the URL's pk, looked up through the CHANGE scope, so 404
    outside it); `allowed` refuses with 403 what the scope lets through but the role may not."""

    scope_action = Action.CHANGE
    cancel: str = ""

    def get_object(self) -> Model:
        obj = super().get_object()
        if not self.allowed(obj):
            raise PermissionDenied(_("Your role does not allow this page."))
        return obj

    def allowed(self, obj: Any) -> bool:
        return True

    def cancel_url(self) -> str:
        if self.object is not None:
            return str(self.object.get_absolute_url())
        return reverse(self.cancel) if self.cancel else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.cancel_url()
        return context


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
