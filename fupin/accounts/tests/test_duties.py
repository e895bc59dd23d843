"""Four eyes (fupin.accounts.duties): which earlier step keeps a user from the next one, by
the province's separation; the operator is outside the rule. The steps themselves are tested
where they are taken (the dividend runs and the pairing proposals, by action, page and API)."""

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from fupin.accounts.duties import (
    SameUser,
    Separation,
    earlier_step_of,
    refusal,
    require_another_user,
    separation,
)
from fupin.testing import COUNTY_A, VILLAGE_A, Cast

PROPOSED, APPROVED = "proposed it", "approved it"


def test_it_is_strict_unless_the_province_says_otherwise(settings: Any) -> None:
    settings.DUTY_SEPARATION = {}
    assert separation(VILLAGE_A) == Separation.STRICT
    settings.DUTY_SEPARATION = {"51": "proposer", "52": "strict"}
    assert separation(VILLAGE_A) == separation("51") == Separation.PROPOSER
    assert separation("520102") == Separation.STRICT
    settings.DUTY_SEPARATION = {"51": "lenient"}
    with pytest.raises(ImproperlyConfigured, match="DUTY_SEPARATION"):
        separation(VILLAGE_A)


def test_it_keeps_every_earlier_step_apart_when_strict(cast: Cast, settings: Any) -> None:
    settings.DUTY_SEPARATION = {}
    proposer, approver = cast.county_a_admin, cast.province_admin
    steps = [(proposer.pk, PROPOSED), (approver.pk, APPROVED)]
    assert refusal(proposer, COUNTY_A, steps) == PROPOSED
    assert refusal(approver, COUNTY_A, steps) == APPROVED
    assert refusal(cast.village_a_secretary, COUNTY_A, steps) == ""
    with pytest.raises(SameUser, match=APPROVED) as refused:
        require_another_user(approver, COUNTY_A, steps)
    assert isinstance(refused.value, PermissionDenied)  # a 403 on pages and the API
    require_another_user(cast.village_a_secretary, COUNTY_A, steps)


def test_it_keeps_only_the_proposer_apart_when_the_province_says_so(
    cast: Cast, settings: Any
) -> None:
    settings.DUTY_SEPARATION = {"51": "proposer"}
    proposer, approver = cast.county_a_admin, cast.province_admin
    steps = [proposer.pk, approver.pk]
    assert earlier_step_of(proposer, COUNTY_A, steps) == 0
    assert earlier_step_of(approver, COUNTY_A, steps) is None


def test_it_leaves_the_operator_and_deleted_users_outside(cast: Cast) -> None:
    # The operator's command acts as no user; a step whose user was deleted is nobody's.
    assert earlier_step_of(None, COUNTY_A, [None, cast.county_a_admin.pk]) is None
    assert earlier_step_of(cast.county_a_admin, COUNTY_A, [None, None]) is None
