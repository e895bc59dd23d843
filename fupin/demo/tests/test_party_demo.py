"""`fupin demo` builds party organisations and members on every village of its counties.

The module's demo runs on the small test tree (two counties of four communities) with two real
townships of 苍溪县 added: 五龙镇 (510824107), which issue 4's acceptance test reorganises, and
永宁镇 (510824108), five villages and a community. At --scale 0.01 all 23 villages are poor.
The chances of a park committee and an industry branch are raised for the module's demo, so
that a tree this small has some. The module's demo lasts until its last test (one transaction,
rolled back): the tests that build their own demo build it on that tree.
"""

import csv
import datetime
import gzip
import json
import random
import statistics
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.audit.models import AuditEvent
from fupin.demo.households import IdNumbers
from fupin.demo.party import (
    DELETE_ORDER,
    WULONG,
    CountyIds,
    build_party,
    clear_party,
    party_counties,
    short_name,
)
from fupin.demo.party import tree as party_tree
from fupin.lib.ids import make_resident_id, parse_resident_id
from fupin.party import actions
from fupin.party.checks import warnings_for
from fupin.party.choices import OrgKind, OrgLevel, Stage
from fupin.party.models import (
    Coverage,
    DevelopmentStep,
    Member,
    MemberTag,
    Organisation,
    ServiceLog,
)
from fupin.party.rules import YOUNG_TALENT_AGE, age_on, check_member_dates, check_step
from fupin.regions.actions import load_regions
from fupin.regions.choices import Level
from fupin.regions.loader import BUNDLED, RegionRow
from fupin.regions.models import Region
from fupin.registry.models import Person
from fupin.testing import COUNTY_A, COUNTY_B

pytestmark = pytest.mark.django_db

# The seven villages of the 三会村 area (issue 4, "Done when").
SANHUI = {
    "510824107203": "新梁村",
    "510824107204": "九燕村",
    "510824107205": "苍龙村",
    "510824107207": "蟠龙村",
    "510824107213": "三会村",
    "510824107215": "玉龙村",
    "510824107216": "嘉龙村",
}
YONGNING = "510824108"


