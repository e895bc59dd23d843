"""Tables of the registry, and the one rule for showing personal data.

ID numbers, phones and bank accounts are shown in full only where the user holds the
personal-data capability over the record's village (every role but the auditor); elsewhere
they are masked. Pages, exports (which are these tables) and the API (its serializers call
`personal`) all go through `personal`, so the rule is written once.
"""

import datetime
from collections.abc import Callable
from typing import Any

import django_tables2 as tables
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Action
from fupin.accounts.scoping import covers
from fupin.lib.ids import mask_account, mask_id, mask_phone
from fupin.lib.tables import UserTable, ordered, region_code_column, region_name_column
from fupin.registry.choices import Relation
from fupin.registry.models import Household, Person


def mask_birth_date(value: datetime.date | str) -> str:
    """Only the year: with the full date beside a masked ID (whose hidden digits are the birth
    date), the ID could be read back whole."""
    return f"{str(value)[:4]}-**-**"


MASKS: dict[str, Callable[[Any], str]] = {
    "id_number": mask_id,
    "phone": mask_phone,
    "bank_account": mask_account,
    "birth_date": mask_birth_date,
}


def sees_personal_data(user: Any, village_code: str) -> bool:
    return covers(user, village_code, Action.PERSONAL_DATA)


def personal(user: Any, village_code: str, kind: str, value: Any) -> Any:
    """`value` (of the kind named by a key of MASKS) as `user` may see it."""
    if value in (None, "") or sees_personal_data(user, village_code):
        return value
    return MASKS[kind](value)


class PersonalColumn(tables.Column):
    """A personal identifier, masked unless the table's user may see it in the row's village.

    Never sortable: the order of hidden digits would tell what the mask hides.
    """

    def __init__(self, *args: Any, kind: str, village: str = "village_id", **kwargs: Any):
        kwargs["orderable"] = False
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.village = village

    def render(self, value: Any, record: Any, table: Any) -> Any:
        if isinstance(value, datetime.date):
            value = value.isoformat()
        return personal(table.user, getattr(record, self.village), self.kind, value)

    def value(self, **kwargs: Any) -> Any:
        return self.render(kwargs["value"], kwargs["record"], kwargs["table"])


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
    health = tables.Column(verbose_name=_("Health"), orderable=False)
    labour = tables.Column(verbose_name=_("Labour ability"), orderable=False)
    schooling = tables.Column(verbose_name=_("In school"), orderable=False)
    work_place = tables.Column(verbose_name=_("Place of work"), orderable=False)
    political = tables.Column(verbose_name=_("Political status"), orderable=False)
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
