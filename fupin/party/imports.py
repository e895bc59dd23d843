"""The party's rosters as the import pipeline reads them: the organisations (one row per
organisation, parents above their children) and the national member information form (one row
per member, 党员信息采集表).

Every row is written by the party's actions, which hold every rule; the import adds only what
concerns the file as a whole (an ID twice, a name that means two organisations, a parent
further down). To report every bad row in one pass, and to make a dry run as thorough as an
import, `check` runs the actions row by row inside a transaction it then rolls back (a trial),
and `save` runs them again for real. Rows are keyed as the actions key them: a member by ID
number, an organisation by its name and region (an open organisation of that name there); an
import creates what is new and updates what exists, so importing a file twice changes nothing.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.imports import parsers
from fupin.imports.schema import CellError, Column, ParsedRow, RowError
from fupin.imports.through_actions import (
    ActionErrors,
    ThroughActions,
    choice,
    chunks,
    repeats,
    report_progress,
    visible,
)
from fupin.party import actions
from fupin.party.choices import MembershipStatus, OrgKind, OrgLevel, Stage, TagKind
from fupin.party.models import Member, Organisation
from fupin.regions.codes import is_region_code
from fupin.registry.choices import Education, Ethnicity, Sex

# --- cells ---------------------------------------------------------------------------------


def region_code(value: str) -> str:
    """One statistical region code (2, 4, 6, 9 or 12 digits)."""
    if not is_region_code(value):
        raise CellError(
            _("“%(code)s” is not a region code: a code has 2, 4, 6, 9 or 12 digits.")
            % {"code": value}
        )
    return value


def region_codes(value: str) -> list[str]:
    """Several region codes in one cell, separated as people do: 、 , ， ; ； or spaces."""
    for separator in ("、", "，", ",", "；", ";"):
        value = value.replace(separator, " ")
    codes: list[str] = []
    for code in value.split():
        if region_code(code) not in codes:
            codes.append(code)
    if not codes:
        raise CellError(_("No region code: write the codes of the regions covered."))
    return codes


STAGE_NAMES = {
    # The member form's 人员类别.
    "正式党员": Stage.FULL,
    "党员": Stage.FULL,
    "预备党员": Stage.PROBATIONARY,
    "发展对象": Stage.TARGET,
    "入党积极分子": Stage.ACTIVIST,
    "积极分子": Stage.ACTIVIST,
    "入党申请人": Stage.APPLICANT,
    "申请人": Stage.APPLICANT,
}
STATUS_NAMES = {
    "正常": MembershipStatus.NORMAL,
    "停止党籍": MembershipStatus.STOPPED,
    "停止": MembershipStatus.STOPPED,
}
# The member form lists degrees; the registry's education stops at college or above.
EDUCATION_NAMES = {
    name: Education.COLLEGE
    for name in ("研究生", "博士", "硕士", "大学本科", "本科", "大学专科", "大专", "大学")
} | {name: Education.SENIOR for name in ("中专", "中技", "职高", "高中")}
LEVEL_NAMES = {
    "党委": OrgLevel.COMMITTEE,
    "党总支": OrgLevel.GENERAL_BRANCH,
    "党支部": OrgLevel.BRANCH,
    "支部": OrgLevel.BRANCH,
    "党小组": OrgLevel.GROUP,
}
KIND_NAMES = {
    "村": OrgKind.VILLAGE,
    "农村": OrgKind.VILLAGE,
    "社区": OrgKind.COMMUNITY,
    "园区": OrgKind.PARK,
    "产业": OrgKind.INDUSTRY,
    "机关": OrgKind.ORGAN,
    "企业": OrgKind.ORGAN,
    "机关企业": OrgKind.ORGAN,
    "联合": OrgKind.JOINT,
    "联合党支部": OrgKind.JOINT,
}


def _open_by_name(actor: Any, names: set[str]) -> dict[str, list[int]]:
    """name -> the open organisations of that name the actor sees."""
    found: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks(sorted(names)):
        rows = visible(Organisation, actor).filter(name__in=chunk, closed_on__isnull=True)
        for name, pk in rows.order_by("pk").values_list("name", "pk"):
            found[name].append(pk)
    return found


def _same_name(pks: list[int], column: str) -> str:
    """The error of a name several open organisations have: the number column settles it."""
    return _(
        "%(count)d open organisations have this name (numbers %(numbers)s): "
        "give the number in “%(column)s”"
    ) % {"count": len(pks), "numbers": "、".join(str(pk) for pk in pks), "column": column}


def _no_open_organisation() -> str:
    return _("there is no open party organisation of this name in the regions you may see")


# --- organisations -------------------------------------------------------------------------

ORGANISATION_COLUMNS = [
    Column(
        "name",
        "组织名称",
        ("党组织名称", "党组织", "名称"),
        required=True,
        parse=parsers.fits(Organisation, "name"),
    ),
    Column(
        "level",
        "组织层级",
        ("层级", "党组织层级"),
        required=True,
        parse=choice(OrgLevel, LEVEL_NAMES),
    ),
    Column(
        "kind",
        "组织类别",
        ("类别", "组织类型", "党组织类别"),
        required=True,
        parse=choice(OrgKind, KIND_NAMES),
    ),
    Column(
        "parent",
        "上级组织",
        ("上级党组织", "上级组织名称"),
        parse=parsers.fits(Organisation, "name"),
        help="上级组织须在本表上方或已在系统中",
    ),
    Column(
        "parent_number",
        "上级组织编号",
        ("上级党组织编号",),
        parse=parsers.integer(min_value=1),
        help="上级组织重名时填写",
    ),
    Column(
        "region_codes",
        "覆盖区划代码",
        ("覆盖区划", "区划代码", "覆盖村代码"),
        required=True,
        parse=region_codes,
        help="多个代码用顿号分隔",
    ),
    Column("founded_on", "成立时间", ("成立日期",), parse=parsers.date),
    Column(
        "committee_members",
        "委员",
        ("委员会成员", "支委成员", "班子成员"),
        parse=parsers.fits(Organisation, "committee_members"),
    ),
    Column("note", "备注", (), parse=parsers.text),
]
# The action's fields -> the columns they come from.
ORGANISATION_FIELD_COLUMNS = {"parent": "parent", "region": "region_codes"}

OrgKey = tuple[str, str]


def _org_key(row: ParsedRow) -> OrgKey | None:
    """The organisation a row means, as the actions tell organisations apart: an open one of
    this name in this region (the smallest region holding its coverage)."""
    name, codes = row.values["name"], row.values["region_codes"]
    if name is None or not codes:
        return None
    return name.strip(), actions.common_region(sorted(codes))


class OrganisationSchema(ThroughActions):
    name = "organisations"
    title = gettext_lazy("Party organisations roster")
    columns = ORGANISATION_COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        # Rows the trial leaves out: their problem is reported already.
        skip: set[int] = set()

        # The same organisation twice in the file.
        for row, first in repeats(rows, _org_key):
            errors.add(
                row,
                "name",
                _("the same organisation as row %(row)d (same name, same region)") % {"row": first},
            )
            skip.add(row.row)

        # Parents: a row above, or an open organisation the actor sees.
        rows_by_name: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            if row.values["name"] is not None:
                rows_by_name[row.values["name"].strip()].append(row.row)
        wanted = {
            row.values["parent"].strip()
            for row in rows
            if row.values["parent"] and row.values["parent_number"] is None
        }
        known = _open_by_name(actor, wanted)
        numbers = {r.values["parent_number"] for r in rows if r.values["parent_number"]}
        existing = set(Organisation.objects.filter(pk__in=numbers).values_list("pk", flat=True))
        for row in rows:
            v = row.values
            v["parent_ref"] = None
            if v["parent_number"] is not None:
                if v["parent_number"] not in existing:
                    errors.add(
                        row, "parent_number", _("there is no party organisation with this number")
                    )
                    skip.add(row.row)
                else:
                    v["parent_ref"] = ("pk", v["parent_number"])
                continue
            if "parent" in row.bad or "parent_number" in row.bad:
                skip.add(row.row)
                continue
            if not v["parent"]:
                continue
            parent = v["parent"].strip()
            above = [r for r in rows_by_name.get(parent, []) if r < row.row]
            below = [r for r in rows_by_name.get(parent, []) if r > row.row]
            if len(above) > 1:
                errors.add(
                    row,
                    "parent",
                    _("rows %(rows)s of the file all have this name: the parent is ambiguous")
                    % {"rows": "、".join(str(r) for r in above)},
                )
            elif above:
                v["parent_ref"] = ("row", above[0])
            elif len(known.get(parent, [])) > 1:
                errors.add(row, "parent", _same_name(known[parent], errors.labels["parent_number"]))
            elif known.get(parent):
                v["parent_ref"] = ("pk", known[parent][0])
            elif below:
                errors.add(
                    row,
                    "parent",
                    _("the parent is on row %(row)d, below this one: put it above")
                    % {"row": below[0]},
                )
            else:
                errors.add(row, "parent", _no_open_organisation())
            if v["parent_ref"] is None:
                skip.add(row.row)

        return skip

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Create or update each row's organisation through the actions, in the order of the
        file (a parent above its children); the errors they raise, by row and column."""
        errors = ActionErrors(self.columns)
        written: dict[int, Organisation] = {}
        for n, row in enumerate(rows, start=1):
            report_progress(progress, n)
            v = row.values
            if {"name", "level", "kind", "region_codes"} & row.bad:
                continue
            parent: Organisation | None = None
            ref = v.get("parent_ref")
            if ref is not None:
                how, what = ref
                if how == "row":
                    parent = written.get(what)
                    if parent is None:
                        # The parent's row was refused: that is its error, not this row's.
                        continue
                else:
                    parent = Organisation.objects.get(pk=what)
            columns = dict(ORGANISATION_FIELD_COLUMNS)
            if v["parent_number"] is not None:
                columns["parent"] = "parent_number"
            fields: dict[str, Any] = {
                k: v[k] for k in ("founded_on", "committee_members", "note") if v.get(k) is not None
            }
            key = _org_key(row)
            if key is None:
                continue
            existing = Organisation.objects.filter(
                name=key[0], region_id=key[1], closed_on__isnull=True
            ).first()
            try:
                if existing is None:
                    written[row.row] = actions.create_organisation(
                        actor=actor,
                        name=v["name"],
                        level=v["level"],
                        kind=v["kind"],
                        region_codes=v["region_codes"],
                        parent=parent,
                        **fields,
                    )
                else:
                    if parent is not None:
                        fields["parent"] = parent
                    # The coverage is rewritten only when the file changes it.
                    covered = set(existing.coverage.values_list("region_id", flat=True))
                    codes = None if covered == set(v["region_codes"]) else v["region_codes"]
                    written[row.row] = actions.update_organisation(
                        actor=actor,
                        organisation=existing,
                        region_codes=codes,
                        level=v["level"],
                        kind=v["kind"],
                        **fields,
                    )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, columns)
        return errors.found


