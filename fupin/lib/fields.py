"""Model fields every app declares alike: exact decimal amounts stored as integers (DESIGN §3
rule 4), and the key to the user who did something to a record.

SQLite keeps a DecimalField as a floating-point number, and sums floats; an amount stored as
an integer count of hundredths (fen for money, 0.01 亩 for land) is exact on both databases,
and Python sees a Decimal with two places.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    """An amount as the integer count of hundredths a HundredthsField stores."""
    return int(amount.quantize(CENT) * HUNDRED)


if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    _Base = models.BigIntegerField[Decimal | int | str | Combinable, Decimal]
else:
    _Base = models.BigIntegerField


class HundredthsField(_Base):
    """A Decimal with two places, stored as an integer count of hundredths."""

    description = _("Decimal with two places, stored exactly")

    def from_db_value(self, value: int | None, expression: Any, connection: Any) -> Decimal | None:
        return None if value is None else Decimal(value).scaleb(-2)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            raise ValidationError(
                _("“%(value)s” is not a number."), params={"value": value}
            ) from None
        if amount != amount.quantize(CENT):
            raise ValidationError(_("At most two decimal places."))
        return amount.quantize(CENT)

    def get_prep_value(self, value: Any) -> int | None:
        amount = self.to_python(value)
        return None if amount is None else int(amount * HUNDRED)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        # Skip IntegerField.formfield (it would add an integer form field and its bounds).
        return models.Field.formfield(
            self, **{"form_class": forms.DecimalField, "decimal_places": 2, **kwargs}
        )


def user_key(verbose_name: "StrOrPromise") -> "models.ForeignKey[Any, Any]":
    """Who did something to a record (entered, approved, granted it): optional, because an
    operator's command or a job acts as nobody, and kept empty when the account is deleted,
    so that the record outlives its user."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
