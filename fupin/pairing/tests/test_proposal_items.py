"""A proposal's items are rows (ProposalItem): its page and the API page them, applying reads
them in chunks, they are seen exactly when their proposal is, and the data migration turns a
proposal's old JSON items into the same rows."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fupin.accounts.roles import Action
from fupin.audit.models import AuditEvent
from fupin.pairing import actions
from fupin.pairing.actions import pairings as pairing_actions
from fupin.pairing.models import Pairing, Proposal, ProposalItem
from fupin.pairing.optimise import ProposalResult
from fupin.registry import actions as registry
from fupin.testing import COUNTY_A, VILLAGE_A, VILLAGE_A2, api_for, client_for, nothing_saved

migration = importlib.import_module("fupin.pairing.migrations.0003_proposal_items_as_rows")

PER_PAGE = 50


def item(household: int, village: str = VILLAGE_A, **changes) -> dict:
    """An item as the optimiser gives it: by default a new pairing with helper 7."""
    return {
        "kind": "household",
        "id": household,
        "name": f"户主{household}",
        "village": village,
        "old": None,
        "old_name": "",
        "new": 7,
        "new_name": "党员七",
        "reason": "",
        "nearest": "",
    } | changes


def save(items: list[dict], actor=None) -> Proposal:
    result = ProposalResult(
        beneficiaries=len(items),
        assigned=len(items),
        cost_before=100,
        cost_after=10,
        histogram={1: 1},
        items=items,
    )
    return actions.save_proposal(actor=actor, region_code=COUNTY_A, result=result)


def main(response) -> str:
    return response.content.decode().split("<main>", 1)[1]


def section(page: str, css: str) -> str:
    return page.split(f'class="table {css}"', 1)[1].split("</table>", 1)[0]


def long_proposal() -> Proposal:
    """61 new pairings (one page and one row more), two changed, one unassignable. The
    households need not exist: an item keeps the ids as proposed."""
    items = [item(100_000 + n) for n in range(PER_PAGE + 11)]
    items += [item(200_000 + n, old=8, old_name="党员八") for n in range(2)]
    items.append(
        item(300_000, new=None, new_name="", reason="helpers_at_cap", nearest="党员七、党员八")
    )
    return save(items)


def test_it_keeps_one_row_per_item_in_the_optimisers_order(cast, pairing):
    proposal = long_proposal()
    rows = list(proposal.items.order_by("pk"))
    assert len(rows) == 64 and rows[0].household_id == 100_000
    assert [r.change for r in rows[-3:]] == ["changed", "changed", "unassignable"]
    assert {r.county_code for r in rows} == {COUNTY_A}
    assert rows[-1].reason == "helpers_at_cap" and rows[-1].new_helper_id is None


def test_it_shows_the_first_page_of_a_long_proposal_and_a_pager(cast, pairing):
    proposal = long_proposal()
    client = client_for(cast.county_a_admin)
    page = main(client.get(proposal.get_absolute_url()))
    new = section(page, "new-pairings")
    assert new.count("<tr>") == PER_PAGE + 1  # the heading's row and a page of items
    assert "户主100000" in new and "户主100049" in new and "户主100050" not in new
    assert "新增结对 <small>61</small>" in page
    assert '<nav class="pager"' in page and 'href="?n=2"' in page
    changed = section(page, "changed-pairings")
    assert changed.count("党员八") == 2 and changed.count("党员七") == 2
    unassignable = section(page, "unassignable")
    assert (
        "附近的帮扶责任人均已达上限" in unassignable and "<td>党员七、党员八</td>" in unassignable
    )
    assert "最近的帮扶人（均已满额）" in unassignable
    second = section(main(client.get(proposal.get_absolute_url() + "?n=2")), "new-pairings")
    assert second.count("<tr>") == 11 + 1 and "户主100060" in second and "户主100000" not in second


def test_it_pages_the_items_in_the_api_and_filters_them_by_change(cast, pairing):
    proposal = long_proposal()
    api = api_for(cast.county_a_admin)
    url = f"/api/v1/proposals/{proposal.pk}/items/"
    assert api.get(f"/api/v1/proposals/{proposal.pk}/").json()["items_url"].endswith(url)
    first = api.get(url, {"limit": PER_PAGE}).json()
    assert first["count"] == 64 and len(first["results"]) == PER_PAGE and first["next"]
    assert first["results"][0] == {
        "kind": "household",
        "id": 100_000,
        "name": "户主100000",
        "village": VILLAGE_A,
        "old": None,
        "old_name": "",
        "new": 7,
        "new_name": "党员七",
        "reason": "",
        "nearest": "",
        "change": "new",
    }
    rest = api.get(first["next"]).json()
    assert len(rest["results"]) == 14 and rest["next"] is None
    assert rest["results"][-1]["reason"] == "helpers_at_cap"
    assert rest["results"][-1]["nearest"] == "党员七、党员八"
    changed = api.get(url, {"change": "changed"}).json()
    assert [(i["id"], i["old"], i["new"]) for i in changed["results"]] == [
        (200_000, 8, 7),
        (200_001, 8, 7),
    ]
    assert api.get(url, {"change": "x"}).status_code == 400


def test_it_shows_no_item_to_a_sibling_county(cast, pairing):
    proposal = long_proposal()
    url = f"/api/v1/proposals/{proposal.pk}/items/"
    assert api_for(cast.county_b_admin).get(url).status_code == 404
    assert api_for(cast.county_a_admin).get("/api/v1/proposals/x/items/").status_code == 404
    assert client_for(cast.county_b_admin).get(proposal.get_absolute_url()).status_code == 404
    assert not ProposalItem.objects.for_user(cast.county_b_admin).exists()
    assert not ProposalItem.objects.for_user(cast.county_b_admin, Action.CHANGE).exists()
    # Seen exactly when the proposal is: the auditor reads them, the helper does not.
    assert ProposalItem.objects.for_user(cast.auditor).count() == 64
    assert not ProposalItem.objects.for_user(cast.helper).exists()
    assert api_for(cast.helper).get(url).status_code == 404
    assert api_for(cast.auditor).get(url).json()["count"] == 64


def households(n: int) -> list:
    return [
        registry.create_household(
            actor=None,
            village_code=VILLAGE_A,
            number=f"P{100 + i}",
            main_cause="illness",
            registered_in=2015,
        )
        for i in range(n)
    ]


def proposal_to_pair(pairing, extra: list) -> Proposal:
    """Household A2 (village A2) and `extra` (village A) with helper A: more than a chunk."""
    helper = pairing.helper_a.pk
    return save(
        [item(h.pk, new=helper) for h in extra[:2]]
        + [item(pairing.household_a2.pk, VILLAGE_A2, new=helper)]
        + [item(h.pk, new=helper) for h in extra[2:]]
    )


def test_it_applies_a_proposal_across_chunks(cast, pairing, monkeypatch):
    monkeypatch.setattr(pairing_actions, "CHUNK", 2)
    extra = households(3)
    proposal = proposal_to_pair(pairing, extra)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    made = actions.apply_proposal(actor=cast.county_a_admin, proposal=proposal)
    assert made == 4
    current = Pairing.objects.filter(helper=pairing.helper_a, ended_on__isnull=True)
    assert {p.household_id for p in current} == {
        pairing.household_a.pk,
        pairing.household_a2.pk,
        *(h.pk for h in extra),
    }
    events = list(AuditEvent.objects.filter(id__gt=since).order_by("id"))
    assert [(e.action, e.region_code) for e in events] == [
        ("pairing.apply_proposal_village", VILLAGE_A),
        ("pairing.apply_proposal_village", VILLAGE_A2),
        ("pairing.apply_proposal", COUNTY_A),
    ]
    # One event per village, whichever chunks its rows came in, in the proposal's order.
    assert [r["id"] for r in events[0].after["pairings"]] == [h.pk for h in extra]
    assert events[2].after == {"made": 4, "ended": 0}


def test_it_refuses_a_proposal_stale_in_a_later_chunk_and_saves_nothing(cast, pairing, monkeypatch):
    monkeypatch.setattr(pairing_actions, "CHUNK", 2)
    extra = households(3)
    proposal = proposal_to_pair(pairing, extra)
    actions.pair(actor=None, helper=pairing.helper_a, household=extra[2])  # in the last chunk
    with nothing_saved(), pytest.raises(ValidationError) as error:
        actions.apply_proposal(actor=cast.county_a_admin, proposal=proposal)
    assert "（1个帮扶对象）" in error.value.messages[0]
    assert Proposal.objects.get(pk=proposal.pk).status == "open"


def test_it_converts_a_json_proposal_into_rows(cast, pairing):
    """The data migration's conversion, item by item and into rows, agrees with saving."""
    items = [
        item(11),
        item(12, VILLAGE_A2, old=8, old_name="党员八"),
        {**item(13, new=None, new_name="", reason="no_helper_in_reach"), "kind": "member"},
    ]
    assert migration.item_fields(items[0]) == {
        "change": "new",
        "household_id": 11,
        "member_id": None,
        "name": "户主11",
        "region_code": VILLAGE_A,
        "county_code": COUNTY_A,
        "old_helper_id": None,
        "old_name": "",
        "new_helper_id": 7,
        "new_name": "党员七",
        "reason": "",
    }
    assert migration.item_fields(items[1])["change"] == "changed"
    third = migration.item_fields(items[2])
    assert (third["change"], third["household_id"], third["member_id"]) == (
        "unassignable",
        None,
        13,
    )
    # Into rows of a proposal saved without items: the same rows as saving them would make.
    converted = save([])
    for rows in migration.row_chunks(ProposalItem, converted.pk, items):
        ProposalItem.objects.bulk_create(rows)
    saved = save(items)
    fields = [f for f in migration.item_fields(items[0]) if f != "id"]

    def rows_of(proposal):
        return list(proposal.items.order_by("pk").values_list(*fields))

    assert rows_of(converted) == rows_of(saved) and len(rows_of(saved)) == 3
    api = api_for(cast.county_a_admin)
    shown = api.get(f"/api/v1/proposals/{converted.pk}/items/").json()["results"]
    assert [(i["kind"], i["id"], i["change"]) for i in shown] == [
        ("household", 11, "new"),
        ("household", 12, "changed"),
        ("member", 13, "unassignable"),
    ]
    page = main(
        client_for(cast.county_a_admin).get(reverse("pairing:proposal-detail", args=[converted.pk]))
    )
    assert "户主12" in section(page, "changed-pairings")
    assert "附近没有帮扶责任人" in section(page, "unassignable")


def test_it_converts_in_chunks(cast, pairing, monkeypatch):
    monkeypatch.setattr(migration, "CHUNK", 2)
    chunks = list(migration.row_chunks(ProposalItem, 1, [item(n) for n in range(5)]))
    assert [len(c) for c in chunks] == [2, 2, 1]
    assert [r.household_id for c in chunks for r in c] == [0, 1, 2, 3, 4]
