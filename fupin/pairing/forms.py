"""Forms of the pairing pages. They parse what was typed; the actions decide whether it may be
saved (their ValidationError comes back onto the form, field by field).

Helpers, households and poor members are typed, not picked from a list (a province has
hundreds of thousands): a party member by ID number, a household by village code and number.
The pages that lead to a form (the coverage page's unpaired list, a helper's page) fill them in.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.lib.forms import ActionModelForm, ScopedFormMixin, amount_field, label
from fupin.pairing.actions import MEASURE_FIELDS, PLAN_FIELDS
from fupin.pairing.choices import PairingKind, Skill
from fupin.pairing.models import Helper, HouseholdPlan, Measure, Visit
from fupin.pairing.solver import MAX_CAP
from fupin.party.models import Member
from fupin.registry.models import Household


def member_by_id_number(user: Any, value: str) -> Member:
    number = value.strip().upper()
    member = Member.objects.for_user(user).filter(id_number=number).first()
    if member is None:
        raise ValidationError(_("No party member with this ID number in the regions you see."))
    return member


def household_by_number(user: Any, village: str, number: str) -> Household:
    household = (
        Household.objects.for_user(user)
        .filter(village_id=village.strip(), number=number.strip())
        .first()
    )
    if household is None:
        raise ValidationError(
            _("No household %(number)s in village %(village)s in the regions you see.")
            % {"number": number.strip(), "village": village.strip()}
        )
    return household


def expertise_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label(Helper, "expertise"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def login_field() -> forms.CharField:
    return forms.CharField(
        label=_("Login (user name)"),
        max_length=150,
        required=False,
        help_text=_("The user who signs in as this helper to see their households."),
    )


class LoginMixin(ScopedFormMixin, forms.Form):
    """Turns the typed user name into the user (one the signed-in administrator sees)."""

    def clean_user(self) -> Any:
        name = self.cleaned_data.get("user", "").strip()
        if not name:
            return None
        found = self.scoped(User).filter(username=name).first()
        if found is None:
            raise ValidationError(_("No user “%(name)s” in the regions you see.") % {"name": name})
        return found


class HelperForm(LoginMixin):
    member = forms.CharField(
        label=_("ID number of the party member"),
        max_length=18,
        help_text=_("18 characters; the member becomes a helper."),
    )
    region_code = forms.CharField(
        label=_("Region of work (code)"),
        max_length=12,
        required=False,
        help_text=_(
            "A village, township, county or city (a cadre of a city organ helps in the whole "
            "city). Leave empty for the member's own village."
        ),
    )
    expertise = expertise_field()
    is_leader = forms.BooleanField(label=label(Helper, "is_leader"), required=False)
    user = login_field()

    def clean_member(self) -> Member:
        return member_by_id_number(self.user, self.cleaned_data["member"])


class HelperEditForm(LoginMixin):
    region_code = forms.CharField(label=_("Region of work (code)"), max_length=12)
    expertise = expertise_field()
    is_leader = forms.BooleanField(label=label(Helper, "is_leader"), required=False)
    active = forms.BooleanField(label=label(Helper, "active"), required=False)
    user = login_field()


class PairingForm(ScopedFormMixin, forms.Form):
    """A helper (by ID number) and a beneficiary: a household (village code and number) or a
    poor party member (ID number)."""

    helper = forms.CharField(
        label=_("ID number of the helper"), max_length=18, help_text=_("18 characters.")
    )
    village = forms.CharField(
        label=_("Village code of the household"), max_length=12, required=False
    )
    number = forms.CharField(label=_("Household number"), max_length=30, required=False)
    member = forms.CharField(
        label=_("Or: ID number of the poor party member"), max_length=18, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=PairingKind.choices)
    started_on = forms.DateField(label=_("Start date"))

    def clean_helper(self) -> Helper:
        member = member_by_id_number(self.user, self.cleaned_data["helper"])
        helper = self.scoped(Helper).filter(member=member).first()
        if helper is None:
            raise ValidationError(
                _("%(name)s is not registered as a helper.") % {"name": member.name}
            )
        return helper

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        village, number, member = (data.get(k, "").strip() for k in ("village", "number", "member"))
        data["household"] = None
        if member and (village or number):
            raise ValidationError(_("Give either a household or a poor party member, not both."))
        if member:
            try:
                data["member"] = member_by_id_number(self.user, member)
            except ValidationError as e:
                self.add_error("member", e)
        elif village and number:
            try:
                data["household"] = household_by_number(self.user, village, number)
            except ValidationError as e:
                self.add_error("number", e)
            data["member"] = None
        else:
            raise ValidationError(
                _("Give the household's village code and number, or the member's ID number.")
            )
        return data


class EndPairingForm(forms.Form):
    ended_on = forms.DateField(label=_("End date"))


class PlanForm(ActionModelForm):
    class Meta:
        model = HouseholdPlan
        fields = PLAN_FIELDS
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "responsibilities": forms.Textarea(attrs={"rows": 3}),
        }


class PlanCreateForm(ScopedFormMixin, PlanForm):
    village = forms.CharField(label=_("Village code of the household"), max_length=12)
    number = forms.CharField(label=_("Household number"), max_length=30)

    class Meta(PlanForm.Meta):
        fields = ["village", "number", *PLAN_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        village, number = data.get("village"), data.get("number")
        if village and number:
            try:
                data["household"] = household_by_number(self.user, village, number)
            except ValidationError as e:
                self.add_error("number", e)
        return data


class MeasureForm(ActionModelForm):
    cost = amount_field(Measure, "cost", min_value=0)

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS


class VisitForm(ActionModelForm):
    class Meta:
        model = Visit
        fields = ["visited_on", "done", "follow_ups"]
        widgets = {
            "done": forms.Textarea(attrs={"rows": 3}),
            "follow_ups": forms.Textarea(attrs={"rows": 2}),
        }


class CapRuleForm(forms.Form):
    region_code = forms.CharField(label=_("Region code"), max_length=12)
    primary_cap = forms.IntegerField(label=_("Primary cap"), min_value=1, max_value=MAX_CAP)
    leader_cap = forms.IntegerField(
        label=_("Primary cap of a leader"), min_value=1, max_value=MAX_CAP
    )
    secondary_cap = forms.IntegerField(label=_("Secondary cap"), min_value=0, max_value=MAX_CAP)


class ProposeForm(forms.Form):
    region = forms.CharField(widget=forms.HiddenInput, max_length=12)
    rebalance = forms.BooleanField(
        label=_("Rebalance (may change existing pairings)"), required=False
    )
