"""Reading and checking region files (code,name,parent_code). No database writes here.

A region file is refused whole when anything is wrong, with every problem listed, so an
operator fixes the file once instead of once per error.
"""

import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from fupin.regions.choices import CODE_LENGTH, LEVEL_OF_LENGTH, POOR_LEVELS, Level
from fupin.regions.codes import is_digits, is_region_code

BUNDLED = Path(__file__).parent / "data" / "sichuan-regions-2023.csv.gz"
REGION_COLUMNS = ["code", "name", "parent_code"]
POOR_COLUMNS = ["code", "poor_since", "exited_in"]
POPULATION_COLUMNS = ["code", "population"]
# No village has ten million people: a larger figure is a typing error.
MAX_POPULATION = 9_999_999
FIRST_YEAR, LAST_YEAR = 1978, 2100


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    parent_code: str
    level: int


@dataclass(frozen=True)
class PoorRow:
    code: str
    poor_since: int | None
    exited_in: int | None


@dataclass(frozen=True)
class PopulationRow:
    code: str
    population: int


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class BadFile(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a UTF-8 CSV file, plain or gzipped, with these columns."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise BadFile(
            [
                Problem(
                    raw[: e.start].count(b"\n") + 1,
                    _("the file is not UTF-8 text (wrong encoding); save it as CSV UTF-8"),
                )
            ]
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    required = [c for c in columns if c != "exited_in"]
    if any(c in required for c in missing):
        raise BadFile(
            [
                Problem(
                    1,
                    _("the header must have the columns %(columns)s; it has %(header)s")
                    % {"columns": ",".join(columns), "header": ",".join(header) or "-"},
                )
            ]
        )
    reader.fieldnames = header
    # The reader's own line count, as an editor shows it: blank lines are skipped and a
    # quoted value may span lines, so counting rows would name the wrong line.
    return [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
        for row in reader
    ]


def parse_regions(path: Path, existing: dict[str, int]) -> list[RegionRow]:
    """Check a region file against itself and the regions already loaded (code -> level)."""
    rows = read_rows(path, REGION_COLUMNS)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        code = row["code"]
        if code in seen:
            problems.append(
                Problem(
                    line,
                    _("duplicate code %(code)s (first on line %(first)d)")
                    % {"code": code, "first": seen[code]},
                )
            )
        else:
            seen[code] = line
    levels = {**existing}
    for _line, row in rows:
        if is_region_code(row["code"]):
            levels.setdefault(row["code"], LEVEL_OF_LENGTH[len(row["code"])])
    out: list[RegionRow] = []
    for line, row in rows:
        code, name, parent = row["code"], row["name"], row["parent_code"]
        if not is_region_code(code):
            problems.append(
                Problem(
                    line,
                    _("code “%(code)s” must be 2, 4, 6, 9 or 12 digits") % {"code": code},
                )
            )
            continue
        if not name:
            problems.append(Problem(line, _("code %(code)s has no name") % {"code": code}))
        level: int
        if not parent:
            level = Level.PROVINCE
        elif parent not in levels:
            problems.append(
                Problem(
                    line,
                    _("parent %(parent)s of %(code)s is neither in the file nor loaded")
                    % {"parent": parent, "code": code},
                )
            )
            continue
        else:
            level = levels[parent] + 1
        if level > Level.VILLAGE or len(code) != CODE_LENGTH[Level(level)]:
            problems.append(
                Problem(
                    line,
                    _(
                        "code %(code)s has %(digits)d digits, but as a child of %(parent)s "
                        "it is at level %(level)d, whose codes have %(expected)s digits"
                    )
                    % {
                        "code": code,
                        "digits": len(code),
                        "parent": parent or "-",
                        "level": level,
                        "expected": CODE_LENGTH.get(Level(level), "-")
                        if level <= Level.VILLAGE
                        else "-",
                    },
                )
            )
            continue
        if parent and not code.startswith(parent):
            problems.append(
                Problem(
                    line,
                    _("code %(code)s does not start with its parent's code %(parent)s")
                    % {"code": code, "parent": parent},
                )
            )
            continue
        out.append(RegionRow(code, name, parent, level))
    if not rows:
        problems.append(Problem(1, _("the file has no rows")))
    if problems:
        raise BadFile(problems)
    return sorted(out, key=lambda r: (r.level, r.code))


def _year(value: str, line: int, column: str, problems: list[Problem]) -> int | None:
    if not value:
        return None
    if not is_digits(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
        problems.append(
            Problem(
                line,
                _("%(column)s “%(value)s” is not a year between %(first)d and %(last)d")
                % {"column": column, "value": value, "first": FIRST_YEAR, "last": LAST_YEAR},
            )
        )
        return None
    return int(value)


def _first_known(
    code: str, line: int, seen: set[str], levels: dict[str, int], problems: list[Problem]
) -> bool:
    """Whether a row's code is met for the first time and names a region; a problem if not."""
    if code in seen:
        problems.append(Problem(line, _("duplicate code %(code)s") % {"code": code}))
        return False
    seen.add(code)
    if code not in levels:
        problems.append(
            Problem(line, _("there is no region with code “%(code)s”") % {"code": code})
        )
        return False
    return True


def parse_poor(path: Path, levels: dict[str, int]) -> list[PoorRow]:
    """Check a list of poor counties and villages (code,poor_since[,exited_in])."""
    rows = read_rows(path, POOR_COLUMNS)
    problems: list[Problem] = []
    out: list[PoorRow] = []
    seen: set[str] = set()
    for line, row in rows:
        code = row["code"]
        since = _year(row["poor_since"], line, "poor_since", problems)
        exited = _year(row.get("exited_in", ""), line, "exited_in", problems)
        if not _first_known(code, line, seen, levels, problems):
            continue
        if levels[code] not in POOR_LEVELS:
            problems.append(
                Problem(
                    line,
                    _("%(code)s is not a county or a village; only those are designated poor")
                    % {"code": code},
                )
            )
        if since is not None and exited is not None and exited < since:
            problems.append(
                Problem(
                    line,
                    _("delisted in %(exited)d, before being designated poor in %(since)d")
                    % {"exited": exited, "since": since},
                )
            )
        out.append(PoorRow(code, since, exited))
    if not rows:
        problems.append(Problem(1, _("the file has no rows")))
    if problems:
        raise BadFile(problems)
    return out


def parse_population(path: Path, levels: dict[str, int]) -> list[PopulationRow]:
    """Check a list of villages' registered rural populations (code,population)."""
    rows = read_rows(path, POPULATION_COLUMNS)
    problems: list[Problem] = []
    out: list[PopulationRow] = []
    seen: set[str] = set()
    for line, row in rows:
        code, value = row["code"], row["population"].replace(",", "")
        if not _first_known(code, line, seen, levels, problems):
            continue
        if levels[code] != Level.VILLAGE:
            problems.append(
                Problem(
                    line,
                    _("%(code)s is not a village; populations are given per village")
                    % {"code": code},
                )
            )
            continue
        if not is_digits(value) or int(value) > MAX_POPULATION:
            problems.append(
                Problem(
                    line,
                    _("population “%(value)s” is not a whole number of people")
                    % {"value": row["population"]},
                )
            )
            continue
        out.append(PopulationRow(code, int(value)))
    if not rows:
        problems.append(Problem(1, _("the file has no rows")))
    if problems:
        raise BadFile(problems)
    return out
