"""Demonstration projects, their participants and their share contributions as the import
pipeline reads them (`fupin import projects|participants|contributions FILE`), one row per
record, as counties keep them in Excel.

- projects: one row per project — name, type, how it was set up, the covered villages' codes,
  the leading members' ID numbers, the party organisation, the partner enterprises' credit
  codes, land, start date and charter. A project is the same project when it has the same
  name and covers the same villages: a second import updates it.
- participants: one row per participant of a project (the project by name, or by number when
  names repeat) — a registered person by ID number, a household by village code and
  household number, or a villager outside the registry by name and village code.
- contributions: one row per share contribution (入股) — the participant as above, what is
  paid in (land in 亩, assistance funds or cash), the amount or the land, the date, and
  whether the shares are preferred (贫困户优先股). The charter converts it into shares.

Every row is written by the projects' actions, which hold every rule (scope, the charter, a
contribution is positive, a participant once per project); `check` runs them row by row
inside a transaction it rolls back, so every bad row is reported in one pass and a dry run is
as thorough as an import. Importing a file twice changes nothing: a project or participant
that exists is updated, a contribution that is already in the register is not made again.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts.roles import Action
from fupin.imports import parsers
from fupin.imports.schema import CellError, Column, ParsedRow, RowError
from fupin.imports.through_actions import (
    PROGRESS_EVERY,
    ActionErrors,
    ThroughActions,
    by_pk,
    choice,
    chunks,
    trial,
)
from fupin.party.models import Member, Organisation
from fupin.projects import actions
from fupin.projects.choices import (
    Asset,
    EntryKind,
    PartnerKind,
    ProjectType,
    SetupModel,
    ShortfallRule,
)
from fupin.projects.models import Participant, Partner, Project, ShareEntry
from fupin.regions.codes import is_digits
from fupin.registry.models import Household, Person

VILLAGE_CODE_LENGTH = 12
SEPARATORS = ("、", "，", ",", "；", ";", "/", "\n")


# --- cells ---------------------------------------------------------------------------------


def _split(value: str) -> list[str]:
    """Several values in one cell, separated as people do: 、 , ， ; ； / or spaces."""
    for separator in SEPARATORS:
        value = value.replace(separator, " ")
    found: list[str] = []
    for item in value.split():
        if item not in found:
            found.append(item)
    return found


def village_codes(value: str) -> list[str]:
    """The codes of the covered villages (12 digits each), separated by 、."""
    codes = _split(value)
    bad = [c for c in codes if not is_digits(c) or len(c) != VILLAGE_CODE_LENGTH]
    if bad:
        raise CellError(
            _("“%(code)s” is not a village code: a village code has 12 digits.") % {"code": bad[0]}
        )
    if not codes:
        raise CellError(_("No village code: write the codes of the villages covered."))
    return codes


def village_code(value: str) -> str:
    """One village's code: 12 digits."""
    if not is_digits(value) or len(value) != VILLAGE_CODE_LENGTH:
        raise CellError(
            _("“%(code)s” is not a village code: a village code has 12 digits.") % {"code": value}
        )
    return value


def id_numbers(value: str) -> list[str]:
    """Leading members' ID numbers, separated by 、."""
    found: list[str] = []
    for item in _split(value):
        try:
            number = parsers.id_number(item)
        except CellError as e:
            raise CellError(f"{item}: {e}") from None
        if number not in found:
            found.append(number)
    return found


def credit_codes(value: str) -> list[str]:
    """Partner enterprises' unified social credit codes (GB 32100-2015), separated by 、."""
    found: list[str] = []
    for item in _split(value):
        try:
            code = actions.check_credit_code(item, PartnerKind.ENTERPRISE)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        if code not in found:
            found.append(code)
    return found


_PERCENT = parsers.decimal(min_value=0, places=2)


def percent(value: str) -> Decimal:
    """A percentage: 10, 10% or 10.5%."""
    number: Decimal = _PERCENT(value.strip().rstrip("%％").strip())
    return number


