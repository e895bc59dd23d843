"""The optimiser on the pages: the coverage page's button proposes, the proposal page shows the
diff (new, changed, unassignable with the reason, cost before and after, the load histogram),
and Apply or Discard decide it as one audited action. Real optimiser, real database."""

import datetime

from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.lib.ids import make_resident_id
from fupin.pairing import actions
from fupin.pairing.models import Pairing, Proposal
from fupin.party import actions as party
from fupin.registry import actions as registry
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PairingSample,
    client_for,
    main,
    nothing_saved,
)


def section(page: str, css: str) -> str:
    return page.split(f'class="table {css}"', 1)[1].split("</table>", 1)[0]


def propose(client, region: str = COUNTY_A, rebalance: bool = False) -> Proposal:
    """Press the button as `client` (its next page shows the message)."""
    data = {"region": region, **({"rebalance": "on"} if rebalance else {})}
    response = client.post("/pairing/propose/", data)
    assert response.status_code == 302, main(response)
    proposal = Proposal.objects.order_by("-pk").first()
    assert proposal is not None and response["Location"] == proposal.get_absolute_url()
    return proposal


def village_helper(p: PairingSample, name: str, village: str, sequence: int):
    org = {VILLAGE_A: p.party.org_a, VILLAGE_A2: p.party.org_a2}.get(village, p.party.org_b)
    member = party.register_member(
        actor=None,
        organisation=org,
        region_code=village,
        name=name,
        id_number=make_resident_id(village[:6], datetime.date(1982, 8, 8), sequence),
        stage="full",
        joined_on=datetime.date(2005, 7, 1),
        full_on=datetime.date(2006, 7, 1),
    )
    return actions.register_helper(actor=None, member=member)


def test_it_proposes_shows_the_diff_and_applies_it_with_audit(cast, pairing):
    admin = cast.county_a_admin
    client = client_for(admin)
    coverage = main(client.get(f"/pairing/coverage/?region={COUNTY_A}"))
    assert "生成结对方案" in coverage
    proposal = propose(client)
    assert proposal.status == "open" and proposal.created_by == admin
    page = main(client.get(proposal.get_absolute_url()))
    assert "结对方案已生成：请审核后应用或放弃。" in page
    assert "旺苍县结对方案" in page
    new = section(page, "new-pairings")
    assert "P002 帮扶户甲二" in new and VILLAGE_A2 in new and "党员甲" in new
    assert "P001" not in page  # household A keeps its helper
    assert page.count("无。") == 2  # nothing changed, nobody unassignable
    summary = proposal.summary
    assert summary["beneficiaries"] == 2 and summary["assigned"] == 2
    assert summary["unassigned"] == 0
    assert f'<dd class="cost-before">{summary["cost_before"]}' in page
    assert f'<dd class="cost-after">{summary["cost_after"]}' in page
    histogram = section(page, "histogram")
    assert "<td>2</td><td>1</td>" in histogram  # helper A carries two households after
    # Four eyes: who proposed it may discard it, and is told another user applies it.
    apply = reverse("pairing:proposal-apply", args=[proposal.pk])
    assert apply not in page and reverse("pairing:proposal-discard", args=[proposal.pk]) in page
    assert 'class="note another-hand">该结对方案由您提出，须由另一位用户应用。' in page
    with nothing_saved():
        for response in (client.get(apply), client.post(apply)):
            assert response.status_code == 403
            assert "该结对方案由您提出，须由另一位用户应用。" in main(response)
    # The open proposal is listed on the coverage page and the proposal list.
    coverage = main(client_for(admin).get(f"/pairing/coverage/?region={COUNTY_A}"))
    assert proposal.get_absolute_url() in coverage
    assert proposal.get_absolute_url() in main(client_for(admin).get("/pairing/proposals/"))

    other = cast.province_admin
    other_client = client_for(other)
    page = main(other_client.get(proposal.get_absolute_url()))
    assert apply in page and "应用" in page and "放弃" in page and "another-hand" not in page
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = other_client.post(apply)
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    made = Pairing.objects.get(household=pairing.household_a2, ended_on__isnull=True)
    assert made.helper == pairing.helper_a and made.source == "optimiser"
    assert made.kind == "primary" and made.made_by == other
    events = AuditEvent.objects.filter(id__gt=since).order_by("id")
    assert [(e.action, e.actor_id) for e in events] == [
        ("pairing.apply_proposal_village", other.pk),
        ("pairing.apply_proposal", other.pk),
    ]
    assert events[0].region_code == VILLAGE_A2
    proposal.refresh_from_db()
    assert proposal.status == "applied" and proposal.decided_by == other
    page = main(client.get(proposal.get_absolute_url()))
    assert "已应用" in page and apply not in page and "another-hand" not in page
    assert "方案已应用：新建结对1个。" in main(other_client.get(proposal.get_absolute_url()))
    # Applying twice is refused on the page.
    with nothing_saved():
        again = client_for(other).post(apply)
    assert again.status_code == 200 and "该方案已" in main(again)
    coverage = main(client_for(admin).get(f"/pairing/coverage/?region={COUNTY_A}"))
    assert '<dd class="percent">100.0%</dd>' in coverage


def test_it_records_the_proposal_itself_in_the_audit_log(cast, pairing):
    proposal = propose(client_for(cast.province_admin), region=COUNTY_A)
    event = AuditEvent.objects.get(action="pairing.propose")
    assert event.object_id == str(proposal.pk) and event.actor_id == cast.province_admin.pk
    assert event.after["changes"] == 1


