"""Demonstration industry projects (示范项目): the projects party members lead, the villages they
cover, their approval, partners (leading enterprises and industry households), participants
and their yearly income, the share register (入股), dividend runs (分红) and purchase contracts
(订单扶贫).

A project covers one or more villages (`ProjectVillage`, like an organisation's coverage): a
user sees it when one covered village lies in their subtree and changes it only when all do.
The records that belong to a project (participants, share entries, runs, contracts) are scoped
through their project (`ThroughQuerySet`), so the rule is written once.

Money and land are exact (`HundredthsField`: integer fen and hundredths of a 亩). A recorded
dividend run is never changed: a reversing run with the opposite amounts corrects it.
"""

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ScopedQuerySet, SpanningQuerySet, ThroughQuerySet
from fupin.audit.models import Recorded
from fupin.lib.fields import HundredthsField, user_key
from fupin.projects.choices import (
    Asset,
    ContractStatus,
    EntryKind,
    FundingSource,
    PartnerKind,
    ProjectType,
    RunStatus,
    SetupModel,
    ShortfallRule,
    Stage,
)
from fupin.regions.models import RegionalRecord, region_key

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal("0.00")


def charter_percent(verbose_name: "StrOrPromise") -> "models.DecimalField[Decimal, Decimal]":
    """A percentage the charter sets (of the profit, or of the preferred shares' paid-in value):
    0 to 100, to two places, none unless set."""
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class Partner(RegionalRecord):
    """A leading enterprise (龙头企业, with its unified social credit code) or an industry
    household (产业大户) that supports projects and serves villages. Its region is where it is
    based; its users are the administrators of that region."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    # GB 32100-2015, 18 characters; required for an enterprise, empty for a household.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region = region_key(_("region"))
    county_code = models.CharField(_("county code"), max_length=6, editable=False, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    contact = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    villages = models.ManyToManyField(
        "regions.Region", verbose_name=_("villages served"), related_name="+", blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="partner_credit_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:partner-detail", args=[self.pk])


class Project(models.Model):
    """One demonstration industry project led by party members: its type, how it was set up,
    the villages it covers, its leaders and organisation, land, start date, where it stands in
    the approval steps, and its charter (how contributions become shares and how profit is
    divided: reserve fund, village collective, guaranteed preferred dividend, the rest pro rata
    by shares)."""

    scope_relation: ClassVar[str] = "coverage"

    name = models.CharField(_("name"), max_length=100)
    type = models.CharField(_("type"), max_length=20, choices=ProjectType.choices)
    setup = models.CharField(_("set up as"), max_length=24, choices=SetupModel.choices)
    # The smallest region that holds every covered village: where lists sort and group it.
    region = region_key(_("region"))
    organisation = models.ForeignKey(
        "party.Organisation",
        verbose_name=_("party organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    leaders = models.ManyToManyField(
        "party.Member", verbose_name=_("leading party members"), related_name="projects"
    )
    partners = models.ManyToManyField(
        Partner, verbose_name=_("partners"), related_name="projects", blank=True
    )
    product = models.CharField(_("product"), max_length=100, blank=True)
    land_mu = HundredthsField(_("land (mu)"), default=ZERO, validators=[MinValueValidator(0)])
    started_on = models.DateField(_("start date"), default=datetime.date.today)
    stage = models.CharField(
        _("approval stage"), max_length=20, choices=Stage.choices, default=Stage.PROPOSED
    )
    # The charter (章程).
    share_price = HundredthsField(
        _("yuan per share"),
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    land_price = HundredthsField(
        _("yuan per mu of land contributed"), default=ZERO, validators=[MinValueValidator(0)]
    )
    reserve_percent = charter_percent(_("reserve fund (%)"))
    collective_percent = charter_percent(_("village collective (%)"))
    # Yearly guaranteed dividend on the paid-in value of preferred shares (贫困户优先股); zero
    # when the charter has none.
    preferred_rate = charter_percent(_("guaranteed preferred rate (%)"))
    shortfall_rule = models.CharField(
        _("when profit does not cover the guarantee"),
        max_length=16,
        choices=ShortfallRule.choices,
        default=ShortfallRule.PRO_RATA,
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SpanningQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["region_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reserve_percent__gte=0)
                & Q(collective_percent__gte=0)
                & Q(preferred_rate__gte=0),
                name="project_percents_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])


class ProjectVillage(RegionalRecord):
    """One village a project covers (a contiguous project covers several)."""

    scope_field: ClassVar[str] = "region__code"
    county_source: ClassVar[str] = "region_id"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="coverage")
    region = region_key(_("village"))

    class Meta:
        verbose_name = _("covered village")
        verbose_name_plural = _("covered villages")
        constraints = [
            models.UniqueConstraint(fields=["project", "region"], name="project_village_unique"),
        ]
        # Scoping asks "which projects cover a village under this prefix".
        indexes = [models.Index(fields=["region", "project"], name="project_village_region")]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.region_id}"


class Investment(models.Model):
    """Money put into a project from one source (party fees, fiscal funds, an enterprise…)."""

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investments")
    source = models.CharField(_("source"), max_length=16, choices=FundingSource.choices)
    amount = HundredthsField(_("amount (yuan)"), validators=[MinValueValidator(Decimal("0.01"))])
    invested_on = models.DateField(_("date"), null=True, blank=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        ordering = ["project_id", "source", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.amount}"


class ProjectYear(models.Model):
    """A project's figures for one year: output value, jobs, wages paid."""

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    output_value = HundredthsField(
        _("output value (yuan)"), default=ZERO, validators=[MinValueValidator(0)]
    )
    jobs = models.PositiveIntegerField(_("jobs"), default=0)
    wages_paid = HundredthsField(
        _("wages paid (yuan)"), default=ZERO, validators=[MinValueValidator(0)]
    )

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("project year")
        verbose_name_plural = _("project years")
        ordering = ["project_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="project_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.year}"


