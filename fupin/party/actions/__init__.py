"""Every write to the party organisations and members. Pages, API, CLI, imports and the demo's
small writes call these; each is atomic and writes its AuditEvent.

An organisation may be changed only by a user whose subtree holds every region it covers
(`SpanningQuerySet`): a park committee across two counties belongs to both, and only the
level above both may change or reorganise it.
"""

from fupin.party.actions.common import (
    EDITABLE_ORGANISATION_FIELDS,
    MEMBER_FIELDS,
    ORGANISATION_FIELDS,
    TAG_FIELDS,
    member_snapshot,
    organisation_snapshot,
)
from fupin.party.actions.members import delete_member, register_member, update_member
from fupin.party.actions.organisations import (
    common_region,
    create_organisation,
    delete_organisation,
    regions_for,
    update_organisation,
)
from fupin.party.actions.reorganise import Successor, reorganise
from fupin.party.actions.services import delete_service, record_service
from fupin.party.actions.tags import add_tag, record_step, remove_tag

__all__ = [
    "EDITABLE_ORGANISATION_FIELDS",
    "MEMBER_FIELDS",
    "ORGANISATION_FIELDS",
    "TAG_FIELDS",
    "Successor",
    "add_tag",
    "common_region",
    "create_organisation",
    "delete_member",
    "delete_organisation",
    "delete_service",
    "member_snapshot",
    "organisation_snapshot",
    "record_service",
    "record_step",
    "regions_for",
    "register_member",
    "remove_tag",
    "reorganise",
    "update_member",
    "update_organisation",
]
