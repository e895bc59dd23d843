"""What a helper owns (DESIGN §3 rule 2, `scoping.register_owned`): the beneficiaries they are
currently paired with, those beneficiaries' household records, people and plans, their own
pairings and visits, and their own helper and member records. Nothing else of their region.

They read all of it and change only their visits and their households' plans and measures:
the registry, the member roster and their own helper record (whose leader flag sets their
cap) are the administrators'; so are the pairings, which the pairing actions keep for
administrators, but a helper records visits on theirs."""

from typing import Any

from django.db.models import Exists, OuterRef, Q

from fupin.accounts.scoping import register_owned


def _paired(user: Any, **beneficiary: Any) -> Exists:
    from fupin.pairing.models import Pairing

    return Exists(Pairing.objects.filter(helper__user=user, ended_on__isnull=True, **beneficiary))


def register() -> None:
    from fupin.pairing.models import Helper, HouseholdPlan, Measure, Pairing, Visit
    from fupin.party.models import Member
    from fupin.registry.models import Household, Person

    register_owned(Helper, lambda user: Q(user=user))
    # Changing a pairing is the administrators' (the actions say so); owning it with change
    # lets its helper record visits on it.
    register_owned(Pairing, lambda user: Q(helper__user=user), change=True)
    register_owned(Visit, lambda user: Q(helper__user=user), change=True)
    register_owned(Household, lambda user: Q(_paired(user, household=OuterRef("pk"))))
    register_owned(Person, lambda user: Q(_paired(user, household=OuterRef("household"))))
    register_owned(
        HouseholdPlan,
        lambda user: Q(_paired(user, household=OuterRef("household"))),
        change=True,
    )
    register_owned(
        Measure, lambda user: Q(_paired(user, household=OuterRef("plan__household"))), change=True
    )
    register_owned(
        Member, lambda user: Q(_paired(user, member=OuterRef("pk"))) | Q(helper__user=user)
    )
