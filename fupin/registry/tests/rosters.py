"""Household rosters written the way village staff fill in the template by hand (in Excel, WPS
or LibreOffice): the template's title, header and help row, then one row per person with the
household's fields repeated, each cell written as a person leaves it (text, a number, a real
date cell, a blank). Used by the import tests of the registry and of the import pages."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fupin.lib.ids import make_resident_id
from fupin.registry.imports import SCHEMA
from fupin.testing import COUNTY_A, filled_template

TITLE = "贫困户家庭成员"
COLUMNS = [c.label for c in SCHEMA.columns]
REQUIRED = {c.label for c in SCHEMA.columns if c.required}
HELP = {c.label: c.help for c in SCHEMA.columns if c.help}

Row = Mapping[str, Any]


def person_id(birth: datetime.date, sequence: int, county: str = COUNTY_A) -> str:
    return make_resident_id(county, birth, sequence)


def id_ending_in_x(birth: datetime.date, female: bool, county: str = COUNTY_A) -> str:
    """An ID whose check character is X (the 17th digit even for a woman, odd for a man)."""
    return next(
        n
        for seq in range(1000)
        if (seq % 2 == 0) == female and (n := make_resident_id(county, birth, seq)).endswith("X")
    )


def member(
    village: Any, number: str, name: str, id_number: Any, relation: str = "户主", **cells: Any
) -> dict[str, Any]:
    """A person's row: the five required cells (the village code as text, or an int where it
    was typed as a number), and `cells` by label (passed as `**{"耕地面积（亩）": "两亩"}`: the
    labels are not identifiers)."""
    return {
        "村代码": village,
        "户编号": number,
        "姓名": name,
        "身份证号": id_number,
        "与户主关系": relation,
        **cells,
    }


def head(village: Any, number: str, name: str, id_number: Any, **cells: Any) -> dict[str, Any]:
    """A head's row with what a new household needs (a main cause and the year)."""
    return member(
        village,
        number,
        name,
        id_number,
        "户主",
        **{"主要致贫原因": "因病", "识别年度": "2014"} | cells,
    )


def roster(
    path: Path,
    rows: Iterable[Row | None],
    *,
    columns: Sequence[str] = COLUMNS,
) -> Path:
    """The template filled in (fupin.testing.filled_template): title, header and help row, then
    `rows` from row 4, each value written as a person leaves it."""
    assert str(SCHEMA.title) == TITLE
    return filled_template(path, SCHEMA, rows, columns=columns)
