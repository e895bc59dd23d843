"""Importing the households roster (fupin/registry/imports.py) end to end: the template filled
in by hand and imported with `fupin import households`, the corpus of broken workbooks of the
issue (each refused with every bad row listed and nothing saved), and scope."""

import datetime
import json
import time
from decimal import Decimal

import pytest

from fupin.audit.models import AuditEvent
from fupin.imports.pipeline import run_import
from fupin.imports.tests.things import crafted_xlsx
from fupin.registry.imports import SCHEMA
from fupin.registry.models import Household, IncomeRecord, Person, StatusChange
from fupin.testing import (
    COUNTY_B,
    FIRST_ROW,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    api_for,
    client_for,
    command_output,
    error,
    import_refused,
    import_through_the_page,
    nothing_saved,
    read_rows,
    row_counts,
    rows_changed,
)

from .conftest import household, person
from .rosters import COLUMNS, head, id_ending_in_x, member, person_id, roster

pytestmark = pytest.mark.django_db

# Two more villages of county A (fupin/testdata/regions-small.csv).
VILLAGE_A3 = "510821100002"
VILLAGE_A4 = "510821101002"
EXCEL_ROWS = 1_048_576
IMPORTED = "registry.import_households"

# The people of the three households of the "Done when" roster.
WANG = person_id(datetime.date(1970, 5, 6), 11)
LI = id_ending_in_x(datetime.date(1972, 8, 9), female=True)
WANG_JR = person_id(datetime.date(2003, 9, 1), 31)
ZHAO = person_id(datetime.date(1970, 1, 2), 41)
SUN = person_id(datetime.date(1971, 1, 2), 52)
QIAN = person_id(datetime.date(1948, 11, 30), 63)


# --- the template filled in by hand ---------------------------------------------------------


def hand_filled_rows(*, land="2.5", son="王小山") -> list[dict]:
    """Three households as a village secretary types them into the template.

    0001 (village A): dates as real date cells, booleans 是/否, Chinese labels of every choice,
    stray spaces around an ID and a label, the spouse's ID ending in a lowercase x, household
    fields repeated on some members' rows, incomes on the head's row.
    0002 (village A2): dates typed as text (1970/1/2, 1971年1月2日), full-width digits in the
    household number, the phone and the land, the village code typed as a number.
    0003 (village A): one person, only the required cells and what a new household needs.
    """
    return [
        head(
            VILLAGE_A,
            "0001",
            "王大山",
            f"  {WANG} ",
            **{
                "性别": "男",
                "出生日期": datetime.date(1970, 5, 6),
                "民族": "汉族",
                "文化程度": "初中",
                "健康状况": "长期慢性病",
                "劳动技能": "普通劳动力",
                "务工地点": "县内务工",
                "务工时间（月）": 6,
                "参加医疗保险": "是",
                "参加养老保险": "否",
                "参加大病保险": "是",
                "政治面貌": "群众",
                "识别标准": "国家标准",
                "贫困户属性": "一般贫困户",
                "主要致贫原因": " 因病 ",
                "其他致贫原因": "缺技术、缺资金",
                "联系电话": "138 1234 5678",
                "银行账号": "6228480012345678901",
                "耕地面积（亩）": land,
                "住房安全": "C级危房",
                "饮水安全": "是",
                "生活用电": "是",
                "通硬化路": "否",
                "识别年度": 2014,
                "收入年度": 2019,
                "工资性收入": 8000,
                "生产经营性收入": 1500.5,
                "财产性收入": 0,
                "转移性收入": "600",
                "生产经营性支出": 300,
            },
        ),
        member(
            VILLAGE_A,
            "0001",
            "李秀英",
            LI.lower(),
            "配偶 ",
            **{
                "性别": "女",
                "出生日期": datetime.date(1972, 8, 9),
                "健康状况": "健康",
                "参加医疗保险": "是",
                "主要致贫原因": "因病",
                "识别年度": 2014,
            },
        ),
        member(
            VILLAGE_A,
            "0001",
            son,
            WANG_JR,
            "之子",
            **{"出生日期": datetime.date(2003, 9, 1), "在校生状况": "高中", "文化程度": "初中"},
        ),
        head(
            int(VILLAGE_A2),
            "０００２",
            "赵小川",
            ZHAO,
            **{
                "出生日期": "1970/1/2",
                "性别": "男",
                "贫困户属性": "低保户",
                "主要致贫原因": "因学",
                "联系电话": "１３９００００１１１１",
                "耕地面积（亩）": "１.５",
                "识别年度": "2015年",
            },
        ),
        member(
            int(VILLAGE_A2),
            "０００２",
            "孙小花",
            SUN,
            "配偶",
            **{"出生日期": "1971年1月2日", "性别": "女", "参加养老保险": "否"},
        ),
        head(
            VILLAGE_A,
            "0003",
            "钱老汉",
            QIAN,
            **{"贫困户属性": "五保户", "主要致贫原因": "因残", "识别年度": "2016"},
        ),
    ]


