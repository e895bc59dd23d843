"""Deleting a record that others may still refer to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.utils.translation import gettext as _


def delete_or_explain(obj: models.Model) -> None:
    """Delete `obj`, or refuse in words naming what still refers to it (a protected link of
    another domain: a helper's member record, a poor member's registry record)."""
    try:
        obj.delete()
    except ProtectedError as e:
        names = sorted({f"{o._meta.verbose_name} {o}" for o in e.protected_objects})
        raise ValidationError(
            _("Other records refer to this one (%(records)s): change them first.")
            % {"records": "、".join(names[:5])}
        ) from None
