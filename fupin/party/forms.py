"""Forms of the party pages. They parse what was typed; the actions decide whether it may be
saved (their ValidationError comes back onto the form, field by field).

Covered regions are typed as codes (one a line, or separated by spaces or commas): simpler
than a picker over tens of thousands of villages, and the action names any code it refuses.
"""

from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Action
from fupin.lib.forms import (
    ActionModelForm,
    RegionCodesField,
    birth_date_from_id_field,
    label,
    restrict_form_fields,
    sex_from_id_field,
)
from fupin.party.actions import MEMBER_FIELDS, TAG_FIELDS
from fupin.party.choices import OrgKind, OrgLevel, Stage
from fupin.party.models import (
    MEMBER_STAGES,
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    ServiceLog,
)
from fupin.regions.codes import subtree_q
from fupin.registry.choices import Sex

# The form's fields of a member: the action's fields less where the member sits (the page).
MEMBER_FORM_FIELDS = [f for f in MEMBER_FIELDS if f not in ("organisation", "region")]


def covering(organisations: QuerySet[Organisation], code: str) -> QuerySet[Organisation]:
    """Organisations covering a region inside the subtree of `code`."""
    return organisations.filter(
        Exists(
            Coverage.objects.filter(subtree_q("region__code", code), organisation=OuterRef("pk"))
        )
    )


def parent_choices(user: Any, extra: int | None = None) -> QuerySet[Organisation]:
    """Open committees and general branches the user sees: the organisations others sit under.

    Branches are left out (a province holds tens of thousands of them, too many for a list);
    a group is added under its branch from that branch's page (`extra`, its pk).
    """
    open_ones = Organisation.objects.for_user(user, Action.VIEW).filter(closed_on__isnull=True)
    upper = open_ones.filter(level__in=[OrgLevel.COMMITTEE, OrgLevel.GENERAL_BRANCH])
    if extra is not None:
        upper = upper | open_ones.filter(pk=extra)
    return upper.order_by("region_id", "name")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region_id}）"


class OrganisationsField(forms.ModelMultipleChoiceField):
    """The organisations a reorganisation closes, each with its size."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(name)s (%(region)s, %(n)d members)")
            % {"name": obj.name, "region": obj.region_id, "n": getattr(obj, "member_count", 0)}
        )


def region_codes_field(**kwargs: Any) -> RegionCodesField:
    return RegionCodesField(
        label=_("Covered regions (codes)"),
        help_text=_(
            "Statistical codes of the villages (or townships, counties) it covers, one a line."
        ),
        **kwargs,
    )


# Organisations ------------------------------------------------------------------------------


class OrganisationForm(forms.ModelForm):
    region_codes = region_codes_field()
    parent = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=label(Organisation, "parent"),
    )

    class Meta:
        model = Organisation
        fields = ["name", "level", "kind", "region_codes", "parent", "founded_on"]
        fields += ["committee_members", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any, parent: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = self.instance.pk
        choices = parent_choices(user, extra=parent)
        self.fields["parent"].queryset = choices.exclude(pk=own) if own else choices  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass


class OrganisationEditForm(OrganisationForm):
    secretary = forms.ModelChoiceField(
        queryset=Member.objects.none(), required=False, label=label(Organisation, "secretary")
    )

    class Meta(OrganisationForm.Meta):
        fields = [*OrganisationForm.Meta.fields[:6], "secretary", *OrganisationForm.Meta.fields[6:]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Member.objects.filter(organisation=self.instance, stage__in=MEMBER_STAGES)
        self.fields["secretary"].queryset = members.order_by("name")  # type: ignore[attr-defined]


# Reorganisation -----------------------------------------------------------------------------


class ReorganisationForm(forms.Form):
    sources = OrganisationsField(
        queryset=Organisation.objects.none(),
        label=_("Organisations to close"),
        help_text=_("Their members and subordinate organisations move to the successors."),
    )
    on = forms.DateField(label=_("Date"), help_text=_("The day the sources close."))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, sources: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sources"].queryset = sources  # type: ignore[attr-defined]


def blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "---------"), *choices]


class SuccessorForm(forms.Form):
    """One organisation the reorganisation creates; a row left empty is ignored."""

    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=blank(OrgLevel.choices))
    kind = forms.ChoiceField(label=_("Kind"), choices=blank(OrgKind.choices))
    region_codes = region_codes_field()
    parent = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Parent organisation"),
    )

    def __init__(self, *args: Any, parents: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]


SuccessorFormSet = forms.formset_factory(
    SuccessorForm, extra=2, min_num=1, max_num=3, validate_min=True, validate_max=True
)


# Members ------------------------------------------------------------------------------------


class MemberForm(ActionModelForm):
    region = forms.CharField(
        label=_("Region code"),
        max_length=12,
        required=False,
        help_text=_(
            "Where the member lives: the code of a covered village. "
            "Leave empty when the organisation covers one region."
        ),
    )
    sex = sex_from_id_field(Member, Sex.choices)
    birth_date = birth_date_from_id_field(Member)

    class Meta:
        model = Member
        fields = ["region", *MEMBER_FORM_FIELDS]
        help_texts = {"id_number": _("18 characters; the sex and birth date are read from it.")}


class MemberEditForm(MemberForm):
    organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        label=label(Member, "organisation"),
        help_text=_("Another organisation transfers the member."),
    )

    class Meta(MemberForm.Meta):
        fields = ["organisation", *MemberForm.Meta.fields]

    def __init__(self, *args: Any, user: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Transfers stay inside the member's county: the open organisations covering it.
        county = Coverage.objects.filter(
            organisation=OuterRef("pk"), county_code=member.county_code
        )
        choices = Organisation.objects.filter(closed_on__isnull=True).filter(Exists(county))
        self.fields["organisation"].queryset = choices.order_by("region_id", "name")  # type: ignore[attr-defined]
        restrict_form_fields(self, user)  # only the organisations the user sees


class TagForm(ActionModelForm):
    class Meta:
        model = MemberTag
        fields = TAG_FIELDS


class StepForm(ActionModelForm):
    stage = forms.ChoiceField(label=label(DevelopmentStep, "stage"), choices=Stage.choices)

    class Meta:
        model = DevelopmentStep
        fields = ["stage", "on", "approved_by", "contacts"]
        help_texts = {"contacts": _("An activist's two contacts, separated by 、")}


class ServiceForm(ActionModelForm):
    village = forms.CharField(
        label=_("Village code"),
        max_length=12,
        help_text=_("The 12-digit statistical code of the village served."),
    )

    class Meta:
        model = ServiceLog
        fields = ["village", "on", "kind", "channel", "note"]
