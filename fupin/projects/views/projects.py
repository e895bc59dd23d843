"""Projects: the list, the project's page (charter, villages, leaders, partners, investment,
approval steps, participants, share register, dividends, contracts, yearly output), and the
forms that create, change, advance and delete one."""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.audit.links import audit_url
from fupin.lib.tables import personal
from fupin.lib.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    page_of,
)
from fupin.projects import actions, rules
from fupin.projects.choices import FundingSource, Stage
from fupin.projects.filtersets import ProjectFilterSet
from fupin.projects.forms import (
    PROJECT_FIELDS,
    AdvanceForm,
    InvestmentForm,
    ProjectForm,
    ProjectYearForm,
)
from fupin.projects.models import Project
from fupin.projects.register import register, totals
from fupin.projects.tables import (
    ProjectTable,
    contract_rows,
    hundredths,
    participant_rows,
    project_rows,
)
from fupin.projects.views.common import CanAddMixin, UserTableMixin


class ProjectListView(CanAddMixin, UserTableMixin, ObjectListView):
    queryset = project_rows(Project.objects.all())
    filterset_class = ProjectFilterSet
    table_class = ProjectTable
    title = gettext_lazy("Demonstration projects")
    export_name = "projects"
    template_name = "projects/project_list.html"


def register_date(text: str) -> tuple[datetime.date, str]:
    """The date of the share register (?on=YYYY-MM-DD; today when empty or bad, with why)."""
    today = timezone.localdate()
    if not text:
        return today, ""
    try:
        return datetime.date.fromisoformat(text.strip()), ""
    except ValueError:
        return today, _("“%(value)s” is not a date (YYYY-MM-DD); the register is of today.") % {
            "value": text
        }


class ProjectDetailView(ObjectDetailView):
    queryset = Project.objects.select_related("region", "organisation")
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project: Project = self.object
        user = self.request.user
        request = self.request
        upcoming = rules.next_stage(project.stage)

        by_source: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        investments = list(project.investments.order_by("source", "invested_on", "pk"))
        for investment in investments:
            by_source[investment.source] += investment.amount
        sources = [
            (FundingSource(source).label, amount) for source, amount in sorted(by_source.items())
        ]

        participants = page_of(
            request,
            participant_rows(project.participants.all()).order_by("-is_poor", "name", "pk"),
            "participants",
        )
        row: Any
        for row in participants:
            row.id_shown = personal(user, row.region_id, "id_number", row.id_number, record=row)
            row.shares_shown = hundredths(row.shares_held)

        on, on_error = register_date(request.GET.get("on", ""))
        lines = register(project, on)

        years = list(project.years.order_by("year"))
        chart = {
            "years": [str(y.year) for y in years],
            "output": [float(y.output_value) for y in years],
            "wages": [float(y.wages_paid) for y in years],
            "jobs": [y.jobs for y in years],
            "output_label": _("Output value (yuan)"),
            "wages_label": _("Wages paid (yuan)"),
        }
        context.update(
            title=project.name,
            villages=project.coverage.select_related("region").order_by("region_id"),
            leaders=project.leaders.order_by("name", "pk"),
            partners=project.partners.select_related("region").order_by("name", "pk"),
            investments=investments,
            sources=sources,
            invested=sum(by_source.values(), Decimal("0.00")),
            approvals=project.approvals.select_related("by").order_by("done_on", "pk"),
            next_stage=Stage(upcoming).label if upcoming else "",
            can_advance=upcoming is not None and rules.can_advance(user, project, upcoming),
            participants=participants,
            participant_count=participants.paginator.count,
            register_on=on,
            register_error=on_error,
            register_lines=page_of(request, lines, "register"),
            register_totals=totals(lines),
            runs=project.dividend_runs.order_by("-period_start", "-pk"),
            contracts=contract_rows(project.contracts.all()).order_by("-starts_on", "pk"),
            years=years,
            chart=chart,
            audit_url=audit_url(project),
        )
        return context


class ProjectFormView(ObjectEditView):
    queryset = Project.objects.select_related("region", "organisation")
    cancel = "projects:project-list"
    object_arg = "project"


class ProjectCreateView(ProjectFormView):
    form_class = ProjectForm
    title = gettext_lazy("New demonstration project")
    action = actions.create_project

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        return {
            "village_codes": self.request.GET.get("village", ""),
            "started_on": timezone.localdate(),
            "share_price": Decimal("1.00"),
            "land_price": Decimal("0.00"),
            "land_mu": Decimal("0.00"),
            "reserve_percent": Decimal("0"),
            "collective_percent": Decimal("0"),
            "preferred_rate": Decimal("0"),
        }


class ProjectUpdateView(ProjectFormView):
    form_class = ProjectForm
    title = gettext_lazy("Edit project")
    action = actions.update_project

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        return ProjectForm.initial_for(self.object)

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        data = {k: v for k, v in form.cleaned_data.items() if k in PROJECT_FIELDS}
        data.update(
            village_codes=form.cleaned_data["village_codes"],
            leaders=form.cleaned_data["leaders"],
            organisation=form.cleaned_data["organisation"],
            partners=form.cleaned_data["partners"],
        )
        return data


class ProjectDeleteView(ObjectDeleteView):
    queryset = Project.objects.select_related("region", "organisation")
    title = gettext_lazy("Delete project")
    action = actions.delete_project
    object_arg = "project"
    message = gettext_lazy("The project was deleted.")
    success_url_name = "projects:project-list"


class ProjectAdvanceView(ProjectFormView):
    """The project's next approval step, by a user of the step's level (a township's review
    needs the township or above; a village secretary's page answers 403)."""

    form_class = AdvanceForm
    title = gettext_lazy("Record the next approval step")
    template_name = "projects/advance.html"
    action = actions.advance_project
    message = gettext_lazy("The approval step was recorded.")

    def allowed(self, obj: Any) -> bool:
        upcoming = rules.next_stage(obj.stage)
        return upcoming is not None and rules.can_advance(self.request.user, obj, upcoming)

    def stage(self) -> str:
        return rules.next_stage(self.object.stage) or ""

    def get_initial(self) -> dict[str, Any]:
        return {"done_on": timezone.localdate()}

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        return {**form.cleaned_data, "stage": self.stage()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["stage"] = Stage(self.stage()).label
        return context


class InvestmentCreateView(ProjectFormView):
    form_class = InvestmentForm
    title = gettext_lazy("Record an investment")
    action = actions.add_investment
    message = gettext_lazy("The investment was recorded.")


class ProjectYearCreateView(ProjectFormView):
    form_class = ProjectYearForm
    title = gettext_lazy("Record a year's output")
    action = actions.record_project_year
    message = gettext_lazy("The year's figures were recorded.")

    def get_initial(self) -> dict[str, Any]:
        year = timezone.localdate().year - 1
        found = self.object.years.filter(year=year).first()
        if found is None:
            return {"year": year, "output_value": 0, "jobs": 0, "wages_paid": 0}
        return {f: getattr(found, f) for f in ("year", "output_value", "jobs", "wages_paid")}
