"""The purchase-contract forms (订单扶贫) and their deliveries: each one saves through its
action and writes its audit event; bad input comes back in Chinese with nothing saved; county B
and the readers change nothing of county A."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.audit.models import AuditEvent
from fupin.projects.models import Delivery, PurchaseContract
from fupin.testing import ProjectsSample, client_for, main, nothing_saved

CJK = re.compile(r"[\u4e00-\u9fff]")


def contract_form(**changes: str) -> dict[str, str]:
    data = {
        "buyer": "云南调味品有限公司",
        "buyer_place": "云南",
        "product": "花椒",
        "quantity": "800",
        "unit": "kg",
        "price": "55.50",
        "starts_on": "2020-01-01",
        "ends_on": "2022-12-31",
        "status": "active",
    }
    data.update(changes)
    return data


def test_it_creates_edits_and_deletes_a_contract_and_records_deliveries(cast, projects):
    p: ProjectsSample = projects
    client = client_for(cast.village_a_secretary)
    since = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    add = reverse("projects:contract-add", args=[p.project_a.pk])
    page = main(client.get(add))
    assert 'value="花椒"' in page  # the project's product, filled in
    response = client.post(add, contract_form())
    made = PurchaseContract.objects.get(buyer="云南调味品有限公司")
    detail = reverse("projects:contract-detail", args=[made.pk])
    assert response.status_code == 302 and response["Location"] == detail
    assert made.project == p.project_a and made.price == Decimal("55.50")
    assert made.value == Decimal("44400.00")
    response = client.post(
        reverse("projects:contract-edit", args=[made.pk]), contract_form(status="completed")
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == "completed"
    delivery = reverse("projects:delivery-add", args=[made.pk])
    response = client.post(
        delivery, {"delivered_on": "2020-09-01", "quantity": "300.5", "amount": "16677.75"}
    )
    assert response.status_code == 302 and response["Location"] == detail
    assert made.deliveries.get().quantity == Decimal("300.50")
    page = main(client.get(detail))
    assert "300.50 kg" in page and "499.50 kg" in page and "16677.75" in page
    # The list sums the deliveries.
    listed = main(client.get(f"/projects/contracts/?project={p.project_a.pk}"))
    row = listed.split("云南调味品有限公司", 1)[1].split("</tr>", 1)[0]
    assert "300.50" in row and "16677.75" in row
    response = client.post(reverse("projects:contract-delete", args=[made.pk]))
    assert response.status_code == 302 and response["Location"] == p.project_a.get_absolute_url()
    assert not PurchaseContract.objects.filter(pk=made.pk).exists()
    assert not Delivery.objects.filter(contract_id=made.pk).exists()
    actions = list(
        AuditEvent.objects.filter(id__gt=since).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "projects.create_contract",
        "projects.update_contract",
        "projects.record_delivery",
        "projects.delete_contract",
    ]


def test_it_refuses_bad_contracts_and_deliveries_and_saves_nothing(cast, projects):
    p: ProjectsSample = projects
    client = client_for(cast.county_a_admin)
    add = reverse("projects:contract-add", args=[p.project_a.pk])
    cases = [
        ({"buyer": ""}, "该字段是必填项。"),
        ({"quantity": "0"}, None),
        ({"quantity": "-3"}, None),
        ({"price": "-1"}, "确保该值大于或等于0。"),
        ({"price": "1.234"}, "确认小数不超过 2 位"),
        ({"ends_on": "2019-12-31"}, None),  # before it starts
        ({"status": "lost"}, "选择一个有效的选项"),
        ({"starts_on": "2020-02-30"}, "输入一个有效的日期。"),
    ]
    for changes, message in cases:
        with nothing_saved():
            response = client.post(add, contract_form(**changes))
        assert response.status_code == 200, changes
        page = main(response)
        assert "errorlist" in page or 'class="errors' in page, changes
        # Every refusal is explained in Chinese.
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
        assert errors and all(CJK.search(e) for e in errors), changes
        if message:
            assert message in page, changes
    delivery = reverse("projects:delivery-add", args=[p.contract_a.pk])
    for data in (
        {"delivered_on": "2020-09-01", "quantity": "0", "amount": "10"},
        {"delivered_on": "2020-09-01", "quantity": "5", "amount": "-10"},
        {"delivered_on": "", "quantity": "5", "amount": "10"},
    ):
        with nothing_saved():
            response = client.post(delivery, data)
        assert response.status_code == 200, data
        errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', main(response), re.S)
        assert errors and all(CJK.search(e) for e in errors), data


@pytest.mark.parametrize("name", ["county_b_admin", "auditor", "helper", "anonymous"])
def test_it_refuses_contract_posts_from_who_may_not_and_changes_nothing(cast, projects, name):
    p: ProjectsSample = projects
    client = client_for(cast.all()[name])
    posts = [
        (reverse("projects:contract-add", args=[p.project_a.pk]), contract_form()),
        (reverse("projects:contract-edit", args=[p.contract_a.pk]), contract_form()),
        (reverse("projects:contract-delete", args=[p.contract_a.pk]), {}),
        (
            reverse("projects:delivery-add", args=[p.contract_a.pk]),
            {"delivered_on": "2020-09-01", "quantity": "5", "amount": "10"},
        ),
    ]
    with nothing_saved():
        statuses = [client.post(url, data).status_code for url, data in posts]
    expected = {"county_b_admin": 404, "anonymous": 302}.get(name, 403)
    assert statuses == [expected] * len(posts)


def test_it_opens_the_contract_forms_to_the_projects_administrators(cast, projects):
    p: ProjectsSample = projects
    expected = {
        "province_admin": 200,
        "county_a_admin": 200,
        "village_a_secretary": 200,
        "county_b_admin": 404,
        "auditor": 403,
        "helper": 403,
    }
    for page, pk in (
        ("contract-add", p.project_a.pk),
        ("contract-edit", p.contract_a.pk),
        ("contract-delete", p.contract_a.pk),
        ("delivery-add", p.contract_a.pk),
    ):
        url = reverse(f"projects:{page}", args=[pk])
        for name, status in expected.items():
            assert client_for(getattr(cast, name)).get(url).status_code == status, (name, page)
    today = timezone.localdate().strftime("%Y/%m/%d")  # as the Chinese form shows a date
    page = main(
        client_for(cast.county_a_admin).get(
            reverse("projects:delivery-add", args=[p.contract_a.pk])
        )
    )
    assert f'name="delivered_on" value="{today}"' in page
