"""Tables of the project pages (and so of their exports).

ID numbers and phones go through the one rule for personal data (`fupin.lib.tables.personal`,
decided per record by the scoping module): the auditor sees them masked, on the page and in the
export alike. Figures a row sums from other tables (participants, shares, investment,
deliveries) are correlated subqueries: they run for the rows of one page only.
"""

from typing import Any

import django_tables2 as tables
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fupin.lib.tables import (
    PersonalColumn,
    UserTable,
    YesNoColumn,
    ordered,
    region_code_column,
    region_name_column,
)
from fupin.projects.models import (
    Delivery,
    Investment,
    Participant,
    Partner,
    Project,
    PurchaseContract,
    ShareEntry,
)
from fupin.registry.choices import Relation
from fupin.registry.models import Person


def _sum(model: Any, link: str, field: str, **filters: Any) -> Coalesce:
    rows = model.objects.filter(**{link: OuterRef("pk")}, **filters).order_by()
    total = rows.values(link).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def _count(model: Any, link: str, **filters: Any) -> Coalesce:
    rows = model.objects.filter(**{link: OuterRef("pk")}, **filters).order_by()
    counted = rows.values(link).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def project_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    """Projects with their region by join, participants and investment as subqueries
    (hundredths: the sums are of the stored integers, `Money` columns divide them)."""
    return projects.select_related("region").annotate(
        participant_count=_count(Participant, "project"),
        poor_count=_count(Participant, "project", is_poor=True),
        invested=_sum(Investment, "project", "amount"),
    )


def partner_rows(partners: QuerySet[Partner]) -> QuerySet[Partner]:
    return partners.select_related("region").annotate(
        project_count=_count(Project.partners.through, "partner")
    )


def head_id_number() -> Subquery:
    """The ID number of the household's head, as a subquery run for the rows of one page."""
    head = Person.objects.filter(household=OuterRef("household"), relation=Relation.HEAD)
    return Subquery(head.order_by("id").values("id_number")[:1])


