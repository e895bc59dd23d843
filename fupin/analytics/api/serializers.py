"""The statistics answer, shared by the API (`GET /api/v1/stats/`) and the CLI (`fupin stats`),
so both print the same figures for the same region and year.

Figures come from the summary rows (fupin.analytics.figures), never from the registry. A
breakdown of people by cause or by household attribute with fewer than `SMALL` people in a
cell could point at a family, so for a caller without personal data over the region such a
cell reads null (an auditor sees aggregates, not who they are).
"""

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fupin.analytics.figures import (
    PERSONAL_BREAKDOWNS,
    YEARS,
    child_figures,
    figures,
    latest_year,
)
from fupin.regions.codes import is_region_code
from fupin.regions.models import Region

# Cells below this many are suppressed for roles without personal data (a common rule of
# statistical offices for small counts).
SMALL = 5
# The breakdowns of people (households by main cause and by household attribute).
PEOPLE_BREAKDOWNS = tuple(f"{group}." for group in PERSONAL_BREAKDOWNS)


def suppressed(values: dict[str, int]) -> dict[str, int | None]:
    """`values` with the small cells of the breakdowns of people as None (zero stays: it
    names nobody)."""
    return {
        key: None if key.startswith(PEOPLE_BREAKDOWNS) and 0 < value < SMALL else value
        for key, value in values.items()
    }


def stats(region: Region, year: int | None, personal: Callable[[str], bool]) -> dict[str, Any]:
    """The figures of `region` in `year` (None: the latest year with data) and of each of its
    child regions; `personal(code)` says whether the caller sees personal data there."""
    year = year if year is not None else latest_year(region.code)

    def shown(code: str, values: dict[str, int]) -> dict[str, int | None]:
        return dict(values) if personal(code) else suppressed(values)

    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "year": year,
        "figures": shown(region.code, figures(region.code, year)),
        "children": [
            {"code": child.code, "name": child.name, "figures": shown(child.code, values)}
            for child, values in child_figures(region.code, year)
        ],
    }


class StatsQuerySerializer(serializers.Serializer[Any]):
    """`?region=CODE&year=Y`: both optional (the top of the caller's scope, the latest year)."""

    region = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("Region code (default: the top of your scope)."),
    )
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_("Year (default: the latest year with data)."),
    )

    def validate_region(self, value: str) -> str:
        code = value.strip()
        if code and not is_region_code(code):
            raise serializers.ValidationError(_("A region code has 2, 4, 6, 9 or 12 digits."))
        return code

    def validate_year(self, value: int | None) -> int | None:
        first, last = min(YEARS), max(YEARS)
        if value is not None and not first <= value <= last:
            raise serializers.ValidationError(
                _("A year between %(first)d and %(last)d.") % {"first": first, "last": last}
            )
        return value


class RegionRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.IntegerField()


class ChildStatsSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    figures = serializers.DictField(child=serializers.IntegerField(allow_null=True))


class StatsSerializer(serializers.Serializer[Any]):
    """The figures of a region for a year and those of each child region (for drilling
    down). Keys: fupin.analytics.figures.KEYS; rates are the reader's to compute (pairing
    coverage = paired / beneficiaries; poverty incidence = people_not_exited /
    population, only when villages_with_population = villages)."""

    region = RegionRefSerializer()
    year = serializers.IntegerField(allow_null=True)
    figures = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    children = ChildStatsSerializer(many=True)