parsers.set_hint(percent, parsers.hint(parsers.decimal))

money = parsers.decimal(places=2)

TYPE_NAMES = {
    "合作社": ProjectType.COOPERATIVE,
    "专业合作社": ProjectType.COOPERATIVE,
    "农民专业合作社": ProjectType.COOPERATIVE,
    "家庭农场": ProjectType.FAMILY_FARM,
    "苗圃": ProjectType.NURSERY,
    "育苗基地": ProjectType.NURSERY,
    "乡村旅游": ProjectType.AGRITOURISM,
    "农家乐": ProjectType.AGRITOURISM,
    "电商": ProjectType.ECOMMERCE,
    "电子商务": ProjectType.ECOMMERCE,
    "示范园": ProjectType.DEMONSTRATION_GARDEN,
    "示范园区": ProjectType.DEMONSTRATION_GARDEN,
    "养殖": ProjectType.LIVESTOCK,
    "养殖场": ProjectType.LIVESTOCK,
    "加工": ProjectType.PROCESSING,
    "加工厂": ProjectType.PROCESSING,
}
SETUP_NAMES = {
    "村企联建": SetupModel.VILLAGE_ENTERPRISE,
    "村企共建": SetupModel.VILLAGE_ENTERPRISE,
    "支部领办合作社": SetupModel.BRANCH_COOPERATIVE,
    "支部+合作社": SetupModel.BRANCH_COOPERATIVE,
    "连片开发": SetupModel.CONTIGUOUS,
    "跨村连片": SetupModel.CONTIGUOUS,
    "支部领办家庭农场": SetupModel.BRANCH_FAMILY_FARM,
    "订单式": SetupModel.ORDER_BASED,
    "订单农业": SetupModel.ORDER_BASED,
    "集体经济": SetupModel.COLLECTIVE_ECONOMY,
    "村集体经济": SetupModel.COLLECTIVE_ECONOMY,
}
SHORTFALL_NAMES = {
    "按比例": ShortfallRule.PRO_RATA,
    "按比例支付": ShortfallRule.PRO_RATA,
    "先动用公积金": ShortfallRule.RESERVE_FIRST,
    "动用公积金": ShortfallRule.RESERVE_FIRST,
}
ASSET_NAMES = {
    "土地": Asset.LAND,
    "土地入股": Asset.LAND,
    "土地经营权": Asset.LAND,
    "帮扶资金": Asset.FUND,
    "扶贫资金": Asset.FUND,
    "资金": Asset.FUND,
    "资金入股": Asset.FUND,
    "现金": Asset.CASH,
    "现金入股": Asset.CASH,
}


def _visible(model: Any, actor: Any) -> Any:
    """The records the actor sees (the CLI's operator, None, sees every one)."""
    return model.objects.all() if actor is None else model.objects.for_user(actor, Action.VIEW)


def _progress(progress: Callable[[int], None] | None, n: int) -> None:
    if progress is not None and n % PROGRESS_EVERY == 0:
        progress(n)


# --- the project of a row (participants and contributions) ----------------------------------

PROJECT_COLUMNS = [
    Column(
        "project",
        "项目名称",
        ("项目", "示范项目", "示范项目名称"),
        parse=parsers.fits(Project, "name"),
        help="项目名称，或在下一列填写编号",
    ),
    Column(
        "project_number",
        "项目编号",
        ("项目ID",),
        parse=parsers.integer(min_value=1),
        help="项目重名时填写",
    ),
]