class Approval(models.Model):
    """One approval step a project passed: which, when, by whom."""

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="approvals")
    stage = models.CharField(_("step"), max_length=20, choices=Stage.choices)
    done_on = models.DateField(_("date"))
    by = user_key(_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["project_id", "done_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="approval_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.done_on}"


class Participant(RegionalRecord):
    """A household or a person in a project, as shareholder, worker or trainee (or several):
    poor villagers join with land, funds or cash, work there for wages and receive dividends.
    `household` links the registry (dividends flow into its property income); a participant
    without one (a non-poor villager, the village collective) has only a name."""

    county_source: ClassVar[str] = "region_id"

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_participations",
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_participations",
    )
    name = models.CharField(_("name"), max_length=100)
    # The participant's village (the household's), for lists and rollups.
    region = region_key(_("village"))
    is_poor = models.BooleanField(_("registered poor"), default=False)
    is_shareholder = models.BooleanField(_("shareholder"), default=False)
    is_worker = models.BooleanField(_("worker"), default=False)
    is_trainee = models.BooleanField(_("trainee"), default=False)
    joined_on = models.DateField(_("joined"), default=datetime.date.today)
    left_on = models.DateField(_("left"), null=True, blank=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "project", "household"],
                condition=Q(household__isnull=False, person__isnull=True),
                name="participant_household_once",
            ),
            models.UniqueConstraint(
                fields=["county_code", "project", "person"],
                condition=Q(person__isnull=False),
                name="participant_person_once",
            ),
        ]
        indexes = [models.Index(fields=["county_code", "is_poor"], name="participant_county")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:participant-detail", args=[self.pk])


class ParticipantIncome(models.Model):
    """What a participant gained from the project in one year: wages, dividends, other."""

    scope_through: ClassVar[str] = "participant__project"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"))
    wages = HundredthsField(_("wages (yuan)"), default=ZERO)
    dividends = HundredthsField(_("dividends (yuan)"), default=ZERO)
    other = HundredthsField(_("other income (yuan)"), default=ZERO)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant income")
        verbose_name_plural = _("participant incomes")
        ordering = ["participant_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "year"], name="participant_income_year"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.year}"

    @property
    def total(self) -> Decimal:
        return self.wages + self.dividends + self.other


class ShareEntry(RegionalRecord):
    """One dated movement in a project's share register: a contribution (land at the charter's
    price per 亩, assistance funds or cash, converted into shares at the charter's price per
    share), a transfer (a pair of entries, out of one participant and into another) or a
    withdrawal. Shares are ordinary or preferred (贫困户优先股, for poor households where the
    charter has a guaranteed rate). Entries are never edited: a correction is a new entry."""

    county_source: ClassVar[str] = "participant.county_code"

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="share_entries")
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("shareholder"),
        on_delete=models.PROTECT,
        related_name="share_entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    asset = models.CharField(_("paid in"), max_length=8, choices=Asset.choices, blank=True)
    land_mu = HundredthsField(_("land (mu)"), default=ZERO)
    # Yuan paid in (or the land's value); negative for transfers out and withdrawals.
    value = HundredthsField(_("value (yuan)"), default=ZERO)
    shares = HundredthsField(_("shares"))
    preferred = models.BooleanField(_("preferred"), default=False)
    dated_on = models.DateField(_("date"))
    # The other half of a transfer.
    counterpart = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = user_key(_("entered by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("share entry")
        verbose_name_plural = _("share entries")
        ordering = ["project_id", "dated_on", "id"]
        # The register at a date sums one project's entries up to it.
        indexes = [models.Index(fields=["project", "dated_on"], name="share_entry_register")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shares}"


class DividendRun(Recorded):
    """One distribution of a project's profit for a period: the charter as it stood, the pool
    and its parts (reserve, collective, preferred, ordinary), any shortfall of the guarantee,
    and one payout per shareholder. Proposed, approved by the township or above, then recorded
    (the dividends flow into the households' property income). A recorded run is immutable;
    `reverses` marks the run that cancels another."""

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="dividend_runs")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.PROPOSED
    )
    profit = HundredthsField(_("distributable profit (yuan)"))
    reserve = HundredthsField(_("reserve fund (yuan)"))
    reserve_drawn = HundredthsField(_("drawn from the reserve (yuan)"), default=ZERO)
    collective = HundredthsField(_("village collective (yuan)"))
    preferred_total = HundredthsField(_("preferred dividends (yuan)"))
    ordinary_total = HundredthsField(_("ordinary dividends (yuan)"))
    shortfall = HundredthsField(_("shortfall of the guarantee (yuan)"))
    # The charter as it stood when the run was computed.
    reserve_percent = models.DecimalField(_("reserve fund (%)"), max_digits=5, decimal_places=2)
    collective_percent = models.DecimalField(
        _("village collective (%)"), max_digits=5, decimal_places=2
    )
    preferred_rate = models.DecimalField(
        _("guaranteed preferred rate (%)"), max_digits=5, decimal_places=2
    )
    shortfall_rule = models.CharField(
        _("shortfall rule"), max_length=16, choices=ShortfallRule.choices
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = user_key(_("proposed by"))
    approved_by = user_key(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("dividend run")
        verbose_name_plural = _("dividend runs")
        ordering = ["project_id", "-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="dividend_run_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("projects:run-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        start, end = self.period_start, self.period_end
        if (start.month, start.day, end.month, end.day) == (
            1,
            1,
            12,
            31,
        ) and start.year == end.year:
            return str(start.year)
        return f"{start}–{end}"

    @property
    def distributed(self) -> Decimal:
        """What the shareholders receive: the sum of the payout sheet."""
        return self.preferred_total + self.ordinary_total


class DividendPayout(RegionalRecord):
    """One shareholder's dividend in a run: shares held, guaranteed preferred dividend, pro
    rata ordinary dividend and total, exact to the fen."""

    county_source: ClassVar[str] = "participant.county_code"

    scope_through: ClassVar[str] = "run__project"

    run = models.ForeignKey(DividendRun, on_delete=models.CASCADE, related_name="payouts")
    participant = models.ForeignKey(
        Participant, verbose_name=_("shareholder"), on_delete=models.PROTECT, related_name="payouts"
    )
    shares = HundredthsField(_("shares"))
    preferred = HundredthsField(_("preferred dividend (yuan)"))
    ordinary = HundredthsField(_("ordinary dividend (yuan)"))
    total = HundredthsField(_("total (yuan)"))

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("dividend payout")
        verbose_name_plural = _("dividend payouts")
        ordering = ["run_id", "participant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "run", "participant"], name="payout_once_per_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.total}"


class PurchaseContract(models.Model):
    """A purchase contract (订单扶贫): a buyer (name and where it is — 资中县兴松村 sells to
    buyers in 云南, 贵州, 成都 and 内江) agrees to buy a project's product at a price over a
    period; deliveries record what was sold."""

    scope_through: ClassVar[str] = "project"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contracts")
    buyer = models.CharField(_("buyer"), max_length=100)
    buyer_place = models.CharField(_("buyer's region"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=100)
    quantity = HundredthsField(_("quantity"), validators=[MinValueValidator(Decimal("0.01"))])
    unit = models.CharField(_("unit"), max_length=10, default="kg")
    price = HundredthsField(_("price per unit (yuan)"), validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=16, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("purchase contract")
        verbose_name_plural = _("purchase contracts")
        ordering = ["project_id", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="contract_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer} {self.product}"

    def get_absolute_url(self) -> str:
        return reverse("projects:contract-detail", args=[self.pk])

    @property
    def value(self) -> Decimal:
        return self.quantity * self.price


class Delivery(models.Model):
    """One delivery under a purchase contract."""

    scope_through: ClassVar[str] = "contract__project"

    contract = models.ForeignKey(
        PurchaseContract, on_delete=models.CASCADE, related_name="deliveries"
    )
    delivered_on = models.DateField(_("date"))
    quantity = HundredthsField(_("quantity"), validators=[MinValueValidator(Decimal("0.01"))])
    amount = HundredthsField(_("amount paid (yuan)"), validators=[MinValueValidator(0)])

    objects = ThroughQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["contract_id", "delivered_on", "id"]

    def __str__(self) -> str:
        return f"{self.delivered_on} {self.quantity}"
