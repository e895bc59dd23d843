"""What every app's tables.py builds its tables from: the table that knows who is looking, the
sort that pages without repeating rows, columns shared by every app, and the one way personal
data is shown.

ID numbers, phones, bank accounts and birth dates are shown in full only to a user who may see
the personal data of that record; elsewhere they are masked. Pages, exports (which are tables)
and the API (its serializers call `personal`) all go through `personal`, so the masks are
written once. Who may see what is not lib's to know: `settings.PERSONAL_DATA_RULE` names the
function that decides, `rule(user, record, code) -> bool` (the scoping module's
`sees_personal_data`), so that an owner (a helper) sees their own records whole.
"""

import datetime
from collections.abc import Callable
from functools import cache
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from fupin.lib.ids import mask_account, mask_id, mask_phone


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


def mask_birth_date(value: datetime.date | str) -> str:
    """Only the year: with the full date beside a masked ID (whose hidden digits are the birth
    date), the ID could be read back whole."""
    return f"{str(value)[:4]}-**-**"


MASKS: dict[str, Callable[[Any], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "bank_account": mask_account,
    "birth_date": mask_birth_date,
}


@cache
def _rule(path: str) -> Callable[[Any, Any, str], bool]:
    rule: Callable[[Any, Any, str], bool] = import_string(path)
    return rule


def personal(user: Any, code: str, kind: str, value: Any, *, record: Any = None) -> Any:
    """`value` (of the kind named by a key of MASKS), a personal identifier of `record` whose
    person lives in region `code`, as `user` may see it. Without `record` it is shown as on a
    record the user does not own."""
    if value in (None, "") or _rule(settings.PERSONAL_DATA_RULE)(user, record, code):
        return value
    return MASKS[kind](value)


class PersonalColumn(tables.Column):
    """A personal identifier, masked unless the table's user may see the row's personal data.
    `village` names the row's attribute holding the code of the region its person lives in.

    Never sortable: the order of hidden digits would tell what the mask hides.
    """

    def __init__(self, *args: Any, kind: str, village: str = "village_id", **kwargs: Any):
        kwargs["orderable"] = False
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.village = village

    def render(self, value: Any, record: Any, table: Any) -> Any:
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return personal(table.user, getattr(record, self.village), self.kind, value, record=record)

    def value(self, **kwargs: Any) -> Any:
        return self.render(kwargs["value"], kwargs["record"], kwargs["table"])