def demo(*args: str) -> dict:
    out = StringIO()
    call_command("demo", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def add_townships(*codes: str) -> None:
    """Real townships of the bundled tree, with their villages, under the test tree's county."""
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["code"][:9] in codes]
    load_regions(
        actor=None,
        rows=[
            RegionRow(r["code"], r["name"], r["parent_code"], 4 if len(r["code"]) == 9 else 5)
            for r in sorted(rows, key=lambda r: len(r["code"]))
        ],
        source="test",
    )


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """One demo at --scale 0.01 for the read-only tests of this module (rolled back after)."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        from django.db import transaction

        patch.setattr(party_tree, "PARK_CHANCE", 1.0)
        patch.setattr(party_tree, "INDUSTRY_CHANCE", 1.0)
        with transaction.atomic():
            add_townships(WULONG, YONGNING)
            data = demo("--scale", "0.01", "--seed", "5")
            yield data
            transaction.set_rollback(True)


def villages() -> dict[str, bool]:
    """Every village and community of the tree: code -> poor."""
    return dict(Region.objects.filter(level=Level.VILLAGE).values_list("code", "is_poor"))


def coverage() -> dict[int, list[str]]:
    out = defaultdict(list)
    for org, region in Coverage.objects.values_list("organisation_id", "region_id"):
        out[org].append(region)
    return out


def tags_of(kind: str) -> list[MemberTag]:
    return list(MemberTag.objects.filter(kind=kind).select_related("member"))


def test_it_names_branches_after_their_village_or_community():
    assert short_name("新梁村村民委员会") == ("新梁村", True)
    assert short_name("跳蹬村委会") == ("跳蹬村", True)
    assert short_name("大梁村村委会") == ("大梁村", True)
    assert short_name("水井坊社区居委会") == ("水井坊社区", False)
    assert short_name("乐园社区居民委员会") == ("乐园社区", False)
    assert short_name("丹桂居民委员会") == ("丹桂社区", False)
    assert short_name("古城社区") == ("古城社区", False)


def test_it_draws_the_same_valid_ids_as_the_households_generator():
    ours, theirs = CountyIds(COUNTY_A), IdNumbers(COUNTY_A)
    a, b = random.Random(7), random.Random(7)
    for i in range(3000):
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=i * 11)
        sex = "male" if i % 3 else "female"
        number = ours.new(a, birth, sex)
        assert number == theirs.new(b, birth, sex)
        assert number == make_resident_id(COUNTY_A, birth, int(number[14:17]))


def test_it_covers_the_poor_counties_and_cangxi_and_the_whole_province_at_scale_1():
    assert party_counties([COUNTY_A], 0.1, 1) == [COUNTY_A, COUNTY_B], "苍溪县 always"
    assert party_counties([], 0.1, 1) == [COUNTY_B]
    assert party_counties([], 0.5, 1) == [COUNTY_B]
    assert party_counties([], 1, 1) == [COUNTY_A, COUNTY_B]


def test_it_builds_a_tree_on_every_village_of_the_demo_counties(built):
    assert built["party"]["counties"] == 2
    assert built["party"]["villages"] == len(villages()) == 23
    covered = coverage()
    orgs = {o.pk: o for o in Organisation.objects.all()}
    assert built["party"]["organisations"] == len(orgs)
    # Every village and community has one branch (or general branch) of its own kind.
    branches = Counter()
    for org in orgs.values():
        if org.level in (OrgLevel.BRANCH, OrgLevel.GENERAL_BRANCH) and org.kind in (
            OrgKind.VILLAGE,
            OrgKind.COMMUNITY,
        ):
            (code,) = covered[org.pk]
            branches[code] += 1
            region = Region.objects.get(code=code)
            assert (org.kind == OrgKind.VILLAGE) == short_name(region.name)[1]
            # Under the township's committee, or a park over the village.
            assert org.parent.level == OrgLevel.COMMITTEE
            assert org.parent.kind in (OrgKind.VILLAGE, OrgKind.COMMUNITY, OrgKind.PARK)
    assert branches == {code: 1 for code in villages()}
    townships = set(Region.objects.filter(level=Level.TOWNSHIP).values_list("code", flat=True))
    committees = [
        covered[o.pk]
        for o in orgs.values()
        if o.level == OrgLevel.COMMITTEE and o.kind in (OrgKind.VILLAGE, OrgKind.COMMUNITY)
    ]
    assert sorted(c for (c,) in committees) == sorted(townships)
    organ_committees = [o for o in orgs.values() if o.kind == OrgKind.ORGAN and not o.parent]
    assert sorted(covered[o.pk] for o in organ_committees) == [[COUNTY_A], [COUNTY_B]]
    # General branches have party groups under them.
    for org in orgs.values():
        if org.level == OrgLevel.GENERAL_BRANCH and org.kind != OrgKind.ORGAN:
            groups = [o for o in orgs.values() if o.parent_id == org.pk]
            assert len(groups) >= 3
            assert all(g.level == OrgLevel.GROUP for g in groups)


def test_it_gives_every_organisation_coverage_a_founding_date_and_a_secretary(built):
    covered = coverage()
    members = dict(Member.objects.values_list("pk", "organisation_id"))
    assert all(c.county_code == c.region_id[:6] for c in Coverage.objects.all())
    open_names = Counter()
    for org in Organisation.objects.select_related("parent"):
        codes = covered[org.pk]
        assert codes, org
        assert org.region_id == actions.common_region(sorted(codes))
        assert datetime.date(1950, 1, 1) <= org.founded_on <= datetime.date(2020, 12, 31)
        assert org.closed_on is None
        assert members[org.secretary_id] == org.pk, "the secretary is one of its members"
        if org.parent:
            # Inside the parent's coverage.
            parent_codes = covered[org.parent_id]
            assert all(any(c.startswith(p) for p in parent_codes) for c in codes)
        open_names[(org.name, org.region_id)] += 1
    assert max(open_names.values()) == 1, "names are unique among a region's open organisations"
    assert warnings_for(Organisation.objects.all()) == {}


def test_it_puts_about_44_members_in_each_village_and_cadres_in_the_organs(built):
    per_village = Counter(
        Member.objects.filter(region__level=Level.VILLAGE).values_list("region_id", flat=True)
    )
    assert set(per_village) == set(villages())
    # Members of the village's own branch (or general branch and its groups).
    own = Counter(
        Member.objects.filter(
            organisation__kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY],
            region__level=Level.VILLAGE,
        ).values_list("region_id", flat=True)
    )
    assert all(18 <= n <= 71 for n in own.values())
    assert 36 <= statistics.mean(own.values()) <= 52
    cadres = Member.objects.filter(organisation__kind=OrgKind.ORGAN)
    assert built["party"]["cadres"] == cadres.count()
    # About 13.6 cadres per village of the county, all tagged with their organ.
    assert 10 * len(villages()) <= cadres.count() <= 18 * len(villages())
    assert set(cadres.values_list("region_id", flat=True)) == {COUNTY_A, COUNTY_B}
    assert MemberTag.objects.filter(kind="cadre").count() == cadres.count()
    assert all(t.unit for t in tags_of("cadre"))
    assert built["party"]["members"] + built["party"]["cadres"] == Member.objects.count()
    stages = Counter(Member.objects.values_list("stage", flat=True))
    total = sum(stages.values())
    assert stages[Stage.FULL] / total >= 0.85
    assert {Stage.PROBATIONARY, Stage.TARGET, Stage.ACTIVIST, Stage.APPLICANT} <= set(stages)


def test_it_leaves_five_dragons_township_with_branches_for_the_user(built):
    """五龙镇's villages keep a plain branch of 24–46 members, no park and no industry branch."""
    covered = coverage()
    for code, name in SANHUI.items():
        (branch,) = [
            o
            for o in Organisation.objects.filter(coverage__region_id=code)
            if o.kind == OrgKind.VILLAGE and o.level == OrgLevel.BRANCH
        ]
        assert branch.name == f"中共{name}支部委员会"
        assert branch.is_open
        assert branch.parent.name == "中共五龙镇委员会"
        assert 24 <= branch.members.count() <= 46
        assert branch.secretary.organisation_id == branch.pk
    wulong = [pk for pk, codes in covered.items() if any(c.startswith(WULONG) for c in codes)]
    kinds = set(Organisation.objects.filter(pk__in=wulong).values_list("kind", flat=True))
    assert kinds <= {OrgKind.VILLAGE, OrgKind.COMMUNITY}
    # Elsewhere the (raised) chances gave a park over poor villages and industry branches.
    (park,) = Organisation.objects.filter(kind=OrgKind.PARK)
    assert park.parent.name == "中共永宁镇委员会"
    assert 3 <= len(covered[park.pk]) <= 5
    assert all(c.startswith(YONGNING) and villages()[c] for c in covered[park.pk])
    under = Organisation.objects.filter(parent=park)
    assert sorted(c for o in under for c in covered[o.pk]) == sorted(covered[park.pk])
    # An industry branch in each village outside 五龙镇 (the chance raised to 1), none in the
    # communities.
    industry = Organisation.objects.filter(kind=OrgKind.INDUSTRY)
    assert sorted(c for o in industry for c in covered[o.pk]) == sorted(
        code for code in villages() if code.startswith(YONGNING) and code[9] == "2"
    )
    for org in industry:
        assert org.secretary.tags.filter(kind="wealth_leader").exists()


