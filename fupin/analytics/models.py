"""Summary figures (DESIGN §3 rule 6): the dashboards, the statistics API and the bulletin read
these rows, never the registry.

One row per region code and year. `own` holds the figures of the records attached exactly at
that code (a village's households, a county organ's cadres); `total` holds those of the whole
subtree. Both are flat {key: integer} dictionaries (money in fen), so a new domain adds keys,
not columns. Rows exist for every region that has any record in its subtree.
"""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ScopedQuerySet


class RegionFigures(models.Model):
    """The figures of one region (and of its subtree) at the end of one year."""

    scope_field: ClassVar[str] = "code"

    code = models.CharField(_("region code"), max_length=12)
    level = models.PositiveSmallIntegerField(_("level"))
    year = models.PositiveSmallIntegerField(_("year"))
    own = models.JSONField(_("own figures"), default=dict)
    total = models.JSONField(_("figures of the subtree"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("region figures")
        verbose_name_plural = _("region figures")
        ordering = ["code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="region_figures_unique"),
        ]
        # A dashboard reads a region's row and its children's: code prefix, level and year.
        indexes = [models.Index(fields=["year", "level", "code"], name="region_figures_level")]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"
