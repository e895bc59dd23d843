"""What a helper owns (DESIGN §3 rule 2, `scoping.register_owned`): the beneficiaries they are
currently paired with, those beneficiaries' household records, people and plans, their own
pairings and visits, and their own helper and member records. Nothing else of their region."""

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
    register_owned(Pairing, lambda user: Q(helper__user=user))
    register_owned(Visit, lambda user: Q(helper__user=user))
    register_owned(Household, lambda user: Q(_paired(user, household=OuterRef("pk"))))
    register_owned(Person, lambda user: Q(_paired(user, household=OuterRef("household"))))
    register_owned(HouseholdPlan, lambda user: Q(_paired(user, household=OuterRef("household"))))
    register_owned(Measure, lambda user: Q(_paired(user, household=OuterRef("plan__household"))))
    register_owned(
        Member, lambda user: Q(_paired(user, member=OuterRef("pk"))) | Q(helper__user=user)
    )