def test_it_lets_the_user_reorganise_the_sanhui_area(built):
    """The issue's acceptance scenario, through the actions the page calls."""
    township = Organisation.objects.get(name="中共五龙镇委员会")
    branches = {
        code: Organisation.objects.get(name=f"中共{name}支部委员会")
        for code, name in SANHUI.items()
    }
    park = actions.create_organisation(
        actor=None,
        name="三会现代农业园区党委",
        level=OrgLevel.COMMITTEE,
        kind=OrgKind.PARK,
        region_codes=["510824107213", "510824107215", "510824107216"],
        parent=township,
        founded_on=datetime.date(2021, 3, 1),
    )
    sources = [branches[c] for c in ("510824107203", "510824107204", "510824107205")]
    members = sum(s.members.count() for s in sources)

    reorganisation = actions.reorganise(
        actor=None,
        sources=sources,
        successors=[
            actions.Successor(
                "中共新梁九燕社区总支部委员会",
                OrgLevel.GENERAL_BRANCH,
                OrgKind.VILLAGE,
                ["510824107203", "510824107204"],
                parent=township,
            ),
            actions.Successor(
                "中共苍龙社区总支部委员会",
                OrgLevel.GENERAL_BRANCH,
                OrgKind.VILLAGE,
                ["510824107205"],
                parent=township,
            ),
        ],
        on=datetime.date(2021, 6, 1),
    )

    assert reorganisation.members_moved == members
    assert all(not Organisation.objects.get(pk=s.pk).is_open for s in sources)
    assert park.coverage.count() == 3