def test_it_imports_the_template_filled_in_by_hand(cast, tmp_path):
    path = tmp_path / "t.xlsx"
    command_output("template", "households", path)
    blank = read_rows(path)
    # The roster below is that template, filled in: same title, header and help row.
    assert [c.lstrip("*") for c in blank[1]] == COLUMNS
    roster(path, hand_filled_rows())
    assert read_rows(path)[:3] == blank[:3]
    before = row_counts()

    assert command_output("import", "households", path) == "贫困户家庭成员：已保存 6 行。"

    assert rows_changed(before) == {
        "registry.household": 3,
        "registry.person": 6,
        "registry.statuschange": 3,
        "registry.incomerecord": 1,
        "audit.auditevent": 2,
    }
    # On the list page of the province's administrator...
    page = client_for(cast.province_admin).get("/registry/households/")
    assert page.status_code == 200
    listed = {(r.record.number, r.record.member_count) for r in page.context["table"].page}
    assert listed == {("0001", 3), ("0002", 2), ("0003", 1)}
    assert "王大山" in page.content.decode() and "赵小川" in page.content.decode()
    # ...and in the API.
    data = api_for(cast.province_admin).get("/api/v1/households/").json()
    assert data["count"] == 3
    assert {(h["village"], h["number"], h["member_count"]) for h in data["results"]} == {
        (VILLAGE_A, "0001", 3),
        (VILLAGE_A2, "0002", 2),
        (VILLAGE_A, "0003", 1),
    }

    # What the cells became.
    h1 = Household.objects.get(village_id=VILLAGE_A, number="0001")
    assert (h1.standard, h1.attribute, h1.main_cause, h1.causes) == (
        "national",
        "general",
        "illness",
        ["illness", "skills", "funds"],
    )
    assert (h1.phone, h1.bank_account, h1.arable_land, h1.housing) == (
        "13812345678",
        "6228480012345678901",
        Decimal("2.50"),
        "grade_c",
    )
    assert (h1.safe_water, h1.electricity, h1.road_access, h1.registered_in) == (
        True,
        True,
        False,
        2014,
    )
    people = {p.name: p for p in Person.objects.filter(household=h1)}
    assert people["王大山"].id_number == WANG, "stray spaces dropped"
    assert people["李秀英"].id_number == LI and LI.endswith("X"), "the lowercase x upper-cased"
    assert [people[n].relation for n in ("王大山", "李秀英", "王小山")] == ["head", "spouse", "son"]
    assert (people["王大山"].health, people["王大山"].work_place, people["王大山"].work_months) == (
        "chronic",
        "county",
        6,
    )
    assert (people["王大山"].medical_insurance, people["王大山"].pension_insurance) == (True, False)
    assert people["李秀英"].birth_date == datetime.date(1972, 8, 9)
    assert (people["王小山"].sex, people["王小山"].schooling) == ("male", "senior")
    [income] = IncomeRecord.objects.filter(household=h1)
    assert (income.year, income.members, income.per_capita) == (2019, 3, Decimal("3266.83"))

    h2 = Household.objects.get(village_id=VILLAGE_A2, number="0002")
    assert (h2.attribute, h2.main_cause, h2.phone, h2.arable_land, h2.registered_in) == (
        "dibao",
        "schooling",
        "13900001111",
        Decimal("1.50"),
        2015,
    )
    assert {p.name: p.birth_date for p in h2.members.all()} == {
        "赵小川": datetime.date(1970, 1, 2),
        "孙小花": datetime.date(1971, 1, 2),
    }
    h3 = Household.objects.get(village_id=VILLAGE_A, number="0003")
    assert (h3.attribute, h3.main_cause, h3.registered_in) == ("wubao", "disability", 2016)

    # One status change each, the registration; one audit event per village.
    assert sorted(StatusChange.objects.values_list("household__number", "year", "status")) == [
        ("0001", 2014, "poor"),
        ("0002", 2015, "poor"),
        ("0003", 2016, "poor"),
    ]
    events = {e.region_code: e for e in AuditEvent.objects.filter(action=IMPORTED)}
    assert set(events) == {VILLAGE_A, VILLAGE_A2}
    assert events[VILLAGE_A].actor_name == "system"
    assert events[VILLAGE_A].after == {
        "households_created": ["0001", "0003"],
        "households_updated": [],
        "people_created": 4,
        "people_updated": 0,
    }
    assert events[VILLAGE_A2].after["people_created"] == 2


