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
from fupin.testing import CHANGES as CHANGES_BY_ROLE
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    ENTERPRISE_CREDIT_CODE,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
    PageSuite,
    client_for,
    form_refused,
    main,
    zh,
)
from fupin.testing import SEES as SEES_BY_ROLE

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


def with_county_a(by_role):
    """The grower is based in village A, the enterprise in county A: whoever reaches
    village A2 reaches the county too."""
    return {n: keys | ({"county_a"} if "a2" in keys else set()) for n, keys in by_role.items()}


class TestPartnerPages(PageSuite):
    """The partner list, detail, export and forms for the whole cast: the grower (village A),
    the enterprise (county A, above the village secretary's reach) and partner B."""

    list_url = "/projects/partners/"
    detail = "projects:partner-detail"
    edit = "projects:partner-edit"
    delete = "projects:partner-delete"
    add_url = "/projects/partners/add/"
    no_view = frozenset({"helper"})
    sees, changes = with_county_a(SEES_BY_ROLE), with_county_a(CHANGES_BY_ROLE)
    deletable = False  # the grower supports project A

    @pytest.fixture
    def records(self, projects):
        return {"a": projects.grower, "county_a": projects.enterprise, "b": partner_b()}

    def text(self, obj):
        return obj.name

    def edit_form(self, obj):
        return partner_form(
            kind=obj.kind,
            name=obj.name,
            credit_code=obj.credit_code,
            region_code=obj.region_id,
            village_codes="\n".join(obj.villages.values_list("code", flat=True)),
        )

    def bad_edit_form(self, obj):
        return {**self.edit_form(obj), "name": ""}

    def add_form(self):
        return partner_form()

    def bad_add_form(self):
        return partner_form(credit_code="")
