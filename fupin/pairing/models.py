"""Pairing (结对帮扶): helpers, their pairings with beneficiaries, household plans (一户一策)
with their measures, visits (走访), cap rules, and the optimiser's proposals.

A helper is a party member (a village member, a wealth leader, an organ's cadre) who works in a
region: a village, or the county or city of the organ. A beneficiary is a registered household
not yet exited, or a poor party member. Every large table carries the beneficiary's village
code and its county code (DESIGN §3 rule 1), so lists scope without a join. Helpers themselves
see only their own pairings, households, plans and visits (registered in apps.py).
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ReferenceQuerySet, ScopedQuerySet, ThroughQuerySet
from fupin.lib.fields import HundredthsField, user_key
from fupin.pairing.choices import (
    MeasureCategory,
    MeasureStatus,
    PairingKind,
    ProposalChange,
    ProposalStatus,
    Skill,
    Source,
)
from fupin.pairing.solver import MAX_CAP
from fupin.regions.codes import county_of
from fupin.regions.models import RegionalRecord, region_key

if TYPE_CHECKING:
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    from fupin.party.models import Member
    from fupin.registry.models import Household

    # Optional keys: what may be set, and what is read.
    HouseholdKey = models.ForeignKey[Household | Combinable | None, Household | None]
    MemberKey = models.ForeignKey[Member | Combinable | None, Member | None]

DEFAULT_CAP = 5
DEFAULT_LEADER_CAP = 7


def beneficiary_keys(related_name: str) -> "tuple[HouseholdKey, MemberKey]":
    """The household and the poor party member a pairing or a visit is for: each optional,
    exactly one set (`ONE_BENEFICIARY`), and protected: a beneficiary with a history of help
    is not deleted."""

    def key(to: str, verbose_name: "StrOrPromise") -> "models.ForeignKey[Any, Any]":
        return models.ForeignKey(
            to,
            verbose_name=verbose_name,
            on_delete=models.PROTECT,
            null=True,
            blank=True,
            related_name=related_name,
        )

    return key("registry.Household", _("household")), key("party.Member", _("poor party member"))


ONE_BENEFICIARY = Q(household__isnull=True) ^ Q(member__isnull=True)


class CapRule(models.Model):
    """How many beneficiaries a helper may take, for a region's subtree: primary and secondary
    pairings separately, and a higher primary cap for wealth leaders and project leaders. The
    rule of the nearest region above a helper's applies; without one, 5 and 7."""

    scope_field: ClassVar[str] = "region__code"

    region = models.OneToOneField(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="region_code",
    )
    primary_cap = models.PositiveSmallIntegerField(
        _("primary cap"),
        default=DEFAULT_CAP,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAP)],
    )
    leader_cap = models.PositiveSmallIntegerField(
        _("primary cap of a leader"),
        default=DEFAULT_LEADER_CAP,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAP)],
    )
    secondary_cap = models.PositiveSmallIntegerField(
        _("secondary cap"),
        default=DEFAULT_CAP,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CAP)],
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("cap rule")
        verbose_name_plural = _("cap rules")
        ordering = ["region_id"]

    def __str__(self) -> str:
        return str(self.region_id)


