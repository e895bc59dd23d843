"""Forms of the project pages. They parse what was typed; the actions decide whether it may be
saved (their ValidationError comes back onto the form, field by field).

Villages are typed as codes, leaders as ID numbers, partners as credit codes or names, and
households as village code and number: a province holds too many of each for a picker.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.forms import (
    MAX_DIGITS,
    ActionModelForm,
    RegionCodesField,
    ScopedFormMixin,
    amount_field,
    label,
    year_field,
)
from fupin.party.models import Member, Organisation
from fupin.projects.actions.common import CHARTER_FIELDS, CONTRACT_TERMS, PROJECT_INPUT_FIELDS
from fupin.projects.choices import Asset
from fupin.projects.models import (
    Delivery,
    Investment,
    Participant,
    Partner,
    Project,
    ProjectYear,
    PurchaseContract,
    ShareEntry,
)
from fupin.registry.models import Household, Person

# The fields of a project the form passes to create_project/update_project as they are.
PROJECT_FIELDS = ["name", "type", "setup", *CHARTER_FIELDS]
PARTNER_FIELDS = ["kind", "name", "credit_code", "industry", "contact", "phone"]
CONTRACT_FIELDS = CONTRACT_TERMS


def lines(text: str) -> list[str]:
    """What was typed one a line (or separated by commas), without blanks."""
    return [part.strip() for part in text.splitlines() for part in part.split(",") if part.strip()]


def codes_field(**kwargs: Any) -> RegionCodesField:
    kwargs.setdefault("label", _("Villages (codes)"))
    kwargs.setdefault(
        "help_text", _("The 12-digit statistical codes of the villages it covers, one a line.")
    )
    return RegionCodesField(**kwargs)


def percent_field(model: type[Any], name: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label(model, name), max_digits=5, decimal_places=2, min_value=0, max_value=100
    )


class ProjectForm(ScopedFormMixin, ActionModelForm):
    village_codes = codes_field()
    leaders = forms.CharField(
        label=_("Leading party members (ID numbers)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("18-character ID numbers of the party members who lead it, one a line."),
    )
    organisation = forms.CharField(
        label=_("Party organisation (name)"),
        max_length=100,
        required=False,
        help_text=_("The party organisation that runs it, by its full name."),
    )
    partners = forms.CharField(
        label=_("Partners (credit codes or names)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Leading enterprises by credit code, industry households by name; one a line."),
    )
    land_mu = amount_field(Project, "land_mu", min_value=0)
    share_price = amount_field(Project, "share_price")
    land_price = amount_field(Project, "land_price", min_value=0)
    reserve_percent = percent_field(Project, "reserve_percent")
    collective_percent = percent_field(Project, "collective_percent")
    preferred_rate = percent_field(Project, "preferred_rate")

    class Meta:
        model = Project
        fields = PROJECT_INPUT_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean_leaders(self) -> list[Member]:
        numbers = [n.upper() for n in lines(self.cleaned_data.get("leaders", ""))]
        found = {m.id_number: m for m in self.scoped(Member).filter(id_number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError(
                _("No party member with the ID number %(numbers)s in the regions you see.")
                % {"numbers": "、".join(missing)}
            )
        return [found[n] for n in dict.fromkeys(numbers)]

    def clean_organisation(self) -> Organisation | None:
        name = self.cleaned_data.get("organisation", "").strip()
        if not name:
            return None
        found = list(
            self.scoped(Organisation).filter(name=name, closed_on__isnull=True).order_by("pk")[:2]
        )
        if not found:
            raise ValidationError(
                _("No open party organisation named “%(name)s” in the regions you see.")
                % {"name": name}
            )
        if len(found) > 1:
            raise ValidationError(
                _("Several party organisations are named “%(name)s”.") % {"name": name}
            )
        return found[0]

    def clean_partners(self) -> list[Partner]:
        wanted = lines(self.cleaned_data.get("partners", ""))
        seen = self.scoped(Partner)
        partners: list[Partner] = []
        for text in wanted:
            matches = list(
                seen.filter(Q(credit_code=text.upper()) | Q(name=text)).order_by("pk")[:2]
            )
            if not matches:
                raise ValidationError(
                    _("No partner “%(name)s” in the regions you see.") % {"name": text}
                )
            if len(matches) > 1:
                raise ValidationError(
                    _("Several partners are named “%(name)s”: give the credit code.")
                    % {"name": text}
                )
            if matches[0] not in partners:
                partners.append(matches[0])
        return partners

    @staticmethod
    def initial_for(project: Project) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(project, name) for name in PROJECT_FIELDS}
        initial["village_codes"] = list(
            project.coverage.order_by("region_id").values_list("region_id", flat=True)
        )
        initial["leaders"] = "\n".join(
            project.leaders.order_by("pk").values_list("id_number", flat=True)
        )
        initial["organisation"] = project.organisation.name if project.organisation else ""
        initial["partners"] = "\n".join(
            p.credit_code or p.name for p in project.partners.order_by("pk")
        )
        return initial


class AdvanceForm(forms.Form):
    done_on = forms.DateField(label=_("Date"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class InvestmentForm(ActionModelForm):
    amount = amount_field(Investment, "amount")

    class Meta:
        model = Investment
        fields = ["source", "amount", "invested_on"]


class ProjectYearForm(ActionModelForm):
    year = year_field(label=label(ProjectYear, "year"))
    output_value = amount_field(ProjectYear, "output_value", min_value=0)
    wages_paid = amount_field(ProjectYear, "wages_paid", min_value=0)

    class Meta:
        model = ProjectYear
        fields = ["year", "output_value", "jobs", "wages_paid"]


class PartnerForm(ActionModelForm):
    region_code = forms.CharField(
        label=_("Region (code)"),
        max_length=12,
        help_text=_("Where it is based: the code of its village, township or county."),
    )
    village_codes = codes_field(
        label=_("Villages served (codes)"),
        required=False,
        help_text=_("The 12-digit codes of the villages it serves, one a line."),
    )

    class Meta:
        model = Partner
        fields = [*PARTNER_FIELDS[:3], "region_code", *PARTNER_FIELDS[3:], "village_codes"]

    @staticmethod
    def initial_for(partner: Partner) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(partner, name) for name in PARTNER_FIELDS}
        initial["region_code"] = partner.region_id
        initial["village_codes"] = list(
            partner.villages.order_by("code").values_list("code", flat=True)
        )
        return initial


class ParticipantForm(ScopedFormMixin, forms.Form):
    """A registered household (village code and number), a registered person (ID number), or
    anyone else by name and village (a non-poor villager, the village collective)."""

    village = forms.CharField(label=_("Village code"), max_length=12, required=False)
    number = forms.CharField(label=_("Household number"), max_length=30, required=False)
    id_number = forms.CharField(
        label=_("Or: ID number of a registered person"), max_length=18, required=False
    )
    name = forms.CharField(
        label=_("Or: name (someone not registered)"),
        max_length=100,
        required=False,
        help_text=_("With the village code above; leave empty for a registered household."),
    )
    is_shareholder = forms.BooleanField(label=label(Participant, "is_shareholder"), required=False)
    is_worker = forms.BooleanField(label=label(Participant, "is_worker"), required=False)
    is_trainee = forms.BooleanField(label=label(Participant, "is_trainee"), required=False)
    joined_on = forms.DateField(label=label(Participant, "joined_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        village = data.get("village", "").strip()
        number = data.get("number", "").strip()
        id_number = data.get("id_number", "").strip().upper()
        name = data.get("name", "").strip()
        data.update(household=None, person=None, region_code="", name=name)
        if id_number:
            person = (
                self.scoped(Person).select_related("household").filter(id_number=id_number).first()
            )
            if person is None:
                self.add_error(
                    "id_number",
                    _("No registered person with this ID number in the regions you see."),
                )
            else:
                data.update(person=person, household=person.household)
        elif village and number:
            household = self.scoped(Household).filter(village_id=village, number=number).first()
            if household is None:
                self.add_error(
                    "number",
                    _("No household %(number)s in village %(village)s in the regions you see.")
                    % {"number": number, "village": village},
                )
            else:
                data["household"] = household
        elif village and name:
            data["region_code"] = village
        else:
            raise ValidationError(
                _(
                    "Give a household (village code and number), a registered person's ID number, "
                    "or a name with its village code."
                )
            )
        for key in ("village", "number", "id_number"):
            data.pop(key, None)
        return data


class ParticipantEditForm(forms.Form):
    name = forms.CharField(label=label(Participant, "name"), max_length=100)
    is_shareholder = forms.BooleanField(label=label(Participant, "is_shareholder"), required=False)
    is_worker = forms.BooleanField(label=label(Participant, "is_worker"), required=False)
    is_trainee = forms.BooleanField(label=label(Participant, "is_trainee"), required=False)
    joined_on = forms.DateField(label=label(Participant, "joined_on"))
    left_on = forms.DateField(label=label(Participant, "left_on"), required=False)


class ContributionForm(forms.Form):
    asset = forms.ChoiceField(label=label(ShareEntry, "asset"), choices=Asset.choices)
    dated_on = forms.DateField(label=label(ShareEntry, "dated_on"))
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=MAX_DIGITS,
        decimal_places=2,
        required=False,
        help_text=_("For assistance funds and cash."),
    )
    land_mu = forms.DecimalField(
        label=label(ShareEntry, "land_mu"),
        max_digits=MAX_DIGITS,
        decimal_places=2,
        required=False,
        help_text=_("For land: valued at the charter's price per mu."),
    )
    preferred = forms.BooleanField(
        label=_("Preferred shares (for a poor household)"), required=False
    )
    note = forms.CharField(label=label(ShareEntry, "note"), max_length=200, required=False)


def shares_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=label(ShareEntry, "shares"), max_digits=MAX_DIGITS, decimal_places=2
    )


class TransferForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("To (participant of the same project)"), queryset=Participant.objects.none()
    )
    shares = shares_field()
    dated_on = forms.DateField(label=label(ShareEntry, "dated_on"))
    preferred = forms.BooleanField(label=_("Preferred shares"), required=False)
    note = forms.CharField(label=label(ShareEntry, "note"), max_length=200, required=False)

    def __init__(self, *args: Any, participants: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = participants  # type: ignore[attr-defined]


class WithdrawalForm(forms.Form):
    shares = shares_field()
    dated_on = forms.DateField(label=label(ShareEntry, "dated_on"))
    preferred = forms.BooleanField(label=_("Preferred shares"), required=False)
    note = forms.CharField(label=label(ShareEntry, "note"), max_length=200, required=False)


class ParticipantIncomeForm(forms.Form):
    year = year_field(label=_("Year"))
    wages = forms.DecimalField(
        label=_("Wages (yuan)"), max_digits=MAX_DIGITS, decimal_places=2, min_value=0
    )
    other = forms.DecimalField(
        label=_("Other income (yuan)"), max_digits=MAX_DIGITS, decimal_places=2, min_value=0
    )


class ContractForm(ActionModelForm):
    quantity = amount_field(PurchaseContract, "quantity")
    price = amount_field(PurchaseContract, "price", min_value=0)

    class Meta:
        model = PurchaseContract
        fields = CONTRACT_FIELDS


class DeliveryForm(ActionModelForm):
    quantity = amount_field(Delivery, "quantity")
    amount = amount_field(Delivery, "amount", min_value=0)

    class Meta:
        model = Delivery
        fields = ["delivered_on", "quantity", "amount"]