def test_it_changes_nothing_when_the_same_file_is_imported_again(tmp_path):
    path = roster(tmp_path / "t.xlsx", hand_filled_rows())
    command_output("import", "households", path)
    before = row_counts()
    stored = list(Person.objects.order_by("id").values())

    assert command_output("import", "households", path) == "贫困户家庭成员：已保存 6 行。"

    # Upsert: nothing new but the record of the import itself (one event per village).
    assert rows_changed(before) == {"audit.auditevent": 2}
    assert list(Person.objects.order_by("id").values()) == stored
    assert StatusChange.objects.count() == 3
    event = AuditEvent.objects.filter(action=IMPORTED, region_code=VILLAGE_A).order_by("id").last()
    assert event.after == {
        "households_created": [],
        "households_updated": ["0001", "0003"],
        "people_created": 0,
        "people_updated": 4,
    }


def test_it_updates_a_changed_cell_on_a_second_import(tmp_path):
    command_output("import", "households", roster(tmp_path / "t.xlsx", hand_filled_rows()))
    son = Person.objects.get(id_number=WANG_JR)
    before = row_counts()

    changed = roster(tmp_path / "t2.xlsx", hand_filled_rows(land="3", son="王小川"))
    command_output("import", "households", changed)

    assert rows_changed(before) == {"audit.auditevent": 2}
    assert Household.objects.get(number="0001").arable_land == Decimal("3.00")
    son.refresh_from_db()
    assert son.name == "王小川"
    assert Household.objects.get(number="0002").arable_land == Decimal("1.50")


def test_it_hands_the_head_over_when_the_file_says_so(tmp_path):
    first = roster(tmp_path / "t.xlsx", [head(VILLAGE_A, "0001", "甲", WANG)])
    command_output("import", "households", first)
    # The son takes over as head; his father stays on as the head's parent.
    second = roster(
        tmp_path / "t2.xlsx",
        [
            member(VILLAGE_A, "0001", "甲", WANG, "之父母"),
            head(VILLAGE_A, "0001", "乙", WANG_JR),
        ],
    )

    command_output("import", "households", second)

    assert sorted(Person.objects.values_list("name", "relation")) == [
        ("乙", "head"),
        ("甲", "parent"),
    ]


# --- the corpus of broken workbooks ---------------------------------------------------------

ID_1 = person_id(datetime.date(1970, 1, 2), 11)
ID_2 = person_id(datetime.date(1972, 3, 4), 22)
ID_3 = person_id(datetime.date(1980, 6, 7), 33)
ID_4 = person_id(datetime.date(1990, 8, 9), 44)


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def missing_required_columns(tmp_path):
    # The user deleted two required columns from the template.
    columns = [c for c in COLUMNS if c not in ("身份证号", "与户主关系")]
    return roster(tmp_path / "bad.xlsx", [head(VILLAGE_A, "0001", "甲", ID_1)], columns=columns)


def bad_check_digits(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1),
            member(VILLAGE_A, "0001", "乙", wrong_check(ID_2), "配偶"),
            head(VILLAGE_A, "0002", "丙", wrong_check(ID_3)),
        ],
    )


def same_id_twice(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1),
            member(VILLAGE_A, "0001", "乙", ID_2, "配偶"),
            head(VILLAGE_A, "0002", "丙", ID_3),
            member(VILLAGE_A, "0002", "丁", ID_2, "之女"),
        ],
    )


def id_registered_elsewhere(tmp_path):
    # ID_2 heads household S001 of village A2 already.
    person(household(VILLAGE_A2, "S001"), "乙", ID_2)
    return roster(
        tmp_path / "bad.xlsx",
        [head(VILLAGE_A, "0001", "甲", ID_1), member(VILLAGE_A, "0001", "乙", ID_2, "配偶")],
    )


