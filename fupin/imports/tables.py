import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fupin.imports.models import ImportJob
from fupin.lib.tables import YesNoColumn


class ImportJobTable(tables.Table):
    original_name = tables.Column(linkify=True, verbose_name=_("File"))
    kind = tables.Column(verbose_name=_("Kind"))
    commit = YesNoColumn(verbose_name=_("Saved"))
    status = tables.Column(verbose_name=_("Status"))
    rows = tables.Column(verbose_name=_("Rows"))
    error_count = tables.Column(verbose_name=_("Errors"))
    created_by = tables.Column(verbose_name=_("By"))
    created_at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i")

    class Meta:
        model = ImportJob
        fields = (
            "original_name",
            "kind",
            "commit",
            "status",
            "rows",
            "error_count",
            "created_by",
            "created_at",
        )
        attrs = {"class": "table"}
