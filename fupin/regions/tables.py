import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fupin.lib.tables import YesNoColumn
from fupin.regions.models import Region


class RegionTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("Code"))
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    # Each sort ends with the code, so equal values (3,111 townships of one level) keep one
    # order and paging neither repeats nor drops rows.
    level = tables.Column(verbose_name=_("Level"), order_by=("level", "code"))
    child_count = tables.Column(verbose_name=_("Sub-regions"), order_by=("child_count", "code"))
    poor_villages = tables.Column(verbose_name=_("Poor villages"), default=0)
    is_poor = YesNoColumn(verbose_name=_("Poor"), order_by=("is_poor", "code"))
    poor_since = tables.Column(verbose_name=_("Poor since"), order_by=("poor_since", "code"))
    exited_in = tables.Column(verbose_name=_("Delisted in"), order_by=("exited_in", "code"))
    population = tables.Column(
        verbose_name=_("Registered rural population"), order_by=("population", "code")
    )

    class Meta:
        model = Region
        fields = (
            "code",
            "name",
            "level",
            "child_count",
            "poor_villages",
            "is_poor",
            "poor_since",
            "exited_in",
            "population",
        )
        attrs = {"class": "table"}
