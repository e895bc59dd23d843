"""The household list as .xlsx and .csv: every filtered row, masked by role, streamed."""

import re

import pytest

from fupin.lib.ids import mask_id
from fupin.lib.views import spreadsheet_safe
from fupin.registry import actions
from fupin.testing import (
    COUNTY_A,
    VILLAGE_A,
    XLSX,
    client_for,
    csv_rows,
    pair_the_helper_with,
    xlsx_text,
)

from .conftest import HEAD_A2_ID, HEAD_A_ID, HEAD_B_ID, PHONE, household

LIST = "/registry/households/"
HEADER = [
    "村代码",
    "村",
    "户编号",
    "户主",
    "户主身份证号",
    "家庭人口数",
    "贫困户属性",
    "主要致贫原因",
    "状态",
    "识别年度",
    "联系电话",
]


def test_it_exports_the_filtered_list_as_csv(cast, registry):
    response = client_for(cast.province_admin).get(f"{LIST}?region={COUNTY_A}&export=csv")
    assert re.fullmatch(
        r'attachment; filename="households-\d{8}-\d{4}\.csv"', response["Content-Disposition"]
    )
    header, *rows = csv_rows(response)
    assert header == HEADER
    assert rows == [
        [
            VILLAGE_A,
            "卸甲碥社区居民委员会",
            "A001",
            "王大山",
            HEAD_A_ID,
            "2",
            "低保户",
            "因病",
            "已脱贫",
            "2014",
            PHONE,
        ],
        [
            "510821101001",
            "庙二湾社区居民委员会",
            "A201",
            "赵小川",
            HEAD_A2_ID,
            "1",
            "五保户",
            "因残",
            "未脱贫",
            "2015",
            "",
        ],
    ]


def test_it_exports_the_filtered_list_as_xlsx(cast, registry):
    response = client_for(cast.county_a_admin).get(f"{LIST}?status=poor&export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert re.fullmatch(
        r'attachment; filename="households-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"]
    )
    text = xlsx_text(response.content)
    assert ">户主身份证号<" in text and ">家庭人口数<" in text
    assert f">{HEAD_A2_ID}<" in text and ">A201<" in text
    assert ">A001<" not in text and ">B001<" not in text


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_it_masks_the_export_for_the_auditor(cast, registry, export):
    response = client_for(cast.auditor).get(f"{LIST}?export={export}")
    assert response.status_code == 200
    text = (
        xlsx_text(response.content)
        if export == "xlsx"
        else "\n".join(",".join(r) for r in csv_rows(response))
    )
    assert mask_id(HEAD_A_ID) in text and mask_id(HEAD_A2_ID) in text and "138****5678" in text
    for value in (HEAD_A_ID, HEAD_A2_ID, PHONE):
        assert value not in text, value


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_it_exports_only_the_households_in_scope(cast, registry, export):
    response = client_for(cast.county_b_admin).get(f"{LIST}?export={export}")
    text = (
        xlsx_text(response.content)
        if export == "xlsx"
        else "\n".join(",".join(r) for r in csv_rows(response))
    )
    assert "B001" in text and HEAD_B_ID in text
    assert COUNTY_A not in text and "A001" not in text


def test_it_lets_every_signed_in_role_export_and_sends_anonymous_to_log_in(cast, registry):
    for name, member in cast.all().items():
        response = client_for(member).get(f"{LIST}?export=csv")
        if member is None:
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
        elif name == "helper":
            # Paired with no household of the sample: the header alone.
            assert csv_rows(response) == [HEADER]
        else:
            assert len(csv_rows(response)) >= 2, name


def test_it_exports_to_the_helper_their_paired_household_only(cast, registry):
    pair_the_helper_with(registry.a2)
    header, *rows = csv_rows(client_for(cast.helper).get(f"{LIST}?export=csv"))
    assert header == HEADER
    assert [row[2] for row in rows] == ["A201"]
    assert HEAD_A2_ID in rows[0]


def test_it_exports_only_the_header_for_a_bad_filter(cast, registry):
    rows = csv_rows(client_for(cast.province_admin).get(f"{LIST}?income_min=1&export=csv"))
    assert rows == [HEADER]


def test_it_exports_in_the_language_of_the_request(cast, registry):
    client = client_for(cast.province_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": LIST})
    header, *rows = csv_rows(client.get(f"{LIST}?export=csv&registered_in=2014"))
    assert header[:3] == ["Village code", "Village", "Household number"]
    assert rows[0][6:9] == ["Minimum-living-allowance household", "Illness", "Exited"]


def test_it_exports_every_row_not_one_page_with_fixed_queries(
    cast, registry, django_assert_max_num_queries
):
    for i in range(120):
        household(VILLAGE_A, f"E{i:03}")
    client = client_for(cast.county_a_admin)
    with django_assert_max_num_queries(4):
        rows = csv_rows(client.get(f"{LIST}?export=csv"))
    assert len(rows) == 1 + 122
    with django_assert_max_num_queries(4):
        response = client.get(f"{LIST}?export=xlsx")
    assert response.status_code == 200


def test_it_keeps_spreadsheet_formulas_out_of_the_csv(cast, registry):
    h = household(VILLAGE_A, "=HYPERLINK(1)")
    actions.update_household(actor=None, household=h, phone="+86 13800000000")
    rows = csv_rows(client_for(cast.county_a_admin).get(f"{LIST}?export=csv"))
    row = next(r for r in rows if "HYPERLINK" in r[2])
    assert row[2] == "'=HYPERLINK(1)"
    assert row[10] == "'+86 13800000000"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-cmd", "'-cmd"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("王大山", "王大山"),
        (None, ""),
        (2014, "2014"),
    ],
)
def test_it_makes_cells_spreadsheet_safe(value, expected):
    assert spreadsheet_safe(value) == expected


@pytest.mark.parametrize("url", ["/audit/", "/accounts/users/"])
def test_it_exports_every_list_page_as_csv(cast, url):
    rows = csv_rows(client_for(cast.province_admin).get(f"{url}?export=csv"))
    assert len(rows) > 1
    assert all(len(r) == len(rows[0]) for r in rows)
