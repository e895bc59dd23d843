"""Loading a region's pairing problem for the solver, and turning its solution into a proposal.

Reads plain rows (`values_list`), never a model instance per row, so that a province (about
470,000 helpers and 920,000 beneficiaries) loads in seconds; saves nothing (the actions
`save_proposal` and `apply_proposal` do).

The beneficiaries are the households of the region not exited and the members with a current
poor tag; without `rebalance`, only those without a current primary helper (the others keep
theirs, and their pairings count in their helpers' load). Solver ids: 2·pk for a household,
2·pk + 1 for a member. The helpers are the active helpers working inside the region or above
it (a county organ's cadre for a township, a city organ's cadre for its counties); solver id
= pk. A helper's cap is the nearest cap rule's (by the longest region-code prefix), else 5, or
7 for a leader. A household's need is its latest plan's main need, else the skill its main
measure's category needs; a member has none.

Costs before and after are the solver's documented cost of the beneficiaries of the problem:
their current pairing (none without `rebalance`) and the proposed one.
"""

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.db.models import Count, Q

from fupin.pairing import solver
from fupin.pairing.choices import NEED_OF_CATEGORY, PairingKind
from fupin.pairing.models import (
    DEFAULT_CAP,
    DEFAULT_LEADER_CAP,
    Helper,
    HouseholdPlan,
    Measure,
    Pairing,
)
from fupin.pairing.rules import cap_rules
from fupin.party.choices import TagKind
from fupin.party.models import Member, MemberTag
from fupin.regions.codes import ancestors, subtree_bounds, subtree_q
from fupin.registry.choices import Relation, Status
from fupin.registry.models import Household, Person

HOUSEHOLD, MEMBER = "household", "member"


def solver_id(kind: str, pk: int) -> int:
    return 2 * pk + (kind == MEMBER)


def kind_and_pk(solver_id: int) -> tuple[str, int]:
    return (MEMBER if solver_id % 2 else HOUSEHOLD), solver_id // 2


@dataclass
class Loaded:
    """A region's problem, with what the proposal needs besides."""

    region_code: str
    problem: solver.Problem
    # Beneficiaries of the region who keep their current primary helper (without rebalance).
    kept: int = 0
    # The current primary helper of each beneficiary of the problem (rebalance only).
    current: dict[int, int] = field(default_factory=dict)

    def beneficiary(self, b_id: int) -> tuple[str, int]:
        """(kind, pk) of a solver beneficiary id."""
        return kind_and_pk(b_id)


@dataclass
class ProposalResult:
    beneficiaries: int = 0  # of the region, those who keep their helper included
    assigned: int = 0  # with a primary helper after the proposal, the kept ones included
    unassigned: int = 0
    cost_before: int = 0
    cost_after: int = 0
    seconds: float = 0.0
    histogram: dict[int, int] = field(default_factory=dict)  # load -> helpers, after
    items: list[dict[str, Any]] = field(default_factory=list)


def _intern(table: dict[Any, Any], value: Any) -> Any:
    return table.setdefault(value, value)


