"""The normaliser and the parsers: however a value is typed (full-width, spaced, as an Excel
number), it parses to the same thing; a bad value gets a reason, never a crash."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.imports import parsers
from fupin.imports.errors import CellError
from fupin.imports.normalise import cell_text, header_text
from fupin.imports.tests.things import ID_A, ID_X, Sex, id_number

FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,-/:",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ．，－／：",
)
SPACES = st.sampled_from(["", " ", "\u3000", "\t", "\u00a0", " \u200b"])


def typed(text: str, full_width: bool, before: str, after: str) -> str:
    return before + (text.translate(FULL_WIDTH) if full_width else text) + after


def reason(parse, value) -> str:
    with pytest.raises(CellError) as e:
        parse(cell_text(value))
    return e.value.message


def outcome(parse, text):
    try:
        return ("ok", parse(cell_text(text)))
    except CellError as e:
        return ("error", e.message)


@given(st.text(), st.booleans(), SPACES, SPACES)
def test_it_parses_full_width_and_ascii_alike(text, full_width, before, after):
    variant = typed(text, full_width, before, after)
    for parse in [parsers.integer, parsers.decimal, parsers.date, parsers.year, parsers.phone]:
        assert outcome(parse, variant) == outcome(parse, text.strip()), parse


@given(st.integers(min_value=-(10**14), max_value=10**14), st.booleans(), SPACES, SPACES)
def test_it_reads_whole_numbers_however_written(n, full_width, before, after):
    as_text = typed(str(n), full_width, before, after)
    assert parsers.integer(cell_text(as_text)) == n
    assert parsers.integer(cell_text(float(n))) == n, "Excel's 3.0 is 3"
    assert parsers.decimal(cell_text(as_text)) == Decimal(n)


@given(
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["51082", "11010", "44030", "65010"]),
    st.booleans(),
    SPACES,
)
def test_it_reads_any_valid_id_however_written(born, sequence, place, full_width, space):
    number = id_number(f"{place}1{born:%Y%m%d}{sequence:03d}")
    written = typed(number.lower(), full_width, space, space)
    assert parsers.id_number(cell_text(written)) == number


@given(st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 12, 31)))
def test_it_reads_a_date_in_every_spelling(day):
    serial = (day - datetime.date(1899, 12, 30)).days
    for written in [
        day,
        datetime.datetime.combine(day, datetime.time()),
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
        day.isoformat().translate(FULL_WIDTH),
        # A serial that reads like a year (days 1900 to 2100, in 1905) is refused instead.
        *([float(serial)] if not 1900 <= serial <= 2100 else []),
    ]:
        assert parsers.date(cell_text(written)) == day, written


@given(st.text())
def test_it_normalises_once_for_all(text):
    assert cell_text(cell_text(text)) == cell_text(text)
    assert header_text(header_text(text)) == header_text(text)


@given(st.sampled_from(["村代码", "身份证号", "耕地面积（亩）", "Name"]), st.data())
def test_it_matches_headers_through_spaces_marks_and_line_breaks(label, data):
    noise = st.lists(st.sampled_from([" ", "\u3000", "*", "＊", "\n", "\r\n"]), max_size=3)
    written = "".join("".join(data.draw(noise)) + ch for ch in label) + "".join(data.draw(noise))
    assert header_text(written) == header_text(label)


def test_it_shows_numbers_as_excel_does():
    assert cell_text(3.0) == "3"
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(2.5) == "2.5"
    assert cell_text(-0.0) == "0"
    # 15 significant digits at most: the ID parser recognises what Excel did.
    assert cell_text(510821196001010010.0) == "5.1082119600101E+17"
    assert cell_text(True) == "TRUE"
    assert cell_text(datetime.datetime(2020, 1, 2, 8, 30)) == "2020-01-02 08:30:00"


def test_it_checks_id_numbers():
    assert parsers.id_number(ID_A) == ID_A
    assert parsers.id_number(ID_X.lower()) == ID_X
    assert parsers.id_number(f"'{ID_A}") == ID_A, "a text mark typed into a CSV file"
    assert reason(parsers.id_number, ID_A[:17]) == "身份证号应为 18 位，此处为 17 位。"
    assert reason(parsers.id_number, ID_A[:16] + "A" + ID_A[17]) == (
        "身份证号应为 17 位数字加 1 位数字或 X。"
    )
    assert reason(parsers.id_number, id_number("51082119601301001")) == (
        "身份证号中的出生日期不是有效日期。"
    )
    assert reason(parsers.id_number, id_number("99082119600101001")) == (
        "身份证号前两位应为省级代码，99 不是。"
    )
    assert "后几位已丢失" in reason(parsers.id_number, float(ID_A[:-1] + "0"))
    assert "后几位已丢失" in reason(parsers.id_number, "5.10821E17")


def test_it_reads_yes_and_no():
    for yes in ["是", "有", "Y", "y", "1", "√", "TRUE", True, 1.0]:
        assert parsers.boolean(cell_text(yes)) is True, yes
    for no in ["否", "无", "N", "0", "×", "FALSE", False, 0.0]:
        assert parsers.boolean(cell_text(no)) is False, no
    assert reason(parsers.boolean, "也许") == "请填写“是”或“否”。"


def test_it_reads_choices_by_code_or_label():
    parse = parsers.choice(Sex)
    assert [parse(v) for v in ["1", "男", "2", "女"]] == ["1", "1", "2", "2"]
    mapping = parsers.choice({"01": "一般贫困户", "02": "低保贫困户"})
    assert mapping(cell_text(" 低保贫困户 ")) == "02"
    assert reason(mapping, "五保户") == "不是可选值之一：一般贫困户、低保贫困户。"


def test_it_bounds_numbers_when_asked():
    assert reason(parsers.decimal(min_value=0), "-0.5") == "不能为负数。"
    assert reason(parsers.decimal(places=2), "1.005") == "最多 2 位小数。"
    assert reason(parsers.integer(min_value=1, max_value=12), "13") == "不能大于 12。"
    assert reason(parsers.integer(min_value=1), "0") == "不能小于 1。"
    assert reason(parsers.integer, "2.5") == "不是整数。"
    assert reason(parsers.decimal, "NaN") == "不是数字。"
    assert reason(parsers.decimal, "1e5") == "不是数字。"
    assert parsers.decimal(cell_text("1,234.50")) == Decimal("1234.50")
    assert reason(parsers.text(max_length=2), "张三丰") == "最多 2 个字符，此处有 3 个。"


def test_it_reads_phone_numbers():
    assert parsers.phone("+86 138-1234-5678") == "13812345678"
    assert parsers.phone("(0839)1234567") == "0839-1234567"
    assert parsers.phone("028-12345678") == "028-12345678"
