"""The id of the request or job being served, so every audit event can name it."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[str] = ContextVar("fupin_request_id", default="")


def current_request_id() -> str:
    return _current.get()


@contextmanager
def request_id(value: str | None = None) -> Iterator[str]:
    """Run a block (a request, a job, a CLI command) under one id."""
    rid = value or uuid.uuid4().hex
    token = _current.set(rid)
    try:
        yield rid
    finally:
        _current.reset(token)
