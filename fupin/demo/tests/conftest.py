"""The demo's tests run as `make demo` does, with DEBUG on.

pytest-django turns DEBUG off, and `fupin demo` refuses to run with DEBUG off (production
settings) unless given --replace-everything (fupin.demo.guard). Module-scoped, so that the
modules' own module-scoped demo builds see it too; restored after each module.
"""

from collections.abc import Iterator

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="module")
def debug_on() -> Iterator[None]:
    old = settings.DEBUG
    settings.DEBUG = True
    yield
    settings.DEBUG = old
