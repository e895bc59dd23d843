"""Tables of the party pages (and so of their exports).

ID numbers, birth dates and phones of members go through the one rule for personal data
(`fupin.lib.tables.personal`, decided per record by the scoping module): the auditor sees them
masked, on the page and in the export alike.
"""

from typing import Any

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.lib.tables import (
    PersonalColumn,
    UserTable,
    ordered,
    region_code_column,
    region_name_column,
)
from fupin.party.actions import common_region
from fupin.party.models import Member, Organisation, Reorganisation, ServiceLog, with_member_count


def organisation_rows(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """What the organisation list shows beside the row: its region's name, parent and
    secretary by join, its member count by a subquery run for the rows of one page only."""
    return with_member_count(organisations.select_related("region", "parent", "secretary"))


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name=_("Name"), order_by=ordered("name"))
    level = tables.Column(verbose_name=_("Level"), order_by=ordered("level"))
    kind = tables.Column(verbose_name=_("Kind"), order_by=ordered("kind"))
    region_code = region_code_column(_("Region code"), order_by=ordered("region", "name"))
    region_name = region_name_column(_("Region"), order_by=ordered("region", "name"))
    parent = tables.Column(
        accessor="parent__name", verbose_name=_("Parent organisation"), orderable=False
    )
    secretary = tables.Column(
        accessor="secretary__name", verbose_name=_("Secretary"), orderable=False
    )
    member_count = tables.Column(verbose_name=_("Member count"), order_by=ordered("member_count"))
    founded_on = tables.DateColumn(
        verbose_name=_("Founding date"), format="Y-m-d", order_by=ordered("founded_on")
    )
    closed_on = tables.DateColumn(
        verbose_name=_("Closing date"), format="Y-m-d", order_by=ordered("closed_on")
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "level",
            "kind",
            "region_code",
            "region_name",
            "parent",
            "secretary",
            "member_count",
            "founded_on",
            "closed_on",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


def member_rows(members: QuerySet[Member]) -> QuerySet[Member]:
    """Members with their organisation and village by join, their tags in one more query."""
    return members.select_related("organisation", "region").prefetch_related("tags")


class TagsColumn(tables.Column):
    """The member's tags that hold today, by name."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(accessor="pk", orderable=False)
        super().__init__(**kwargs)

    def render(self, record: Member) -> str:
        return "、".join(str(t.get_kind_display()) for t in record.tags.all() if t.current)

    def value(self, record: Member, **kwargs: Any) -> str:
        return self.render(record)


class MemberTable(UserTable):
    name = tables.Column(linkify=True, verbose_name=_("Full name"), order_by=ordered("name"))
    id_number = PersonalColumn(kind="id_number", village="region_id", verbose_name=_("ID number"))
    sex = tables.Column(verbose_name=_("Sex"), orderable=False)
    birth_date = PersonalColumn(
        kind="birth_date", village="region_id", verbose_name=_("Birth date")
    )
    organisation = tables.Column(
        linkify=True,
        verbose_name=_("Organisation"),
        order_by=ordered("organisation__name"),
    )
    region_code = region_code_column(_("Region code"))
    region_name = region_name_column(_("Village"))
    stage = tables.Column(verbose_name=_("Stage"), order_by=ordered("stage"))
    joined_on = tables.DateColumn(
        verbose_name=_("Joining date"), format="Y-m-d", order_by=ordered("joined_on")
    )
    status = tables.Column(verbose_name=_("Membership status"), order_by=ordered("status"))
    tags = TagsColumn(verbose_name=_("Tags"))
    migrant_to = tables.Column(verbose_name=_("Migrant destination"), orderable=False)
    phone = PersonalColumn(kind="phone", village="region_id", verbose_name=_("Phone"))

    class Meta:
        model = Member
        fields = (
            "name",
            "id_number",
            "sex",
            "birth_date",
            "organisation",
            "region_code",
            "region_name",
            "stage",
            "joined_on",
            "status",
            "tags",
            "migrant_to",
            "phone",
        )
        order_by = ("region_code",)
        attrs = {"class": "table"}


class ServiceLogTable(tables.Table):
    on = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", order_by=ordered("on"))
    member = tables.Column(
        linkify=True, verbose_name=_("Party member"), order_by=ordered("member__name")
    )
    village_code = region_code_column(_("Village code"), "village")
    village_name = region_name_column(_("Village"), "village")
    kind = tables.Column(verbose_name=_("Kind"), order_by=ordered("kind"))
    channel = tables.Column(verbose_name=_("Channel"), order_by=ordered("channel"))
    note = tables.Column(verbose_name=_("Note"), orderable=False)
    recorded_by = tables.Column(verbose_name=_("Recorded by"), orderable=False)

    class Meta:
        model = ServiceLog
        fields = (
            "on",
            "member",
            "village_code",
            "village_name",
            "kind",
            "channel",
            "note",
            "recorded_by",
        )
        attrs = {"class": "table"}


def reorganisation_rows(rows: QuerySet[Reorganisation]) -> QuerySet[Reorganisation]:
    """Reorganisations with their organisations and regions: three more queries a page."""
    return rows.select_related("recorded_by").prefetch_related("sources", "successors", "regions")


class NamesColumn(tables.Column):
    """The names of a many-to-many relation's organisations, joined with ＋."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)

    def render(self, value: Any) -> str:
        return " ＋ ".join(o.name for o in value.all())

    def value(self, value: Any, **kwargs: Any) -> str:
        return self.render(value)


class ReorganisationTable(tables.Table):
    on = tables.DateColumn(
        linkify=True, verbose_name=_("Date"), format="Y-m-d", order_by=("on", "pk")
    )
    region = tables.Column(accessor="pk", verbose_name=_("Region code"), orderable=False)
    sources = NamesColumn(verbose_name=_("Closed organisations"))
    successors = NamesColumn(verbose_name=_("Successors"))
    members_moved = tables.Column(verbose_name=_("Members moved"), order_by=("members_moved", "pk"))
    recorded_by = tables.Column(verbose_name=_("Recorded by"), orderable=False)
    note = tables.Column(verbose_name=_("Note"), orderable=False)

    class Meta:
        model = Reorganisation
        fields = ("on", "region", "sources", "successors", "members_moved", "recorded_by", "note")
        attrs = {"class": "table"}

    def render_region(self, record: Reorganisation) -> str:
        """The smallest region holding everything the reorganisation touched."""
        codes = sorted(r.region_id for r in record.regions.all())
        return common_region(codes) if codes else ""

    def value_region(self, record: Reorganisation) -> str:
        return self.render_region(record)