def test_it_keeps_the_rules_the_actions_enforce(built):
    covered = coverage()
    for m in Member.objects.all():
        # Inside the organisation's coverage, with the county of its region.
        assert any(m.region_id.startswith(c) for c in covered[m.organisation_id]), m
        assert m.county_code == m.region_id[:6]
        # A valid ID agreeing with sex and birth date.
        rid = parse_resident_id(m.id_number)
        assert (rid.sex, rid.birth_date) == (m.sex, m.birth_date)
        assert rid.address_code == m.county_code
        assert (
            check_member_dates(
                birth_date=m.birth_date, joined_on=m.joined_on, full_on=m.full_on, stage=m.stage
            )
            == {}
        ), m
        assert m.full_on is None or m.full_on <= datetime.date(2020, 12, 31)
    steps = defaultdict(list)
    for step in DevelopmentStep.objects.order_by("on", "pk"):
        steps[step.member_id].append(step)
    members = Member.objects.in_bulk(list(steps))
    for pk, chain in steps.items():
        member = members[pk]
        current, previous = None, None
        for step in chain:
            check_step(
                current=current,
                previous_on=previous,
                stage=step.stage,
                on=step.on,
                contacts=step.contacts,
            )
            assert step.approved_by
            assert (step.region_code, step.county_code) == (member.region_id, member.county_code)
            current, previous = step.stage, step.on
        assert member.stage == chain[-1].stage
        by_stage = {s.stage: s.on for s in chain}
        assert member.joined_on == by_stage.get(Stage.PROBATIONARY, member.joined_on)
        assert member.full_on == by_stage.get(Stage.FULL, member.full_on)
        assert age_on(member.birth_date, chain[0].on) >= 18
    pipeline = Member.objects.filter(stage__in=[Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET])
    assert pipeline.exists()
    assert all(p.pk in steps for p in pipeline)
    for tag in MemberTag.objects.select_related("member"):
        assert (tag.region_code, tag.county_code) == (tag.member.region_id, tag.member.county_code)
        assert tag.since <= datetime.date(2020, 12, 31)
    for service in ServiceLog.objects.select_related("member"):
        assert service.village_id == service.member.region_id
        assert service.on <= datetime.date(2020, 12, 31)
    kinds = Counter(MemberTag.objects.values_list("kind", flat=True))
    assert {
        "poor",
        "wealth_leader",
        "migrant",
        "young_talent",
        "cadre",
        "post_holder",
        "reserve_cadre",
    } <= set(kinds)
    for tag in tags_of("young_talent"):
        developed = tag.member.joined_on or tag.since
        assert age_on(tag.member.birth_date, developed) <= YOUNG_TALENT_AGE
    assert all(t.came_from and t.founded for t in tags_of("returnee"))
    assert all(t.post and t.duties for t in tags_of("post_holder"))
    migrants = tags_of("migrant")
    assert migrants and all(t.member.migrant_to for t in migrants)
    channels = set(
        ServiceLog.objects.filter(member__migrant_to__gt="").values_list("channel", flat=True)
    )
    assert channels and channels <= {"phone", "wechat", "qq"}


