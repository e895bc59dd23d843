"""Reorganisations: merging and splitting organisations, their members and subordinate
organisations moving to the successors."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import require
from fupin.audit.log import acting_user, record
from fupin.party.actions.common import organisation_snapshot
from fupin.party.actions.organisations import common_region, create_organisation
from fupin.party.models import Member, Organisation, Reorganisation, ReorganisationRegion


@dataclass
class Successor:
    """An organisation a reorganisation creates."""

    name: str
    level: str
    kind: str
    region_codes: list[str] = field(default_factory=list)
    parent: Organisation | None = None
    founded_on: datetime.date | None = None


@transaction.atomic
def reorganise(
    *,
    actor: Any,
    sources: list[Organisation],
    successors: list[Successor],
    on: datetime.date,
    note: str = "",
) -> Reorganisation:
    """Merge or split: create the successors, move every member and every subordinate
    organisation of the sources to the first successor covering its region, close the sources.

    Merging three village branches into two general branches is one call with three sources
    and two successors. Refused whole when anything would be left without an organisation.
    """
    if not sources:
        raise ValidationError({"sources": _("Choose the organisations to reorganise.")})
    if not successors:
        raise ValidationError({"successors": _("Name at least one successor organisation.")})
    # Read afresh: a page's or a script's copy may predate another reorganisation.
    sources = list(Organisation.objects.filter(pk__in=[s.pk for s in sources]))
    for source in sources:
        require(actor, source, Action.CHANGE)
        if not source.is_open:
            raise ValidationError(
                {"sources": _("%(name)s is already closed.") % {"name": source.name}}
            )
        if source.founded_on and on < source.founded_on:
            raise ValidationError(
                {"on": _("%(name)s was founded after that date.") % {"name": source.name}}
            )
    if on > datetime.date.today():
        raise ValidationError({"on": _("A reorganisation is recorded once it has happened.")})
    source_ids = {s.pk for s in sources}
    touched = {c for s in sources for c in s.coverage.values_list("region_id", flat=True)}
    created: list[Organisation] = []
    for successor in successors:
        parent = successor.parent
        if parent is not None and parent.pk in source_ids:
            raise ValidationError(
                {"successors": _("A successor cannot sit under an organisation being closed.")}
            )
        try:
            organisation = create_organisation(
                actor=actor,
                name=successor.name,
                level=successor.level,
                kind=successor.kind,
                region_codes=successor.region_codes,
                parent=parent,
                founded_on=successor.founded_on or on,
            )
        except ValidationError as e:
            raise ValidationError(
                {"successors": [f"{successor.name}: {m}" for m in e.messages]}
            ) from None
        created.append(organisation)
        touched |= set(organisation.coverage.values_list("region_id", flat=True))
    coverage = [(o, list(o.coverage.values_list("region_id", flat=True))) for o in created]

    def successor_for(code: str) -> Organisation | None:
        return next((o for o, codes in coverage if any(code.startswith(c) for c in codes)), None)

    # The sources as they were, with their member counts, for the history page.
    before = [
        {**organisation_snapshot(s), "id": s.pk, "members": s.members.count()} for s in sources
    ]
    moved = 0
    stranded: list[str] = []
    moves: dict[int, list[int]] = {}
    for member in Member.objects.filter(organisation__in=sources).only("pk", "name", "region_id"):
        target = successor_for(member.region_id)
        if target is None:
            stranded.append(member.name)
        else:
            moves.setdefault(target.pk, []).append(member.pk)
    children = Organisation.objects.filter(parent__in=sources, closed_on__isnull=True)
    child_moves: list[tuple[Organisation, Organisation]] = []
    for child in children:
        codes = list(child.coverage.values_list("region_id", flat=True))
        target = successor_for(codes[0]) if codes else None
        if target is None or any(successor_for(c) != target for c in codes):
            stranded.append(child.name)
        else:
            child_moves.append((child, target))
    if stranded:
        raise ValidationError(
            {
                "successors": _(
                    "No successor covers the region of %(count)d members or organisations "
                    "(%(names)s): they would be left without an organisation."
                )
                % {"count": len(stranded), "names": "、".join(stranded[:10])}
            }
        )
    for target_pk, member_ids in moves.items():
        moved += Member.objects.filter(pk__in=member_ids).update(organisation_id=target_pk)
    for child, target in child_moves:
        Organisation.objects.filter(pk=child.pk).update(parent=target)
    for source in sources:
        Organisation.objects.filter(pk=source.pk).update(closed_on=on, secretary=None)
    reorganisation = Reorganisation.objects.create(
        on=on, note=note, members_moved=moved, recorded_by=acting_user(actor)
    )
    reorganisation.sources.set(sources)
    reorganisation.successors.set(created)
    ReorganisationRegion.objects.bulk_create(
        ReorganisationRegion(reorganisation=reorganisation, region_id=code)
        for code in sorted(touched)
    )
    record(
        actor=actor,
        action="party.reorganise",
        obj=reorganisation,
        object_repr=" + ".join(s.name for s in sources)
        + " → "
        + " + ".join(o.name for o in created),
        region_code=common_region(sorted(touched)),
        before={"organisations": before},
        after={
            "organisations": [organisation_snapshot(o) for o in created],
            "members_moved": moved,
            "closed_on": on.isoformat(),
        },
    )
    return reorganisation
