"""What a domain tells the pipeline about its rows: the columns, and how to check and save them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.functional import Promise

from fupin.imports.errors import CellError
from fupin.imports.parsers import text

__all__ = ["CellError", "Column", "ParsedRow", "Rejected", "RowError", "Schema"]


@dataclass(frozen=True)
class Column:
    key: str
    # The canonical Chinese header, as the template writes it.
    label: str
    # Other headers users write for the same column.
    synonyms: tuple[str, ...] = ()
    # The column must be present, and each of its cells non-blank.
    required: bool = False
    # Normalised cell text -> value, or CellError. Never called on a blank cell.
    parse: Callable[[str], Any] = text
    # Shown in the template, in the row beneath the header and as a comment on it.
    help: str = ""


@dataclass(frozen=True)
class RowError:
    # The row number the user sees in Excel (1-based, title rows counted); 0 for the file.
    row: int
    # The column's label; "" for a problem with the whole row.
    column: str
    value: str
    message: str
    # The 0-based spreadsheet column of the cell, when known: the pipeline fills it in for
    # every error whose label is a column of the file, so the annotated copy can mark the cell.
    col: int | None = None


@dataclass(slots=True)
class ParsedRow:
    """One data row. Slots: an import holds hundreds of thousands.

    Rows with a bad cell are passed to `check` too (the bad cells' keys in `bad`, their values
    None), so checks across rows (a household's head, its main cause) see every row; `save`
    never sees them, as a file with any error is not saved.
    """

    row: int
    # key -> parsed value; None for a blank optional cell or a bad one.
    values: dict[str, Any]
    # key -> the cell as (normalised) text, for error messages; "" for a blank cell.
    raw: dict[str, str]
    bad: frozenset[str] = frozenset()


class Rejected(Exception):
    """Raised by `Schema.save` for rows it finds bad only while writing (a row taken by a
    concurrent import, say): the pipeline rolls back and reports them like any other error."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows rejected")
        self.errors = errors


class Schema(Protocol):
    """What a domain provides to import its records. Plain class attributes do for the three
    properties (`title` may be a lazy translation)."""

    @property
    def name(self) -> str:
        """The kind users type: `fupin import households FILE`."""
        ...

    @property
    def title(self) -> str | Promise:
        """The sheet and template title, e.g. 贫困户家庭成员."""
        ...

    @property
    def columns(self) -> Sequence[Column]: ...

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        """Cross-row, database and scope checks of the rows that parsed cleanly; no writes."""
        ...

    def save(self, rows: list[ParsedRow], *, actor: Any, progress: Callable[[int], None]) -> int:
        """Write the rows (inside the pipeline's transaction) and return how many were saved;
        call `progress(rows_done)` now and then."""
        ...
