"""The party pages: organisations (list, tree, detail, forms), reorganisations (the page that
merges and splits, and the history), members with their tags, steps and service logs.

Views stay declarative over fupin/lib/views.py; every write calls fupin/party/actions.py.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from fupin.accounts.roles import Action
from fupin.accounts.scoping import can, region_in_scope
from fupin.audit.links import audit_url
from fupin.audit.models import AuditEvent
from fupin.lib.tables import personal
from fupin.lib.views import (
    ActionFormView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedMixin,
    changeable,
    changes_somewhere,
    region_page,
)
from fupin.party import actions, checks
from fupin.party.choices import OrgLevel, Stage
from fupin.party.filtersets import (
    MemberFilterSet,
    OrganisationFilterSet,
    ReorganisationFilterSet,
    ServiceLogFilterSet,
)
from fupin.party.forms import (
    MEMBER_FORM_FIELDS,
    MemberEditForm,
    MemberForm,
    OrganisationEditForm,
    OrganisationForm,
    ReorganisationForm,
    ServiceForm,
    StepForm,
    SuccessorFormSet,
    TagForm,
    covering,
    parent_choices,
)
from fupin.party.models import (
    MEMBER_STAGES,
    Coverage,
    Member,
    MemberTag,
    Organisation,
    Reorganisation,
    ServiceLog,
    with_member_count,
)
from fupin.party.rules import ORDER
from fupin.party.tables import (
    MemberTable,
    OrganisationTable,
    ReorganisationTable,
    ServiceLogTable,
    member_rows,
    organisation_rows,
    reorganisation_rows,
)
from fupin.regions.choices import Level
from fupin.regions.models import Region


def reorganise_url(organisation: Organisation) -> str:
    """The reorganise page with this organisation ticked, among its county's organisations."""
    code = organisation.region_id
    return f"{reverse('party:reorganisation-add')}?region={code[:6]}&source={organisation.pk}"


# Organisations ------------------------------------------------------------------------------


class OrganisationListView(ObjectListView):
    queryset = organisation_rows(Organisation.objects.all())
    filterset_class = OrganisationFilterSet
    table_class = OrganisationTable
    title = gettext_lazy("Party organisations")
    export_name = "organisations"
    template_name = "party/organisation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, Organisation.objects)
        return context


