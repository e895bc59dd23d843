"""Filters every app's filtersets.py builds from, shared by the list pages and the API.

Every filter checks what it is given: a value outside its list, a number that is not whole, a
date that is no date or an end before the start makes the filter form invalid, which the API
answers with a 400 naming the field (and the page shows on the form).
"""

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.forms import MAX_YEAR, MIN_YEAR

YES, NO = "true", "false"
YES_NO = [(YES, _("Yes")), (NO, _("No"))]


# The range of the databases' integers: a larger number is refused as a bad value (a 400),
# never handed to the database (SQLite's driver overflows on it, a 500).
SMALLEST_INTEGER, LARGEST_INTEGER = -(2**63), 2**63 - 1


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (a NumberFilter would take 1.5) that the database can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", SMALLEST_INTEGER)
        kwargs.setdefault("max_value", LARGEST_INTEGER)
        super().__init__(*args, **kwargs)


class IdFilter(IntegerFilter):
    """A record's id (`field_name` the foreign key, or a many-to-many relation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


def year_filter(label: Any, field: str | None = None) -> IntegerFilter:
    return IntegerFilter(field_name=field, min_value=MIN_YEAR, max_value=MAX_YEAR, label=label)


class YesNoFilter(django_filters.ChoiceFilter):
    """A yes/no question about each row (`q` says yes, or a function that builds it at query
    time); any answer but true or false is refused."""

    def __init__(self, *args: Any, q: Q | Callable[[], Q], **kwargs: Any) -> None:
        super().__init__(*args, choices=YES_NO, **kwargs)
        self.q = q

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        q = self.q() if callable(self.q) else self.q
        if value == YES:
            return qs.filter(q)
        if value == NO:
            return qs.filter(~q)
        return qs


class DateRangeForm(forms.Form):
    """`since` and `until` bound a date; the end may not come before the start (a filterset's
    `Meta.form`)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data


def since_filter(field: str = "on") -> django_filters.DateFilter:
    return django_filters.DateFilter(field_name=field, lookup_expr="gte", label=_("From"))


def until_filter(field: str = "on") -> django_filters.DateFilter:
    return django_filters.DateFilter(field_name=field, lookup_expr="lte", label=_("To"))