class Helper(RegionalRecord):
    """A party member who helps poor households (帮扶责任人): where they work, what they know,
    whether they lead (a wealth leader or project leader takes more households), and the login
    that opens their own pages. A registered poor person is never a helper."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    member = models.OneToOneField(
        "party.Member",
        verbose_name=_("party member"),
        on_delete=models.PROTECT,
        related_name="helper",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helper",
    )
    # A village, a township, a county (a county organ's cadre) or a city (a city organ's cadre,
    # who may help anywhere in the city).
    region = region_key(_("region of work"))
    county_code = models.CharField(_("county code"), max_length=6, editable=False, blank=True)
    # Skill codes separated by commas (choices.Skill).
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    is_leader = models.BooleanField(_("wealth or project leader"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")
        ordering = ["region_id", "id"]
        indexes = [models.Index(fields=["county_code", "active"], name="helper_county_active")]

    def __str__(self) -> str:
        return self.member.name

    def get_absolute_url(self) -> str:
        return reverse("pairing:helper-detail", args=[self.pk])

    @property
    def skills(self) -> list[str]:
        return [s for s in self.expertise.split(",") if s]

    def get_skills_display(self) -> str:
        labels = dict(Skill.choices)
        return "、".join(str(labels.get(s, s)) for s in self.skills)


class Pairing(RegionalRecord):
    """One helper paired with one beneficiary: a household, or a poor party member. Primary
    (every beneficiary has exactly one current) or secondary; current while `ended_on` is
    empty. Ended pairings stay as history."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    helper = models.ForeignKey(
        Helper, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="pairings"
    )
    household, member = beneficiary_keys("pairings")
    # The beneficiary's village (rule 1).
    region = region_key(_("village"))
    kind = models.CharField(
        _("kind"), max_length=16, choices=PairingKind.choices, default=PairingKind.PRIMARY
    )
    started_on = models.DateField(_("start date"), default=datetime.date.today)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    source = models.CharField(
        _("made"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    made_by = user_key(_("made by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["region_id", "-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_BENEFICIARY,
                name="pairing_one_beneficiary",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pairing_dates_in_order",
            ),
            # One current primary helper per beneficiary.
            models.UniqueConstraint(
                fields=["county_code", "household"],
                condition=Q(kind="primary", ended_on__isnull=True, household__isnull=False),
                name="pairing_one_primary_household",
            ),
            models.UniqueConstraint(
                fields=["county_code", "member"],
                condition=Q(kind="primary", ended_on__isnull=True, member__isnull=False),
                name="pairing_one_primary_member",
            ),
        ]
        indexes = [
            models.Index(fields=["helper", "ended_on"], name="pairing_helper_current"),
            models.Index(fields=["county_code", "ended_on", "kind"], name="pairing_county_current"),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.beneficiary_name}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:pairing-detail", args=[self.pk])

    @property
    def beneficiary_name(self) -> str:
        if self.member_id is not None:
            return self.member.name  # type: ignore[union-attr]
        return str(self.household)

    @property
    def current(self) -> bool:
        return self.ended_on is None


class HouseholdPlan(RegionalRecord):
    """A household's plan for one year (一户一策) in the programme's five sections: its
    situation, its problems, the measures (rows of `Measure`), who is responsible, and the
    exit target with its deadline."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    region = region_key(_("village"))
    year = models.PositiveSmallIntegerField(_("year"))
    situation = models.TextField(_("situation"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    responsibilities = models.TextField(_("responsibilities"), blank=True)
    exit_target = models.CharField(_("exit target"), max_length=200, blank=True)
    exit_deadline = models.DateField(_("exit deadline"), null=True, blank=True)
    # The skill the main measure needs (matched against helpers' expertise by the optimiser).
    main_need = models.CharField(_("main need"), max_length=16, choices=Skill.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household plan")
        verbose_name_plural = _("household plans")
        ordering = ["region_id", "household_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household", "year"], name="plan_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:plan-detail", args=[self.pk])


class Measure(RegionalRecord):
    """One measure of a household plan: its national category, cost, responsible unit,
    deadline and status. The plan's main measure is the one marked main."""

    scope_field: ClassVar[str] = "region_code"
    county_source: ClassVar[str] = "region_code"

    plan = models.ForeignKey(
        HouseholdPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    region_code = models.CharField(_("village code"), max_length=12, editable=False)
    category = models.CharField(_("category"), max_length=16, choices=MeasureCategory.choices)
    description = models.CharField(_("measure"), max_length=300)
    is_main = models.BooleanField(_("main measure"), default=False)
    cost = HundredthsField(_("cost (yuan)"), default=Decimal(0), validators=[MinValueValidator(0)])
    responsible_unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["plan_id", "-is_main", "id"]

    def __str__(self) -> str:
        return self.description


class Visit(RegionalRecord):
    """A helper's visit (走访) to a beneficiary: when, what was done, what follows."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    helper = models.ForeignKey(
        Helper, verbose_name=_("helper"), on_delete=models.PROTECT, related_name="visits"
    )
    household, member = beneficiary_keys("visits")
    region = region_key(_("village"))
    visited_on = models.DateField(_("date of visit"))
    done = models.TextField(_("what was done"))
    follow_ups = models.TextField(_("follow-ups"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=ONE_BENEFICIARY,
                name="visit_one_beneficiary",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "visited_on"], name="visit_household_date"),
            models.Index(fields=["county_code", "visited_on"], name="visit_county_date"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.helper}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:visit-detail", args=[self.pk])


class Proposal(models.Model):
    """What the optimiser proposes for a region: the figures (`summary`: beneficiaries,
    assigned, unassigned, cost before and after, load histogram) and one item per changed or
    unassignable beneficiary (rows of `ProposalItem`), until it is applied as one action or
    discarded."""

    scope_field: ClassVar[str] = "region__code"

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        db_column="region_code",
    )
    rebalance = models.BooleanField(_("rebalance"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    summary = models.JSONField(_("summary"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing proposal")
        verbose_name_plural = _("pairing proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("pairing:proposal-detail", args=[self.pk])


class ProposalItem(models.Model):
    """One beneficiary of a proposal: a new pairing (no primary helper before), a changed one
    (old helper → new), or a beneficiary the optimiser could not pair, with the reason. Names
    are kept as they were proposed, so the diff reads the same later. A province's proposal has
    hundreds of thousands of items, which is why they are rows and not one JSON value: the page
    and the API page them, applying reads them in chunks. Seen exactly when its proposal is."""

    scope_through: ClassVar[str] = "proposal"

    # db_index off: the page's index below starts with the proposal.
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("pairing proposal"),
        on_delete=models.CASCADE,
        related_name="items",
        db_index=False,
    )
    change = models.CharField(_("change"), max_length=16, choices=ProposalChange.choices)
    # The beneficiary and the helpers as the optimiser saw them: plain ids (no database
    # constraint, no index), so that a proposal neither holds a household back from deletion
    # nor slows the registry's writes; applying checks them against the current pairings.
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    member = models.ForeignKey(
        "party.Member",
        verbose_name=_("poor party member"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("beneficiary"), max_length=100, blank=True)
    # The beneficiary's village (rule 1).
    region_code = models.CharField(_("village code"), max_length=12)
    county_code = models.CharField(_("county code"), max_length=6, editable=False)
    old_helper = models.ForeignKey(
        Helper,
        verbose_name=_("old helper"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    old_name = models.CharField(_("old helper's name"), max_length=100, blank=True)
    new_helper = models.ForeignKey(
        Helper,
        verbose_name=_("new helper"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    new_name = models.CharField(_("new helper's name"), max_length=100, blank=True)
    # Why an unassignable beneficiary stays so (solver.NO_HELPER_IN_REACH, HELPERS_AT_CAP).
    reason = models.CharField(_("reason"), max_length=32, blank=True)
    # The names of the nearest helpers an unassignable beneficiary could have had (all full).
    nearest = models.CharField(_("nearest helpers"), max_length=200, blank=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing proposal item")
        verbose_name_plural = _("pairing proposal items")
        ordering = ["proposal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=True) ^ Q(member__isnull=True),
                name="proposal_item_one_beneficiary",
            ),
            # A beneficiary appears once in a proposal.
            models.UniqueConstraint(
                fields=["proposal", "county_code", "household"],
                condition=Q(household__isnull=False),
                name="proposal_item_one_household",
            ),
            models.UniqueConstraint(
                fields=["proposal", "county_code", "member"],
                condition=Q(member__isnull=False),
                name="proposal_item_one_member",
            ),
        ]
        # The page's sections and the API: one kind of change of one proposal, in order.
        indexes = [
            models.Index(fields=["proposal", "change", "id"], name="proposal_item_page"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_change_display()})"

    @classmethod
    def of(cls, proposal: Proposal, item: dict[str, Any]) -> "ProposalItem":
        """The row of one item as the optimiser gives it (optimise.ProposalResult.items)."""
        household = item["kind"] == "household"
        old, new = item.get("old") or None, item.get("new") or None
        return cls(
            proposal=proposal,
            change=change_of(old, new),
            household_id=item["id"] if household else None,
            member_id=None if household else item["id"],
            name=item.get("name") or "",
            region_code=item["village"],
            county_code=county_of(item["village"]),
            old_helper_id=old,
            old_name=item.get("old_name") or "",
            new_helper_id=new,
            new_name=item.get("new_name") or "",
            reason=item.get("reason") or "",
            nearest=(item.get("nearest") or "")[:200],
        )

    @property
    def kind(self) -> str:
        """The beneficiary's kind as the optimiser's items say: household or member."""
        return "household" if self.household_id is not None else "member"

    @property
    def beneficiary_id(self) -> int:
        return self.household_id if self.household_id is not None else self.member_id  # type: ignore[return-value]

    @property
    def village(self) -> str:
        return self.region_code


def change_of(old: int | None, new: int | None) -> str:
    """An item's change: no new helper is unassignable; a new one is new or changed."""
    if not new:
        return ProposalChange.UNASSIGNABLE
    return ProposalChange.CHANGED if old else ProposalChange.NEW