def _find_projects(rows: list[ParsedRow], actor: Any, errors: ActionErrors) -> set[int]:
    """Set each row's `project_pk` (a project the actor sees, by number or by a name that
    means one); the rows that have none, their error said."""
    names = {
        r.values["project"].strip()
        for r in rows
        if r.values["project"] and r.values["project_number"] is None
    }
    by_name: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks(sorted(names)):
        qs = _visible(Project, actor).filter(name__in=chunk).order_by("pk")
        for name, pk in qs.values_list("name", "pk"):
            by_name[name].append(pk)
    numbers = {r.values["project_number"] for r in rows if r.values["project_number"]}
    seen: dict[int, str] = {}
    for chunk in chunks(sorted(numbers)):
        seen.update(_visible(Project, actor).filter(pk__in=chunk).values_list("pk", "name"))
    skip: set[int] = set()
    for row in rows:
        v = row.values
        v["project_pk"] = None
        if {"project", "project_number"} & row.bad:
            skip.add(row.row)
            continue
        number, name = v["project_number"], (v["project"] or "").strip()
        if number is not None:
            if number not in seen:
                errors.add(
                    row,
                    "project_number",
                    _("There is no project with this number in the regions you may see."),
                )
            elif name and seen[number] != name:
                errors.add(
                    row,
                    "project",
                    _("Project number %(number)d is named “%(name)s”.")
                    % {"number": number, "name": seen[number]},
                )
            else:
                v["project_pk"] = number
        elif not name:
            errors.add(
                row,
                "project",
                _("Required: the project's name, or its number in “%(column)s”.")
                % {"column": errors.labels["project_number"]},
            )
        elif len(by_name.get(name, [])) > 1:
            errors.add(
                row,
                "project",
                _(
                    "%(count)d projects have this name (numbers %(numbers)s): give the number "
                    "in “%(column)s”."
                )
                % {
                    "count": len(by_name[name]),
                    "numbers": "、".join(str(pk) for pk in by_name[name]),
                    "column": errors.labels["project_number"],
                },
            )
        elif by_name.get(name):
            v["project_pk"] = by_name[name][0]
        else:
            errors.add(
                row, "project", _("There is no project of this name in the regions you may see.")
            )
        if v["project_pk"] is None:
            skip.add(row.row)
    return skip


# --- projects ------------------------------------------------------------------------------

COLUMNS = [
    Column(
        "name",
        "项目名称",
        ("项目", "示范项目名称", "名称"),
        required=True,
        parse=parsers.fits(Project, "name"),
    ),
    Column(
        "type",
        "项目类型",
        ("类型", "项目类别"),
        required=True,
        parse=choice(ProjectType, TYPE_NAMES),
    ),
    Column(
        "setup",
        "组建模式",
        ("建设模式", "组建方式", "模式"),
        required=True,
        parse=choice(SetupModel, SETUP_NAMES),
    ),
    Column(
        "villages",
        "覆盖村代码",
        ("村代码", "所在村代码", "覆盖村"),
        required=True,
        parse=village_codes,
        help="多个村用顿号分隔",
    ),
    Column(
        "leaders",
        "领办党员身份证号",
        ("领办人身份证号", "带头党员身份证号"),
        parse=id_numbers,
        help="多人用顿号分隔",
    ),
    Column(
        "organisation",
        "党组织",
        ("领办党组织", "所在党组织", "党组织名称"),
        parse=parsers.fits(Organisation, "name"),
    ),
    Column(
        "partners",
        "合作企业统一社会信用代码",
        ("龙头企业统一社会信用代码", "合作企业信用代码", "统一社会信用代码"),
        parse=credit_codes,
        help="企业须已登记；多家用顿号分隔",
    ),
    Column("product", "主导产品", ("产品", "主要产品"), parse=parsers.fits(Project, "product")),
    Column("land_mu", "土地面积（亩）", ("土地面积", "面积（亩）", "亩数"), parse=money),
    Column("started_on", "开始日期", ("成立日期", "开始时间", "成立时间"), parse=parsers.date),
    Column("share_price", "每股金额（元）", ("每股金额", "股价"), parse=money),
    Column(
        "land_price",
        "土地每亩折价（元）",
        ("土地折价", "每亩折价", "土地每亩作价"),
        parse=money,
    ),
    Column("reserve_percent", "公积金比例（%）", ("公积金比例", "公积金"), parse=percent),
    Column(
        "collective_percent",
        "村集体提留比例（%）",
        ("村集体比例", "集体提留比例", "村集体提留"),
        parse=percent,
    ),
    Column(
        "preferred_rate",
        "优先股保底分红率（%）",
        ("优先股分红率", "保底分红率"),
        parse=percent,
    ),
    Column(
        "shortfall_rule",
        "保底不足时",
        ("保底不足处理",),
        parse=choice(ShortfallRule, SHORTFALL_NAMES),
        help="按比例或先动用公积金",
    ),
    Column("note", "备注", (), parse=parsers.text),
]
CHARTER = [
    "product",
    "land_mu",
    "started_on",
    "share_price",
    "land_price",
    "reserve_percent",
    "collective_percent",
    "preferred_rate",
    "shortfall_rule",
    "note",
]
# The actions' fields -> the columns they come from.
FIELD_COLUMNS = {"village_codes": "villages", "region": "villages", "region_code": "villages"}
NEEDED = frozenset({"name", "type", "setup", "villages", "leaders", "organisation", "partners"})


