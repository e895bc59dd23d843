"""Every write to projects, partners, participants, the share register, dividend runs and
purchase contracts. Pages, API, CLI, imports and the demo's small writes call these; each is
atomic and writes its AuditEvent."""

from fupin.projects.actions.contracts import (
    create_contract,
    delete_contract,
    delete_delivery,
    record_delivery,
    update_contract,
)
from fupin.projects.actions.participants import (
    add_participant,
    contribute,
    delete_participant,
    record_participant_income,
    transfer_shares,
    update_participant,
    withdraw_shares,
)
from fupin.projects.actions.partners import (
    check_credit_code,
    create_partner,
    delete_partner,
    link_partner,
    unlink_partner,
    update_partner,
)
from fupin.projects.actions.projects import (
    add_investment,
    advance_project,
    create_project,
    delete_investment,
    delete_project,
    record_project_year,
    update_project,
)
from fupin.projects.actions.runs import (
    another_hand,
    approve_dividend_run,
    discard_dividend_run,
    preview_dividends,
    propose_dividend_run,
    record_dividend_run,
    require_another_hand,
    reverse_dividend_run,
)
from fupin.projects.register import register

__all__ = [
    "add_investment",
    "add_participant",
    "advance_project",
    "another_hand",
    "approve_dividend_run",
    "check_credit_code",
    "contribute",
    "create_contract",
    "create_partner",
    "create_project",
    "delete_contract",
    "delete_delivery",
    "delete_investment",
    "delete_participant",
    "delete_partner",
    "delete_project",
    "discard_dividend_run",
    "link_partner",
    "preview_dividends",
    "propose_dividend_run",
    "record_delivery",
    "record_dividend_run",
    "record_participant_income",
    "record_project_year",
    "register",
    "require_another_hand",
    "reverse_dividend_run",
    "transfer_shares",
    "unlink_partner",
    "update_contract",
    "update_participant",
    "update_partner",
    "update_project",
    "withdraw_shares",
]