class OrganisationDetailView(ObjectDetailView):
    queryset = Organisation.objects.select_related("region", "parent", "secretary")
    template_name = "party/organisation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation: Organisation = self.object
        user = self.request.user
        visible = Organisation.objects.for_user(user)
        stages = dict(
            organisation.members.order_by()
            .values("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
        closed_by = list(organisation.closed_by.all())
        created_by = list(organisation.created_by.all())
        coverage = list(organisation.coverage.select_related("region").order_by("region_id"))
        context.update(
            title=organisation.name,
            can_change=organisation.is_open and changeable(user, organisation),
            # A county may add its villagers to a park committee it cannot change itself.
            can_add_member=organisation.is_open
            and any(can(user, Action.CHANGE, c.region_id) for c in coverage),
            reorganise_url=reorganise_url(organisation),
            coverage=coverage,
            children=with_member_count(visible.filter(parent=organisation)).order_by(
                "closed_on", "region_id", "name"
            ),
            stages=[(stage.label, stages.get(stage, 0)) for stage in ORDER],
            member_total=sum(stages.values()),
            warnings=checks.warnings_for([organisation]).get(organisation.pk, []),
            closed_by=closed_by,
            created_by=created_by,
            predecessors=visible.filter(closed_by__in=created_by).distinct().order_by("name"),
            successors=visible.filter(created_by__in=closed_by).distinct().order_by("name"),
            audit_url=audit_url(organisation),
        )
        return context


@dataclass
class TreeNode:
    """An organisation of the tree page, with its warnings and the organisations under it."""

    org: Organisation
    warnings: list[str]
    children: list["TreeNode"] = field(default_factory=list)


class OrganisationTreeView(ScopedMixin, TemplateView):
    """The open organisations covering a region (?region=CODE), nested under their parents.

    One query reads every node with its member count, however deep the tree; a region holding
    more than `limit` organisations asks for a smaller one instead of drawing them all.
    """

    queryset = Organisation.objects.all()
    template_name = "party/organisation_tree.html"
    limit = 2000

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        asked = self.request.GET.get("region", "").strip()
        code = region_page(region_in_scope(user, asked), asked)
        region = Region.objects.get(code=code)
        found = list(
            with_member_count(covering(self.get_queryset().filter(closed_on__isnull=True), code))
            .only(
                "name", "level", "kind", "region_id", "parent_id", "closed_on", "committee_members"
            )
            .order_by("region_id", "name", "pk")[: self.limit + 1]
        )
        too_many = len(found) > self.limit
        roots: list[TreeNode] = []
        if not too_many:
            warnings = checks.warnings_for(found)
            nodes = {o.pk: TreeNode(o, warnings.get(o.pk, [])) for o in found}
            for node in nodes.values():
                parent = nodes.get(node.org.parent_id or 0)
                (parent.children if parent else roots).append(node)
        context.update(
            title=_("Organisation tree"),
            region=region,
            ancestors=region.ancestors(),
            subregions=region.children.order_by("code"),
            roots=roots,
            count=len(found),
            too_many=too_many,
            limit=self.limit,
            can_reorganise=can(user, Action.CHANGE, code),
        )
        return context


class OrganisationCreateView(ObjectEditView):
    queryset = Organisation.objects.all()
    form_class = OrganisationForm
    title = gettext_lazy("New party organisation")
    cancel = "party:organisation-list"
    action = actions.create_organisation

    def parent_pk(self) -> int | None:
        value = self.request.GET.get("parent", "")
        return int(value) if value.isascii() and value.isdigit() else None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "parent": self.parent_pk()}

    def get_initial(self) -> dict[str, Any]:
        return {
            "region_codes": self.request.GET.get("region", ""),
            "parent": self.parent_pk(),
            "level": OrgLevel.BRANCH,
        }


class OrganisationUpdateView(ObjectEditView):
    queryset = Organisation.objects.all()
    form_class = OrganisationEditForm
    title = gettext_lazy("Edit party organisation")
    action = actions.update_organisation
    object_arg = "organisation"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=actions.EDITABLE_ORGANISATION_FIELDS)
        initial["region_codes"] = list(
            self.object.coverage.order_by("region_id").values_list("region_id", flat=True)
        )
        return initial

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        # The coverage is rewritten (and re-checked against members and children) only when
        # it changed.
        if sorted(data["region_codes"]) == sorted(self.get_initial()["region_codes"]):
            data["region_codes"] = None
        return data


class OrganisationDeleteView(ObjectDeleteView):
    queryset = Organisation.objects.all()
    title = gettext_lazy("Delete party organisation")
    action = actions.delete_organisation
    object_arg = "organisation"
    message = gettext_lazy("The organisation was deleted.")
    success_url_name = "party:organisation-list"


# Reorganisations ----------------------------------------------------------------------------


class ReorganiseView(ActionFormView):
    """Merge or split: the organisations to close (those of a region the user may change
    entirely, ?region=CODE), up to three successors, the date."""

    queryset = Organisation.objects.all()
    scope_action = Action.CHANGE
    form_class = ReorganisationForm
    template_name = "party/reorganise.html"
    title = gettext_lazy("Reorganise")
    formset: Any = None

    def region(self) -> Region:
        code = region_in_scope(
            self.request.user, self.request.GET.get("region", "").strip(), Action.CHANGE
        )
        if code is None:
            raise Http404
        return Region.objects.get(code=code)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.check_role()
            self.area = self.region()
        return super().dispatch(request, *args, **kwargs)

    def sources(self) -> QuerySet[Organisation]:
        open_ones = self.get_queryset().filter(closed_on__isnull=True)
        return with_member_count(covering(open_ones, self.area.code)).order_by("region_id", "name")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "sources": self.sources()}

    def get_initial(self) -> dict[str, Any]:
        source = self.request.GET.get("source", "")
        return {
            "on": timezone.localdate(),
            "sources": [source] if source.isascii() and source.isdigit() else [],
        }

    def get_formset(self) -> Any:
        parents = parent_choices(self.request.user)
        data = self.request.POST if self.request.method == "POST" else None
        return SuccessorFormSet(data, prefix="successors", form_kwargs={"parents": parents})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        self.formset = self.get_formset()
        if form.is_valid() and self.formset.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def perform(self, form: Any) -> Reorganisation:
        data = form.cleaned_data
        successors = [
            actions.Successor(
                name=row["name"],
                level=row["level"],
                kind=row["kind"],
                region_codes=row["region_codes"],
                parent=row.get("parent"),
                founded_on=data["on"],
            )
            for row in self.formset.cleaned_data
            if row
        ]
        return actions.reorganise(
            actor=self.request.user,
            sources=list(data["sources"]),
            successors=successors,
            on=data["on"],
            note=data["note"],
        )

    def success_message(self) -> str:
        return _("The reorganisation was recorded.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            formset=self.formset if self.formset is not None else self.get_formset(),
            area=self.area,
        )
        return context


