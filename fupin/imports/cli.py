"""Pieces of the import commands: finding a schema by name, printing errors, a progress bar."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fupin.imports import registry
from fupin.imports.pipeline import ImportResult
from fupin.imports.pipeline import Progress as Report
from fupin.imports.schema import RowError, Schema

# The exit statuses scripts rely on: 0 saved (or would be, in a dry run), 1 rows rejected and
# nothing saved, 2 the file cannot be read.
REJECTED, UNREADABLE = 1, 2


def schema_named(kind: str) -> Schema:
    try:
        return registry.get(kind)
    except LookupError:
        raise CommandError(
            _("Unknown kind “%(kind)s”; the kinds are: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(registry.names()) or "-"}
        ) from None


def error_line(e: RowError) -> str:
    if not e.column:
        return _("row %(row)d: %(message)s") % {"row": e.row, "message": e.message}
    column = f"{e.column} “{e.value}”" if e.value else e.column
    return _("row %(row)d, %(column)s: %(message)s") % {
        "row": e.row,
        "column": column,
        "message": e.message,
    }


def as_json(result: ImportResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "saved": result.saved,
        "errors": [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
            for e in result.errors
        ],
    }


@contextmanager
def progress_bar() -> Iterator[Report | None]:
    """A rich progress bar on the terminal (one task per stage); nothing when piped."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    stages = {"read": _("Reading"), "check": _("Checking"), "save": _("Saving")}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stages.get(stage, stage), total=total or None)
            bar.update(tasks[stage], completed=done, total=max(total, done) or None)

        yield report
