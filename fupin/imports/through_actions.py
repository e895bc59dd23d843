"""Imports whose rows are written by a domain's actions (the party's rosters, pairings): the
errors of an action as errors of the file's cells, the trial that lets `check` run the actions
and roll them back (so a dry run is as thorough as an import, and every bad row is reported in
one pass), and the `save` that runs them again for real. Knows no domain."""

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Choices

from fupin.accounts.roles import Action
from fupin.imports import parsers
from fupin.imports.parsers import choice_key
from fupin.imports.schema import Column, ParsedRow, Rejected, RowError

# Rows between two calls of `progress` while saving.
PROGRESS_EVERY = 500


def choice(choices: type[Choices], aliases: Mapping[str, str]) -> parsers.Parser:
    """One of a value list, as `parsers.choice` reads it, or one of the other names the
    paper forms use for a value (the member form's 正式党员 for a full member, 本科 for an
    education of college or above)."""
    base = parsers.choice(choices)
    table = {choice_key(name): code for name, code in aliases.items()}

    def parse(value: str) -> Any:
        code = table.get(choice_key(value))
        return code if code is not None else base(value)

    parsers.set_hint(parse, parsers.hint(base))
    return parse


def action_messages(error: Exception) -> Iterator[tuple[str, str]]:
    """(field, message) pairs of an action's refusal; field "" for the record as a whole."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            for message in messages:
                yield ("" if name == NON_FIELD_ERRORS else name, message)
    elif isinstance(error, ValidationError):
        for message in error.messages:
            yield "", message
    else:
        yield "", str(error)


class ActionErrors:
    """The errors of a file, placed in the columns the fields came from."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.labels = {c.key: c.label for c in columns}
        self.found: list[RowError] = []

    def add(self, row: ParsedRow, key: str, message: str) -> None:
        label = self.labels.get(key, "")
        self.found.append(RowError(row.row, label, row.raw.get(key, "") if label else "", message))

    def refused(
        self, row: ParsedRow, error: Exception, columns: Mapping[str, str], default: str = ""
    ) -> None:
        """An action's refusal: each field's message in the column it maps to (the field
        itself when it is a column), the rest in `default` ("" the row)."""
        for name, message in action_messages(error):
            key = columns.get(name, name if name in self.labels else default)
            if key in row.bad:
                # The cell was bad and left out: the pipeline has said so already.
                continue
            self.add(row, key, message)


class TrialOver(Exception):
    """Raised to roll a trial back."""


def trial(run: Callable[[], list[RowError]]) -> list[RowError]:
    """The errors `run` finds when it writes, with every write rolled back."""
    errors: list[RowError] = []
    try:
        with transaction.atomic():
            errors = run()
            raise TrialOver
    except TrialOver:
        pass
    return errors


def visible(model: Any, actor: Any) -> Any:
    """The records the actor sees (the CLI's operator, None, sees every one)."""
    return model.objects.all() if actor is None else model.objects.for_user(actor, Action.VIEW)


def report_progress(progress: Callable[[int], None] | None, n: int) -> None:
    """Tell the caller how far the writing is, every PROGRESS_EVERY rows."""
    if progress is not None and n % PROGRESS_EVERY == 0:
        progress(n)


def chunks(items: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def by_pk(qs: Any, pks: Iterable[Any]) -> dict[Any, Any]:
    """The objects of `qs` with these primary keys (None left out), by key: one query per
    chunk, so a file of 10,000 rows does not make 10,000 queries nor one too large for SQLite."""
    wanted = sorted({pk for pk in pks if pk is not None})
    return {obj.pk: obj for chunk in chunks(wanted) for obj in qs.filter(pk__in=chunk)}


def repeats(
    rows: Iterable[ParsedRow], key: Callable[[ParsedRow], Hashable | None]
) -> Iterator[tuple[ParsedRow, int]]:
    """Each row that means the same record as an earlier row of the file (the same `key`;
    None for a row that names none), with the number of that earlier row."""
    first_seen: dict[Hashable, int] = {}
    for row in rows:
        k = key(row)
        if k is None:
            continue
        if k in first_seen:
            yield row, first_seen[k]
        else:
            first_seen[k] = row.row


class ThroughActions:
    """What the schemas whose rows the actions write share. `check` says what concerns the
    file as a whole (`_refused`: a record twice, a name that means two records), then tries
    the actions on the other rows (`_apply`) and rolls them back; `save` runs them again for
    real and refuses the file whole on the first error it meets."""

    columns: Sequence[Column]

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        """The file's own errors, said in `errors`; the rows the trial leaves out (their
        problem is said already)."""
        return set()

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        raise NotImplementedError

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        errors = ActionErrors(self.columns)
        skip = self._refused(rows, actor=actor, errors=errors)
        checked = [r for r in rows if r.row not in skip]
        return errors.found + trial(lambda: self._apply(checked, actor=actor))

    def save(self, rows: list[ParsedRow], *, actor: Any, progress: Callable[[int], None]) -> int:
        errors = self._apply(rows, actor=actor, progress=progress)
        if errors:
            raise Rejected(errors)
        progress(len(rows))
        return len(rows)