def test_it_gives_unique_ids_and_reuses_only_the_poor_members_registry_records(built):
    numbers = list(Member.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))
    registry = set(Person.objects.values_list("id_number", flat=True))
    poor = Member.objects.filter(person__isnull=False).select_related("person")
    assert built["party"]["poor_members"] == poor.count() > 0
    for m in poor:
        p = m.person
        assert (p.id_number, p.name, p.sex, p.birth_date) == (
            m.id_number,
            m.name,
            m.sex,
            m.birth_date,
        )
        assert p.village_code == m.region_id and villages()[m.region_id]
        assert p.political in ("member", "probationary")
        assert m.stage == ("full" if p.political == "member" else "probationary")
    assert {t.member_id for t in tags_of("poor")} == set(poor.values_list("pk", flat=True))
    others = Member.objects.filter(person__isnull=True).values_list("id_number", flat=True)
    assert not set(others) & registry
    # 2–7 poor members in each poor village.
    per_village = Counter(poor.values_list("region_id", flat=True))
    assert all(2 <= n <= 7 for n in per_village.values())


def test_it_gives_most_poor_villages_a_wealth_leader(built):
    leaders = {t.member.region_id for t in tags_of("wealth_leader")}
    poor = [code for code, is_poor in villages().items() if is_poor]
    assert len(set(poor) & leaders) >= 0.6 * len(poor)


def test_it_scopes_the_members_by_county(built, cast):
    a = Member.objects.filter(county_code=COUNTY_A)
    b = Member.objects.filter(county_code=COUNTY_B)
    assert a.exists() and b.exists()
    seen_by_b = Member.objects.for_user(cast.county_b_admin)
    assert not seen_by_b.filter(county_code=COUNTY_A).exists()
    assert seen_by_b.count() == b.count()
    assert Member.objects.for_user(cast.county_a_admin).count() == a.count()
    assert not MemberTag.objects.for_user(cast.county_b_admin).filter(county_code=COUNTY_A)
    orgs_b = Organisation.objects.for_user(cast.county_b_admin)
    assert not orgs_b.filter(region__code__startswith=COUNTY_A).exists()
    assert orgs_b.count() == Organisation.objects.filter(region__code__startswith=COUNTY_B).count()


def test_it_logs_one_summary_event_per_county(built):
    events = AuditEvent.objects.filter(action="demo.create_party")
    assert sorted(e.region_code for e in events) == [COUNTY_A, COUNTY_B]
    assert sum(e.after["members"] + e.after["cadres"] for e in events) == Member.objects.count()
    assert sum(e.after["organisations"] for e in events) == Organisation.objects.count()
    assert sum(e.after["tags"] for e in events) == MemberTag.objects.count()
    assert sum(e.after["development_steps"] for e in events) == DevelopmentStep.objects.count()
    assert sum(e.after["service_logs"] for e in events) == ServiceLog.objects.count()
    assert all(e.actor_name == "system" for e in events)


def fingerprint() -> dict[str, list[tuple]]:
    """Every party row with its content but not its row id or creation time."""
    orgs = Organisation.objects.order_by("region_id", "name").values_list(
        "name",
        "level",
        "kind",
        "parent__name",
        "region_id",
        "founded_on",
        "secretary__id_number",
        "committee_members",
    )
    members = Member.objects.order_by("county_code", "id_number").values_list(
        "organisation__name",
        "region_id",
        "person__id_number",
        *[f for f in actions.MEMBER_FIELDS if f not in ("organisation", "region")],
    )
    tags = MemberTag.objects.order_by("member__id_number", "kind").values_list(
        "member__id_number", *actions.TAG_FIELDS
    )
    steps = DevelopmentStep.objects.order_by("member__id_number", "on").values_list(
        "member__id_number", "stage", "on", "approved_by", "contacts"
    )
    services = ServiceLog.objects.order_by("member__id_number", "on", "kind").values_list(
        "member__id_number", "village_id", "on", "kind", "channel", "note"
    )
    coverage = Coverage.objects.order_by("organisation__name", "region_id").values_list(
        "organisation__name", "region_id", "county_code"
    )
    return {
        "organisations": list(orgs),
        "members": list(members),
        "tags": list(tags),
        "steps": list(steps),
        "services": list(services),
        "coverage": list(coverage),
    }


