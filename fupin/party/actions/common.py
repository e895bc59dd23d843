"""What the party's actions share: the audited fields and the snapshots of the audit log."""

from typing import Any

from fupin.audit.log import snapshot
from fupin.lib.ids import mask_id, mask_phone
from fupin.party.models import Member, Organisation

ORGANISATION_FIELDS = [
    "name",
    "level",
    "kind",
    "parent",
    "region",
    "founded_on",
    "closed_on",
    "secretary",
    "committee_members",
    "note",
]
EDITABLE_ORGANISATION_FIELDS = [
    "name",
    "level",
    "kind",
    "parent",
    "founded_on",
    "secretary",
    "committee_members",
    "note",
]
MEMBER_FIELDS = [
    "organisation",
    "region",
    "name",
    "sex",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "stage",
    "joined_on",
    "full_on",
    "post",
    "phone",
    "address",
    "status",
    "lost_contact_on",
    "migrant_to",
]
TAG_FIELDS = ["kind", "since", "until", "came_from", "founded", "post", "duties", "unit", "note"]
SERVICE_FIELDS = ["member", "village", "on", "kind", "channel", "note"]


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def organisation_snapshot(organisation: Organisation) -> dict[str, Any]:
    data = snapshot(organisation, ORGANISATION_FIELDS)
    data["regions"] = sorted(organisation.coverage.values_list("region_id", flat=True))
    return data


def member_snapshot(member: Member) -> dict[str, Any]:
    data = snapshot(member, MEMBER_FIELDS)
    # The audit log is read by auditors: no ID, birth date or phone in it.
    data["id_number"] = mask_id(member.id_number)
    data["birth_date"] = member.birth_date.year if member.birth_date else None
    data["phone"] = mask_phone(member.phone) if member.phone else ""
    return data
