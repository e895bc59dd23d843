import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fupin.regions.models import Region


class RegionTable(tables.Table):
    code = tables.Column(linkify=True, verbose_name=_("Code"))
    name = tables.Column(linkify=True, verbose_name=_("Name"))
    level = tables.Column(verbose_name=_("Level"))
    child_count = tables.Column(verbose_name=_("Sub-regions"), orderable=True)
    poor_villages = tables.Column(verbose_name=_("Poor villages"), default=0)
    is_poor = tables.BooleanColumn(verbose_name=_("Poor"))
    poor_since = tables.Column(verbose_name=_("Poor since"))
    exited_in = tables.Column(verbose_name=_("Delisted in"))

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
        )
        attrs = {"class": "table"}
