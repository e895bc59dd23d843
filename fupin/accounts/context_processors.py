"""What the page header needs to know about the signed-in user: which parts of the product
their grants reach, so that the navigation shows only those."""

from typing import Any

from django.http import HttpRequest

from fupin.accounts.roles import Action
from fupin.accounts.scoping import owner_prefixes, prefixes


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    records = prefixes(user, Action.VIEW)
    users = prefixes(user, Action.MANAGE_USERS)
    return {
        # Region records (registry, party, pairing): every role but a helper's.
        "nav_records": records is None or bool(records),
        # A helper's own households.
        "nav_own": bool(owner_prefixes(user, Action.VIEW)),
        "nav_users": users is None or bool(users),
    }
