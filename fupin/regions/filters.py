"""Filters by region for every app's filtersets.py: a region code typed in, and the rows whose
region lies in its subtree. They belong to the regions app, below the domains, because they
know the shape of a code and how a subtree is found (fupin/regions/codes.py)."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.regions.choices import LEVEL_OF_LENGTH
from fupin.regions.codes import is_digits, subtree_q


class RegionCodeField(forms.CharField):
    """A statistical division code: 2, 4, 6, 9 or 12 ASCII digits."""

    default_error_messages = {"invalid": _("A region code has 2, 4, 6, 9 or 12 digits.")}

    def clean(self, value: Any) -> str:
        code: str = super().clean(value)
        if code and not (is_digits(code) and len(code) in LEVEL_OF_LENGTH):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return code


class RegionFilter(django_filters.CharFilter):
    """Rows whose region `field_name` lies in the subtree of the code given."""

    field_class = RegionCodeField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Within region (code)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        return qs.filter(subtree_q(self.field_name, value))


class CoveredRegionFilter(RegionFilter):
    """Records that cover (through rows of `model`, linked by `link`) a region in the subtree:
    a park committee over villages of two counties is found under either county."""

    def __init__(self, *args: Any, model: Any, link: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows_model = model
        self.link = link

    def filter(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        if not value:
            return qs
        rows = self.rows_model.objects.filter(**{self.link: OuterRef("pk")})
        return qs.filter(Exists(rows.filter(subtree_q("region__code", value))))