class ProjectSchema(ThroughActions):
    name = "projects"
    title = gettext_lazy("Demonstration industry projects")
    columns = COLUMNS

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        errors = ActionErrors(self.columns)
        skip: set[int] = set()
        first_seen: dict[tuple[str, tuple[str, ...]], int] = {}
        for row in rows:
            v = row.values
            if row.bad & NEEDED:
                skip.add(row.row)
            if v["name"] and v["villages"]:
                key = (v["name"].strip(), tuple(sorted(v["villages"])))
                if key in first_seen:
                    errors.add(
                        row,
                        "name",
                        _("The same project as row %(row)d (same name, same villages).")
                        % {"row": first_seen[key]},
                    )
                    skip.add(row.row)
                else:
                    first_seen[key] = row.row
        skip |= self._links(rows, actor, errors)
        checked = [r for r in rows if r.row not in skip]
        return errors.found + trial(lambda: self._apply(checked, actor=actor))

    def _links(self, rows: list[ParsedRow], actor: Any, errors: ActionErrors) -> set[int]:
        """Find the leaders, organisation and partners each row names among those the actor
        sees (`leader_pks`, `organisation_pk`, `partner_pks`); the rows missing one."""
        numbers = sorted({n for r in rows for n in r.values["leaders"] or ()})
        members: dict[str, int] = {}
        for chunk in chunks(numbers):
            qs = _visible(Member, actor).filter(id_number__in=chunk)
            members.update(qs.values_list("id_number", "pk"))
        names = sorted({r.values["organisation"].strip() for r in rows if r.values["organisation"]})
        organisations: dict[str, list[int]] = defaultdict(list)
        for chunk in chunks(names):
            qs = _visible(Organisation, actor).filter(name__in=chunk, closed_on__isnull=True)
            for name, pk in qs.order_by("pk").values_list("name", "pk"):
                organisations[name].append(pk)
        codes = sorted({c for r in rows for c in r.values["partners"] or ()})
        partners: dict[str, int] = {}
        for chunk in chunks(codes):
            qs = _visible(Partner, actor).filter(credit_code__in=chunk)
            partners.update(qs.values_list("credit_code", "pk"))
        skip: set[int] = set()
        for row in rows:
            v = row.values
            missing = [n for n in v["leaders"] or () if n not in members]
            if missing:
                errors.add(
                    row,
                    "leaders",
                    _(
                        "There is no party member with ID number %(numbers)s in the regions "
                        "you may see."
                    )
                    % {"numbers": "、".join(missing)},
                )
            v["leader_pks"] = [members[n] for n in v["leaders"] or () if n in members]
            v["organisation_pk"] = None
            name = (v["organisation"] or "").strip()
            if name and len(organisations.get(name, [])) > 1:
                errors.add(
                    row,
                    "organisation",
                    _("%(count)d open organisations have this name: write the one you mean.")
                    % {"count": len(organisations[name])},
                )
                missing.append(name)
            elif name and not organisations.get(name):
                errors.add(
                    row,
                    "organisation",
                    _(
                        "There is no open party organisation of this name in the regions you "
                        "may see."
                    ),
                )
                missing.append(name)
            elif name:
                v["organisation_pk"] = organisations[name][0]
            unknown = [c for c in v["partners"] or () if c not in partners]
            if unknown:
                errors.add(
                    row,
                    "partners",
                    _(
                        "No partner enterprise with credit code %(codes)s in the regions you "
                        "may see: register it first."
                    )
                    % {"codes": "、".join(unknown)},
                )
            v["partner_pks"] = [partners[c] for c in v["partners"] or () if c in partners]
            if missing or unknown:
                skip.add(row.row)
        return skip

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Create each row's project, or update the one of the same name over the same
        villages, through the actions; the errors they raise."""
        errors = ActionErrors(self.columns)
        members = by_pk(Member.objects.all(), {p for r in rows for p in r.values["leader_pks"]})
        organisations = by_pk(
            Organisation.objects.all(),
            {r.values["organisation_pk"] for r in rows if r.values["organisation_pk"]},
        )
        partners = by_pk(Partner.objects.all(), {p for r in rows for p in r.values["partner_pks"]})
        existing = self._existing(rows)
        for n, row in enumerate(rows, start=1):
            _progress(progress, n)
            v = row.values
            fields: dict[str, Any] = {k: v[k] for k in CHARTER if v.get(k) is not None}
            if v["leaders"] is not None:
                fields["leaders"] = [members[pk] for pk in v["leader_pks"]]
            if v["organisation_pk"] is not None:
                fields["organisation"] = organisations[v["organisation_pk"]]
            if v["partners"] is not None:
                fields["partners"] = [partners[pk] for pk in v["partner_pks"]]
            project = existing.get((v["name"].strip(), tuple(sorted(v["villages"]))))
            try:
                if project is None:
                    actions.create_project(
                        actor=actor,
                        name=v["name"],
                        type=v["type"],
                        setup=v["setup"],
                        village_codes=v["villages"],
                        **fields,
                    )
                else:
                    actions.update_project(
                        actor=actor, project=project, type=v["type"], setup=v["setup"], **fields
                    )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, FIELD_COLUMNS, default="name")
        return errors.found

    def _existing(self, rows: list[ParsedRow]) -> dict[tuple[str, tuple[str, ...]], Project]:
        """(name, covered villages) -> the project an earlier import (or a page) made."""
        names = sorted({r.values["name"].strip() for r in rows})
        found: dict[tuple[str, tuple[str, ...]], Project] = {}
        for chunk in chunks(names):
            for project in Project.objects.filter(name__in=chunk).prefetch_related("coverage"):
                villages = tuple(sorted(c.region_id for c in project.coverage.all()))
                found.setdefault((project.name, villages), project)
        return found


# --- participants --------------------------------------------------------------------------

WHO_COLUMNS = [
    Column(
        "name",
        "姓名",
        ("户主姓名", "参与人姓名", "股东姓名"),
        parse=parsers.fits(Participant, "name"),
    ),
    Column(
        "id_number",
        "身份证号",
        ("公民身份号码", "身份证号码", "证件号码"),
        parse=parsers.id_number,
        help="在册人员填写",
    ),
    Column("village_code", "村代码", ("所在村代码", "行政村代码"), parse=village_code),
    Column(
        "number",
        "户编号",
        ("户号", "户编码"),
        parse=parsers.text(max_length=Household._meta.get_field("number").max_length or 30),
        help="以户参与时填写",
    ),
]
PARTICIPANT_COLUMNS = [
    *PROJECT_COLUMNS,
    *WHO_COLUMNS,
    Column("is_shareholder", "是否入股", ("入股", "股东", "是否股东"), parse=parsers.boolean),
    Column("is_worker", "是否务工", ("务工", "是否就业"), parse=parsers.boolean),
    Column("is_trainee", "是否参加培训", ("培训", "是否培训"), parse=parsers.boolean),
    Column("joined_on", "加入日期", ("加入时间", "参与日期"), parse=parsers.date),
]
ROLES = ("is_shareholder", "is_worker", "is_trainee")
PARTICIPANT_FIELD_COLUMNS = {
    "person": "id_number",
    "household": "number",
    "region_code": "village_code",
    "region": "village_code",
    "project": "project",
}
WHO = frozenset({"name", "id_number", "village_code", "number"})


def _find_people(
    rows: list[ParsedRow], actor: Any, errors: ActionErrors, *, registered_only: bool = False
) -> set[int]:
    """Set each row's `person_pk` and `household_pk` from its ID number or its village code
    and household number (among those the actor sees); the rows whose person or household
    could not be found (their error said). A row with neither names a villager outside the
    registry by name and village."""
    numbers = sorted({r.values["id_number"] for r in rows if r.values["id_number"]})
    people: dict[str, tuple[int, int]] = {}
    for chunk in chunks(numbers):
        qs = _visible(Person, actor).filter(id_number__in=chunk)
        for number, pk, household in qs.values_list("id_number", "pk", "household_id"):
            people[number] = (pk, household)
    by_village: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r.values["village_code"] and r.values["number"]:
            by_village[r.values["village_code"]].add(r.values["number"])
    households: dict[tuple[str, str], int] = {}
    for village, wanted in sorted(by_village.items()):
        for chunk in chunks(sorted(wanted)):
            qs = _visible(Household, actor).filter(village_id=village, number__in=chunk)
            for number, pk in qs.values_list("number", "pk"):
                households[(village, number)] = pk
    skip: set[int] = set()
    for row in rows:
        v = row.values
        v["person_pk"] = v["household_pk"] = None
        if row.bad & WHO:
            skip.add(row.row)
            continue
        if v["id_number"]:
            found = people.get(v["id_number"])
            if found is None:
                errors.add(
                    row,
                    "id_number",
                    _(
                        "There is no registered person with this ID number in the regions you "
                        "may see."
                    ),
                )
                skip.add(row.row)
            else:
                v["person_pk"], v["household_pk"] = found
        elif v["number"]:
            if not v["village_code"]:
                errors.add(
                    row,
                    "village_code",
                    _("Required with “%(column)s”.") % {"column": errors.labels["number"]},
                )
                skip.add(row.row)
                continue
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
                skip.add(row.row)
        elif not v["name"] or (not registered_only and not v["village_code"]):
            errors.add(
                row,
                "name",
                _(
                    "Required: the ID number of a registered person, the village code and "
                    "household number of a household, or the name and village code of a "
                    "villager outside the registry."
                )
                if not registered_only
                else _("Required: the participant's ID number, household number or name."),
            )
            skip.add(row.row)
    return skip


class ParticipantSchema(ThroughActions):
    name = "participants"
    title = gettext_lazy("Participants of demonstration projects")
    columns = PARTICIPANT_COLUMNS

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        errors = ActionErrors(self.columns)
        skip = _find_projects(rows, actor, errors)
        skip |= _find_people(rows, actor, errors)
        first_seen: dict[tuple[Any, ...], int] = {}
        for row in rows:
            if row.row in skip:
                continue
            key = _participant_key(row)
            if key in first_seen:
                errors.add(
                    row,
                    _who_column(row),
                    _("The same participant as row %(row)d.") % {"row": first_seen[key]},
                )
                skip.add(row.row)
            else:
                first_seen[key] = row.row
        checked = [r for r in rows if r.row not in skip]
        return errors.found + trial(lambda: self._apply(checked, actor=actor))

    def _apply(
        self,
        rows: list[ParsedRow],
        *,
        actor: Any,
        progress: Callable[[int], None] | None = None,
    ) -> list[RowError]:
        """Add each row's participant to its project, or update the one already there, through
        the actions; the errors they raise."""
        errors = ActionErrors(self.columns)
        projects = by_pk(Project.objects.all(), {r.values["project_pk"] for r in rows})
        people = by_pk(
            Person.objects.all(), {r.values["person_pk"] for r in rows if r.values["person_pk"]}
        )
        households = by_pk(
            Household.objects.all(),
            {r.values["household_pk"] for r in rows if r.values["household_pk"]},
        )
        existing = _participants(set(projects))
        for n, row in enumerate(rows, start=1):
            _progress(progress, n)
            v = row.values
            roles = {k: v[k] for k in ROLES if v.get(k) is not None}
            if v.get("joined_on") is not None:
                roles["joined_on"] = v["joined_on"]
            participant = existing.get(_participant_key(row))
            columns = dict(PARTICIPANT_FIELD_COLUMNS)
            if v["project"] is None:
                columns["project"] = "project_number"
            try:
                if participant is not None:
                    actions.update_participant(actor=actor, participant=participant, **roles)
                    continue
                person = people.get(v["person_pk"])
                household = households.get(v["household_pk"])
                actions.add_participant(
                    actor=actor,
                    project=projects[v["project_pk"]],
                    person=person,
                    household=household if person is None else None,
                    name=v["name"] or "",
                    region_code=v["village_code"] or "",
                    **roles,
                )
            except (ValidationError, PermissionDenied) as e:
                errors.refused(row, e, columns, default=_who_column(row))
        return errors.found


def _participant_key(row: ParsedRow) -> tuple[Any, ...]:
    """Who a row means, as a project tells its participants apart: the person, else the
    household, else the name in the village."""
    v = row.values
    if v["person_pk"] is not None:
        return (v["project_pk"], "person", v["person_pk"])
    if v["household_pk"] is not None:
        return (v["project_pk"], "household", v["household_pk"])
    return (v["project_pk"], "name", (v["name"] or "").strip(), v["village_code"])


def _who_column(row: ParsedRow) -> str:
    v = row.values
    if v["id_number"]:
        return "id_number"
    if v["number"]:
        return "number"
    return "name"


def _participants(project_pks: set[int]) -> dict[tuple[Any, ...], Participant]:
    """The participants of these projects, keyed as `_participant_key` keys rows."""
    found: dict[tuple[Any, ...], Participant] = {}
    for chunk in chunks(sorted(project_pks)):
        for p in Participant.objects.filter(project_id__in=chunk).order_by("pk"):
            if p.person_id is not None:
                key: tuple[Any, ...] = (p.project_id, "person", p.person_id)
            elif p.household_id is not None:
                key = (p.project_id, "household", p.household_id)
            else:
                key = (p.project_id, "name", p.name, p.region_id)
            found.setdefault(key, p)
    return found


# --- share contributions -------------------------------------------------------------------

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

    def check(self, rows: list[ParsedRow], *, actor: Any) -> list[RowError]:
        errors = ActionErrors(self.columns)
        skip = _find_projects(rows, actor, errors)
        skip |= _find_people(rows, actor, errors, registered_only=True)
        # The participant: the project's, among those the row could name.
        members = _participants({r.values["project_pk"] for r in rows if r.row not in skip})
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
                found = members.get(_participant_key(row))
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
                    _who_column(row),
                    _(
                        "Not a participant of this project: add them to the project "
                        "(participants import) before their contributions."
                    ),
                )
                skip.add(row.row)
                continue
            v["participant_pk"] = found.pk
        checked = [r for r in rows if r.row not in skip]
        return errors.found + trial(lambda: self._apply(checked, actor=actor))

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
            _progress(progress, n)
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
                errors.refused(row, e, CONTRIBUTION_FIELD_COLUMNS, default=_who_column(row))
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


PROJECTS = ProjectSchema()
PARTICIPANTS = ParticipantSchema()
CONTRIBUTIONS = ContributionSchema()
