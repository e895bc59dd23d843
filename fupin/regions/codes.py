"""Subtrees as code ranges. A region's subtree is every code starting with its code (rule 1).

`code LIKE '5108%'` says that, but SQLite cannot use an index for LIKE (its LIKE ignores case),
so every scoped query would scan its table. Codes are digits, so every code starting with 5108
lies in the range 5108 <= code < 5109, which both databases answer from the primary-key or
any b-tree index; the prefix test then runs only on the rows of that range. (The range alone
would also take a shorter code such as 5109 for the prefix 510899.)
"""

from django.db.models import Q


def is_digits(value: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts full-width and superscript digits."""
    return value.isascii() and value.isdigit()


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
