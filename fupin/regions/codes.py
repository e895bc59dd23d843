"""Region-code arithmetic: levels, counties, ancestors and subtrees of statistical codes.

A region's code is its key and its ancestors' codes are its prefixes (DESIGN §3 rule 1), so
everything below is string arithmetic on codes and needs no query. Code lengths per level live
in `choices.CODE_LENGTH`; nothing else declares them.

Subtrees as code ranges. A region's subtree is every code starting with its code (rule 1).

`code LIKE '5108%'` says that, but SQLite cannot use an index for LIKE (its LIKE ignores case),
so every scoped query would scan its table. Codes are digits, so every code starting with 5108
lies in the range 5108 <= code < 5109, which both databases answer from the primary-key or
any b-tree index; the prefix test then runs only on the rows of that range. (The range alone
would also take a shorter code such as 5109 for the prefix 510899.)
"""

from collections.abc import Iterable

from django.db.models import Q

from fupin.regions.choices import CODE_LENGTH, LEVEL_OF_LENGTH, Level

# The lengths of a code at each level, shortest (the province) first: 2, 4, 6, 9, 12.
LENGTHS = tuple(sorted(CODE_LENGTH.values()))
COUNTY_LENGTH = CODE_LENGTH[Level.COUNTY]
VILLAGE_LENGTH = CODE_LENGTH[Level.VILLAGE]


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts full-width and superscript digits."""
    return value.isascii() and value.isdigit()


def level_of(code: str) -> Level | None:
    """The level a code's length says (None for a length no level has)."""
    level = LEVEL_OF_LENGTH.get(len(code))
    return Level(level) if level is not None else None


def is_region_code(value: str) -> bool:
    """Digits of a length some level has (says nothing of whether the region exists)."""
    return is_digits(value) and len(value) in LEVEL_OF_LENGTH


def is_village_code(value: str) -> bool:
    """Digits of a village code's length."""
    return is_digits(value) and len(value) == VILLAGE_LENGTH


def county_of(code: str) -> str:
    """The 6-digit county prefix large tables carry as `county_code`; empty above a county
    (a province's or a city's record belongs to no one county)."""
    return code[:COUNTY_LENGTH] if len(code) >= COUNTY_LENGTH else ""


def ancestors(code: str) -> list[str]:
    """`code` and every region above it, the province first (51, 5108, 510821, …): the
    prefixes of the code at each level's length."""
    return [code[:n] for n in LENGTHS if n <= len(code)]


def outermost(codes: Iterable[str]) -> list[str]:
    """The codes no other of them contains, sorted: a region inside another adds nothing."""
    unique = set(codes)
    return sorted(c for c in unique if not any(c != o and c.startswith(o) for o in unique))


def subtree_bounds(code: str) -> tuple[str, str | None]:
    """The half-open range [low, high) of codes starting with `code` (high None: no bound)."""
    if not is_digits(code):
        raise ValueError(f"region codes are digits, not {code!r}")
    if set(code) == {"9"}:
        return code, None
    return code, str(int(code) + 1).zfill(len(code))


def subtree_q(field: str, code: str) -> Q:
    """Rows whose `field` lies in the subtree of `code` (the code itself included)."""
    low, high = subtree_bounds(code)
    q = Q(**{f"{field}__gte": low}) & Q(**{f"{field}__startswith": code})
    return q & Q(**{f"{field}__lt": high}) if high else q
