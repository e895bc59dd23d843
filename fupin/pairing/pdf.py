"""The printable plan sheet (一户一策) of a household plan: the five sections, the measures,
the helper, and the line where the head of household signs.

WeasyPrint lays it out from an HTML template. The font list asks for Noto Sans CJK (installed
with fonts-noto-cjk in CI and on servers) and falls back to other Chinese fonts; on a machine
with none the sheet is still produced, with the Chinese drawn as missing glyphs.
"""

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from fupin.pairing.choices import PairingKind
from fupin.pairing.models import HouseholdPlan, Pairing
from fupin.registry.choices import Relation


def plan_context(plan: HouseholdPlan) -> dict[str, Any]:
    household = plan.household
    head = household.members.filter(relation=Relation.HEAD).order_by("id").first()
    helpers = (
        Pairing.objects.filter(household=household, ended_on__isnull=True)
        .select_related("helper__member")
        .order_by("kind", "started_on")
    )
    return {
        "plan": plan,
        "household": household,
        "village": plan.region,
        "head": head,
        "measures": plan.measures.order_by("-is_main", "id"),
        "primary": [p.helper for p in helpers if p.kind == PairingKind.PRIMARY],
        "secondary": [p.helper for p in helpers if p.kind == PairingKind.SECONDARY],
        "printed_on": timezone.localdate(),
    }


def plan_sheet(plan: HouseholdPlan) -> bytes:
    """The plan sheet as PDF bytes."""
    from weasyprint import HTML  # imported here: it loads Pango, which only this page needs

    html = render_to_string("pairing/plan_sheet.html", plan_context(plan))
    return bytes(HTML(string=html).write_pdf())
