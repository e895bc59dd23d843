"""The partner pages (leading enterprises and industry households): the list, the partner's
page and its forms for every member of the cast. A partner belongs to the region it is based
in; its phone is masked for the auditor; its credit code is validated; county B sees and
changes nothing of county A."""

import csv
import io

import pytest
from django.urls import reverse

from fupin.audit.models import AuditEvent
from fupin.projects import actions
from fupin.projects.models import Partner
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    ENTERPRISE_CREDIT_CODE,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    ProjectsSample,
    client_for,
    form_refused,
    main,
    nothing_saved,
    zh,
)

NEW_CODE = "91510821MA62A00021"  # valid (GB 32100-2015 check character)
B_CODE = "91510824MA62B00011"
PHONE = "13912345678"
MASKED_PHONE = "139****5678"
ENTERPRISE, GROWER, PARTNER_B = "旺苍县椒香农业有限公司", "种植大户李某", "苍溪县生猪养殖有限公司"
# Who sees each partner: the enterprise is based in county A (above village A's secretary),
# the grower in village A, partner B in county B.
SEES = {
    "province_admin": {ENTERPRISE, GROWER, PARTNER_B},
    "county_a_admin": {ENTERPRISE, GROWER},
    "village_a_secretary": {GROWER},
    "county_b_admin": {PARTNER_B},
    "auditor": {ENTERPRISE, GROWER},
}


def partner_b() -> Partner:
    return actions.create_partner(
        actor=None,
        kind="enterprise",
        name=PARTNER_B,
        region_code=COUNTY_B,
        credit_code=B_CODE,
        phone=PHONE,
        village_codes=[VILLAGE_B],
    )


def partner_form(**changes: str) -> dict[str, str]:
    data = {
        "kind": "enterprise",
        "name": "旺苍县茶叶有限公司",
        "credit_code": NEW_CODE,
        "region_code": COUNTY_A,
        "industry": "茶叶加工",
        "contact": "王经理",
        "phone": PHONE,
        "village_codes": f"{VILLAGE_A}\n{VILLAGE_A2}",
    }
    data.update(changes)
    return data


def test_it_lists_partners_to_each_member_of_the_cast_by_where_they_are_based(cast, projects):
    partner_b()
    for name, user in cast.all().items():
        response = client_for(user).get("/projects/partners/")
        if user is None:
            assert response.status_code == 302
            assert response["Location"] == "/accounts/login/?next=/projects/partners/"
            continue
        if name == "helper":
            assert response.status_code == 403
            continue
        page = main(response)
        shown = {n for n in (ENTERPRISE, GROWER, PARTNER_B) if n in page}
        assert shown == SEES[name], name
        assert (reverse("projects:partner-add") in page) is (name != "auditor"), name


def test_it_filters_partners(cast, projects):
    partner_b()
    client = client_for(cast.province_admin)
    cases = {
        "kind=enterprise": {ENTERPRISE, PARTNER_B},
        "kind=industry_household": {GROWER},
        f"region={COUNTY_B}": {PARTNER_B},
        f"region={VILLAGE_A}": {GROWER},
        f"project={projects.project_a.pk}": {ENTERPRISE, GROWER},
        f"project={projects.project_b.pk}": set(),
        f"q={ENTERPRISE_CREDIT_CODE.lower()}": {ENTERPRISE},
        "q=大户": {GROWER},
    }
    for query, expected in cases.items():
        page = main(client.get(f"/projects/partners/?{query}"))
        assert {n for n in (ENTERPRISE, GROWER, PARTNER_B) if n in page} == expected, query
    page = main(client.get("/projects/partners/?kind=bank"))
    assert "选择一个有效的选项" in page and ENTERPRISE not in page.split("</form>", 1)[1]