def unknown_villages(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head("510821100009", "0001", "甲", ID_1),
            head(VILLAGE_A, "0002", "乙", ID_2),
            # A township's code is no village's.
            head("510821100", "0003", "丙", ID_3),
        ],
    )


def text_in_a_number_column(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"耕地面积（亩）": "两亩"}),
            head(VILLAGE_A, "0002", "乙", ID_2, **{"耕地面积（亩）": "3亩"}),
            head(VILLAGE_A, "0003", "丙", ID_3, **{"耕地面积（亩）": 2.5}),
        ],
    )


def negative_income(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"收入年度": 2019, "工资性收入": -100}),
            head(VILLAGE_A, "0002", "乙", ID_2, **{"收入年度": 2019, "转移性收入": "-0.5"}),
        ],
    )


def birth_dates_against_the_ids(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"出生日期": datetime.date(1970, 1, 3)}),
            member(VILLAGE_A, "0001", "乙", ID_2, "配偶", **{"出生日期": "1972/3/4"}),
            head(VILLAGE_A, "0002", "丙", ID_3, **{"出生日期": "1980年7月6日"}),
        ],
    )


def an_empty_file(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"")
    return path


def an_old_xls_renamed(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    return path


def a_pdf_renamed(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    return path


def a_cell_of_100000_characters(tmp_path):
    # More than Excel itself writes into a cell (32,767): written into the sheet's XML.
    name = "张" * 100_000
    return crafted_xlsx(
        tmp_path / "bad.xlsx",
        [
            COLUMNS,
            [VILLAGE_A, "0001", "甲", ID_1, "户主", *[""] * 15, "因病", *[""] * 8, "2014"],
            [VILLAGE_A, "0001", name, ID_2, "配偶"],
        ],
    )


def ids_excel_made_numbers(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1),
            member(VILLAGE_A, "0001", "乙", 5.10104e17, "配偶"),
            member(VILLAGE_A, "0001", "丙", float(ID_3), "之子"),
        ],
    )


def two_heads(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1),
            member(VILLAGE_A, "0001", "乙", ID_2, "配偶"),
            member(VILLAGE_A, "0001", "丙", ID_3, "户主"),
        ],
    )


def no_head(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            member(
                VILLAGE_A, "0001", "乙", ID_2, "配偶", **{"主要致贫原因": "因病", "识别年度": 2014}
            ),
            member(VILLAGE_A, "0001", "丙", ID_3, "之子"),
            head(VILLAGE_A, "0002", "甲", ID_1),
        ],
    )


def causes_disagree(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"主要致贫原因": "因病"}),
            member(VILLAGE_A, "0001", "乙", ID_2, "配偶", **{"主要致贫原因": "因学"}),
            member(VILLAGE_A, "0001", "丙", ID_3, "之子", **{"主要致贫原因": "因病"}),
            member(VILLAGE_A, "0001", "丁", ID_4, "之女", **{"主要致贫原因": "缺资金"}),
        ],
    )


def more_than_the_columns_hold(tmp_path):
    # Each of these once passed the checks and failed while saving (PostgreSQL refused the
    # long text; the hundredths fields, the third decimal and the 20 digits).
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲" * 51, ID_1, **{"耕地面积（亩）": "2.555"}),
            head(VILLAGE_A, "1" * 31, "乙", ID_2, **{"银行账号": "6" * 33}),
            head(VILLAGE_A, "0003", "丙", ID_3, **{"收入年度": 2019, "工资性收入": "9" * 20}),
        ],
    )


def a_second_head_beside_the_registered_one(tmp_path):
    person(household(VILLAGE_A, "0001"), "甲", ID_1)
    person(household(VILLAGE_A, "0002"), "乙", ID_2)
    return roster(
        tmp_path / "bad.xlsx",
        [
            # 0001 gets a second head; in 0002 the file makes 乙 a spouse and 丁 the head.
            head(VILLAGE_A, "0001", "丙", ID_3),
            member(VILLAGE_A, "0002", "乙", ID_2, "配偶"),
            head(VILLAGE_A, "0002", "丁", ID_4),
        ],
    )


