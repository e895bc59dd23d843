"""The projects' file: one row per demonstration project (fupin.projects.imports)."""

from collections import defaultdict
from collections.abc import Callable
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
    repeats,
    report_progress,
    visible,
)
from fupin.party.models import Member, Organisation
from fupin.projects import actions
from fupin.projects.actions.common import CHARTER_FIELDS
from fupin.projects.choices import (
    ProjectType,
    SetupModel,
    ShortfallRule,
)
from fupin.projects.imports.cells import (
    SETUP_NAMES,
    SHORTFALL_NAMES,
    TYPE_NAMES,
    credit_codes,
    id_numbers,
    money,
    percent,
    village_codes,
)
from fupin.projects.models import Partner, Project

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
# The actions' fields -> the columns they come from.
FIELD_COLUMNS = {"village_codes": "villages", "region": "villages", "region_code": "villages"}
NEEDED = frozenset({"name", "type", "setup", "villages", "leaders", "organisation", "partners"})


def _project_key(row: ParsedRow) -> tuple[str, tuple[str, ...]] | None:
    """The project a row means, as the actions tell projects apart: its name and villages."""
    v = row.values
    if not (v["name"] and v["villages"]):
        return None
    return v["name"].strip(), tuple(sorted(v["villages"]))


class ProjectSchema(ThroughActions):
    name = "projects"
    title = gettext_lazy("Demonstration industry projects")
    columns = COLUMNS

    def _refused(self, rows: list[ParsedRow], *, actor: Any, errors: ActionErrors) -> set[int]:
        skip = {row.row for row in rows if row.bad & NEEDED}
        for row, first in repeats(rows, _project_key):
            errors.add(
                row,
                "name",
                _("The same project as row %(row)d (same name, same villages).") % {"row": first},
            )
            skip.add(row.row)
        skip |= self._links(rows, actor, errors)
        return skip

    def _links(self, rows: list[ParsedRow], actor: Any, errors: ActionErrors) -> set[int]:
        """Find the leaders, organisation and partners each row names among those the actor
        sees (`leader_pks`, `organisation_pk`, `partner_pks`); the rows missing one."""
        numbers = sorted({n for r in rows for n in r.values["leaders"] or ()})
        members: dict[str, int] = {}
        for chunk in chunks(numbers):
            qs = visible(Member, actor).filter(id_number__in=chunk)
            members.update(qs.values_list("id_number", "pk"))
        names = sorted({r.values["organisation"].strip() for r in rows if r.values["organisation"]})
        organisations: dict[str, list[int]] = defaultdict(list)
        for chunk in chunks(names):
            qs = visible(Organisation, actor).filter(name__in=chunk, closed_on__isnull=True)
            for name, pk in qs.order_by("pk").values_list("name", "pk"):
                organisations[name].append(pk)
        codes = sorted({c for r in rows for c in r.values["partners"] or ()})
        partners: dict[str, int] = {}
        for chunk in chunks(codes):
            qs = visible(Partner, actor).filter(credit_code__in=chunk)
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
            report_progress(progress, n)
            v = row.values
            fields: dict[str, Any] = {k: v[k] for k in CHARTER_FIELDS if v.get(k) is not None}
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


PROJECTS = ProjectSchema()
