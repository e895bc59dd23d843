"""Party organisations, their members, members' tags, development steps and service logs.

The organisation tree is separate from the region tree: an organisation covers one or more
regions (a village branch its village; a park committee several villages, maybe of two
counties; an organ's branch its county), and belongs to every county it covers. Members carry
their own region code (the village they live in, or the organ's region) and a denormalised
county code (DESIGN §3 rule 1), so the member list scopes without a join.
"""

import datetime
from typing import ClassVar

from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ScopedQuerySet, SpanningQuerySet
from fupin.audit.models import Recorded
from fupin.party.choices import (
    Channel,
    MembershipStatus,
    OrgKind,
    OrgLevel,
    ServiceKind,
    Stage,
    TagKind,
)
from fupin.regions.models import RegionalRecord, region_key
from fupin.registry.choices import Education, Ethnicity, Sex

MEMBER_STAGES = (Stage.PROBATIONARY, Stage.FULL)


class Organisation(models.Model):
    """One party organisation (党委, 党总支, 党支部 or 党小组), open, or closed by a
    reorganisation."""

    scope_relation: ClassVar[str] = "coverage"

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=OrgLevel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The smallest region that holds every covered region: where lists sort and group it.
    region = region_key(_("region"))
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True)
    secretary = models.ForeignKey(
        "Member",
        verbose_name=_("secretary"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    committee_members = models.CharField(_("committee members"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SpanningQuerySet.as_manager()

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("party:organisation-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


def with_member_count(organisations: "QuerySet[Organisation]") -> "QuerySet[Organisation]":
    """`member_count`: members proper (probationary and full, not applicants, activists or
    development targets), as a correlated subquery that runs only for the rows shown."""
    members = (
        Member.objects.filter(organisation=OuterRef("pk"), stage__in=MEMBER_STAGES)
        .order_by()
        .values("organisation")
        .annotate(n=Count("*"))
        .values("n")
    )
    return organisations.annotate(member_count=Coalesce(Subquery(members), Value(0)))


class Coverage(RegionalRecord):
    """One region an organisation covers; an organisation has one row per covered region."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coverage"
    )
    region = region_key(_("region"))
    county_code = models.CharField(_("county code"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("coverage")
        verbose_name_plural = _("coverage")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "region"], name="coverage_unique"),
        ]
        # Scoping asks "which organisations cover a region under this prefix".
        indexes = [models.Index(fields=["region", "organisation"], name="coverage_region")]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.region_id}"


class Reorganisation(Recorded):
    """One merge or split: the organisations it closed and the ones that took their members."""

    scope_relation: ClassVar[str] = "regions"

    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    sources = models.ManyToManyField(
        Organisation, verbose_name=_("closed organisations"), related_name="closed_by"
    )
    successors = models.ManyToManyField(
        Organisation, verbose_name=_("successors"), related_name="created_by"
    )
    members_moved = models.PositiveIntegerField(_("members moved"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SpanningQuerySet.as_manager()

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("party:reorganisation-detail", args=[self.pk])


class ReorganisationRegion(models.Model):
    """A region a reorganisation touched (every region its organisations covered): its scope."""

    scope_field: ClassVar[str] = "region__code"

    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.CASCADE, related_name="regions"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_column="region_code"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "region"], name="reorganisation_region_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reorganisation_id} {self.region_id}"


class Member(RegionalRecord):
    """One party member, or a person on the way to membership (applicant, activist, target),
    with the fields of the national member information form (党员信息采集表)."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    # Indexed by (organisation, stage) below, which serves every lookup by organisation.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,
    )
    # Where the member lives (a village of the organisation's coverage) or the organ's region.
    region = region_key(_("region"))
    county_code = models.CharField(_("county code"), max_length=6, editable=False, blank=True)
    # The registry's record when the member is registered as poor (a poor member).
    # Protected: a registry record is not deleted while it is someone's poor-member link.
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("registered person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_members",
    )
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    id_number = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(
        _("education"), max_length=16, choices=Education.choices, blank=True
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.FULL)
    joined_on = models.DateField(_("joining date"), null=True, blank=True)
    full_on = models.DateField(_("date made full member"), null=True, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NORMAL,
    )
    lost_contact_on = models.DateField(_("lost contact since"), null=True, blank=True)
    migrant_to = models.CharField(_("migrant destination"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["region_id", "organisation_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["county_code", "id_number"], name="member_id_unique"),
        ]
        indexes = [
            # A person is a member of one organisation anywhere: checked across counties.
            models.Index(fields=["id_number"], name="member_id_number"),
            models.Index(fields=["organisation", "stage"], name="member_org_stage"),
            models.Index(fields=["stage", "region"], name="member_stage_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("party:member-detail", args=[self.pk])


class MemberTag(RegionalRecord):
    """One programme tag of a member (poor member, wealth leader, returnee…) with its dates."""

    scope_field: ClassVar[str] = "region_code"
    county_source: ClassVar[str] = "region_code"

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="tags"
    )
    region_code = models.CharField(_("region code"), max_length=12, editable=False)
    county_code = models.CharField(_("county code"), max_length=6, editable=False, blank=True)
    kind = models.CharField(_("tag"), max_length=16, choices=TagKind.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)
    # Returnee (回引): where from and what they founded.
    came_from = models.CharField(_("returned from"), max_length=100, blank=True)
    founded = models.CharField(_("what they founded"), max_length=200, blank=True)
    # No-post member with a post (设岗定责), or a cadre's organ.
    post = models.CharField(_("post"), max_length=100, blank=True)
    duties = models.CharField(_("duties"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("member tag")
        verbose_name_plural = _("member tags")
        ordering = ["member_id", "kind", "since"]
        indexes = [models.Index(fields=["kind", "region_code"], name="tag_kind_region")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}"

    @property
    def current(self) -> bool:
        return self.until is None or self.until >= datetime.date.today()


class DevelopmentStep(RegionalRecord, Recorded):
    """One step of a member's development (发展党员): the stage reached, when, approved by whom."""

    scope_field: ClassVar[str] = "region_code"
    county_source: ClassVar[str] = "region_code"

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="steps"
    )
    region_code = models.CharField(_("region code"), max_length=12, editable=False)
    county_code = models.CharField(_("county code"), max_length=6, editable=False, blank=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    on = models.DateField(_("date"))
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)
    # An activist has two contacts (培养联系人), named here.
    contacts = models.CharField(_("contacts"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("development step")
        verbose_name_plural = _("development steps")
        ordering = ["member_id", "on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "stage"], name="step_stage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.stage} {self.on}"


class ServiceLog(RegionalRecord, Recorded):
    """One service a member did for a village: a migrant member's help from afar by phone or
    WeChat, a no-post member's volunteer or post duty."""

    scope_field: ClassVar[str] = "village__code"
    county_source: ClassVar[str] = "village_id"

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="services"
    )
    village = region_key(_("village"), db_column="village_code")
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=ServiceKind.choices)
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.IN_PERSON
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("service log")
        verbose_name_plural = _("service logs")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["village", "on"], name="service_village_on")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.on} {self.kind}"

    def get_absolute_url(self) -> str:
        return reverse("party:servicelog-list")
