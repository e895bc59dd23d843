"""What each role may do, as data. Scoping (scoping.py) and the actions read it; nothing else."""

from enum import StrEnum

from fupin.accounts.choices import Role
from fupin.regions.choices import Level


class Action(StrEnum):
    """What a user wants to do with records in a region."""

    VIEW = "view"
    CHANGE = "change"
    MANAGE_USERS = "manage_users"
    # See ID numbers, phones and bank accounts unmasked (everyone but the auditor).
    PERSONAL_DATA = "personal_data"


ADMIN_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN)

# An administrator never grants a role above their own. Roles below administrator rank 0:
# any administrator may grant them inside their subtree.
RANK = {
    Role.PROVINCE_ADMIN: 4,
    Role.CITY_ADMIN: 3,
    Role.COUNTY_ADMIN: 2,
    Role.TOWNSHIP_ADMIN: 1,
    Role.VILLAGE_SECRETARY: 0,
    Role.FIRST_SECRETARY: 0,
    Role.HELPER: 0,
    Role.AUDITOR: 0,
}

# The level of region a role is granted on; None means any level (a city organ's cadre can
# help in the whole city, an auditor can audit a county or a province).
ROLE_LEVEL: dict[Role, Level | None] = {
    Role.PROVINCE_ADMIN: Level.PROVINCE,
    Role.CITY_ADMIN: Level.CITY,
    Role.COUNTY_ADMIN: Level.COUNTY,
    Role.TOWNSHIP_ADMIN: Level.TOWNSHIP,
    Role.VILLAGE_SECRETARY: Level.VILLAGE,
    Role.FIRST_SECRETARY: Level.VILLAGE,
    Role.HELPER: None,
    Role.AUDITOR: None,
}

CAPABILITIES: dict[Role, frozenset[Action]] = {
    **{role: frozenset(Action) for role in ADMIN_ROLES},
    Role.VILLAGE_SECRETARY: frozenset({Action.VIEW, Action.CHANGE, Action.PERSONAL_DATA}),
    Role.FIRST_SECRETARY: frozenset({Action.VIEW, Action.CHANGE, Action.PERSONAL_DATA}),
    # A helper sees and changes only the records they own (OWNER_ROLES below).
    Role.HELPER: frozenset({Action.VIEW, Action.CHANGE, Action.PERSONAL_DATA}),
    # Auditors read aggregate and record data, with personal identifiers masked.
    Role.AUDITOR: frozenset({Action.VIEW}),
}


# Roles whose grants reach only the records their user owns: a helper (帮扶责任人) sees their own
# households, plans and visits in the granted region, not the region's other records. What
# "own" means for a model is registered by the app that knows it (scoping.register_owned).
# Seeing personal data unmasked is not limited: they see only their own records anyway.
OWNER_ROLES = frozenset({Role.HELPER})
OWNED_ACTIONS = frozenset({Action.VIEW, Action.CHANGE})


def allows(role: str, action: Action) -> bool:
    return action in CAPABILITIES.get(Role(role), frozenset())
