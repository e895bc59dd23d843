"""The generic edit and delete views of fupin/lib/views.py, the buttons (`permitted_actions`)
and the choice lists (`restrict_form_fields`), on the registry's households."""

from typing import Any

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from fupin.lib.forms import restrict_form_fields
from fupin.lib.views import ObjectEditView, action_nowhere, permitted_actions
from fupin.projects.models import DividendRun
from fupin.registry.models import Household
from fupin.testing import VILLAGE_A, VILLAGE_B, build_registry_sample


def household_in(village: str) -> Household:
    return Household.objects.get(village_id=village, number="S001")


def move_to_village_b(*, actor: Any, household: Household) -> Household:
    """An action gone wrong: it moves the record out of the actor's subtree."""
    Household.objects.filter(pk=household.pk).update(village_id=VILLAGE_B)
    return Household.objects.get(pk=household.pk)


class MoveView(ObjectEditView):
    queryset = Household.objects.all()
    form_class = forms.Form
    action = move_to_village_b
    object_arg = "household"


def post(user: Any, view: Any, **kwargs: Any) -> Any:
    request = RequestFactory().post("/", {})
    request.user = user
    request.session = {}  # type: ignore[assignment]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return view.as_view()(request, **kwargs)


def test_it_rolls_back_an_edit_that_leaves_the_record_outside_the_users_scope(cast):
    build_registry_sample()
    household = household_in(VILLAGE_A)
    response = post(cast.village_a_secretary, MoveView, pk=household.pk)
    assert response.status_code == 200  # the form again, with the refusal
    assert response.context_data["form"].non_field_errors()
    household.refresh_from_db()
    assert household.village_id == VILLAGE_A
    # From above both villages the same edit is saved.
    assert post(cast.province_admin, MoveView, pk=household.pk).status_code == 302
    household.refresh_from_db()
    assert household.village_id == VILLAGE_B


def test_it_answers_404_for_a_record_outside_the_scope_of_an_edit(cast):
    from django.http import Http404

    build_registry_sample()
    with pytest.raises(Http404):
        post(cast.county_b_admin, MoveView, pk=household_in(VILLAGE_A).pk)


def test_it_fills_the_buttons_from_the_scope_and_asks_only_when_read(
    cast, django_assert_num_queries
):
    build_registry_sample()
    household = household_in(VILLAGE_A)
    with django_assert_num_queries(0):
        permitted = permitted_actions(cast.county_b_admin, household)
    assert dict(permitted) == {"change": False, "delete": False}
    assert permitted_actions(cast.county_a_admin, household)["change"]
    assert not permitted_actions(cast.auditor, household)["delete"]
    with pytest.raises(KeyError):
        permitted["fly"]


def test_it_restricts_every_choice_list_to_the_users_scope(cast):
    build_registry_sample()

    class PickForm(forms.Form):
        household = forms.ModelChoiceField(queryset=Household.objects.all())
        households = forms.ModelMultipleChoiceField(queryset=Household.objects.all())
        kind = forms.ChoiceField(choices=[("a", "a")])

    form = PickForm()
    restrict_form_fields(form, cast.county_b_admin)
    for name in ("household", "households"):
        shown = set(form.fields[name].queryset.values_list("village_id", flat=True))
        assert shown == {VILLAGE_B}, name
    restrict_form_fields(form, cast.auditor, "change")
    assert not form.fields["household"].queryset.exists()


def test_it_knows_a_role_without_the_action_anywhere_also_through_the_owning_record(cast):
    # A helper's grant reaches their own households, never a project, so never a run.
    assert action_nowhere(cast.helper, DividendRun, "view")
    assert action_nowhere(cast.auditor, DividendRun, "change")
    assert not action_nowhere(cast.auditor, DividendRun, "view")
    assert not action_nowhere(cast.county_a_admin, DividendRun, "change")
