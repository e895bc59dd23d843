"""The contributions' file: one row per share contribution (入股) of a participant
(fupin.projects.imports).
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.imports import parsers
from fupin.imports.schema import Column, ParsedRow, RowError
from fupin.imports.through_actions import (
    ActionErrors,
    ThroughActions,
    by_pk,
    choice,
    chunks,
    report_progress,
)
from fupin.projects import actions
from fupin.projects.choices import (
    Asset,
    EntryKind,
)
from fupin.projects.imports.cells import ASSET_NAMES, money
from fupin.projects.imports.rows import (
    PROJECT_COLUMNS,
    WHO_COLUMNS,
    find_people,
    find_projects,
    participant_key,
    participants_of,
    who_column,
)
from fupin.projects.models import Participant, ShareEntry

CONTRIBUTION_COLUMNS = [
    *PROJECT_COLUMNS,
    *WHO_COLUMNS,
    Column(
        "asset",
        "入股方式",
        ("入股类型", "出资方式", "入股资产"),
        required=True,
        parse=choice(Asset, ASSET_NAMES),
        help="土地、帮扶资金或现金",
    ),
    Column("land_mu", "入股土地（亩）", ("土地（亩）", "土地面积", "亩数"), parse=money),
    Column(
        "amount",
        "入股金额（元）",
        ("金额（元）", "金额", "入股金额"),
        parse=money,
        help="资金、现金入股填写",
    ),
    Column("preferred", "是否优先股", ("优先股",), parse=parsers.boolean),
    Column(
        "dated_on",
        "入股日期",
        ("日期", "入股时间"),
        required=True,
        parse=parsers.date,
    ),
    Column("note", "备注", (), parse=parsers.fits(ShareEntry, "note")),
]
CONTRIBUTION_FIELD_COLUMNS = {
    "land_mu": "land_mu",
    "amount": "amount",
    "value": "amount",
    "shares": "amount",
    "asset": "asset",
    "preferred": "preferred",
    "dated_on": "dated_on",
}


class ContributionSchema(ThroughActions):
    name = "contributions"
    title = gettext_lazy("Share contributions to demonstration projects")
    columns = CONTRIBUTION_COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        skip = find_projects(rows, actor, errors)
        skip |= find_people(rows, actor, errors, registered_only=True)
        # The participant: the project's, among those the row could name.
        members = participants_of({r.values["project_pk"] for r in rows if r.row not in skip})
        by_name: dict[tuple[int, str], list[Participant]] = defaultdict(list)
        for participant in members.values():
            by_name[(participant.project_id, participant.name)].append(participant)
        for row in rows:
            v = row.values
            v["participant_pk"] = None
            if row.row in skip or row.bad & {"asset", "dated_on"}:
                skip.add(row.row)
                continue
            found: Participant | None = None
            if v["person_pk"] is not None or v["household_pk"] is not None:
                found = members.get(participant_key(row))
                if found is None and v["person_pk"] is not None:
                    # A person of a household that joined as a household holds its shares.
                    found = members.get((v["project_pk"], "household", v["household_pk"]))
            else:
                named = [
                    p
                    for p in by_name.get((v["project_pk"], v["name"].strip()), [])
                    if not v["village_code"] or p.region_id == v["village_code"]
                ]
                if len(named) > 1:
                    errors.add(
                        row,
                        "name",
                        _(
                            "%(count)d participants of this project have this name: give the "
                            "ID number or the household number."
                        )
                        % {"count": len(named)},
                    )
                    skip.add(row.row)
                    continue
                found = named[0] if named else None
            if found is None:
                errors.add(
                    row,
                    who_column(row),
                    _(
                        "Not a participant of this project: add them to the project "
                        "(participants import) before their contributions."
                    ),
                )
                skip.add(row.row)
                continue
            v["participant_pk"] = found.pk
        return skip

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Make each row's contribution through the action, unless the register holds it
        already (an earlier import of the same file); the errors the action raises."""
        errors = ActionErrors(self.columns)
        participants = by_pk(
            Participant.objects.select_related("project"),
            {r.values["participant_pk"] for r in rows},
        )
        already = _contributions(set(participants))
        for n, row in enumerate(rows, start=1):
            report_progress(progress, n)
            v = row.values
            key = _entry_key(
                v["participant_pk"],
                v["asset"],
                v["dated_on"],
                bool(v["preferred"]),
                v["land_mu"] if v["asset"] == Asset.LAND else v["amount"],
            )
            if already[key] > 0:
                already[key] -= 1
                continue
            try:
                actions.contribute(
                    actor=actor,
                    participant=participants[v["participant_pk"]],
                    asset=v["asset"],
                    dated_on=v["dated_on"],
                    amount=v["amount"],
                    land_mu=v["land_mu"],
                    preferred=bool(v["preferred"]),
                    note=v["note"] or "",
                )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, CONTRIBUTION_FIELD_COLUMNS, default=who_column(row))
        return errors.found


def _entry_key(
    participant: int, asset: str, dated_on: Any, preferred: bool, size: Decimal | None
) -> tuple[Any, ...]:
    return (participant, asset, dated_on, preferred, None if size is None else Decimal(size))


def _contributions(participant_pks: set[int]) -> Counter[tuple[Any, ...]]:
    """How many times each contribution is in the register already."""
    found: Counter[tuple[Any, ...]] = Counter()
    for chunk in chunks(sorted(participant_pks)):
        entries = ShareEntry.objects.filter(
            participant_id__in=chunk, kind=EntryKind.CONTRIBUTION
        ).values_list("participant_id", "asset", "dated_on", "preferred", "land_mu", "value")
        for participant, asset, dated_on, preferred, land_mu, value in entries:
            size = land_mu if asset == Asset.LAND else value
            found[_entry_key(participant, asset, dated_on, preferred, size)] += 1
    return found


CONTRIBUTIONS = ContributionSchema()
