"""The printable plan sheet (一户一策, PDF by WeasyPrint): produced for who sees the plan, 404
for who does not; its text read back with pypdf.

The Chinese is drawn with Noto Sans CJK where fonts-noto-cjk is installed (CI installs it);
without it the sheet is still produced, and the figures (household number, cost, dates, all
ASCII) are still readable, which is what every run checks.
"""

import io
import subprocess

from django.urls import reverse
from pypdf import PdfReader

from fupin.pairing import actions
from fupin.testing import client_for


def text_of(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    # Glyph runs come out with spaces between them; compare without any whitespace.
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def has_cjk_font() -> bool:
    found = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return "Noto Sans CJK" in found.stdout


def test_it_prints_the_plan_sheet_with_its_figures(cast, pairing):
    url = reverse("pairing:plan-pdf", args=[pairing.plan_a.pk])
    response = client_for(cast.county_a_admin).get(url)
    assert response["Content-Disposition"] == 'inline; filename="plan-510821100001-P001-2024.pdf"'
    text = text_of(response)
    for value in ("P001", "510821100001", "1500.00", "2024-10-31", "2025-12-31", "2024"):
        assert value in text, value
    if has_cjk_font():
        for value in ("户主签字", "帮扶户甲", "党员甲", "发展花椒种植3亩", "县农业农村局", "计划"):
            assert value in text, value


def test_it_prints_a_plan_without_measures_or_helper(cast, pairing):
    plan = actions.create_plan(actor=None, household=pairing.household_a2, year=2025)
    text = text_of(client_for(cast.province_admin).get(reverse("pairing:plan-pdf", args=[plan.pk])))
    assert "P002" in text and "2025" in text


def test_it_gives_the_plan_sheet_only_to_who_sees_the_plan(cast, pairing):
    for plan, seen_by in (
        (
            pairing.plan_a,
            {"province_admin", "county_a_admin", "village_a_secretary", "auditor", "helper"},
        ),
        (pairing.plan_b, {"province_admin", "county_b_admin"}),
    ):
        url = reverse("pairing:plan-pdf", args=[plan.pk])
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert response.status_code == 302
                assert response["Location"].startswith("/accounts/login/")
            elif name in seen_by:
                assert plan.household.number in text_of(response), name
            else:
                assert response.status_code == 404, name