class ReorganisationListView(ObjectListView):
    queryset = reorganisation_rows(Reorganisation.objects.all())
    filterset_class = ReorganisationFilterSet
    table_class = ReorganisationTable
    title = gettext_lazy("Reorganisations")
    export_name = "reorganisations"
    template_name = "party/reorganisation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = changes_somewhere(self.request.user, Organisation.objects)
        return context


class ReorganisationDetailView(ObjectDetailView):
    """Before and after: the organisations closed (with the members they had) and the ones
    created (with the members they have now)."""

    queryset = Reorganisation.objects.select_related("recorded_by")
    template_name = "party/reorganisation_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        reorganisation: Reorganisation = self.object
        coverage = Coverage.objects.select_related("region").order_by("region_id")
        visible = Organisation.objects.for_user(self.request.user).prefetch_related(
            Prefetch("coverage", queryset=coverage)
        )
        sources = list(visible.filter(closed_by=reorganisation).order_by("region_id", "name"))
        successors = list(
            with_member_count(visible.filter(created_by=reorganisation)).order_by(
                "region_id", "name"
            )
        )
        before = self.members_before()
        for source in sources:
            source.members_before = before.get(source.pk, before.get(source.name))  # type: ignore[attr-defined]
        hidden = (
            reorganisation.sources.count()
            + reorganisation.successors.count()
            - len(sources)
            - len(successors)
        )
        context.update(
            title=_("Reorganisation of %(date)s") % {"date": reorganisation.on.isoformat()},
            sources=sources,
            successors=successors,
            hidden=hidden,
            audit_url=audit_url(reorganisation),
        )
        return context

    def members_before(self) -> dict[Any, int]:
        """Each source's number of members before it closed, as the reorganisation's audit
        event recorded it (by id, or by name in an older event)."""
        event = (
            AuditEvent.objects.filter(
                action="party.reorganise",
                object_type=Reorganisation._meta.label_lower,
                object_id=str(self.object.pk),
            )
            .values_list("before", flat=True)
            .first()
        )
        out: dict[Any, int] = {}
        for snapshot in (event or {}).get("organisations", []):
            if isinstance(snapshot.get("members"), int):
                out[snapshot.get("id", snapshot.get("name"))] = snapshot["members"]
        return out


# Members ------------------------------------------------------------------------------------


class MemberListView(ObjectListView):
    queryset = member_rows(Member.objects.all())
    filterset_class = MemberFilterSet
    table_class = MemberTable
    title = gettext_lazy("Party members")
    export_name = "members"

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The rows hold the development pipeline too; the statistics' 党员 do not: say which
        # of the rows are the members the dashboard and the bulletin count.
        members = Q(stage__in=MEMBER_STAGES)
        village = Q(region__level=Level.VILLAGE)
        counts = self.object_list.order_by().aggregate(
            members=Count("pk", filter=members),
            villages=Count("pk", filter=members & village),
            pipeline=Count("pk", filter=~members),
        )
        context["note"] = _(
            "Of these rows, %(members)s are party members (probationary and full: the members "
            "the statistics count), %(villages)s of them in villages and the others in organs; "
            "%(pipeline)s are in development (applicants, activists, targets)."
        ) % {k: f"{v:,}" for k, v in counts.items()}
        return context


class MemberDetailView(ObjectDetailView):
    queryset = Member.objects.select_related("organisation", "region", "person__household")
    template_name = "party/member_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member: Member = self.object
        user = self.request.user
        code = member.region_id
        context.update(
            title=member.name,
            id_number=personal(user, code, "id_number", member.id_number, record=member),
            birth_date=personal(
                user, code, "birth_date", member.birth_date.isoformat(), record=member
            ),
            phone=personal(user, code, "phone", member.phone, record=member),
            tags=member.tags.order_by("since", "pk"),
            steps=member.steps.select_related("recorded_by").order_by("on", "pk"),
            services=ServiceLog.objects.for_user(user)
            .filter(member=member)
            .select_related("village", "recorded_by")
            .order_by("-on", "-pk"),
            audit_url=audit_url(member),
        )
        return context


