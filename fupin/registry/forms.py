"""Forms of the registry pages. They parse what was typed; the actions decide whether it may be
saved (their ValidationError comes back onto the form, field by field)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from fupin.lib.forms import (
    ActionModelForm,
    amount_field,
    birth_date_from_id_field,
    label,
    sex_from_id_field,
    year_field,
)
from fupin.registry.actions import EDITABLE_HOUSEHOLD_FIELDS, PERSON_FIELDS
from fupin.registry.choices import Sex, Status
from fupin.registry.models import Household, IncomeRecord, Person


class HouseholdEditForm(ActionModelForm):
    arable_land = amount_field(Household, "arable_land", required=False, min_value=0)
    registered_in = year_field(label=label(Household, "registered_in"))

    class Meta:
        model = Household
        # The fields the actions accept, in the order of the registration form.
        fields = EDITABLE_HOUSEHOLD_FIELDS

    def clean_arable_land(self) -> Decimal:
        return self.cleaned_data.get("arable_land") or Decimal(0)


class HouseholdForm(HouseholdEditForm):
    village = forms.CharField(
        label=_("Village code"),
        max_length=12,
        help_text=_("The 12-digit statistical code of the village."),
    )

    class Meta(HouseholdEditForm.Meta):
        fields = ["village", *HouseholdEditForm.Meta.fields]


class PersonForm(ActionModelForm):
    sex = sex_from_id_field(Person, Sex.choices)
    birth_date = birth_date_from_id_field(Person)
    work_months = forms.IntegerField(
        label=label(Person, "work_months"), min_value=0, max_value=12, initial=0
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        help_texts = {"id_number": _("18 characters; the sex and birth date are read from it.")}


class StatusForm(forms.Form):
    year = year_field(label=_("Year"))
    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in Status.choices if c[0] != Status.POOR]
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    approved_by = forms.CharField(label=_("Approved by"), max_length=100, required=False)


class IncomeForm(forms.Form):
    year = year_field(label=_("Year"))
    wage = amount_field(IncomeRecord, "wage", required=False)
    production = amount_field(IncomeRecord, "production", required=False)
    property_income = amount_field(IncomeRecord, "property_income", required=False)
    transfer = amount_field(IncomeRecord, "transfer", required=False)
    costs = amount_field(IncomeRecord, "costs", required=False)
