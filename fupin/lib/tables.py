"""What every app's tables.py builds its tables from: the table that knows who is looking, the
sort that pages without repeating rows, and columns shared by every app."""

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext as _


def ordered(*fields: str, unique: tuple[str, ...] = ("pk",)) -> tuple[str, ...]:
    """A column's sort: `fields`, then `unique` (fields unique together, the primary key unless
    said otherwise). Each sort ends with them, so paging never repeats or drops a row."""
    return (*fields, *unique)


def region_code_column(
    verbose_name: Any, field: str = "region", order_by: tuple[str, ...] | None = None
) -> tables.Column:
    """The code of the row's region (`field`, a foreign key to a region), sorted by region."""
    return tables.Column(
        accessor=f"{field}_id", verbose_name=verbose_name, order_by=order_by or ordered(field)
    )


def region_name_column(
    verbose_name: Any, field: str = "region", order_by: tuple[str, ...] | None = None
) -> tables.Column:
    """The name of the row's region, beside its code and sorted the same way."""
    return tables.Column(
        accessor=f"{field}__name", verbose_name=verbose_name, order_by=order_by or ordered(field)
    )


class UserTable(tables.Table):
    """A table that knows who is looking (`user=` from the view): its masked columns and the
    links it offers depend on the user."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user


class YesNoColumn(tables.BooleanColumn):
    """A tick on the page, and 是/否 (yes/no in English) in the .xlsx export."""

    def value(self, record: Any, value: Any, bound_column: Any) -> str:
        return _("yes") if self._get_bool_value(record, value, bound_column) else _("no")
