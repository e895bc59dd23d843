"""Keeping the figures current: every action writes an AuditEvent naming its region; once the
transaction commits, the regions it touched are recounted (refresh.refresh_codes). A bulk load
(the demo) pauses following and rebuilds once at the end."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

_state = threading.local()


def _pending() -> set[str]:
    pending = getattr(_state, "pending", None)
    if pending is None:
        pending = _state.pending = set()
    return pending


def _flush() -> None:
    from fupin.analytics.refresh import refresh_codes

    codes = set(_pending())
    _pending().clear()
    if codes:
        refresh_codes(codes)


def _on_event(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if not created or getattr(_state, "paused", False) or not instance.region_code:
        return
    _pending().add(instance.region_code)
    # Every event asks for a flush; the first to run takes all pending regions and the rest
    # find none. (A transaction rolled back leaves its regions pending, to be recounted after
    # the next commit: harmless.)
    transaction.on_commit(_flush)


def connect() -> None:
    from fupin.audit.models import AuditEvent

    post_save.connect(_on_event, sender=AuditEvent, dispatch_uid="analytics-follow")


@contextmanager
def paused() -> Iterator[None]:
    """Do not follow the audit log inside the block (the caller rebuilds after it)."""
    _state.paused = True
    try:
        yield
    finally:
        _state.paused = False