def test_it_gives_identical_rows_for_the_same_seed_and_clears_the_previous_build():
    first = demo("--scale", "0.01", "--seed", "3")
    rows = fingerprint()
    first_ids = set(Member.objects.values_list("pk", flat=True))
    last_event = AuditEvent.objects.order_by("-id").values_list("id", flat=True)[0]

    again = demo("--scale", "0.01", "--seed", "3")

    assert again == first
    assert fingerprint() == rows
    assert not set(Member.objects.values_list("pk", flat=True)) & first_ids, "new ids"
    deleted = AuditEvent.objects.filter(action="demo.delete_party", id__gt=last_event)
    assert {e.region_code for e in deleted} == {COUNTY_A, COUNTY_B}
    assert sum(e.before["members"] for e in deleted) == (
        first["party"]["members"] + first["party"]["cadres"]
    )

    other = demo("--scale", "0.01", "--seed", "4")
    assert Member.objects.count() == other["party"]["members"] + other["party"]["cadres"]
    assert fingerprint()["members"] != rows["members"]


def test_it_clears_party_rows_entered_by_hand_and_their_reorganisations():
    demo("--scale", "0.0001", "--seed", "1")
    branch = Organisation.objects.filter(level=OrgLevel.BRANCH, kind=OrgKind.COMMUNITY).first()
    successor = actions.reorganise(
        actor=None,
        sources=[branch],
        successors=[
            actions.Successor(
                "手工党支部",
                OrgLevel.BRANCH,
                OrgKind.COMMUNITY,
                list(branch.coverage.values_list("region_id", flat=True)),
                parent=branch.parent,
            )
        ],
        on=datetime.date(2022, 1, 1),
    )
    assert successor.members_moved > 0

    # Rows entered by hand: the demo goes ahead only when told to (fupin.demo.guard).
    data = demo("--scale", "0.0001", "--seed", "1", "--replace-everything")

    assert not Organisation.objects.filter(name="手工党支部").exists()
    assert Member.objects.count() == data["party"]["members"] + data["party"]["cadres"]
    assert not Organisation.objects.filter(closed_on__isnull=False).exists()


def test_it_clears_every_table_that_points_at_members_or_organisations():
    """A new table pointing at party rows must be cleared before them (DELETE_ORDER)."""
    cleared = {m._meta.label for m in DELETE_ORDER}
    for model in (Member, Organisation):
        for relation in model._meta.related_objects:
            through = getattr(relation, "through", None)
            related = through if through is not None else relation.related_model
            assert related._meta.label in cleared, related


def test_it_writes_in_bulk_not_row_by_row():
    demo("--scale", "0.01", "--seed", "3")
    with CaptureQueriesContext(connection) as queries:
        clear_party()
        result = build_party(counties=[COUNTY_A, COUNTY_B], seed=3)
    # Hundreds of members and cadres with their tags and steps, in a few statements a table
    # and county (SQLite logs an executemany once; PostgreSQL's COPY is not logged).
    assert result.members + result.cadres > 300
    assert len(queries) < 60, [q["sql"][:80] for q in queries]


def test_it_reports_the_party_figures():
    out = StringIO()
    call_command("demo", "--scale", "0.01", "--seed", "3", stdout=out)
    text = out.getvalue()
    cadres = Member.objects.filter(organisation__kind=OrgKind.ORGAN).count()
    poor = Member.objects.filter(person__isnull=False).count()
    for figure in (Organisation.objects.count(), Member.objects.count() - cadres, poor, cadres):
        assert f"{figure:,}" in text
