"""Existing pairings as the import pipeline reads them (`fupin import pairings FILE`): one row
per pairing, as counties keep them in Excel — the helper by ID number, the beneficiary by
village code and household number (a household) or by ID number (a poor party member), the
kind (主帮扶 or 次帮扶), the start date, and the end date of a pairing that has ended.

Every row is written by the pairing's actions (`pair`, which records an ended pairing as
history, or `end_pairing` for a pairing an earlier file made), which hold every rule: scope,
reach, caps, one primary helper per beneficiary. To report every bad row in one pass, and to
make a dry run as thorough as an import, `check` runs them row by row inside a transaction it
then rolls back, as the party's imports do. Rows are taken in the order of their start dates.
A row whose pairing exists already (same helper, beneficiary, kind and start date) is not made
again: importing a file twice changes nothing, and a second file may add the end date.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can
from fupin.imports import parsers
from fupin.imports.schema import Column, ParsedRow, RowError
from fupin.imports.through_actions import (
    ActionErrors,
    ThroughActions,
    by_pk,
    choice,
    chunks,
    report_progress,
    visible,
)
from fupin.pairing import actions
from fupin.pairing.choices import PairingKind, Source
from fupin.pairing.models import Helper, Pairing
from fupin.party.models import Member
from fupin.registry.models import Household

KIND_NAMES = {
    "主帮扶": PairingKind.PRIMARY,
    "主要帮扶": PairingKind.PRIMARY,
    "主帮扶责任人": PairingKind.PRIMARY,
    "主要帮扶责任人": PairingKind.PRIMARY,
    "主": PairingKind.PRIMARY,
    "次帮扶": PairingKind.SECONDARY,
    "次要帮扶": PairingKind.SECONDARY,
    "次帮扶责任人": PairingKind.SECONDARY,
    "协助帮扶": PairingKind.SECONDARY,
    "次": PairingKind.SECONDARY,
}


def _kind() -> parsers.Parser:
    """主帮扶 or 次帮扶 (or the codes, or the labels); the template offers the two words."""
    parse = choice(PairingKind, KIND_NAMES)
    parsers.set_hint(parse, parsers.Hint(options=lambda: ["主帮扶", "次帮扶"]))
    return parse


COLUMNS = [
    Column(
        "helper",
        "帮扶责任人身份证号",
        ("帮扶人身份证号", "帮扶责任人公民身份号码", "帮扶责任人身份证号码", "帮扶人身份证号码"),
        required=True,
        parse=parsers.id_number,
    ),
    Column(
        "village_code",
        "村代码",
        ("行政村代码", "村级代码", "帮扶户村代码"),
        parse=parsers.village_code,
        help="帮扶贫困户时填写",
    ),
    Column(
        "number",
        "户编号",
        ("户号", "户编码", "帮扶户户编号"),
        parse=parsers.text(max_length=Household._meta.get_field("number").max_length or 30),
        help="帮扶贫困户时填写",
    ),
    Column(
        "member",
        "贫困党员身份证号",
        ("贫困党员公民身份号码", "贫困党员身份证号码"),
        parse=parsers.id_number,
        help="帮扶贫困党员时填写（不填村代码和户编号）",
    ),
    Column(
        "kind",
        "帮扶类型",
        ("结对类型", "帮扶类别", "类型"),
        parse=_kind(),
        help="主帮扶或次帮扶；不填为主帮扶",
    ),
    Column(
        "started_on",
        "开始日期",
        ("结对日期", "结对时间", "开始时间", "帮扶开始日期"),
        required=True,
        parse=parsers.date,
    ),
    Column(
        "ended_on",
        "结束日期",
        ("结束时间", "帮扶结束日期"),
        parse=parsers.date,
        help="仍在帮扶的不填",
    ),
]
# The actions' fields -> the columns they come from.
FIELD_COLUMNS = {
    "helper": "helper",
    "household": "number",
    "member": "member",
    "kind": "kind",
    "started_on": "started_on",
    "ended_on": "ended_on",
}
# Cells a row cannot be tried without (a bad one is the pipeline's to report).
NEEDED = frozenset(c.key for c in COLUMNS)


class PairingSchema(ThroughActions):
    name = "pairings"
    title = gettext_lazy("Pairings of helpers and beneficiaries")
    columns = COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        helpers = self._helpers(rows, actor)
        households = self._households(rows, actor)
        members = self._members(rows, actor)
        skip: set[int] = set()
        for row in rows:
            v = row.values
            v["helper_pk"] = v["household_pk"] = v["member_pk"] = None
            if row.bad & NEEDED:
                skip.add(row.row)
            if v["helper"] is not None:
                v["helper_pk"] = helpers.get(v["helper"])
                if v["helper_pk"] is None:
                    errors.add(
                        row,
                        "helper",
                        _("There is no helper with this ID number in the regions you may see."),
                    )
            if not self._beneficiary(row, errors, households, members):
                skip.add(row.row)
            if v["helper_pk"] is None:
                skip.add(row.row)
        return skip

    def _beneficiary(
        self,
        row: ParsedRow,
        errors: ActionErrors,
        households: dict[tuple[str, str], int],
        members: dict[str, int],
    ) -> bool:
        """Find the row's household or poor member; False when it names neither, both, or
        one the actor does not see (the error said)."""
        v = row.values
        household = bool({"village_code", "number"} & row.bad) or bool(
            v["village_code"] or v["number"]
        )
        member = "member" in row.bad or bool(v["member"])
        if household and member:
            errors.add(
                row,
                "member",
                _(
                    "A pairing is with a household or with a poor party member, not both: "
                    "leave either this or the village code and household number blank."
                ),
            )
            return False
        if not household and not member:
            errors.add(
                row,
                "number",
                _(
                    "Required: the household's village code and household number, or the "
                    "poor party member's ID number."
                ),
            )
            return False
        if member:
            if v["member"] is None:
                return False
            v["member_pk"] = members.get(v["member"])
            if v["member_pk"] is None:
                errors.add(
                    row,
                    "member",
                    _("There is no party member with this ID number in the regions you may see."),
                )
            return v["member_pk"] is not None
        for key, other in (("village_code", "number"), ("number", "village_code")):
            if v[key] is None and key not in row.bad and v[other] is not None:
                errors.add(
                    row,
                    key,
                    _("Required with “%(column)s”.") % {"column": errors.labels[other]},
                )
        if v["village_code"] is None or v["number"] is None:
            return False
        v["household_pk"] = households.get((v["village_code"], v["number"]))
        if v["household_pk"] is None:
            errors.add(
                row,
                "number",
                _(
                    "There is no household numbered %(number)s in village %(village)s "
                    "in the regions you may see."
                )
                % {"number": v["number"], "village": v["village_code"]},
            )
        return v["household_pk"] is not None

    def _helpers(self, rows: list[ParsedRow], actor: Any) -> dict[str, int]:
        """ID number -> the helper (one the actor sees) of the rows' helper IDs."""
        numbers = sorted({r.values["helper"] for r in rows if r.values["helper"]})
        found: dict[str, int] = {}
        for chunk in chunks(numbers):
            qs = visible(Helper, actor).filter(member__id_number__in=chunk)
            found.update(qs.values_list("member__id_number", "pk"))
        return found

    def _households(self, rows: list[ParsedRow], actor: Any) -> dict[tuple[str, str], int]:
        """(village code, number) -> the household the actor sees."""
        by_village: dict[str, set[str]] = {}
        for r in rows:
            if r.values["village_code"] and r.values["number"]:
                by_village.setdefault(r.values["village_code"], set()).add(r.values["number"])
        found: dict[tuple[str, str], int] = {}
        for village, numbers in sorted(by_village.items()):
            for chunk in chunks(sorted(numbers)):
                qs = visible(Household, actor).filter(village_id=village, number__in=chunk)
                for number, pk in qs.values_list("number", "pk"):
                    found[(village, number)] = pk
        return found

    def _members(self, rows: list[ParsedRow], actor: Any) -> dict[str, int]:
        numbers = sorted({r.values["member"] for r in rows if r.values["member"]})
        found: dict[str, int] = {}
        for chunk in chunks(numbers):
            qs = visible(Member, actor).filter(id_number__in=chunk)
            found.update(qs.values_list("id_number", "pk"))
        return found

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Pair each row's helper and beneficiary (and end the pairing when the row has an end
        date) through the actions, earliest start first; the errors they raise."""
        errors = ActionErrors(self.columns)
        helpers = by_pk(
            Helper.objects.select_related("member", "region"),
            (r.values.get("helper_pk") for r in rows),
        )
        households = by_pk(Household.objects.all(), (r.values.get("household_pk") for r in rows))
        members = by_pk(Member.objects.all(), (r.values.get("member_pk") for r in rows))
        ordered = sorted(rows, key=lambda r: (r.values["started_on"], r.row))
        for n, row in enumerate(ordered, start=1):
            report_progress(progress, n)
            v = row.values
            helper = helpers[v["helper_pk"]]
            household = households.get(v["household_pk"])
            member = members.get(v["member_pk"])
            kind = v["kind"] or PairingKind.PRIMARY
            # A refusal about the beneficiary as a whole (scope) is filed where it was named.
            default = "village_code" if household is not None else "member"
            try:
                pairing = self._pairing(actor, row, helper, household, member, kind)
                if v["ended_on"] is not None:
                    if pairing.ended_on is None:
                        actions.end_pairing(actor=actor, pairing=pairing, ended_on=v["ended_on"])
                    elif pairing.ended_on != v["ended_on"]:
                        errors.add(
                            row,
                            "ended_on",
                            _("This pairing ended on %(date)s already.")
                            % {"date": pairing.ended_on.isoformat()},
                        )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, FIELD_COLUMNS, default=default)
        return errors.found

    def _pairing(
        self,
        actor: Any,
        row: ParsedRow,
        helper: Helper,
        household: Household | None,
        member: Member | None,
        kind: str,
    ) -> Pairing:
        """The row's pairing: made by `pair`, or the one an earlier import made."""
        started_on = row.values["started_on"]
        existing = Pairing.objects.filter(
            helper=helper, household=household, member=member, kind=kind, started_on=started_on
        ).first()
        if existing is None:
            return actions.pair(
                actor=actor,
                helper=helper,
                household=household,
                member=member,
                kind=kind,
                started_on=started_on,
                ended_on=row.values["ended_on"],
                source=Source.IMPORT,
            )
        if not can(actor, Action.CHANGE, existing.region_id):
            raise ValidationError(
                _("Only an administrator of this village's region may pair here.")
            )
        return existing


PAIRINGS = PairingSchema()
