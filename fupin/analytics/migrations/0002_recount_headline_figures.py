"""The headline figures got one definition (analytics.counting.HEADLINES): 未脱贫户 count the
relapsed households too (households_not_exited, people_not_exited) and 党员 are split into
those of the villages and those of the organs (village_members, organ_members). Summary rows
written before lack these keys, so a database that has rows is recounted from its records.

This runs the counting code of the release that brings it, not a historical model: on a fresh
database there is no row and nothing to recount; on an existing one the records' tables are
those of the migrations it depends on. `fupin analytics rebuild` does the same by hand."""

from typing import Any

from django.db import migrations


def recount(apps: Any, schema_editor: Any) -> None:
    figures = apps.get_model("analytics", "RegionFigures")
    if not figures.objects.exists():
        return
    from fupin.analytics.refresh import rebuild

    rebuild("")


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("pairing", "0005_proposal_item_nearest_cap_limits"),
        ("party", "0001_initial"),
        ("projects", "0001_initial"),
        ("regions", "0002_region_population"),
        ("registry", "0002_alter_household_arable_land_alter_person_work_months"),
    ]

    # Going back leaves the new keys in the rows: the older code ignores them.
    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