def load_problem(region_code: str, *, rebalance: bool = False) -> Loaded:
    """The pairing problem of a region's subtree (see the module's text)."""
    today = datetime.date.today()
    strings: dict[Any, Any] = {}
    primary = Pairing.objects.filter(ended_on__isnull=True, kind=PairingKind.PRIMARY)

    # Who has a primary helper now (the pairing's region is the beneficiary's village).
    current: dict[int, int] = {}
    for household, member, helper in _fetch(
        primary.filter(subtree_q("region__code", region_code))
        .order_by()
        .values_list("household_id", "member_id", "helper_id")
    ):
        key = solver_id(HOUSEHOLD, household) if household else solver_id(MEMBER, member)
        current[key] = helper

    # The beneficiaries: households not exited, members with a current poor tag.
    villages: dict[int, str] = {}
    for pk, village in _fetch(
        Household.objects.filter(subtree_q("village__code", region_code))
        .exclude(status=Status.EXITED)
        .order_by()
        .values_list("id", "village_id")
    ):
        villages[solver_id(HOUSEHOLD, pk)] = _intern(strings, village)
    members = set()
    for pk, village in _fetch(
        Member.objects.filter(subtree_q("region__code", region_code))
        .filter(
            pk__in=MemberTag.objects.filter(kind=TagKind.POOR)
            .filter(Q(until__isnull=True) | Q(until__gte=today))
            .filter(subtree_q("region_code", region_code))
            .values("member_id")
        )
        .order_by()
        .values_list("id", "region_id")
    ):
        b_id = solver_id(MEMBER, pk)
        villages[b_id] = _intern(strings, village)
        members.add(b_id)
    wanted = sorted(villages) if rebalance else sorted(b for b in villages if b not in current)
    kept = 0 if rebalance else len(villages) - len(wanted)

    # Needs: the latest plan's main need, else its main measure's category's skill.
    needs = _needs(region_code, {b // 2 for b in wanted if b % 2 == 0})

    # The helpers: working inside the region, or above it (reaching into it).
    above = [c for c in ancestors(region_code) if c != region_code]
    helpers_qs = Helper.objects.filter(active=True).filter(
        subtree_q("region__code", region_code) | Q(region_id__in=above)
    )
    rows = _fetch(helpers_qs.order_by().values_list("id", "region_id", "expertise", "is_leader"))
    load: Counter[int] = Counter(
        dict(
            _fetch(
                primary.filter(helper_id__in=helpers_qs.values("id"))
                .order_by()
                .values("helper_id")
                .annotate(n=Count("id"))
                .order_by()
                .values_list("helper_id", "n")
            )
        )
    )
    if rebalance:
        # The problem's own pairings are decided again: only the others use places.
        for b_id in wanted:
            if b_id in current:
                load[current[b_id]] -= 1
    rules = {code: (r.primary_cap, r.leader_cap) for code, r in cap_rules().items()}
    rule_of: dict[str, tuple[int, int] | None] = {}
    skills: dict[str, frozenset[str]] = {}
    helpers = []
    for pk, region, expertise, is_leader in sorted(rows):
        if region not in rule_of:
            nearest_first = reversed(ancestors(region))
            rule_of[region] = next((rules[c] for c in nearest_first if c in rules), None)
        rule = rule_of[region]
        cap = (
            (rule[1] if rule else DEFAULT_LEADER_CAP)
            if is_leader
            else (rule[0] if rule else DEFAULT_CAP)
        )
        # The rules refuse more than MAX_CAP; a rule saved before they did counts as that.
        cap = min(cap, solver.MAX_CAP)
        if expertise not in skills:
            skills[expertise] = frozenset(s for s in expertise.split(",") if s)
        helpers.append(
            solver.Helper(pk, _intern(strings, region), cap, skills[expertise], max(0, load[pk]))
        )
    beneficiaries = [
        solver.Beneficiary(
            b,
            villages[b],
            b in members,
            needs.get(b // 2, "") if b % 2 == 0 else "",
            current.get(b) if rebalance else None,
        )
        for b in wanted
    ]
    problem = solver.Problem(helpers, beneficiaries, rebalance)
    return Loaded(
        region_code,
        problem,
        kept=kept,
        current={b: current[b] for b in wanted if b in current} if rebalance else {},
    )


def _needs(region_code: str, households: set[int]) -> dict[int, str]:
    """Household pk -> the skill its latest plan's main measure needs."""
    if not households:
        return {}
    latest: dict[int, tuple[int, int, str]] = {}  # household -> (year, plan, main need)
    for plan, household, year, need in _fetch(
        HouseholdPlan.objects.filter(subtree_q("region__code", region_code))
        .order_by()
        .values_list("id", "household_id", "year", "main_need")
    ):
        if household in households and (
            household not in latest or latest[household] < (year, plan, need)
        ):
            latest[household] = (year, plan, need)
    plans = {plan: household for household, (_y, plan, need) in latest.items() if not need}
    out = {household: need for household, (_y, _p, need) in latest.items() if need}
    # The main measure: the one marked main, else the first (rules.main_need).
    main: dict[int, tuple[bool, int, str]] = {}
    if plans:
        for plan, is_main, pk, category in _fetch(
            Measure.objects.filter(subtree_q("region_code", region_code))
            .order_by()
            .values_list("plan_id", "is_main", "id", "category")
        ):
            if plan in plans:
                rank = (not is_main, pk, category)  # is_main may be 0 or 1
                if plan not in main or rank < main[plan]:
                    main[plan] = rank
    for plan, (_m, _pk, category) in main.items():
        need = NEED_OF_CATEGORY.get(category, "")
        if need:
            out[plans[plan]] = str(need)
    return out


def propose(
    region_code: str, *, rebalance: bool = False, workers: int | None = None
) -> ProposalResult:
    """Load, solve and compare: what the optimiser proposes for the region (nothing saved)."""
    start = time.perf_counter()
    loaded = load_problem(region_code, rebalance=rebalance)
    problem = loaded.problem
    solution = solver.solve_all(problem, workers=workers)
    helpers = {h.id: h for h in problem.helpers}
    # The current pairings, where the solver's rules allow them (others count as unpaired).
    before = {
        b.id: loaded.current[b.id]
        for b in problem.beneficiaries
        if b.id in loaded.current
        and loaded.current[b.id] in helpers
        and solver.pairing_cost(helpers[loaded.current[b.id]], b, rebalance) is not None
    }
    result = ProposalResult(
        beneficiaries=len(problem.beneficiaries) + loaded.kept,
        assigned=len(solution.assignments) + loaded.kept,
        unassigned=len(solution.unassigned),
        cost_before=solver.total_cost(problem.helpers, problem.beneficiaries, before, rebalance),
        cost_after=solution.total_cost,
    )
    loads = Counter({h.id: h.load for h in problem.helpers})
    loads.update(solution.assignments.values())
    result.histogram = dict(sorted(Counter(loads[h.id] for h in problem.helpers).items()))
    changed = [
        b
        for b in problem.beneficiaries
        if b.id in solution.unassigned or solution.assignments[b.id] != loaded.current.get(b.id)
    ]
    result.items = _items(loaded, changed, solution)
    result.seconds = time.perf_counter() - start
    return result


def _items(
    loaded: Loaded, changed: list[solver.Beneficiary], solution: solver.Solution
) -> list[dict[str, Any]]:
    households = [b.id // 2 for b in changed if b.id % 2 == 0]
    members = [b.id // 2 for b in changed if b.id % 2 == 1]
    names: dict[int, str] = {}
    if households:
        # Plain rows of the subtree (a province's heads are millions: no ORM rows).
        wanted = set(households)
        low, high = subtree_bounds(loaded.region_code)
        person, household = _table(Person), _table(Household)
        for pk, name in _rows(
            f"SELECT household_id, name FROM {person} WHERE village_code >= %s "
            f"AND village_code < %s AND relation = %s",
            [low, high or "a", Relation.HEAD.value],
        ):
            if pk in wanted:
                names[2 * pk] = name
        if len(names) < len(wanted):
            for pk, village, number in _rows(
                f"SELECT id, village_code, number FROM {household} WHERE village_code >= %s "
                f"AND village_code < %s",
                [low, high or "a"],
            ):
                if pk in wanted and 2 * pk not in names:
                    names[2 * pk] = f"{village}-{number}"
    for start in range(0, len(members), 5000):
        for pk, name in (
            Member.objects.filter(pk__in=members[start : start + 5000])
            .order_by()
            .values_list("id", "name")
        ):
            names[solver_id(MEMBER, pk)] = name
    helper_ids = {h for h in solution.assignments.values()} | set(loaded.current.values())
    helper_ids |= {h for b in changed for h in solution.nearest.get(b.id, ())}
    if len(helper_ids) > 5000:
        helper, member = _table(Helper), _table(Member)
        helper_names = dict(
            _rows(f"SELECT h.id, m.name FROM {helper} h JOIN {member} m ON m.id = h.member_id")
        )
    else:
        helper_names = dict(
            Helper.objects.filter(pk__in=helper_ids).order_by().values_list("id", "member__name")
        )
    items = []
    for b in changed:
        kind, pk = kind_and_pk(b.id)
        old = loaded.current.get(b.id)
        new = solution.assignments.get(b.id)
        items.append(
            {
                "kind": kind,
                "id": pk,
                "name": names.get(b.id, ""),
                "village": b.village,
                "old": old,
                "old_name": helper_names.get(old, "") if old else "",
                "new": new,
                "new_name": helper_names.get(new, "") if new else "",
                "reason": solution.unassigned.get(b.id, ""),
                "nearest": "、".join(
                    helper_names.get(h, str(h)) for h in solution.nearest.get(b.id, ())
                ),
            }
        )
    return items


def _fetch(qs: Any) -> list[tuple[Any, ...]]:
    """The rows of a values_list queryset as plain tuples, without the ORM's work per row (a
    province's are millions); booleans may come back as 0 and 1."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()
