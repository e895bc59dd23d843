"""Every write to helpers, pairings, household plans, visits, cap rules and proposals. Pages,
API, CLI, imports and the demo's small writes call these; each is atomic and audited.

Pairing is an administrator's act: `pair`, `end_pairing` and proposals need the beneficiary's
village in the actor's own subtree, and the helper in sight (so a county administrator pairs
only within the county). A helper changes only what they own: their visits, and the plans of
the households they are paired with (`ownership.py`).
"""

from fupin.pairing.actions.common import (
    HELPER_FIELDS,
    MEASURE_FIELDS,
    PAIRING_FIELDS,
    PLAN_FIELDS,
    VISIT_FIELDS,
)
from fupin.pairing.actions.helpers import (
    delete_cap_rule,
    delete_helper,
    helper_snapshot,
    register_helper,
    set_cap_rule,
    update_helper,
)
from fupin.pairing.actions.pairings import (
    another_applier,
    apply_proposal,
    delete_pairing,
    discard_proposal,
    end_pairing,
    pair,
    pairing_snapshot,
    reaches,
    require_another_applier,
    save_proposal,
)
from fupin.pairing.actions.plans import (
    add_measure,
    create_plan,
    delete_measure,
    delete_plan,
    delete_visit,
    measure_snapshot,
    plan_snapshot,
    record_visit,
    update_measure,
    update_plan,
    update_visit,
    visit_snapshot,
)

__all__ = [
    "HELPER_FIELDS",
    "MEASURE_FIELDS",
    "PAIRING_FIELDS",
    "PLAN_FIELDS",
    "VISIT_FIELDS",
    "add_measure",
    "another_applier",
    "apply_proposal",
    "create_plan",
    "delete_cap_rule",
    "delete_helper",
    "delete_measure",
    "delete_pairing",
    "delete_plan",
    "delete_visit",
    "discard_proposal",
    "end_pairing",
    "helper_snapshot",
    "measure_snapshot",
    "pair",
    "pairing_snapshot",
    "plan_snapshot",
    "reaches",
    "record_visit",
    "register_helper",
    "require_another_applier",
    "save_proposal",
    "set_cap_rule",
    "update_helper",
    "update_measure",
    "update_plan",
    "update_visit",
    "visit_snapshot",
]
