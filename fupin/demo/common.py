"""What every part of the demo draws and writes with: cheap random draws, weighted values,
Chinese names, and the bulk writers' ids, deletes and SQLite cache.

The hot loops draw millions of values, so the draws use `rng.random()` arithmetic rather than
randint/choice/uniform, which cost several times more per call. Changing how a value is drawn
changes every row after it: a seed's demo is only the same while these stay as they are.
"""

import bisect
import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from faker import Faker

from fupin.registry.choices import Sex

MALE, FEMALE = Sex.MALE.value, Sex.FEMALE.value
PHONE_PREFIXES = "133 135 136 137 138 139 150 151 152 157 158 159 180 182 183 187 188 189".split()  # noqa: SIM905
# SQLite's page cache while the demo writes (KiB, negative): the person table's ID indexes
# take rows in random order and thrash the default 2 MB cache.
SQLITE_CACHE_KIB = 256 * 1024


def rand_int(rng: random.Random, low: int, high: int) -> int:
    """randint(low, high), at a fraction of its cost."""
    return low + int(rng.random() * (high - low + 1))


def rand_uniform(rng: random.Random, low: float, high: float) -> float:
    return low + (high - low) * rng.random()


def rand_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.random() * ((last - first).days + 1)))


class Weighted:
    """Values drawn with given relative weights (bisect on the cumulative sums)."""

    def __init__(self, weights: dict[Any, float]) -> None:
        # Plain strings, not the TextChoices members, go into the rows.
        self.values = [getattr(v, "value", v) for v in weights]
        self.cumulative: list[float] = []
        total = 0.0
        for w in weights.values():
            total += w
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


class Names:
    """Chinese names from Faker's zh_CN tables (surnames by their real frequency), drawn once
    into pools by a Faker seeded with the demo seed; members then pick from the pools with
    the village's generator, far faster than a Faker call per person (~20 µs each)."""

    def __init__(self, seed: int, pool: int = 4096) -> None:
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.surnames = [fake.last_name() for _i in range(pool)]
        self.given = {
            MALE: self._given(fake, fake.first_name_male, pool),
            FEMALE: self._given(fake, fake.first_name_female, pool),
        }

    @staticmethod
    def _given(fake: Faker, draw: Callable[[], str], pool: int) -> list[str]:
        out = []
        for _i in range(pool):
            name = draw()
            # Faker's zh_CN given names are mostly one character; rural names are often two.
            if len(name) == 1 and fake.random.random() < 0.5:
                name += draw()[0]
            out.append(name)
        return out

    def surname(self, rng: random.Random) -> str:
        return self.surnames[int(rng.random() * len(self.surnames))]

    def given_name(self, rng: random.Random, sex: str) -> str:
        pool = self.given[sex]
        return pool[int(rng.random() * len(pool))]


def phone_number(rng: random.Random) -> str:
    """A mobile number (two draws)."""
    return f"{PHONE_PREFIXES[int(rng.random() * 18)]}{int(rng.random() * 1e8):08d}"


@contextmanager
def sqlite_cache() -> Iterator[None]:
    """A larger SQLite page cache while the demo writes, and the old size afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        old = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {old}")


def first_id(model: type[models.Model]) -> int:
    """The first id of rows the demo numbers itself, so rows can point at each other in one
    batch (members at households, parents, secretaries, tags).

    Never an id used before, not even by a deleted row (its audit events still name it, and
    fupin.demo.guard tells the demo's rows by their ids): past the id sequence as well as the
    highest id. `reset_sequences` sets the sequence past ours after.
    """
    table = model._meta.db_table
    highest = model._default_manager.aggregate(m=Max("id"))["m"] or 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Nobody else takes ids until the demo's transaction ends.
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE ROW EXCLUSIVE MODE"
            )
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
            return max(int(cursor.fetchone()[0]), highest + 1)
        # SQLite's AUTOINCREMENT keeps the highest id ever given in sqlite_sequence.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        return max(int(row[0]) if row else 0, highest) + 1


def reset_sequences(*tables: type[models.Model]) -> None:
    """The id sequences past the ids the demo gave itself (`first_id`)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(tables)):
            cursor.execute(sql)


def delete_all(tables: Sequence[type[models.Model]]) -> None:
    """Every row of these tables, in this order (each row's dependants first), with one plain
    DELETE a table: Django's delete() would load every row to cascade (millions at scale 1)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