def a_cause_given_twice(tmp_path):
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"其他致贫原因": "因病、缺资金"}),
            head(VILLAGE_A, "0002", "乙", ID_2, **{"其他致贫原因": "缺资金，缺资金"}),
            head(VILLAGE_A, "0003", "丙", ID_3, **{"其他致贫原因": "缺技术、缺资金"}),
        ],
    )


CHECK = "校验码不符：号码中有数字填错。"
EXCEL_NUMBER = "身份证号已被 Excel 转成数字，后几位已丢失；请把该列设为文本格式后重新填写"
NO_VILLAGE = "没有这个村代码"
NOT_A_NUMBER = "不是数字。"
NEGATIVE = "不能为负数。"
R = FIRST_ROW

CORPUS = {
    "missing required column": (
        missing_required_columns,
        1,
        [
            error(2, "身份证号", "", "缺少必填列“身份证号”。"),
            error(2, "与户主关系", "", "缺少必填列“与户主关系”。"),
        ],
    ),
    "bad check digit": (
        bad_check_digits,
        1,
        [
            error(R + 1, "身份证号", wrong_check(ID_2), CHECK),
            error(R + 2, "身份证号", wrong_check(ID_3), CHECK),
        ],
    ),
    "the same ID twice in the file": (
        same_id_twice,
        1,
        [error(R + 3, "身份证号", ID_2, f"与第 {R + 1} 行身份证号重复")],
    ),
    "an ID already in another household": (
        id_registered_elsewhere,
        1,
        [error(R + 1, "身份证号", ID_2, f"已登记在 {VILLAGE_A2}-S001 户")],
    ),
    "unknown village code": (
        unknown_villages,
        1,
        [
            error(R, "村代码", "510821100009", NO_VILLAGE),
            error(R + 2, "村代码", "510821100", NO_VILLAGE),
        ],
    ),
    "text in a number column": (
        text_in_a_number_column,
        1,
        [
            error(R, "耕地面积（亩）", "两亩", NOT_A_NUMBER),
            error(R + 1, "耕地面积（亩）", "3亩", NOT_A_NUMBER),
        ],
    ),
    "negative income": (
        negative_income,
        1,
        [
            error(R, "工资性收入", "-100", NEGATIVE),
            error(R + 1, "转移性收入", "-0.5", NEGATIVE),
        ],
    ),
    "a birth date that contradicts the ID": (
        birth_dates_against_the_ids,
        1,
        [
            error(
                R,
                "出生日期",
                "1970-01-03",
                "填写的出生日期 1970-01-03 与身份证号（1970-01-02）不符",
            ),
            error(
                R + 2,
                "出生日期",
                "1980年7月6日",
                "填写的出生日期 1980-07-06 与身份证号（1980-06-07）不符",
            ),
        ],
    ),
    "a 0-byte file": (an_empty_file, 2, [error(0, "", "", "文件是空的（0 字节）。")]),
    "an .xls renamed": (
        an_old_xls_renamed,
        2,
        [
            error(
                0,
                "",
                "",
                "这是旧版 Excel（.xls）工作簿或加密的工作簿；"
                "请用 Excel 或 WPS 打开，另存为不设密码的 .xlsx 文件。",
            )
        ],
    ),
    "a PDF renamed": (
        a_pdf_renamed,
        2,
        [error(0, "", "", "这是 PDF 文档，不是电子表格；请导入 .xlsx 或 .csv 文件。")],
    ),
    "a cell of 100,000 characters": (
        a_cell_of_100000_characters,
        1,
        [error(3, "姓名", "张" * 50 + "…", "单元格内容有 100,000 个字符，最多允许 1,000 个。")],
    ),
    "an ID Excel made a number": (
        ids_excel_made_numbers,
        1,
        [
            error(R + 1, "身份证号", "5.10104E+17", EXCEL_NUMBER),
            error(R + 2, "身份证号", f"{float(ID_3):.15G}", EXCEL_NUMBER),
        ],
    ),
    "two heads": (
        two_heads,
        1,
        [error(R + 2, "与户主关系", "户主", "同一户有第二个户主")],
    ),
    "a new household without a head": (
        no_head,
        1,
        [error(R, "与户主关系", "配偶", "新户必须有户主")],
    ),
    "rows disagreeing on the main cause": (
        causes_disagree,
        1,
        [
            error(R + 1, "主要致贫原因", "因学", f"与同户第 {R} 行不一致"),
            error(R + 3, "主要致贫原因", "缺资金", f"与同户第 {R} 行不一致"),
        ],
    ),
    "more than the columns hold": (
        more_than_the_columns_hold,
        1,
        [
            error(R, "姓名", "甲" * 50 + "…", "最多 50 个字符，此处有 51 个。"),
            error(R, "耕地面积（亩）", "2.555", "最多 2 位小数。"),
            error(R + 1, "户编号", "1" * 31, "最多 30 个字符，此处有 31 个。"),
            error(R + 1, "银行账号", "6" * 33, "最多 32 个字符，此处有 33 个。"),
            error(R + 2, "工资性收入", "9" * 20, "不能大于 999999999999.99。"),
        ],
    ),
    "a second head beside the registered one": (
        a_second_head_beside_the_registered_one,
        1,
        [error(R, "与户主关系", "户主", "同一户有第二个户主")],
    ),
    "a cause given twice": (
        a_cause_given_twice,
        1,
        [
            error(R, "其他致贫原因", "因病、缺资金", "致贫原因重复填写。"),
            error(R + 1, "其他致贫原因", "缺资金,缺资金", "致贫原因重复填写。"),
        ],
    ),
}