# --- members -------------------------------------------------------------------------------

TAGS = {"poor": TagKind.POOR, "wealth_leader": TagKind.WEALTH_LEADER}

MEMBER_COLUMNS = [
    Column("name", "姓名", ("党员姓名",), required=True, parse=parsers.fits(Member, "name")),
    Column("sex", "性别", parse=parsers.choice(Sex)),
    Column("ethnicity", "民族", parse=parsers.choice(Ethnicity)),
    Column(
        "id_number",
        "公民身份号码",
        ("身份证号", "身份证号码", "证件号码", "身份证"),
        required=True,
        parse=parsers.id_number,
    ),
    Column("birth_date", "出生日期", ("出生年月日",), parse=parsers.date),
    Column("education", "学历", ("文化程度",), parse=choice(Education, EDUCATION_NAMES)),
    Column(
        "stage",
        "人员类别",
        ("党员类别", "类别"),
        required=True,
        parse=choice(Stage, STAGE_NAMES),
    ),
    Column(
        "organisation",
        "所在党组织",
        ("所在党支部", "党组织名称", "党组织"),
        parse=parsers.fits(Organisation, "name"),
        help="党组织名称，或在下一列填写编号",
    ),
    Column(
        "organisation_number",
        "党组织编号",
        ("所在党组织编号",),
        parse=parsers.integer(min_value=1),
        help="同名党组织时填写",
    ),
    Column(
        "region",
        "所在村",
        ("所在村代码", "村代码", "区划代码"),
        parse=region_code,
        help="村代码；党组织只覆盖一个区划时可不填",
    ),
    Column("joined_on", "入党时间", ("入党日期",), parse=parsers.date),
    Column("full_on", "转正时间", ("转正日期",), parse=parsers.date),
    Column("post", "工作岗位", ("岗位", "现工作岗位"), parse=parsers.fits(Member, "post")),
    Column("phone", "联系电话", ("电话", "手机号码"), parse=parsers.phone),
    Column("address", "家庭住址", ("住址", "现居住地"), parse=parsers.fits(Member, "address")),
    Column("status", "党籍状态", (), parse=choice(MembershipStatus, STATUS_NAMES)),
    Column("lost_contact_on", "失联时间", ("失去联系时间", "失联日期"), parse=parsers.date),
    Column(
        "migrant_to", "外出流向", ("流动去向", "外出去向"), parse=parsers.fits(Member, "migrant_to")
    ),
    Column("poor", "是否贫困党员", ("贫困党员",), parse=parsers.boolean),
    Column("wealth_leader", "是否致富带头人", ("致富带头人",), parse=parsers.boolean),
]
# The form's fields the actions take (the organisation and region are passed apart).
FORM_FIELDS = [f for f in actions.MEMBER_FIELDS if f not in ("organisation", "region")]


