"""Form pieces every app's forms.py builds from: bounds for years and amounts, fields labelled
from the model, the form whose record an action validates, the delete confirmation, and
choice lists narrowed to what the user may pick.

Forms parse what was typed; the actions decide whether it may be saved (their ValidationError
comes back onto the form, field by field).
"""

import re
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# Sanity bounds for every year typed in (registration, status, income, filters): a mistyped
# 20116 is refused on the form instead of overflowing a small integer column.
MIN_YEAR, MAX_YEAR = 1978, 2100
# Amounts and areas: up to 999,999,999,999.99 (hundredths fit a 64-bit integer with room).
MAX_DIGITS = 14
# Separators people type between codes: spaces, newlines, commas (half and full width), 、 and ;.
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")


def label(model: type[Model], name: str) -> Any:
    """The verbose name of a model's field, as a form label."""
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


def year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, **kwargs)


def amount_field(model: type[Model], name: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label(model, name), max_digits=MAX_DIGITS, decimal_places=2, **kwargs
    )


def sex_from_id_field(model: type[Model], choices: Any) -> forms.ChoiceField:
    """A person's sex, which the ID number says: left empty, the action reads it from there;
    given, it must agree."""
    return forms.ChoiceField(
        label=label(model, "sex"),
        choices=[("", _("From the ID number")), *choices],
        required=False,
    )


def birth_date_from_id_field(model: type[Model]) -> forms.DateField:
    """A person's birth date, which the ID number says (as `sex_from_id_field`)."""
    return forms.DateField(
        label=label(model, "birth_date"),
        required=False,
        help_text=_("Leave empty to take it from the ID number; if given, it must agree."),
    )


class ActionModelForm(forms.ModelForm):
    """Fields, labels and choices come from the model; the record itself is validated by the
    action the view calls with `cleaned_data`, so the form skips the model's own checks."""

    def _post_clean(self) -> None:
        pass


class ConfirmForm(forms.Form):
    """The delete buttons: nothing to fill in, the POST itself is the confirmation."""


class RegionCodesField(forms.CharField):
    """Region codes, one a line (or separated by spaces or commas), as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [code for code in CODE_SEPARATORS.split(text) if code]

    def has_changed(self, initial: Any, data: Any) -> bool:
        # An empty box is no change: a successor row left blank is ignored.
        return self.to_python(self.prepare_value(initial)) != self.to_python(data)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


def restrict_form_fields(form: forms.BaseForm, user: Any, action: str = "view") -> None:
    """Narrow every model choice list of `form` to the records `user` may `action`: each
    ModelChoiceField (and ModelMultipleChoiceField) whose queryset's model scopes (a
    `for_user` queryset) keeps only those rows. A list the form already narrowed (open
    organisations of a region) stays narrowed: the scope is applied on top of it."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        queryset: Any = field.queryset
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user, action)


class ScopedFormMixin:
    """A form drawn for one user (`user=` keyword): its choice lists hold only what they
    may pick (`restrict_form_fields`), and its clean methods look typed values up (an ID
    number, a name) among the same records, `self.scoped(Model)`."""

    scope_action: str = "view"
    fields: dict[str, Any]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        restrict_form_fields(self, user, self.scope_action)  # type: ignore[arg-type]

    def scoped(self, model: Any) -> Any:
        """The records of `model` this form's user may pick."""
        return model._default_manager.for_user(self.user, self.scope_action)
