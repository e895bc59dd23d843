"""Form helpers every app's forms share (no domain knowledge here)."""

from typing import Any

from django import forms

# restrict_form_fields (issue 15, generic edit views) ----------------------------------------


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