class MemberFormView(ObjectEditView):
    """A form about one member (the URL's pk), back to the member's page when done."""

    queryset: Any = Member.objects.select_related("organisation")
    object_arg = "member"

    def member(self) -> Member:
        return self.object

    def get_success_url(self, result: Any = None) -> str:
        target = result if isinstance(result, Member) else self.member()
        return target.get_absolute_url()

    def cancel_url(self) -> str:
        return self.member().get_absolute_url()


class MemberCreateView(ObjectEditView):
    """A new member (or applicant) of the organisation in the URL."""

    queryset = Organisation.objects.all()
    # The organisation needs only be seen: a county may add its villagers to a park
    # committee spanning two counties (the action checks the member's own village).
    lookup_action = Action.VIEW
    form_class = MemberForm
    title = gettext_lazy("Register a party member")
    action = actions.register_member
    object_arg = "organisation"

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        data["region_code"] = data.pop("region") or None
        return data

    def get_success_url(self, result: Any = None) -> str:
        return str(result.get_absolute_url())  # the new member's page


class MemberUpdateView(MemberFormView):
    form_class = MemberEditForm
    title = gettext_lazy("Edit party member")
    action = actions.update_member

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "member": self.object}

    def get_initial(self) -> dict[str, Any]:
        initial = model_to_dict(self.object, fields=MEMBER_FORM_FIELDS)
        # Sex and birth date come from the ID number unless typed (as on the registry's form).
        initial.pop("sex", None)
        initial.pop("birth_date", None)
        initial.update(organisation=self.object.organisation_id, region=self.object.region_id)
        return initial

    def action_kwargs(self, form: Any) -> dict[str, Any]:
        data = dict(form.cleaned_data)
        data["region_code"] = data.pop("region") or None
        return data


class MemberDeleteView(ObjectDeleteView):
    queryset = Member.objects.select_related("organisation")
    title = gettext_lazy("Delete party member")
    action = actions.delete_member
    object_arg = "member"
    message = gettext_lazy("The member was deleted.")
    success_url_name = "party:member-list"


class MemberTagCreateView(MemberFormView):
    form_class = TagForm
    title = gettext_lazy("Add a tag")
    action = actions.add_tag

    def get_initial(self) -> dict[str, Any]:
        return {"since": timezone.localdate()}


class MemberTagDeleteView(ObjectDeleteView):
    queryset = MemberTag.objects.select_related("member")
    title = gettext_lazy("Remove tag")
    action = actions.remove_tag
    object_arg = "tag"
    message = gettext_lazy("The tag was removed.")

    def get_success_url(self, result: Any = None) -> str:
        return self.object.member.get_absolute_url()

    def cancel_url(self) -> str:
        return self.object.member.get_absolute_url()


class DevelopmentStepCreateView(MemberFormView):
    form_class = StepForm
    title = gettext_lazy("Record a development step")
    action = actions.record_step

    def get_initial(self) -> dict[str, Any]:
        member: Member = self.object
        if member.stage == Stage.APPLICANT and not member.steps.exists():
            stage = Stage.APPLICANT
        else:
            position = ORDER.index(Stage(member.stage))
            stage = ORDER[min(position + 1, len(ORDER) - 1)]
        return {"stage": stage, "on": timezone.localdate()}


# Service logs -------------------------------------------------------------------------------


class ServiceLogListView(ObjectListView):
    queryset = ServiceLog.objects.select_related("member", "village", "recorded_by")
    filterset_class = ServiceLogFilterSet
    table_class = ServiceLogTable
    title = gettext_lazy("Service logs")
    export_name = "services"


class ServiceLogCreateView(MemberFormView):
    form_class = ServiceForm
    title = gettext_lazy("Record a service")
    # As the action: the member need only be seen (a migrant serving a village of the
    # user's from afar); the village served must be the user's to change.
    lookup_action = Action.VIEW
    action = actions.record_service
    renamed = {"village": "village_code"}

    def get_initial(self) -> dict[str, Any]:
        return {"village": self.object.region_id, "on": timezone.localdate()}


class ServiceLogDeleteView(ObjectDeleteView):
    queryset = ServiceLog.objects.select_related("member", "village")
    title = gettext_lazy("Delete service log")
    action = actions.delete_service
    object_arg = "service"
    message = gettext_lazy("The service log was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return self.object.member.get_absolute_url()

    def cancel_url(self) -> str:
        return self.object.member.get_absolute_url()
