"""A proposal's items, one JSON value until now, become rows of ProposalItem (0004 then drops
the JSON). Self-contained, as a data migration must be: it uses the historical models and its
own copy of the item → row rule (models.ProposalItem.of)."""

from collections.abc import Iterator
from typing import Any

from django.db import migrations

CHUNK = 5000


def item_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The field values of the row of one JSON item (kind, id, name, village, old, old_name,
    new, new_name, reason)."""
    household = item["kind"] == "household"
    old, new = item.get("old") or None, item.get("new") or None
    return {
        "change": ("changed" if old else "new") if new else "unassignable",
        "household_id": item["id"] if household else None,
        "member_id": None if household else item["id"],
        "name": item.get("name") or "",
        "region_code": item["village"],
        "county_code": item["village"][:6],
        "old_helper_id": old,
        "old_name": item.get("old_name") or "",
        "new_helper_id": new,
        "new_name": item.get("new_name") or "",
        "reason": item.get("reason") or "",
    }


def row_chunks(Item: Any, proposal_id: int, items: list[dict[str, Any]]) -> Iterator[list[Any]]:
    """The unsaved rows of a proposal's JSON items, in their order, CHUNK at a time."""
    for start in range(0, len(items), CHUNK):
        yield [
            Item(proposal_id=proposal_id, **item_fields(item))
            for item in items[start : start + CHUNK]
        ]


def items_to_rows(apps: Any, schema_editor: Any) -> None:
    Proposal = apps.get_model("pairing", "Proposal")
    Item = apps.get_model("pairing", "ProposalItem")
    # One proposal's JSON in memory at a time (a province's is hundreds of thousands).
    for pk in Proposal.objects.order_by("pk").values_list("pk", flat=True):
        items = Proposal.objects.filter(pk=pk).values_list("items_json", flat=True).get()
        for rows in row_chunks(Item, pk, items or []):
            Item.objects.bulk_create(rows)


def rows_to_items(apps: Any, schema_editor: Any) -> None:
    """Backwards: the rows back into each proposal's JSON, in their order."""
    Proposal = apps.get_model("pairing", "Proposal")
    Item = apps.get_model("pairing", "ProposalItem")
    for pk in Proposal.objects.order_by("pk").values_list("pk", flat=True):
        items = [
            {
                "kind": "household" if row.household_id else "member",
                "id": row.household_id or row.member_id,
                "name": row.name,
                "village": row.region_code,
                "old": row.old_helper_id,
                "old_name": row.old_name,
                "new": row.new_helper_id,
                "new_name": row.new_name,
                "reason": row.reason,
            }
            for row in Item.objects.filter(proposal_id=pk).order_by("pk").iterator(CHUNK)
        ]
        Proposal.objects.filter(pk=pk).update(items_json=items)
        Item.objects.filter(proposal_id=pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pairing", "0002_proposalitem"),
    ]

    operations = [
        migrations.RunPython(items_to_rows, rows_to_items),
    ]
