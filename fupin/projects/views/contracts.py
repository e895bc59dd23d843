"""Purchase contracts (订单扶贫) of projects and their deliveries."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from fupin.projects import actions
from fupin.projects.filtersets import PurchaseContractFilterSet
from fupin.projects.forms import CONTRACT_FIELDS, ContractForm, DeliveryForm
from fupin.projects.models import Project, PurchaseContract
from fupin.projects.tables import PurchaseContractTable, contract_rows
from fupin.projects.views.common import UserTableMixin

ZERO = Decimal("0.00")


class PurchaseContractListView(UserTableMixin, ObjectListView):
    queryset = contract_rows(PurchaseContract.objects.all())
    filterset_class = PurchaseContractFilterSet
    table_class = PurchaseContractTable
    title = gettext_lazy("Purchase contracts")
    export_name = "contracts"


class PurchaseContractDetailView(ObjectDetailView):
    queryset = PurchaseContract.objects.select_related("project")
    template_name = "projects/contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contract: PurchaseContract = self.object
        deliveries = list(contract.deliveries.order_by("delivered_on", "pk"))
        delivered = sum((d.quantity for d in deliveries), ZERO)
        context.update(
            title=_("Purchase contract with %(buyer)s") % {"buyer": contract.buyer},
            deliveries=deliveries,
            delivered=delivered,
            paid=sum((d.amount for d in deliveries), ZERO),
            remaining=max(contract.quantity - delivered, ZERO),
            audit_url=audit_url(contract),
        )
        return context


class ContractCreateView(ObjectEditView):
    """A purchase contract of the project in the URL."""

    queryset = Project.objects.select_related("region")
    form_class = ContractForm
    title = gettext_lazy("New purchase contract")
    action = actions.create_contract
    object_arg = "project"

    def get_initial(self) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "product": self.object.product,
            "unit": "kg",
            "starts_on": today,
            "ends_on": today.replace(year=today.year + 1, day=min(today.day, 28)),
            "status": "active",
        }

    def get_success_url(self, result: Any = None) -> str:
        return reverse("projects:contract-detail", args=[result.pk])


class ContractFormView(ObjectEditView):
    queryset = PurchaseContract.objects.select_related("project")
    object_arg = "contract"

    def cancel_url(self) -> str:
        return reverse("projects:contract-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return self.cancel_url()


class ContractUpdateView(ContractFormView):
    form_class = ContractForm
    title = gettext_lazy("Edit purchase contract")
    action = actions.update_contract

    def get_initial(self) -> dict[str, Any]:
        return {f: getattr(self.object, f) for f in CONTRACT_FIELDS}


class ContractDeleteView(ObjectDeleteView):
    queryset = PurchaseContract.objects.select_related("project")
    title = gettext_lazy("Delete purchase contract")
    action = actions.delete_contract
    object_arg = "contract"
    message = gettext_lazy("The purchase contract was deleted.")

    def cancel_url(self) -> str:
        return reverse("projects:contract-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.project.get_absolute_url())


class DeliveryCreateView(ContractFormView):
    form_class = DeliveryForm
    title = gettext_lazy("Record a delivery")
    action = actions.record_delivery
    message = gettext_lazy("The delivery was recorded.")

    def get_initial(self) -> dict[str, Any]:
        return {"delivered_on": timezone.localdate()}