def participant_rows(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Participants with their ID number: the person's, or their household head's."""
    return participants.select_related("project", "region", "person", "household").annotate(
        shares_held=_sum(ShareEntry, "participant", "shares"),
        id_number=Coalesce("person__id_number", head_id_number()),
    )


def contract_rows(contracts: QuerySet[PurchaseContract]) -> QuerySet[PurchaseContract]:
    return contracts.select_related("project").annotate(
        delivered=_sum(Delivery, "contract", "quantity"),
        paid=_sum(Delivery, "contract", "amount"),
    )


class MoneyColumn(tables.Column):
    """A sum of a HundredthsField read by a subquery: an integer of hundredths, shown with two
    decimals."""

    def render(self, value: Any) -> str:
        return hundredths(value)

    def value(self, value: Any, **kwargs: Any) -> str:
        return hundredths(value)


def hundredths(value: Any) -> str:
    number = int(value or 0)
    sign = "-" if number < 0 else ""
    whole, part = divmod(abs(number), 100)
    return f"{sign}{whole}.{part:02d}"


class ProjectTable(UserTable):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("name"),
    )
    type = tables.Column(verbose_name=_("Type"), order_by=ordered("type"))
    setup = tables.Column(verbose_name=_("Set up as"), order_by=ordered("setup"))
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Region"))
    product = tables.Column(verbose_name=_("Product"), order_by=ordered("product"))
    land_mu = tables.Column(verbose_name=_("Land (mu)"), order_by=ordered("land_mu"))
    started_on = tables.DateColumn(
        verbose_name=_("Start date"), format="Y-m-d", order_by=ordered("started_on")
    )
    stage = tables.Column(verbose_name=_("Approval stage"), order_by=ordered("stage"))
    participant_count = tables.Column(
        verbose_name=_("Participants"), order_by=ordered("participant_count")
    )
    poor_count = tables.Column(verbose_name=_("Poor participants"), order_by=ordered("poor_count"))
    invested = MoneyColumn(verbose_name=_("Investment (yuan)"), order_by=ordered("invested"))

    class Meta:
        model = Project
        fields = (
            "name",
            "type",
            "setup",
            "region_code",
            "region_name",
            "product",
            "land_mu",
            "started_on",
            "stage",
            "participant_count",
            "poor_count",
            "invested",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


class PartnerTable(UserTable):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("name"),
    )
    kind = tables.Column(verbose_name=_("Kind"), order_by=ordered("kind"))
    credit_code = tables.Column(
        verbose_name=_("Unified social credit code"), order_by=ordered("credit_code")
    )
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Region"))
    industry = tables.Column(verbose_name=_("Industry"), order_by=ordered("industry"))
    contact = tables.Column(verbose_name=_("Contact person"), orderable=False)
    phone = PersonalColumn(kind="phone", village="region_id", verbose_name=_("Phone"))
    project_count = tables.Column(verbose_name=_("Projects"), order_by=ordered("project_count"))

    class Meta:
        model = Partner
        fields = (
            "name",
            "kind",
            "credit_code",
            "region_code",
            "region_name",
            "industry",
            "contact",
            "phone",
            "project_count",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


class ParticipantTable(UserTable):
    name = tables.Column(
        verbose_name=_("Name"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("name"),
    )
    project = tables.Column(
        accessor="project__name",
        verbose_name=_("Project"),
        linkify=lambda record: record.project.get_absolute_url(),
        order_by=ordered("project__name"),
    )
    region_code = region_code_column(_("Village code"))
    region_name = region_name_column(_("Village"))
    household = tables.Column(
        accessor="household__number", verbose_name=_("Household number"), orderable=False
    )
    id_number = PersonalColumn(kind="id_number", village="region_id", verbose_name=_("ID number"))
    phone = PersonalColumn(
        accessor="household__phone", kind="phone", village="region_id", verbose_name=_("Phone")
    )
    is_poor = YesNoColumn(verbose_name=_("Registered poor"), order_by=ordered("is_poor"))
    is_shareholder = YesNoColumn(verbose_name=_("Shareholder"), order_by=ordered("is_shareholder"))
    is_worker = YesNoColumn(verbose_name=_("Worker"), order_by=ordered("is_worker"))
    is_trainee = YesNoColumn(verbose_name=_("Trainee"), order_by=ordered("is_trainee"))
    shares_held = MoneyColumn(verbose_name=_("Shares"), order_by=ordered("shares_held"))
    joined_on = tables.DateColumn(
        verbose_name=_("Joined"), format="Y-m-d", order_by=ordered("joined_on")
    )

    class Meta:
        model = Participant
        fields = (
            "name",
            "project",
            "region_code",
            "region_name",
            "household",
            "id_number",
            "phone",
            "is_poor",
            "is_shareholder",
            "is_worker",
            "is_trainee",
            "shares_held",
            "joined_on",
        )
        order_by = ("project",)
        attrs = {"class": "table"}


class PurchaseContractTable(UserTable):
    buyer = tables.Column(
        verbose_name=_("Buyer"),
        linkify=lambda record: record.get_absolute_url(),
        order_by=ordered("buyer"),
    )
    buyer_place = tables.Column(verbose_name=_("Buyer's region"), order_by=ordered("buyer_place"))
    region = tables.Column(
        accessor="project__region_id", verbose_name=_("Region code"), orderable=False
    )
    project = tables.Column(
        accessor="project__name",
        verbose_name=_("Project"),
        linkify=lambda record: record.project.get_absolute_url(),
        order_by=ordered("project__name"),
    )
    product = tables.Column(verbose_name=_("Product"), order_by=ordered("product"))
    quantity = tables.Column(verbose_name=_("Quantity"), order_by=ordered("quantity"))
    unit = tables.Column(verbose_name=_("Unit"), orderable=False)
    price = tables.Column(verbose_name=_("Price per unit (yuan)"), order_by=ordered("price"))
    delivered = MoneyColumn(verbose_name=_("Delivered"), order_by=ordered("delivered"))
    paid = MoneyColumn(verbose_name=_("Paid (yuan)"), order_by=ordered("paid"))
    starts_on = tables.DateColumn(
        verbose_name=_("From"), format="Y-m-d", order_by=ordered("starts_on")
    )
    ends_on = tables.DateColumn(verbose_name=_("To"), format="Y-m-d", order_by=ordered("ends_on"))
    status = tables.Column(verbose_name=_("Status"), order_by=ordered("status"))

    class Meta:
        model = PurchaseContract
        fields = (
            "buyer",
            "buyer_place",
            "region",
            "project",
            "product",
            "quantity",
            "unit",
            "price",
            "delivered",
            "paid",
            "starts_on",
            "ends_on",
            "status",
        )
        order_by = ("-starts_on",)
        attrs = {"class": "table"}