def test_it_exports_partners_with_phones_masked_for_the_auditor(cast, projects):
    actions.update_partner(actor=None, partner=projects.enterprise, phone=PHONE)

    def rows(user):
        response = client_for(user).get("/projects/partners/?export=csv")
        body = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")
        return list(csv.reader(io.StringIO(body)))

    _, *lines = rows(cast.auditor)
    enterprise = next(r for r in lines if r[0] == ENTERPRISE)
    assert ENTERPRISE_CREDIT_CODE in enterprise and "1" in enterprise  # one project
    assert MASKED_PHONE in enterprise and PHONE not in enterprise
    _, *lines = rows(cast.county_a_admin)
    assert PHONE in next(r for r in lines if r[0] == ENTERPRISE)
    xlsx = client_for(cast.auditor).get("/projects/partners/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("which", ["enterprise", "grower", "b"])
def test_it_opens_the_partners_pages_by_scope(cast, projects, which):
    partner = {"enterprise": projects.enterprise, "grower": projects.grower}.get(
        which
    ) or partner_b()
    pages = {
        "detail": partner.get_absolute_url(),
        "edit": reverse("projects:partner-edit", args=[partner.pk]),
        "delete": reverse("projects:partner-delete", args=[partner.pk]),
    }
    for page, url in pages.items():
        for name, user in cast.all().items():
            response = client_for(user).get(url)
            if user is None:
                assert response.status_code == 302, (name, page)
                continue
            if name == "helper" or (name == "auditor" and page != "detail"):
                expected = 403
            elif partner.name not in SEES[name]:
                expected = 404
            else:
                expected = 200
            assert response.status_code == expected, (name, page, which)


def test_it_shows_the_partner_with_its_villages_and_projects(cast, projects):
    actions.update_partner(actor=None, partner=projects.enterprise, phone=PHONE)
    url = projects.enterprise.get_absolute_url()
    page = main(client_for(cast.county_a_admin).get(url))
    for text in (
        ENTERPRISE,
        ENTERPRISE_CREDIT_CODE,
        "花椒加工",
        PHONE,
        f"({VILLAGE_A})",
        projects.project_a.get_absolute_url(),
        "花椒专业合作社",
        reverse("projects:partner-edit", args=[projects.enterprise.pk]),
        f"/audit/?object_type=projects.partner&amp;object_id={projects.enterprise.pk}",
    ):
        assert text in page, text
    auditor = main(client_for(cast.auditor).get(url))
    assert MASKED_PHONE in auditor and PHONE not in auditor
    assert reverse("projects:partner-edit", args=[projects.enterprise.pk]) not in auditor


def test_it_shows_only_the_projects_the_user_sees(cast, projects):
    partner = partner_b()
    actions.link_partner(actor=None, project=projects.project_a, partner=partner)
    actions.link_partner(actor=None, project=projects.project_b, partner=partner)
    page = main(client_for(cast.county_b_admin).get(partner.get_absolute_url()))
    assert "生猪养殖合作社" in page and "花椒专业合作社" not in page


def test_it_creates_edits_and_deletes_a_partner_through_the_forms(cast, projects):
    client = client_for(cast.county_a_admin)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post("/projects/partners/add/", partner_form())
    made = Partner.objects.get(credit_code=NEW_CODE)
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert made.region_id == COUNTY_A and made.contact == "王经理"
    assert sorted(made.villages.values_list("code", flat=True)) == [VILLAGE_A, VILLAGE_A2]
    edit = reverse("projects:partner-edit", args=[made.pk])
    page = main(client.get(edit))
    assert NEW_CODE in page and VILLAGE_A2 in page
    response = client.post(edit, partner_form(name="旺苍县茶业公司", village_codes=VILLAGE_A))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.name == "旺苍县茶业公司" and made.villages.count() == 1
    # An industry household needs no credit code.
    response = client.post(
        "/projects/partners/add/",
        partner_form(
            kind="industry_household", name="养蜂大户", credit_code="", region_code=VILLAGE_A
        ),
    )
    assert response.status_code == 302
    assert Partner.objects.get(name="养蜂大户").credit_code == ""
    response = client.post(reverse("projects:partner-delete", args=[made.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/partners/"
    assert not Partner.objects.filter(pk=made.pk).exists()
    assert list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    ) == [
        "projects.create_partner",
        "projects.update_partner",
        "projects.create_partner",
        "projects.delete_partner",
    ]


def test_it_refuses_bad_partners_and_saves_nothing(cast, projects):
    client = client_for(cast.county_a_admin)
    url = "/projects/partners/add/"
    invalid = "91510821MA62A00022"
    cases = [
        (
            {"credit_code": invalid},
            zh(
                "“%(code)s” is not a valid unified social credit code (18 characters with "
                "a check character).",
                code=invalid,
            ),
        ),
        (
            {"credit_code": ""},
            zh("A leading enterprise needs its unified social credit code."),
        ),
        (
            {"credit_code": ENTERPRISE_CREDIT_CODE},
            zh("Another partner is registered with this credit code."),
        ),
        ({"region_code": "519999"}, zh("There is no region with this code.")),
        (
            {"region_code": COUNTY_B},
            zh("%(region)s is outside the regions you may change.", region="苍溪县"),
        ),
        (
            {"village_codes": "510821100999"},
            zh("There is no village with code %(codes)s.", codes="510821100999"),
        ),
        ({"name": ""}, "该字段是必填项。"),
        ({"kind": "bank"}, "选择一个有效的选项"),
    ]
    for changes, message in cases:
        form_refused(client, url, partner_form(**changes), message)
    # A partner supporting projects is kept.
    form_refused(
        client,
        reverse("projects:partner-delete", args=[projects.enterprise.pk]),
        {},
        zh("This partner supports projects; unlink it from them first."),
    )


@pytest.mark.parametrize("name", ["county_b_admin", "village_a_secretary", "auditor", "helper"])
def test_it_refuses_changes_to_county_as_enterprise_and_changes_nothing(cast, projects, name):
    p: ProjectsSample = projects
    client = client_for(getattr(cast, name))
    with nothing_saved():
        edit = client.post(
            reverse("projects:partner-edit", args=[p.enterprise.pk]),
            partner_form(credit_code=ENTERPRISE_CREDIT_CODE),
        )
        delete = client.post(reverse("projects:partner-delete", args=[p.enterprise.pk]))
    expected = 403 if name in ("auditor", "helper") else 404
    assert (edit.status_code, delete.status_code) == (expected, expected)


def test_it_opens_the_new_partner_form_to_who_changes_records(cast, projects):
    url = reverse("projects:partner-add")
    for name, user in cast.all().items():
        response = client_for(user).get(url)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/")
            continue
        assert response.status_code == (403 if name in ("auditor", "helper") else 200), name