def test_it_discards_a_proposal_and_changes_no_pairing(cast, pairing):
    client = client_for(cast.county_a_admin)
    proposal = propose(client)
    before = list(Pairing.objects.values_list("pk", "helper_id", "ended_on"))
    response = client.post(reverse("pairing:proposal-discard", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "discarded"
    assert list(Pairing.objects.values_list("pk", "helper_id", "ended_on")) == before
    assert AuditEvent.objects.filter(action="pairing.discard_proposal").count() == 1
    assert "方案已放弃。" in main(client.get(proposal.get_absolute_url()))


def test_it_explains_why_beneficiaries_are_unassignable(cast, pairing):
    # County A: the only helper is at a cap of one.
    actions.set_cap_rule(
        actor=None, region_code=COUNTY_A, primary_cap=1, leader_cap=1, secondary_cap=1
    )
    page = main(
        client_for(cast.county_a_admin).get(
            propose(client_for(cast.county_a_admin)).get_absolute_url()
        )
    )
    unassignable = section(page, "unassignable")
    assert "P002 帮扶户甲二" in unassignable and "附近的帮扶责任人均已达上限" in unassignable
    assert f"<td>{pairing.helper_a.member.name}</td>" in unassignable  # the full one in reach
    # County B: its only helper no longer helps, so a new household has nobody within reach.
    actions.update_helper(actor=None, helper=pairing.helper_b, active=False)
    registry.create_household(
        actor=None, village_code=VILLAGE_B, number="P009", main_cause="illness", registered_in=2015
    )
    page = main(
        client_for(cast.county_b_admin).get(
            propose(client_for(cast.county_b_admin), COUNTY_B).get_absolute_url()
        )
    )
    unassignable = section(page, "unassignable")
    assert "P009" in unassignable and "附近没有帮扶责任人" in unassignable


def test_it_shows_changed_pairings_when_rebalancing(cast, pairing):
    # Household A2 is helped from another township; a helper of its own village arrives.
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    village_helper(pairing, "本村帮扶人", VILLAGE_A2, 950)
    proposal = propose(client_for(cast.county_a_admin), rebalance=True)
    assert proposal.rebalance
    page = main(client_for(cast.county_a_admin).get(proposal.get_absolute_url()))
    changed = section(page, "changed-pairings")
    assert "P002 帮扶户甲二" in changed
    assert changed.index("党员甲") < changed.index("→") < changed.index("本村帮扶人")
    # Another administrator than who proposed it applies it (four eyes).
    response = client_for(cast.province_admin).post(
        reverse("pairing:proposal-apply", args=[proposal.pk])
    )
    assert response.status_code == 302
    current = Pairing.objects.get(household=pairing.household_a2, ended_on__isnull=True)
    assert current.helper.member.name == "本村帮扶人"
    assert Pairing.objects.get(household=pairing.household_a2, helper=pairing.helper_a).ended_on


def test_it_refuses_a_stale_proposal_and_saves_nothing(cast, pairing):
    proposal = propose(client_for(cast.county_a_admin))
    actions.pair(actor=None, helper=pairing.helper_a, household=pairing.household_a2)
    with nothing_saved():
        response = client_for(cast.province_admin).post(
            reverse("pairing:proposal-apply", args=[proposal.pk])
        )
    assert response.status_code == 200
    assert "方案提出后结对已有变化（1个帮扶对象）：请重新生成方案。" in main(response)
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_it_keeps_proposals_in_scope(cast, pairing):
    proposal = propose(client_for(cast.county_a_admin))
    detail = proposal.get_absolute_url()
    # The page, then applying and discarding: who proposed it (county A's administrator)
    # may discard it, not apply it (four eyes).
    expected = {
        "province_admin": (200, 200, 200),
        "county_a_admin": (200, 403, 200),
        "village_a_secretary": (404, 404, 404),
        "county_b_admin": (404, 404, 404),
        "auditor": (200, 403, 403),
        "helper": (403, 403, 403),
    }
    for name, (view, *decide) in expected.items():
        client = client_for(getattr(cast, name))
        assert client.get(detail).status_code == view, name
        for page, status in zip(("proposal-apply", "proposal-discard"), decide, strict=True):
            url = reverse(f"pairing:{page}", args=[proposal.pk])
            assert client.get(url).status_code == status, (name, page)
            if status != 200:
                with nothing_saved():
                    assert client.post(url).status_code == status, (name, page)
    # Readers see the diff without the buttons.
    page = main(client_for(cast.auditor).get(detail))
    assert "P002" in page and reverse("pairing:proposal-apply", args=[proposal.pk]) not in page
    response = client_for(None).get(detail)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Proposal.objects.get().status == "open"


def test_it_lets_a_village_secretary_propose_for_the_village_only(cast, pairing):
    registry.create_household(
        actor=None, village_code=VILLAGE_A, number="P010", main_cause="illness", registered_in=2015
    )
    proposal = propose(client_for(cast.village_a_secretary), region=VILLAGE_A)
    assert proposal.region_id == VILLAGE_A
    with nothing_saved():
        response = client_for(cast.village_a_secretary).post(
            "/pairing/propose/", {"region": VILLAGE_A2}
        )
    assert response.status_code == 404


def test_it_refuses_a_proposal_without_a_region(cast, pairing):
    with nothing_saved():
        response = client_for(cast.county_a_admin).post("/pairing/propose/", {"region": ""})
    assert response.status_code == 200 and "该字段是必填项。" in main(response)
