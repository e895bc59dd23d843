"""Helpers and cap rules."""

from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.tables import personal
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    changes_somewhere,
)
from fupin.pairing import actions
from fupin.pairing.choices import PairingKind
from fupin.pairing.filtersets import (
    CapRuleFilterSet,
    HelperFilterSet,
)
from fupin.pairing.forms import (
    CapRuleForm,
    HelperEditForm,
    HelperForm,
)
from fupin.pairing.models import CapRule, Helper, Pairing, Visit
from fupin.pairing.rules import cap_of
from fupin.pairing.tables import (
    CapRuleTable,
    HelperTable,
    helper_rows,
    pairing_rows,
    visit_rows,
)

# Reasons the optimiser gives for a beneficiary it could not pair (optimise.propose items).
from fupin.pairing.views.common import (
    AdministratorsOnly,
    UserTableMixin,
    pairs_in,
    unvisited_ids,
)


class HelperListView(UserTableMixin, ObjectListView):
    queryset = helper_rows(Helper.objects.all())
    filterset_class = HelperFilterSet
    table_class = HelperTable
    title = gettext_lazy("Helpers")
    export_name = "helpers"
    template_name = "pairing/helper_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, Helper.objects)
        return context


class HelperDetailView(ObjectDetailView):
    queryset = Helper.objects.select_related("member", "region", "user")
    template_name = "pairing/helper_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        helper: Helper = self.object
        user = self.request.user
        current = pairing_rows(
            Pairing.objects.for_user(user).filter(helper=helper, ended_on__isnull=True)
        ).order_by("kind", "region_id", "pk")
        rows = list(current)
        late = unvisited_ids(current)
        for row in rows:
            row.unvisited = row.pk in late  # type: ignore[attr-defined]
        counts = (
            helper.pairings.filter(ended_on__isnull=True)
            .order_by()
            .values("kind")
            .annotate(n=Count("pk"))
        )
        loads = {kind: 0 for kind in PairingKind.values}
        loads.update({row["kind"]: row["n"] for row in counts})
        context.update(
            title=helper.member.name,
            phone=personal(user, helper.region_id, "phone", helper.member.phone, record=helper),
            pairings=rows,
            load=loads[PairingKind.PRIMARY],
            cap=cap_of(helper),
            secondary_load=loads[PairingKind.SECONDARY],
            secondary_cap=cap_of(helper, PairingKind.SECONDARY),
            over_cap=loads[PairingKind.PRIMARY] > cap_of(helper),
            visits=visit_rows(Visit.objects.for_user(user).filter(helper=helper))[:20],
            warnings=len(late),
            audit_url=audit_url(helper),
        )
        return context


class HelperCreateView(AdministratorsOnly, ObjectEditView):
    queryset = Helper.objects.all()
    form_class = HelperForm
    title = gettext_lazy("Register a helper")
    cancel = "pairing:helper-list"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: Any) -> Helper:
        data = dict(form.cleaned_data)
        return actions.register_helper(
            actor=self.request.user,
            member=data["member"],
            region_code=data["region_code"].strip() or None,
            expertise=data["expertise"],
            is_leader=data["is_leader"],
            user=data["user"],
        )


class HelperFormView(ObjectEditView):
    queryset = Helper.objects.select_related("member", "region")
    object_arg = "helper"

    def allowed(self, obj: Any) -> bool:
        # A helper owns their own record, but only an administrator changes it (its region,
        # cap and login decide what the helper may do).
        return pairs_in(self.request.user, obj.region_id)


class HelperUpdateView(HelperFormView):
    form_class = HelperEditForm
    title = gettext_lazy("Edit helper")
    action = actions.update_helper

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        helper: Helper = self.object
        return {
            "region_code": helper.region_id,
            "expertise": helper.skills,
            "is_leader": helper.is_leader,
            "active": helper.active,
            "user": helper.user.username if helper.user else "",
        }


class HelperDeleteView(ObjectDeleteView, HelperFormView):
    title = gettext_lazy("Delete helper")
    action = actions.delete_helper
    message = gettext_lazy("The helper was deleted.")
    success_url_name = "pairing:helper-list"


# Pairings -----------------------------------------------------------------------------------


class CapRuleListView(UserTableMixin, ObjectListView):
    queryset = CapRule.objects.select_related("region")
    filterset_class = CapRuleFilterSet
    table_class = CapRuleTable
    title = gettext_lazy("Cap rules")
    export_name = "cap-rules"
    template_name = "pairing/caprule_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, CapRule.objects)
        return context


class CapRuleCreateView(AdministratorsOnly, ObjectEditView):
    queryset = CapRule.objects.all()
    form_class = CapRuleForm
    title = gettext_lazy("Set a cap rule")
    cancel = "pairing:caprule-list"
    action = actions.set_cap_rule

    def get_initial(self) -> dict[str, Any]:
        return {"primary_cap": 5, "leader_cap": 7, "secondary_cap": 5}

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:caprule-list")


class CapRuleFormView(ObjectEditView):
    queryset = CapRule.objects.select_related("region")
    cancel = "pairing:caprule-list"
    object_arg = "rule"

    def cancel_url(self) -> str:
        return reverse(self.cancel)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("pairing:caprule-list")


class CapRuleUpdateView(CapRuleFormView):
    form_class = CapRuleForm
    title = gettext_lazy("Edit cap rule")
    action = actions.set_cap_rule
    object_arg = ""

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        form.fields["region_code"].disabled = True
        return form

    def get_initial(self) -> dict[str, Any]:
        rule: CapRule = self.object
        return {
            "region_code": rule.region_id,
            "primary_cap": rule.primary_cap,
            "leader_cap": rule.leader_cap,
            "secondary_cap": rule.secondary_cap,
        }

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        return {**form.cleaned_data, "region_code": self.object.region_id}


class CapRuleDeleteView(ObjectDeleteView, CapRuleFormView):
    title = gettext_lazy("Delete cap rule")
    action = actions.delete_cap_rule
    message = gettext_lazy("The cap rule was deleted.")


# Coverage and proposals ---------------------------------------------------------------------
