"""Purchase contracts (订单扶贫) of projects and their deliveries."""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.forms import ConfirmForm
from fupin.lib.views import ObjectDetailView, ObjectListView
from fupin.projects import actions
from fupin.projects.filtersets import PurchaseContractFilterSet
from fupin.projects.forms import CONTRACT_FIELDS, ContractForm, DeliveryForm
from fupin.projects.models import Project, PurchaseContract
from fupin.projects.tables import PurchaseContractTable, contract_rows
from fupin.projects.views.common import (
    ProjectsFormView,
    ThroughProjectMixin,
    UserTableMixin,
    changeable,
)

ZERO = Decimal("0.00")


class PurchaseContractListView(ThroughProjectMixin, UserTableMixin, ObjectListView):
    queryset = contract_rows(PurchaseContract.objects.all())
    filterset_class = PurchaseContractFilterSet
    table_class = PurchaseContractTable
    title = gettext_lazy("Purchase contracts")
    export_name = "contracts"


class PurchaseContractDetailView(ThroughProjectMixin, ObjectDetailView):
    queryset = PurchaseContract.objects.select_related("project")
    template_name = "projects/contract_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        contract: PurchaseContract = self.object
        deliveries = list(contract.deliveries.order_by("delivered_on", "pk"))
        delivered = sum((d.quantity for d in deliveries), ZERO)
        context.update(
            title=_("Purchase contract with %(buyer)s") % {"buyer": contract.buyer},
            can_change=changeable(self.request.user, contract),
            deliveries=deliveries,
            delivered=delivered,
            paid=sum((d.amount for d in deliveries), ZERO),
            remaining=max(contract.quantity - delivered, ZERO),
            audit_url=audit_url(contract),
        )
        return context


class ContractCreateView(ProjectsFormView):
    """A purchase contract of the project in the URL."""

    queryset = Project.objects.select_related("region")
    object_view = True
    form_class = ContractForm
    title = gettext_lazy("New purchase contract")

    def get_initial(self) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "product": self.object.product,
            "unit": "kg",
            "starts_on": today,
            "ends_on": today.replace(year=today.year + 1, day=min(today.day, 28)),
            "status": "active",
        }

    def perform(self, form: Any) -> PurchaseContract:
        return actions.create_contract(
            actor=self.request.user, project=self.object, **form.cleaned_data
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("projects:contract-detail", args=[result.pk])


class ContractFormView(ProjectsFormView):
    queryset = PurchaseContract.objects.select_related("project")
    object_view = True

    def cancel_url(self) -> str:
        return reverse("projects:contract-detail", args=[self.object.pk])

    def get_success_url(self, result: Any = None) -> str:
        return self.cancel_url()


class ContractUpdateView(ContractFormView):
    form_class = ContractForm
    title = gettext_lazy("Edit purchase contract")

    def get_initial(self) -> dict[str, Any]:
        return {f: getattr(self.object, f) for f in CONTRACT_FIELDS}

    def perform(self, form: Any) -> None:
        actions.update_contract(actor=self.request.user, contract=self.object, **form.cleaned_data)


class ContractDeleteView(ContractFormView):
    form_class = ConfirmForm
    title = gettext_lazy("Delete purchase contract")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_contract(actor=self.request.user, contract=self.object)

    def success_message(self) -> str:
        return _("The purchase contract was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.project.get_absolute_url())


class DeliveryCreateView(ContractFormView):
    form_class = DeliveryForm
    title = gettext_lazy("Record a delivery")

    def get_initial(self) -> dict[str, Any]:
        return {"delivered_on": timezone.localdate()}

    def perform(self, form: Any) -> None:
        actions.record_delivery(actor=self.request.user, contract=self.object, **form.cleaned_data)

    def success_message(self) -> str:
        return _("The delivery was recorded.")
