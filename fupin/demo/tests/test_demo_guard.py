"""`fupin demo` refuses to replace records it did not make, and to run with production settings,
unless given --replace-everything (fupin.demo.guard)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Model
from django.utils.translation import gettext as _

from fupin.audit.models import AuditEvent
from fupin.demo.guard import demo_ranges, foreign_records
from fupin.party.models import Member
from fupin.regions.models import Region
from fupin.registry import actions
from fupin.registry.models import Household, StatusChange

pytestmark = pytest.mark.django_db
OTHER_VILLAGE = "510821100002"


def demo(*args: str) -> dict:
    out = StringIO()
    call_command("demo", "--scale", "0.01", "--seed", "3", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def refusal(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        demo(*args)
    return str(refused.value)


def named(model: type[Model], example: object) -> str:
    """The refusal's line for one record of `model`, in the language of the test."""
    return _("%(kind)s: %(count)s, for example %(example)s") % {
        "kind": model._meta.verbose_name_plural,
        "count": "1",
        "example": example,
    }


def somebody_elses_household() -> Household:
    return actions.create_household(
        actor=None, village_code=OTHER_VILLAGE, number="K1", main_cause="funds", registered_in=2015
    )


def test_it_refuses_a_database_with_a_household_it_did_not_make_and_names_it():
    kept = somebody_elses_household()
    poor = set(Region.objects.filter(is_poor=True).values_list("code", flat=True))
    events = AuditEvent.objects.count()

    message = refusal()

    assert named(Household, kept) in message, "the kind, how many and an example"
    assert "--replace-everything" in message
    assert Household.objects.filter(pk=kept.pk).exists(), "nothing deleted"
    assert set(Region.objects.filter(is_poor=True).values_list("code", flat=True)) == poor
    assert AuditEvent.objects.count() == events


def test_it_replaces_them_when_told_to():
    kept = somebody_elses_household()

    data = demo("--replace-everything")

    assert data["households"] == Household.objects.count() > 0
    # At --scale 0.01 every village of the test tree is the demo's, this one too.
    assert not Household.objects.filter(pk=kept.pk).exists()
    # Now only the demo's: a rebuild needs no flag.
    assert demo() == data


def test_it_rebuilds_its_own_demo_without_the_flag_even_after_its_rows_were_edited():
    first = demo()
    Household.objects.filter(pk=Household.objects.order_by("pk").values("pk")[:1]).delete()
    Member.objects.filter(pk=Member.objects.order_by("-pk").values("pk")[:1]).update(name="改名")

    assert demo() == first
    assert demo() == first
    # Three builds, one range of ids a table: nothing in between was somebody else's.
    assert len(demo_ranges()["registry.household"]) == 1


def test_it_names_every_kind_of_record_added_after_its_build():
    demo()
    added = somebody_elses_household()
    Member.objects.create(
        **{
            **Member.objects.order_by("pk").values()[0],
            "id": None,
            "name": "手工党员",
            "id_number": "",
        }
    )

    message = refusal()

    assert named(Household, added) in message
    assert named(Member, "手工党员") in message
    assert Household.objects.filter(pk=added.pk).exists()
    # The household action records its registration too.
    assert [f.model for f in foreign_records()] == [Household, StatusChange, Member]


def test_it_refuses_production_settings_without_the_flag(settings):
    settings.DEBUG = False
    events = AuditEvent.objects.count()

    message = refusal()

    assert "DEBUG" in message and "--replace-everything" in message
    assert AuditEvent.objects.count() == events
    assert not Household.objects.exists()
    assert demo("--replace-everything")["households"] > 0