@pytest.mark.parametrize(("build", "status", "errors"), CORPUS.values(), ids=CORPUS.keys())
def test_it_refuses_each_broken_workbook_and_saves_nothing(cast, tmp_path, build, status, errors):
    path = build(tmp_path)

    code, out = import_refused("import", "households", path, "--json")

    assert code == status
    assert out["errors"] == errors
    assert out["saved"] == 0


def test_it_refuses_a_sheet_of_1048576_rows_at_once(tmp_path):
    body = "".join(
        f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(2, EXCEL_ROWS + 1)
    ).encode()
    path = crafted_xlsx(tmp_path / "big.xlsx", [COLUMNS], dimension=f"A1:AJ{EXCEL_ROWS}", more=body)

    start = time.perf_counter()
    code, out = import_refused("import", "households", path, "--json")

    # From the size the sheet declares: no row is read into memory.
    assert time.perf_counter() - start < 1
    assert code == 2
    assert out == {
        "rows": 0,
        "saved": 0,
        "errors": [
            error(
                0,
                "",
                "",
                "工作表有 1,048,576 行，单次导入最多 1,000,000 行数据；请拆分成多个文件。",
            )
        ],
    }


def test_it_numbers_rows_as_excel_does_across_blank_rows_and_saves_them(tmp_path):
    rows = [
        head(VILLAGE_A, "0001", "甲", ID_1),
        None,
        None,
        member(VILLAGE_A, "0001", "乙", wrong_check(ID_2), "配偶"),
        None,
        head(VILLAGE_A, "0002", "丙", ID_3),
    ]
    code, out = import_refused(
        "import", "households", roster(tmp_path / "bad.xlsx", rows), "--json"
    )
    assert code == 1
    assert out == {
        "rows": 3,
        "saved": 0,
        "errors": [error(R + 3, "身份证号", wrong_check(ID_2), CHECK)],
    }

    rows[3] = member(VILLAGE_A, "0001", "乙", ID_2, "配偶")
    out = json.loads(
        command_output("import", "households", roster(tmp_path / "good.xlsx", rows), "--json")
    )
    assert out == {"rows": 3, "saved": 3, "errors": []}
    assert sorted(Person.objects.values_list("name", "household__number")) == [
        ("丙", "0002"),
        ("乙", "0001"),
        ("甲", "0001"),
    ]


# --- scope ----------------------------------------------------------------------------------

OUT_OF_SCOPE = "该村不在您可以修改的区划范围内"


COUNTY_A_VILLAGES = (VILLAGE_A, VILLAGE_A2, VILLAGE_A3, VILLAGE_A4)
HEADS = {
    VILLAGE_A: ("0001", "甲", ID_1),
    VILLAGE_A2: ("0002", "乙", ID_2),
    VILLAGE_A3: ("0003", "丙", ID_3),
    VILLAGE_A4: ("0004", "丁", ID_4),
    VILLAGE_B: ("0005", "戊", person_id(datetime.date(1966, 6, 6), 55, COUNTY_B)),
}


def one_household_in_each(tmp_path, villages=(*COUNTY_A_VILLAGES, VILLAGE_B)):
    """A household in each of `villages`, by default every village of county A and village B
    of county B."""
    return roster(tmp_path / "t.xlsx", [head(v, *HEADS[v]) for v in villages])