class MemberSchema(ThroughActions):
    name = "members"
    title = gettext_lazy("Party member information form")
    columns = MEMBER_COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        skip: set[int] = set()

        # A member once in the file.
        for row, first in repeats(rows, lambda row: row.values["id_number"]):
            errors.add(row, "id_number", _("the same ID number as row %(row)d") % {"row": first})
            skip.add(row.row)

        # The organisation: by number, or by a name that means one organisation the actor sees.
        names = {
            r.values["organisation"].strip()
            for r in rows
            if r.values["organisation"] and r.values["organisation_number"] is None
        }
        known = _open_by_name(actor, names)
        numbers = {r.values["organisation_number"] for r in rows if r.values["organisation_number"]}
        by_number: dict[int, tuple[str, bool]] = {}
        for chunk in chunks(sorted(numbers)):
            for pk, name in Organisation.objects.filter(pk__in=chunk).values_list("pk", "name"):
                by_number[pk] = (name, False)
            for pk in (
                visible(Organisation, actor).filter(pk__in=chunk).values_list("pk", flat=True)
            ):
                by_number[pk] = (by_number[pk][0], True)
        for row in rows:
            v = row.values
            v["organisation_pk"] = None
            if {"organisation", "organisation_number"} & row.bad:
                skip.add(row.row)
                continue
            number, name = v["organisation_number"], (v["organisation"] or "").strip()
            if number is not None:
                if number not in by_number:
                    errors.add(
                        row,
                        "organisation_number",
                        _("there is no party organisation with this number"),
                    )
                else:
                    found, seen = by_number[number]
                    if name and seen and found != name:
                        errors.add(
                            row,
                            "organisation",
                            _("organisation number %(number)d is named “%(name)s”")
                            % {"number": number, "name": found},
                        )
                    else:
                        # Out of sight, the action refuses it in so many words.
                        v["organisation_pk"] = number
            elif not name:
                errors.add(
                    row,
                    "organisation",
                    _("Required: the organisation's name, or its number in “%(column)s”.")
                    % {"column": errors.labels["organisation_number"]},
                )
            elif len(known.get(name, [])) > 1:
                errors.add(
                    row,
                    "organisation",
                    _same_name(known[name], errors.labels["organisation_number"]),
                )
            elif known.get(name):
                v["organisation_pk"] = known[name][0]
            else:
                errors.add(row, "organisation", _no_open_organisation())
            if v["organisation_pk"] is None:
                skip.add(row.row)

        return skip

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Register each row's member (or update the registered one of the same organisation)
        and add the tags the row ticks, through the actions; the errors they raise."""
        errors = ActionErrors(self.columns)
        organisations = {
            o.pk: o
            for chunk in chunks(sorted({r.values["organisation_pk"] for r in rows}))
            for o in Organisation.objects.filter(pk__in=chunk)
        }
        registered: dict[str, Member] = {}
        for chunk in chunks([r.values["id_number"] for r in rows if r.values["id_number"]]):
            for m in Member.objects.filter(id_number__in=chunk):
                registered[m.id_number] = m
        today = timezone.localdate()
        for n, row in enumerate(rows, start=1):
            report_progress(progress, n)
            v = row.values
            if {"name", "id_number", "stage"} & row.bad:
                continue
            organisation = organisations[v["organisation_pk"]]
            columns = {"organisation": "organisation", "region_code": "region"}
            if v["organisation"] is None:
                columns["organisation"] = "organisation_number"
            # Blank and bad cells leave the field to the action (its default, or what the
            # record has); a bad cell's own error is the pipeline's.
            fields = {k: v[k] for k in FORM_FIELDS if v.get(k) is not None}
            member = registered.get(v["id_number"])
            known = member is not None
            try:
                if member is not None and member.organisation_id == organisation.pk:
                    member = actions.update_member(
                        actor=actor, member=member, region_code=v["region"], **fields
                    )
                else:
                    # A member of another organisation is refused by the action: a person
                    # is a member of one organisation at a time.
                    member = actions.register_member(
                        actor=actor, organisation=organisation, region_code=v["region"], **fields
                    )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, columns)
                continue
            for key, kind in TAGS.items():
                if not v.get(key) or (known and _tagged(member, kind, today)):
                    continue
                try:
                    actions.add_tag(actor=actor, member=member, kind=kind, since=today)
                except (ValidationError, PermissionDenied) as e:
                    errors.refused(row, e, {}, default=key)
        return errors.found


def _tagged(member: Member, kind: str, on: datetime.date) -> bool:
    """The member holds the tag already (an import run twice adds it once)."""
    current = Q(until__isnull=True) | Q(until__gte=on)
    return member.tags.filter(current, kind=kind).exists()


ORGANISATIONS = OrganisationSchema()
MEMBERS = MemberSchema()
