"""The bulk write path for large tables: COPY on PostgreSQL, executemany on SQLite.

Django's bulk_create builds a model instance and an SQL literal list per row (≈ 25–45k rows/s
here, DESIGN §4); the same rows as plain tuples go 10–20 times faster. Callers pass values
exactly as the database stores them (integer hundredths for HundredthsField, no defaults
filled in), so this is for code that owns a table's columns: the import and the demo.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def write_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert `rows` (tuples in the order of `columns`, field names) into `model`'s table."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = {f.name: f.column for f in model._meta.concrete_fields}
    names = ", ".join(quote(fields[c]) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Set `columns` (field names) of many rows by primary key: each row is the new values in
    the order of `columns`, then the key, as the database stores them. One prepared UPDATE run
    for every row; Django's bulk_update builds a CASE over every row of a batch instead, which
    took 17 of a dividend run's 20 seconds at 20,000 households."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    fields = {f.name: f.column for f in model._meta.concrete_fields}
    assignments = ", ".join(f"{quote(fields[c])} = %s" for c in columns)
    key = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {key} = %s", list(rows))


def preparer(model: type[models.Model], columns: Sequence[str]) -> Any:
    """A function turning {field name: Python value} into a row for `write_rows`: missing
    fields take their model default, values are converted as Django would save them."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    chosen = [fields[c] for c in columns]
    defaults = [f.get_default() for f in chosen]
    # Text, numbers, flags and keys go to the driver as they are; converting them field by
    # field was most of an import's write time. Dates, times and hundredths are converted.
    convert = [None if type(f) in _AS_IS or isinstance(f, models.ForeignKey) else f for f in chosen]
    plan = list(zip([f.name for f in chosen], defaults, convert, strict=True))

    def prepare(values: dict[str, Any]) -> tuple[Any, ...]:
        row = []
        for name, default, field in plan:
            value = values.get(name, default)
            if field is not None and value is not None:
                value = field.get_db_prep_save(value, connection)
            row.append(value)
        return tuple(row)

    return prepare


_AS_IS = {
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.SmallIntegerField,
    models.PositiveSmallIntegerField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.BigIntegerField,
}


def analyze(*models: type[models.Model]) -> None:
    """Fresh planner statistics after a large load (PostgreSQL). With the statistics of a
    nearly empty table, subtree queries get plans meant for a few rows and take minutes
    instead of milliseconds; autovacuum catches up only later, or never where it is off."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