def located(result) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in result.errors]


def test_it_refuses_rows_outside_the_village_of_its_secretary(cast, tmp_path):
    path = one_household_in_each(tmp_path)

    with nothing_saved():
        result = run_import(SCHEMA, path, actor=cast.village_a_secretary, commit=True)

    assert not result.committed and result.saved == 0
    assert located(result) == [
        (R + row, "村代码", village, OUT_OF_SCOPE)
        for row, village in ((1, VILLAGE_A2), (2, VILLAGE_A3), (3, VILLAGE_A4), (4, VILLAGE_B))
    ]


def test_it_lets_the_secretary_import_the_rows_of_the_village(cast, tmp_path):
    path = roster(tmp_path / "t.xlsx", [head(VILLAGE_A, "0001", "甲", ID_1)])

    result = run_import(SCHEMA, path, actor=cast.village_a_secretary, commit=True)

    assert (result.errors, result.saved) == ([], 1)
    h = Household.objects.get(number="0001")
    assert h.village_id == VILLAGE_A
    assert h.history.get().recorded_by == cast.village_a_secretary
    event = AuditEvent.objects.get(action=IMPORTED)
    assert (event.actor, event.region_code) == (cast.village_a_secretary, VILLAGE_A)


def test_it_refuses_out_of_scope_rows_uploaded_by_the_secretary(
    cast, tmp_path, django_capture_on_commit_callbacks
):
    path = roster(
        tmp_path / "t.xlsx",
        [head(VILLAGE_A, "0001", "甲", ID_1), head(VILLAGE_A2, "0002", "乙", ID_2)],
    )
    before = row_counts()

    job = import_through_the_page(
        cast.village_a_secretary, "households", path, django_capture_on_commit_callbacks
    )

    # The job and its audit event; no household, no person.
    assert rows_changed(before) == {"imports.importjob": 1, "audit.auditevent": 1}
    page = client_for(cast.village_a_secretary).get(job.get_absolute_url())
    assert page.context["object"].errors == [error(R + 1, "村代码", VILLAGE_A2, OUT_OF_SCOPE)]
    assert OUT_OF_SCOPE in page.content.decode()


def test_it_lets_the_county_admin_import_into_every_village_of_the_county(cast, tmp_path):
    path = one_household_in_each(tmp_path)

    with nothing_saved():
        refused_b = run_import(SCHEMA, path, actor=cast.county_a_admin, commit=True)
    assert located(refused_b) == [(R + 4, "村代码", VILLAGE_B, OUT_OF_SCOPE)]

    county_a = one_household_in_each(tmp_path, COUNTY_A_VILLAGES)
    result = run_import(SCHEMA, county_a, actor=cast.county_a_admin, commit=True)
    assert (result.errors, result.saved) == ([], 4)
    assert set(Household.objects.values_list("village_id", flat=True)) == set(COUNTY_A_VILLAGES)


def test_it_lets_the_sibling_county_admin_import_nothing_of_county_a(cast, tmp_path):
    path = one_household_in_each(tmp_path)

    with nothing_saved():
        result = run_import(SCHEMA, path, actor=cast.county_b_admin, commit=True)

    assert located(result) == [
        (R + row, "村代码", village, OUT_OF_SCOPE) for row, village in enumerate(COUNTY_A_VILLAGES)
    ]


def bad_cells_on_the_head_row(tmp_path):
    # The head's relation and main cause are bad cells; the spouse's row is fine.
    return roster(
        tmp_path / "bad.xlsx",
        [
            head(VILLAGE_A, "0001", "甲", ID_1, **{"与户主关系": "族长", "主要致贫原因": "天灾"}),
            member(VILLAGE_A, "0001", "乙", ID_2, "配偶"),
        ],
    )


def test_it_reports_a_bad_cell_once_not_again_on_the_rest_of_its_household(cast, tmp_path):
    code, out = import_refused(
        "import", "households", bad_cells_on_the_head_row(tmp_path), "--json"
    )
    assert code == 1
    # Only the two bad cells: no "a new household needs a head" or "needs a main cause" on
    # the spouse's row, which the household checks would say if they missed the head's row.
    assert [(e["row"], e["column"]) for e in out["errors"]] == [
        (R, "与户主关系"),
        (R, "主要致贫原因"),
    ]
