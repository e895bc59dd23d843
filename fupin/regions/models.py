import operator
from collections.abc import Iterable
from functools import reduce
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Length, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.regions import codes
from fupin.regions.choices import CODE_LENGTH, POOR_LEVELS, Level
from fupin.regions.codes import county_of, subtree_q

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise


class RegionQuerySet(models.QuerySet["Region"]):
    def for_user(self, user: Any, action: str = "view") -> "RegionQuerySet":
        """The tree itself (codes and names are public) is readable by every signed-in user;
        it is changed only by operators' commands."""
        if getattr(user, "is_authenticated", False) and action == "view":
            return self
        return self.none()

    def with_counts(self) -> "RegionQuerySet":
        """Each region with its number of direct children."""
        return self.annotate(child_count=Count("children")).order_by("code")

    def poor_villages_under(self, region: "Region") -> dict[str, int]:
        """Poor villages beneath each child of `region`, by child code, in one grouped scan."""
        if region.level >= Level.VILLAGE:
            return {}
        length = CODE_LENGTH[Level(region.level + 1)]
        rows = (
            self.filter(subtree_q("code", region.code), level=Level.VILLAGE, is_poor=True)
            .annotate(child=Substr("code", 1, length))
            .order_by()
            .values("child")
            .annotate(n=Count("*"))
            .values_list("child", "n")
        )
        return dict(rows)


# The check constraint below compares a code's length with its level.
models.CharField.register_lookup(Length)


class Region(models.Model):
    """One administrative division (province, city, county, township or village).

    The primary key is the national statistical division code, so a subtree is a code prefix
    (DESIGN §3 rule 1) and every record elsewhere can carry a plain code. Counties and villages
    carry the programme's designation: poor since a year, and the year they were delisted.
    A village may carry its registered rural population (农村户籍人口), the denominator of the
    poverty incidence (贫困发生率) the statistics compute for every region above it.
    """

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_poor = models.BooleanField(_("poor"), default=False)
    poor_since = models.PositiveSmallIntegerField(_("poor since"), null=True, blank=True)
    exited_in = models.PositiveSmallIntegerField(_("delisted in"), null=True, blank=True)
    population = models.PositiveIntegerField(
        _("registered rural population"), null=True, blank=True
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [
            # The API and the browser filter by level ("all poor counties").
            models.Index(fields=["level", "is_poor"], name="region_level_poor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=reduce(
                    operator.or_,
                    (Q(level=level, code__length=n) for level, n in CODE_LENGTH.items()),
                ),
                name="region_code_length_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(is_poor=False) | Q(level__in=[int(x) for x in POOR_LEVELS]),
                name="region_poor_only_county_or_village",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("regions:region-detail", args=[self.code])

    @property
    def can_be_poor(self) -> bool:
        return self.level in POOR_LEVELS

    @property
    def county_code(self) -> str:
        """The 6-digit county prefix, as large tables carry it (empty above county level)."""
        return county_of(self.code)

    def ancestors(self) -> list["Region"]:
        """From the province down to this region's parent, in one query (codes are prefixes)."""
        prefixes = [c for c in codes.ancestors(self.code) if c != self.code]
        return list(Region.objects.filter(code__in=prefixes).order_by("level"))


class RegionalRecord(models.Model):
    """A record attached to a region (a household, a member, a pairing…) and so carrying the
    denormalised 6-digit `county_code` of that region (DESIGN §3 rule 1), which the large
    tables keep in their unique constraints so that they can one day be split by county.

    `county_source` names where the region's code is read: an attribute of the row (`region_id`,
    `village_id`, `village_code`, `region_code`: codes are keys, so no query), or, for a record
    that belongs to another, that one's county (`household.county_code`). `save()` sets
    `county_code` from it; `bulk_create` calls no `save()`, so a batch goes through
    `with_county_codes()` first. Above a county (a city's helper) the county code is empty.
    """

    county_source: ClassVar[str]

    county_code = models.CharField(_("county code"), max_length=6, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_county_code()
        super().save(*args, **kwargs)

    def county_from_source(self) -> str:
        """The county code `county_source` gives for this record."""
        value: Any = self
        for name in self.county_source.split("."):
            value = getattr(value, name)
        return county_of(value or "")

    def set_county_code(self) -> None:
        # A record that takes its county from another one never moves to another, and
        # reading that one again would cost a query per save: it is read while unknown only.
        if "." not in self.county_source or not self.county_code:
            self.county_code = self.county_from_source()


def region_key(
    verbose_name: "StrOrPromise", db_column: str = "region_code"
) -> "models.ForeignKey[Region | Combinable, Region]":
    """A record's key to the region tree (DESIGN §3 rule 1): the plain code in a column named
    for what it is (`region_code`, `village_code`…), protected from the region's deletion, and
    with no way back (a region does not list what is attached to it)."""
    return models.ForeignKey(
        "regions.Region",
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        related_name="+",
        db_column=db_column,
    )


R = TypeVar("R", bound=RegionalRecord)


def with_county_codes(records: Iterable[R]) -> list[R]:
    """The records with their `county_code` set, for `bulk_create` (which calls no save())."""
    out = list(records)
    for record in out:
        record.set_county_code()
    return out
