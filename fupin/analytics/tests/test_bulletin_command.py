"""`fupin bulletin --region CODE [--as-of DATE] [--precision N] [--format text|docx|pdf]
[--output FILE]`: every number of the text, read back, is the figure `fupin stats --json`
gives for its key (kept to the precision, "余" exactly when digits were dropped)."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from fupin.analytics.bulletin import Number, write_bulletin
from fupin.analytics.refresh import rebuild
from fupin.lib.chinese_numbers import truncate
from fupin.testing import COUNTY_A, PROVINCE, build_pairing_sample, build_projects_sample

# A number as the bulletin writes it: digits, maybe a fraction, maybe 余/多 before or after
# 万/亿; or a percentage with one decimal.
NUMBER = re.compile(r"(?P<rate>\d+\.\d)%|(\d+(?:\.\d+)?)([余多])?([万亿])?([余多])?")
UNITS = {"": 1, "万": 10_000, "亿": 100_000_000}


@pytest.fixture
def world(db, cast):
    sample = build_pairing_sample()
    build_projects_sample(sample.party)
    rebuild()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def read_back(token: re.Match) -> tuple[int, bool]:
    """(the number written, whether digits were dropped) of a programme number."""
    digits, before, unit, after = token.group(2, 3, 4, 5)
    return int(Decimal(digits) * UNITS[unit or ""]), bool(before or after)


def numbers_of(text: str, as_of_text: str) -> list[re.Match]:
    """The numbers of the paragraphs (the title has none; the date opens the first)."""
    body = text.split("\n", 1)[1].replace(f"截至{as_of_text}", "截至")
    return list(NUMBER.finditer(body))


def assert_numbers_equal(text: str, stats: dict[str, int], code: str, precision: int = 3):
    bulletin = write_bulletin(code, precision=precision)
    tokens = numbers_of(text, bulletin.date_text)
    pieces = bulletin.numbers()
    assert len(tokens) == len(pieces) > 10
    for token, piece in zip(tokens, pieces, strict=True):
        if isinstance(piece, Number):
            assert token.group("rate") is None, piece.key
            shown = stats[piece.key] // piece.divisor
            written, dropped = read_back(token)
            assert written == truncate(shown, precision), (piece.key, token.group(0))
            assert dropped == (written != shown), (piece.key, token.group(0))
        else:
            paired, beneficiaries = stats[piece.numerator], stats[piece.denominator]
            assert Decimal(token.group("rate")) == Decimal(paired * 1000 // beneficiaries) / 10


def test_it_prints_a_bulletin_whose_numbers_equal_fupin_stats(world):
    text = run("bulletin", "--region", PROVINCE)
    stats = json.loads(run("stats", "--region", PROVINCE, "--json"))
    assert text.startswith("四川省党建扶贫工作进展情况\n")
    assert_numbers_equal(text, stats["figures"], PROVINCE)
    assert write_bulletin(PROVINCE).year == stats["year"]


@pytest.mark.parametrize("precision", [1, 2, 4])
def test_it_keeps_the_precision_asked_for(world, precision):
    text = run("bulletin", "--region", COUNTY_A, "--precision", str(precision))
    stats = json.loads(run("stats", "--region", COUNTY_A, "--json"))
    assert_numbers_equal(text, stats["figures"], COUNTY_A, precision)


def test_it_reads_back_the_programmes_number_forms():
    cases = {
        "9350余": (9350, True),
        "4.3万余": (43_000, True),
        "1580余万": (15_800_000, True),
        "66.77万": (667_700, False),
        "1.15亿": (115_000_000, False),
        "10多亿": (1_000_000_000, True),
    }
    for text, expected in cases.items():
        assert read_back(NUMBER.fullmatch(text)) == expected, text


def test_it_dates_the_bulletin(world):
    text = run("bulletin", "--region", PROVINCE, "--as-of", "2024-06-30")
    assert "截至2024年6月30日，全省各级党组织" in text


def test_it_writes_word_and_pdf_files(world, tmp_path):
    word = tmp_path / "b.docx"
    assert "b.docx" in run(
        "bulletin", "--region", PROVINCE, "--format", "docx", "--output", str(word)
    )
    paragraphs = [p.text for p in Document(str(word)).paragraphs]
    assert paragraphs == [
        write_bulletin(PROVINCE).title,
        *write_bulletin(PROVINCE).paragraph_texts(),
    ]
    pdf = tmp_path / "b.pdf"
    run("bulletin", "--region", PROVINCE, "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    text = tmp_path / "b.txt"
    run("bulletin", "--region", PROVINCE, "--output", str(text))
    assert text.read_text(encoding="utf-8") == write_bulletin(PROVINCE).text()


def test_it_refuses_an_unknown_region_or_a_bad_date(world):
    with pytest.raises(CommandError, match="519999"):
        run("bulletin", "--region", "519999")
    with pytest.raises(CommandError, match="30 June"):
        run("bulletin", "--region", PROVINCE, "--as-of", "30 June")
