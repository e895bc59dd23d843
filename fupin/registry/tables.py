"""Tables of the registry. ID numbers, phones and birth dates are `PersonalColumn`s
(fupin/lib/tables.py): masked for who may not see the record's personal data."""

import django_tables2 as tables
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fupin.lib.tables import (
    PersonalColumn,
    UserTable,
    ordered,
    region_code_column,
    region_name_column,
)
from fupin.registry.choices import NOT_REPORTED, Relation
from fupin.registry.models import Household, Person


def with_list_columns(households: QuerySet[Household]) -> QuerySet[Household]:
    """Households with what the list shows of their members, as correlated subqueries: they run
    for the rows of one page only, and counting the rows for the pager skips them."""
    members = Person.objects.filter(household=OuterRef("pk")).order_by()
    head = members.filter(relation=Relation.HEAD).order_by("id")
    return households.select_related("village").annotate(
        member_count=Coalesce(
            Subquery(members.values("household").annotate(n=Count("*")).values("n")), Value(0)
        ),
        head_name=Subquery(head.values("name")[:1]),
        head_id_number=Subquery(head.values("id_number")[:1]),
    )


# Households are unique by village and number: each sort ends with them.
BY_NUMBER = ("village", "number")


class HouseholdTable(UserTable):
    village_code = region_code_column(
        _("Village code"), "village", order_by=ordered("village", unique=BY_NUMBER)
    )
    village_name = region_name_column(
        _("Village"), "village", order_by=ordered("village", unique=BY_NUMBER)
    )
    number = tables.Column(linkify=True, verbose_name=_("Household number"))
    head_name = tables.Column(
        verbose_name=_("Head of household"),
        order_by=ordered("head_name", unique=BY_NUMBER),
        default="",
    )
    head_id_number = PersonalColumn(kind="id_number", verbose_name=_("ID number of the head"))
    member_count = tables.Column(
        verbose_name=_("Household size"), order_by=ordered("member_count", unique=BY_NUMBER)
    )
    attribute = tables.Column(
        verbose_name=_("Attribute"), order_by=ordered("attribute", unique=BY_NUMBER)
    )
    main_cause = tables.Column(
        verbose_name=_("Main cause"), order_by=ordered("main_cause", unique=BY_NUMBER)
    )
    status = tables.Column(verbose_name=_("Status"), order_by=ordered("status", unique=BY_NUMBER))
    registered_in = tables.Column(
        verbose_name=_("Registered in"), order_by=ordered("registered_in", unique=BY_NUMBER)
    )
    phone = PersonalColumn(kind="phone", verbose_name=_("Contact phone"))

    class Meta:
        model = Household
        fields = (
            "village_code",
            "village_name",
            "number",
            "head_name",
            "head_id_number",
            "member_count",
            "attribute",
            "main_cause",
            "status",
            "registered_in",
            "phone",
        )
        attrs = {"class": "table"}


class PersonTable(UserTable):
    name = tables.Column(verbose_name=_("Name"), orderable=False)
    id_number = PersonalColumn(
        kind="id_number", village="village_code", verbose_name=_("ID number")
    )
    relation = tables.Column(verbose_name=_("Relation to the head"), orderable=False)
    sex = tables.Column(verbose_name=_("Sex"), orderable=False)
    birth_date = PersonalColumn(
        kind="birth_date", village="village_code", verbose_name=_("Birth date")
    )
    health = tables.Column(verbose_name=_("Health"), orderable=False, default=NOT_REPORTED)
    labour = tables.Column(verbose_name=_("Labour ability"), orderable=False, default=NOT_REPORTED)
    schooling = tables.Column(verbose_name=_("In school"), orderable=False, default=NOT_REPORTED)
    work_place = tables.Column(
        verbose_name=_("Place of work"), orderable=False, default=NOT_REPORTED
    )
    political = tables.Column(
        verbose_name=_("Political status"), orderable=False, default=NOT_REPORTED
    )
    edit = tables.TemplateColumn(
        template_name="registry/person_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Person
        fields = (
            "name",
            "id_number",
            "relation",
            "sex",
            "birth_date",
            "health",
            "labour",
            "schooling",
            "work_place",
            "political",
            "edit",
        )
        attrs = {"class": "table"}
