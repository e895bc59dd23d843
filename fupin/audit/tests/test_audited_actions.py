"""audited_update and audited_delete: one event with the snapshot before and after, no event
and no change when the action's rule refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from fupin.accounts.models import User
from fupin.audit.actions import audited_delete, audited_update
from fupin.audit.log import SYSTEM, acting_user
from fupin.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_saves_the_change_and_writes_one_event(cast):
    user = User.objects.create(username="someone", first_name="Old")
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    audited_update(
        cast.province_admin,
        user,
        {"first_name": "New"},
        action="test.update",
        fields=["first_name"],
        region_code=lambda u: f"51{u.first_name}",
    )
    assert User.objects.get(pk=user.pk).first_name == "New"
    (event,) = AuditEvent.objects.filter(pk__gt=last)
    assert (event.action, event.actor_name, event.object_id) == (
        "test.update",
        "province_admin",
        str(user.pk),
    )
    assert (event.before, event.after, event.region_code) == (
        {"first_name": "Old"},
        {"first_name": "New"},
        "51New",
    )


def test_it_saves_nothing_and_writes_nothing_when_the_check_refuses(cast):
    user = User.objects.create(username="someone", first_name="Old")
    events = AuditEvent.objects.count()

    def refuse(user: User) -> None:
        raise ValidationError("no")

    with pytest.raises(ValidationError), transaction.atomic():
        audited_update(
            None,
            user,
            {"first_name": "New"},
            action="t",
            fields=["first_name"],
            region_code="",
            check=refuse,
        )
    assert User.objects.get(pk=user.pk).first_name == "Old"
    assert AuditEvent.objects.count() == events


def test_it_writes_the_event_of_a_deletion_with_what_was_deleted():
    user = User.objects.create(username="someone", first_name="Gone")
    pk, text = user.pk, str(user)
    audited_delete(None, user, action="test.delete", fields=["first_name"], region_code="51")
    assert not User.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="test.delete")
    assert (event.object_id, event.object_repr, event.actor_name) == (str(pk), text, SYSTEM)
    assert event.before == {"first_name": "Gone"}


def test_it_authors_records_by_signed_in_users_only(cast):
    assert acting_user(cast.helper) == cast.helper
    assert acting_user(None) is None
