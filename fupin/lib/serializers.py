"""Serializer pieces every app's api/serializers.py builds from: decimal and year fields with
the forms' bounds, a related record chosen within the caller's scope, and fields fixed once a
record exists. Writes still go through the apps' actions."""

from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import serializers

from fupin.lib.forms import MAX_DIGITS, MAX_YEAR, MIN_YEAR
from fupin.lib.tables import personal


def caller(serializer: Any) -> Any:
    """The user the API answers (None without a request: everything personal is masked)."""
    return getattr(serializer.context.get("request"), "user", None)


class PersonalDataMixin:
    """Masks `personal_fields` unless the caller may see personal data in the record's village
    (the scoping module decides, per record; fupin/lib/tables.py holds the masks). Without a
    request it masks."""

    personal_fields: ClassVar[tuple[str, ...]] = ()
    village_attr: ClassVar[str] = "village_id"
    context: dict[str, Any]

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)  # type: ignore[misc]
        user = caller(self)
        village = getattr(instance, self.village_attr)
        for name in self.personal_fields:
            data[name] = personal(user, village, name, data.get(name), record=instance)
        return data


def amount(**kwargs: Any) -> serializers.DecimalField:
    """Money, land and quantities: two-place decimals (`HundredthsField`s in the database)."""
    return serializers.DecimalField(max_digits=MAX_DIGITS, decimal_places=2, **kwargs)


def year(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR, **kwargs)


class CodesField(serializers.ListField):
    """Region codes, written as a list; read from prefetched rows (one query for a page):
    rows naming their region (`region_id`), or the regions themselves."""

    child = serializers.CharField(max_length=12)

    def __init__(self, *, rows: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows = rows

    def get_attribute(self, instance: Any) -> list[str]:
        return sorted(getattr(r, "region_id", r.pk) for r in getattr(instance, self.rows).all())


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A record chosen by id among those the caller may `scope_action` (view or change): any
    other answers as if it did not exist, so its existence does not leak.

    The model's manager decides the scope (`for_user(user, action)`, as every scoped model's
    does); without a request nothing can be chosen.
    """

    def __init__(self, *, model: type[Model], scope_action: str, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", model._default_manager.none())
        super().__init__(**kwargs)
        self.model = model
        self.scope_action = scope_action

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        manager: Any = self.model._default_manager
        if request is None:
            return manager.none()
        return manager.for_user(request.user, self.scope_action)


class ImmutableOnUpdate:
    """Fields that name what a record is about or belongs to (its household, its helper, its
    project…): set when it is created, refused when a change names another one."""

    immutable: tuple[str, ...] = ()
    instance: Any
    fields: Any

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)  # type: ignore[misc]
        if self.instance is not None:
            sources = {name: self.fields[name].source for name in self.immutable}
            errors = {
                name: [_("This cannot be changed: make a new record instead.")]
                for name, source in sources.items()
                if source in attrs and attrs[source] != getattr(self.instance, source)
            }
            if errors:
                raise serializers.ValidationError(errors)
        return attrs
