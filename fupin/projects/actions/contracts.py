"""Purchase contracts (订单扶贫) and their deliveries."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import require
from fupin.audit.actions import (
    audited_create,
    audited_delete,
    audited_update,
    check_known,
    stripped,
)
from fupin.audit.log import record, snapshot
from fupin.projects.actions.common import CONTRACT_FIELDS, PROJECT_OUTSIDE, check_fields
from fupin.projects.choices import ContractStatus
from fupin.projects.models import Delivery, Project, PurchaseContract
from fupin.projects.rules import money

EDITABLE_FIELDS = [f for f in CONTRACT_FIELDS if f != "project"]
DELIVERY_FIELDS = ["delivered_on", "quantity", "amount"]


def _check(contract: PurchaseContract) -> None:
    contract.quantity = money(contract.quantity, "quantity", positive=True)
    contract.price = money(contract.price, "price")
    check_fields(contract)
    if contract.ends_on < contract.starts_on:
        raise ValidationError({"ends_on": _("The contract ends before it starts.")})


@transaction.atomic
def create_contract(
    *,
    actor: Any,
    project: Project,
    buyer: str,
    product: str,
    quantity: Any,
    price: Any,
    starts_on: datetime.date,
    ends_on: datetime.date,
    buyer_place: str = "",
    unit: str = "kg",
    status: str = ContractStatus.ACTIVE,
) -> PurchaseContract:
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    contract = PurchaseContract(
        project=project,
        buyer=(buyer or "").strip(),
        buyer_place=(buyer_place or "").strip(),
        product=(product or "").strip(),
        quantity=quantity,
        unit=(unit or "").strip(),
        price=price,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
    )
    _check(contract)
    audited_create(
        actor,
        contract,
        action="projects.create_contract",
        fields=CONTRACT_FIELDS,
        region_code=project.region_id,
    )
    return contract


@transaction.atomic
def update_contract(*, actor: Any, contract: PurchaseContract, **fields: Any) -> PurchaseContract:
    require(actor, contract.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    check_known(fields, EDITABLE_FIELDS, "contract")
    return audited_update(
        actor,
        contract,
        stripped(fields),
        action="projects.update_contract",
        fields=CONTRACT_FIELDS,
        region_code=contract.project.region_id,
        check=_check,
    )


@transaction.atomic
def delete_contract(*, actor: Any, contract: PurchaseContract) -> None:
    project = contract.project
    require(actor, project, Action.CHANGE, message=PROJECT_OUTSIDE)
    audited_delete(
        actor,
        contract,
        action="projects.delete_contract",
        fields=CONTRACT_FIELDS,
        region_code=project.region_id,
        object_repr=f"{contract.buyer} {contract.product}",
    )


@transaction.atomic
def record_delivery(
    *,
    actor: Any,
    contract: PurchaseContract,
    delivered_on: datetime.date,
    quantity: Any,
    amount: Any,
) -> Delivery:
    require(actor, contract.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    if delivered_on is None:
        raise ValidationError({"delivered_on": _("Enter the date.")})
    if not contract.starts_on <= delivered_on <= contract.ends_on:
        raise ValidationError({"delivered_on": _("A delivery falls within the contract's period.")})
    delivery = Delivery(
        contract=contract,
        delivered_on=delivered_on,
        quantity=money(quantity, "quantity", positive=True),
        amount=money(amount, "amount"),
    )
    check_fields(delivery)
    delivery.save()
    record(
        actor=actor,
        action="projects.record_delivery",
        obj=contract,
        region_code=contract.project.region_id,
        after=snapshot(delivery, DELIVERY_FIELDS),
    )
    return delivery


@transaction.atomic
def delete_delivery(*, actor: Any, delivery: Delivery) -> None:
    contract = delivery.contract
    require(actor, contract.project, Action.CHANGE, message=PROJECT_OUTSIDE)
    before = snapshot(delivery, DELIVERY_FIELDS)
    delivery.delete()
    record(
        actor=actor,
        action="projects.delete_delivery",
        obj=contract,
        region_code=contract.project.region_id,
        before=before,
    )
