"""The programme bulletin (工作进展情况): a region's progress report written from its figures, in
the paragraph structure of a provincial progress report.

1. Projects and partners: leading enterprises and industry households, projects by type, the
   poor people they take in, shareholders, output value and dividends.
2. Pairing: helpers, the poor people they are paired with, and the coverage of those who need
   a helper.
3. Development of members: members, poor members, members by tag, wealth leaders in poor
   villages, party organisations.
(4. Training gets its sentence once the training domain adds its figures; it has none yet.)

Every number comes from `analytics.figures.figures` and nowhere else, and is written by
`programme_number` with the bulletin's precision: `precision` significant digits are kept and
the rest dropped, never rounded, with "余" marking that digits were dropped (see
fupin/lib/chinese_numbers.py). The default of 3 writes 4.3万余户 for 43,217 and 9350余个
for 9,356; a precision of 2 writes 4.3万余户 and 9300余个; 4 writes 4.321万余户. Rates are
written with one decimal, also cut, not rounded (98.47 % is 98.4%).

A bulletin is a list of paragraphs, each a list of pieces: plain text, a `Number` (with the
figure key it shows, so the page can link it to the records it counts) or a `Rate`.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from fupin.analytics import figures as analytics
from fupin.lib.chinese_numbers import programme_number
from fupin.party.choices import TagKind
from fupin.projects.choices import PartnerKind, ProjectType
from fupin.regions.models import Region
from fupin.registry.choices import Status

# Significant digits the bulletin keeps by default (the programme's reports keep two or three:
# 4.3万余户, 46.8万余名, 9350余个).
PRECISION = 3
PRECISIONS = range(1, 7)
# Money is counted in fen and written in yuan.
FEN = 100
# The words a report uses for projects of each type and members with each tag (the choices'
# labels name a type or a tag; a report counts things: 养殖项目12个, 外出务工经商党员30名).
PROJECT_WORDS = {
    ProjectType.COOPERATIVE: "专业合作社",
    ProjectType.FAMILY_FARM: "家庭农场",
    ProjectType.NURSERY: "苗圃",
    ProjectType.AGRITOURISM: "农家乐",
    ProjectType.ECOMMERCE: "电商项目",
    ProjectType.DEMONSTRATION_GARDEN: "示范园",
    ProjectType.LIVESTOCK: "养殖项目",
    ProjectType.PROCESSING: "加工项目",
}
TAG_WORDS = {
    TagKind.WEALTH_LEADER: "致富带头人",
    TagKind.RETURNEE: "回引人才",
    TagKind.MIGRANT: "外出务工经商党员",
    TagKind.YOUNG_TALENT: "青年人才",
    TagKind.CADRE: "机关干部党员",
    TagKind.POST_HOLDER: "设岗定责无职党员",
    TagKind.RESERVE_CADRE: "村级后备干部",
}


@dataclass(frozen=True)
class Number:
    """One figure of the bulletin: its key, the exact value counted (fen for money), the measure
    word written after it and how it is written."""

    key: str
    value: int
    unit: str
    precision: int
    # The value is written divided by this (100: fen written as yuan).
    divisor: int = 1
    # The list page of the records it counts (with the region's filter), if there is one.
    link: str | None = None

    @property
    def shown(self) -> int:
        return self.value // self.divisor

    @property
    def number(self) -> str:
        return programme_number(self.shown, significant=self.precision)

    def __str__(self) -> str:
        return f"{self.number}{self.unit}"


@dataclass(frozen=True)
class Rate:
    """A share of two figures in percent (coverage = paired / beneficiaries)."""

    numerator: str
    denominator: str
    part: int
    whole: int
    link: str | None = None

    @property
    def tenths(self) -> int:
        """The percentage in tenths, cut (never overstated)."""
        return self.part * 1000 // self.whole if self.whole else 0

    def __str__(self) -> str:
        whole, tenth = divmod(self.tenths, 10)
        return f"{whole}.{tenth}%"


Piece = str | Number | Rate


@dataclass
class Bulletin:
    """The bulletin of one region at one date."""

    code: str
    name: str
    year: int
    as_of: datetime.date
    precision: int
    paragraphs: list[list[Piece]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.name}党建扶贫工作进展情况"

    @property
    def date_text(self) -> str:
        return chinese_date(self.as_of)

    def numbers(self) -> list[Number | Rate]:
        """Every number of the text, in order."""
        return [p for para in self.paragraphs for p in para if not isinstance(p, str)]

    def paragraph_texts(self) -> list[str]:
        return ["".join(str(p) for p in para) for para in self.paragraphs]

    def text(self) -> str:
        """The plain text: title, then the paragraphs indented as Chinese prose is."""
        body = "\n\n".join(f"\u3000\u3000{t}" for t in self.paragraph_texts())
        return f"{self.title}\n\n{body}\n"


def chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# How the reports name the whole of a region ("全省各级党组织"), by level and the end of its
# name: a county may be a 县, a 区 or a county-level 市.
_WHOLE_SUFFIXES = (
    "自治州",
    "自治县",
    "地区",
    "街道",
    "社区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "乡",
    "镇",
    "村",
)
_WHOLE_OF_LEVEL = {1: "全省", 2: "全市", 3: "全县", 4: "全乡（镇）", 5: "全村"}


def whole_of(region: Region) -> str:
    name = region.name.removesuffix("居民委员会").removesuffix("村民委员会")
    if region.level == 1 and name.endswith("自治区"):
        return "全区"
    for suffix in _WHOLE_SUFFIXES:
        if name.endswith(suffix):
            short = {"自治州": "州", "自治县": "县", "地区": "地区", "街道": "街道", "社区": "社区"}
            return "全" + short.get(suffix, suffix)
    return _WHOLE_OF_LEVEL.get(region.level, "全")


def _url(name: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{reverse(name)}?{query}"


def records_link(key: str, code: str) -> str | None:
    """The list page of the records a figure counts, filtered to the region."""
    head, _, rest = key.partition(".")
    partners = "projects:partner-list"
    participants = "projects:participant-list"
    members = "party:member-list"
    households = "registry:household-list"
    links: dict[str, tuple[str, dict[str, str]]] = {
        "enterprises": (partners, {"kind": PartnerKind.ENTERPRISE}),
        "industry_households": (partners, {"kind": PartnerKind.INDUSTRY_HOUSEHOLD}),
        "projects": ("projects:project-list", {}),
        "project_type": ("projects:project-list", {"type": rest}),
        "output_fen": ("projects:project-list", {}),
        "dividends_fen": ("projects:run-list", {}),
        "participants": (participants, {}),
        "poor_participants": (participants, {"poor": "true"}),
        "shareholders": (participants, {"shareholder": "true"}),
        "helpers": ("pairing:helper-list", {"active": "true"}),
        "helper_pairings": ("pairing:pairing-list", {"current": "true", "kind": "primary"}),
        "paired": ("pairing:coverage", {}),
        "paired_people": ("pairing:pairing-list", {"current": "true", "kind": "primary"}),
        "beneficiaries": ("pairing:coverage", {}),
        "members": (members, {"category": "members"}),
        "village_members": (members, {"category": "members", "where": "village"}),
        "organ_members": (members, {"category": "members", "where": "organ"}),
        "poor_members": (members, {"tag": TagKind.POOR}),
        "tag": (members, {"tag": rest}),
        "wealth_leaders_poor_villages": (members, {"tag": TagKind.WEALTH_LEADER}),
        "organisations": ("party:organisation-list", {"open": "true"}),
        "households": (households, {}),
        "households_not_exited": (households, {"status": "not_exited"}),
        "households_poor": (households, {"status": Status.POOR}),
        "households_exited": (households, {"status": Status.EXITED}),
        "households_relapsed": (households, {"status": Status.RELAPSED}),
    }
    found = links.get(head)
    if found is None:
        return None
    name, params = found
    return _url(name, region=code, **params)


def year_of(code: str, as_of: datetime.date | None) -> int | None:
    """The year whose figures stand for `as_of`: its own year, or the latest with data before
    it (the figures of a year are its year-end stocks, or today's for the current year)."""
    latest = analytics.latest_year(code)
    if as_of is None or latest is None:
        return latest
    return min(as_of.year, latest)


def write_bulletin(
    code: str,
    as_of: datetime.date | None = None,
    precision: int = PRECISION,
) -> Bulletin:
    """The bulletin of region `code` as of `as_of` (default: the latest figures, dated today,
    or the last day of their year when that year is over). It uses no breakdown of people
    (causes, attributes), so it is the same for every role that may see the region."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be between {PRECISIONS[0]} and {PRECISIONS[-1]}")
    region = Region.objects.get(code=code)
    year = year_of(code, as_of)
    today = timezone.localdate()
    if year is None:
        year = (as_of or today).year
    fig = analytics.figures(code, year)
    if as_of is None:
        as_of = today if year >= today.year else datetime.date(year, 12, 31)
    bulletin = Bulletin(code=code, name=region.name, year=year, as_of=as_of, precision=precision)
    writer = _Writer(fig, code, precision)
    whole = whole_of(region)
    with translation.override("zh-hans"):
        bulletin.paragraphs = [
            writer.projects(whole, chinese_date(as_of)),
            writer.pairing(whole),
            writer.members(whole),
        ]
    return bulletin


class _Writer:
    """Writes the paragraphs from one region's figures."""

    def __init__(self, fig: dict[str, int], code: str, precision: int) -> None:
        self.fig, self.code, self.precision = fig, code, precision

    def n(self, key: str, unit: str, divisor: int = 1) -> Number:
        return Number(
            key=key,
            value=int(self.fig.get(key, 0)),
            unit=unit,
            precision=self.precision,
            divisor=divisor,
            link=records_link(key, self.code),
        )

    def has(self, key: str, divisor: int = 1) -> bool:
        return int(self.fig.get(key, 0)) // divisor > 0

    def projects(self, whole: str, date: str) -> list[Piece]:
        # A village has one party organisation, not levels of them.
        organisations = "党组织" if len(self.code) == 12 else "各级党组织"
        out: list[Piece] = [f"截至{date}，{whole}{organisations}已整合"]
        out += [self.n("enterprises", "家"), "龙头企业、", self.n("industry_households", "户")]
        out += ["产业大户参与支持农村贫困党员领办创办产业项目，共有产业项目"]
        out.append(self.n("projects", "个"))
        kinds = [t for t in ProjectType if self.has(f"project_type.{t.value}")]
        if kinds:
            out.append("，其中")
            for i, kind in enumerate(kinds):
                out += [
                    "、" if i else "",
                    PROJECT_WORDS.get(kind, str(kind.label)),
                    self.n(f"project_type.{kind.value}", "个"),
                ]
        out += ["；吸纳农村贫困群众", self.n("poor_participants", "人"), "参与"]
        out += ["（参与群众共", self.n("participants", "人"), "）"]
        if self.has("shareholders"):
            out += ["，入股群众", self.n("shareholders", "人")]
        if self.has("output_fen", FEN):
            out += ["，实现产值", self.n("output_fen", "元", FEN)]
        if self.has("dividends_fen", FEN):
            out += ["，分红", self.n("dividends_fen", "元", FEN)]
        out.append("。")
        return _joined(out)

    def pairing(self, whole: str) -> list[Piece]:
        out: list[Piece] = [f"{whole}共有", self.n("helpers", "名"), "党员干部担任帮扶责任人，"]
        out += ["结对帮扶贫困群众", self.n("paired_people", "人"), "。"]
        out += ["需结对帮扶的未脱贫户和贫困党员共", self.n("beneficiaries", "个")]
        out += ["，已落实主要帮扶责任人的", self.n("paired", "个")]
        beneficiaries = int(self.fig.get("beneficiaries", 0))
        if beneficiaries:
            rate = Rate(
                numerator="paired",
                denominator="beneficiaries",
                part=int(self.fig.get("paired", 0)),
                whole=beneficiaries,
                link=records_link("paired", self.code),
            )
            out += ["，覆盖率", rate]
        out.append("。")
        return _joined(out)

    def members(self, whole: str) -> list[Piece]:
        # 党员 are members proper; 农村党员 those of the villages (the organs' cadres are not).
        out: list[Piece] = [f"{whole}共有党员", self.n("members", "名")]
        out += ["，其中农村党员", self.n("village_members", "名")]
        out += ["；有贫困党员", self.n("poor_members", "名")]
        for tag in TagKind:
            key = f"tag.{tag.value}"
            if tag == TagKind.POOR or not self.has(key):
                continue
            out += ["、", TAG_WORDS.get(tag, str(tag.label)), self.n(key, "名")]
        if self.has("poor_villages"):
            out += ["；", self.n("poor_villages", "个"), "贫困村共有致富带头人"]
            out += [self.n("wealth_leaders_poor_villages", "名")]
        out += ["；基层党组织", self.n("organisations", "个"), "。"]
        return _joined(out)


def _joined(pieces: list[Any]) -> list[Piece]:
    """Adjacent text pieces as one (and no empty ones)."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str):
            if not piece:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += piece
                continue
        out.append(piece)
    return out


# Fonts of a Chinese official document (GB/T 9704): the title in 方正小标宋 size 2 (22 pt), the
# text in 仿宋 size 3 (16 pt), each paragraph indented by two characters. Word falls back to
# other Chinese fonts where these are not installed.
TITLE_FONT, TEXT_FONT = "方正小标宋简体", "仿宋_GB2312"


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as a Word file, for offices that edit it before sending it upward."""
    import io

    from docx import Document  # imported here: only this download needs it
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = bulletin.title

    def run(paragraph: Any, text: str, font: str, size: int) -> None:
        r = paragraph.add_run(text)
        r.font.name = font
        r.font.size = Pt(size)
        # Word takes the font of Chinese characters from the East Asian slot.
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(title, bulletin.title, TITLE_FONT, 22)
    for text in bulletin.paragraph_texts():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.paragraph_format.line_spacing = Pt(28)
        run(paragraph, text, TEXT_FONT, 16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    """The bulletin as PDF (WeasyPrint, Noto Sans CJK as in the plan sheet)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    html = render_to_string("analytics/bulletin_print.html", {"bulletin": bulletin})
    return bytes(HTML(string=html).write_pdf())
