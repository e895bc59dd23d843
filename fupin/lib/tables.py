"""Columns shared by every app's tables.py."""

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext as _


class YesNoColumn(tables.BooleanColumn):
    """A tick on the page, and 是/否 (yes/no in English) in the .xlsx export."""

    def value(self, record: Any, value: Any, bound_column: Any) -> str:
        return _("yes") if self._get_bool_value(record, value, bound_column) else _("no")
