"""The registration (建档立卡): households, their members, status history, incomes, and the
poverty line they are measured against.

Large tables (households, people) carry the village code and a denormalised 6-digit county
code (DESIGN §3 rule 1): scoping is a range on the village code, and every unique constraint
includes the county so the tables can later be distributed by county.
"""

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scoping import ReferenceQuerySet, ScopedQuerySet
from fupin.audit.models import Recorded
from fupin.lib.fields import HundredthsField
from fupin.regions.models import RegionalRecord, region_key
from fupin.registry.choices import (
    Attribute,
    Cause,
    Education,
    Ethnicity,
    Health,
    Housing,
    Labour,
    Political,
    Relation,
    Schooling,
    Sex,
    Standard,
    Status,
    WorkPlace,
    or_not_reported,
)

# The facts a household or a member may leave unknown (未填报: blank or null), in the order of
# the registration form. The data-quality page counts each unknown one as missing.
HOUSEHOLD_FACTS = ("arable_land", "housing", "safe_water", "electricity", "road_access")
PERSON_FACTS = (
    "ethnicity",
    "education",
    "schooling",
    "health",
    "labour",
    "work_place",
    "work_months",
    "medical_insurance",
    "pension_insurance",
    "serious_illness_insurance",
    "political",
)


class Household(RegionalRecord):
    """One registered poor household (贫困户) of a village, as on its registration form."""

    scope_field: ClassVar[str] = "village__code"
    county_source: ClassVar[str] = "village_id"

    village = region_key(_("village"), db_column="village_code")
    number = models.CharField(_("household number"), max_length=30)
    standard = models.CharField(
        _("identification standard"),
        max_length=16,
        choices=Standard.choices,
        default=Standard.NATIONAL,
    )
    attribute = models.CharField(
        _("household attribute"),
        max_length=16,
        choices=Attribute.choices,
        default=Attribute.GENERAL,
    )
    main_cause = models.CharField(_("main poverty cause"), max_length=16, choices=Cause.choices)
    other_cause_1 = models.CharField(
        _("other poverty cause"), max_length=16, choices=Cause.choices, blank=True
    )
    other_cause_2 = models.CharField(
        _("second other poverty cause"), max_length=16, choices=Cause.choices, blank=True
    )
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=32, blank=True)
    # The facts below are unknown (blank or null: 未填报) until someone reports them; the
    # exit checks read them, so nothing may claim them by default.
    # The stubs read a custom field's types from its class, not from null=True: it reads as
    # Decimal | None all the same.
    arable_land = HundredthsField(  # type: ignore[misc]
        _("arable land (mu)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    housing = models.CharField(
        _("housing safety"), max_length=16, choices=or_not_reported(Housing), blank=True
    )
    safe_water = models.BooleanField(_("safe drinking water"), null=True, blank=True)
    electricity = models.BooleanField(_("household electricity"), null=True, blank=True)
    road_access = models.BooleanField(_("road access"), null=True, blank=True)
    registered_in = models.PositiveSmallIntegerField(_("year of registration"))
    # The latest StatusChange, kept here so lists filter by status without a join.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.POOR
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["village_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "village", "number"], name="household_number_unique"
            ),
        ]
        indexes = [
            # The list of a subtree filtered by status (the most common page).
            models.Index(fields=["status", "village"], name="household_status_village"),
            models.Index(fields=["county_code", "main_cause"], name="household_county_cause"),
        ]

    def __str__(self) -> str:
        return f"{self.village_id}-{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("registry:household-detail", args=[self.pk])

    @property
    def causes(self) -> list[str]:
        return [c for c in (self.main_cause, self.other_cause_1, self.other_cause_2) if c]


class Person(RegionalRecord):
    """One member of a registered household, identified by the resident ID number."""

    scope_field: ClassVar[str] = "village_code"
    county_source: ClassVar[str] = "village_code"

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    # Denormalised from the household (rule 1): scoping and rollups need no join.
    village_code = models.CharField(_("village code"), max_length=12, editable=False)
    name = models.CharField(_("name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    # Everything below the birth date is unknown (blank or null: 未填报) until reported: an
    # eight-year-old is not "ordinary labour" because a roster had no such column.
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=or_not_reported(Ethnicity), blank=True
    )
    education = models.CharField(
        _("education"), max_length=16, choices=or_not_reported(Education), blank=True
    )
    schooling = models.CharField(
        _("in-school status"), max_length=20, choices=or_not_reported(Schooling), blank=True
    )
    health = models.CharField(
        _("health"), max_length=16, choices=or_not_reported(Health), blank=True
    )
    labour = models.CharField(
        _("labour ability"), max_length=16, choices=or_not_reported(Labour), blank=True
    )
    work_place = models.CharField(
        _("place of work"), max_length=16, choices=or_not_reported(WorkPlace), blank=True
    )
    work_months = models.PositiveSmallIntegerField(
        _("months worked away"), null=True, blank=True, validators=[MaxValueValidator(12)]
    )
    medical_insurance = models.BooleanField(_("rural medical insurance"), null=True, blank=True)
    pension_insurance = models.BooleanField(_("basic pension insurance"), null=True, blank=True)
    serious_illness_insurance = models.BooleanField(
        _("serious illness insurance"), null=True, blank=True
    )
    political = models.CharField(
        _("political status"), max_length=16, choices=or_not_reported(Political), blank=True
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["household_id", "id"]
        constraints = [
            # Unique across the whole registry: the actions check that (an index on id_number
            # serves it); the constraint keeps the county so it holds per shard too.
            models.UniqueConstraint(fields=["county_code", "id_number"], name="person_id_unique"),
        ]
        indexes = [
            models.Index(fields=["id_number"], name="person_id_number"),
            models.Index(fields=["village_code"], name="person_village"),
        ]

    def __str__(self) -> str:
        return self.name


class StatusChange(RegionalRecord, Recorded):
    """One step of a household's poverty history (未脱贫 → 已脱贫 → 返贫 …) in a year."""

    scope_field: ClassVar[str] = "household__village__code"
    county_source: ClassVar[str] = "household.county_code"

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="history"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    approved_by = models.CharField(_("approved by"), max_length=100, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["household_id", "year", "id"]
        indexes = [models.Index(fields=["county_code", "year", "status"], name="status_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_status_display()}"


class IncomeRecord(RegionalRecord):
    """A household's income in one year, by source, and the per-capita net income from it."""

    scope_field: ClassVar[str] = "household__village__code"
    county_source: ClassVar[str] = "household.county_code"

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="incomes"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    wage = HundredthsField(_("wage income"), default=Decimal(0))
    production = HundredthsField(_("net production income"), default=Decimal(0))
    property_income = HundredthsField(_("property income (incl. dividends)"), default=Decimal(0))
    transfer = HundredthsField(_("transfer income"), default=Decimal(0))
    costs = HundredthsField(_("production costs"), default=Decimal(0))
    members = models.PositiveSmallIntegerField(_("members counted"))
    per_capita = HundredthsField(_("per-capita net income"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("income record")
        verbose_name_plural = _("income records")
        ordering = ["household_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "household", "year"], name="income_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.per_capita}"

    @property
    def net(self) -> Decimal:
        return self.wage + self.production + self.property_income + self.transfer - self.costs


class PovertyLine(models.Model):
    """The poverty line of a province in a year, in yuan per person (data, never a constant)."""

    scope_field: ClassVar[str] = "province__code"

    province = region_key(_("province"), db_column="province_code")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = HundredthsField(_("line (yuan per person per year)"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty line")
        verbose_name_plural = _("poverty lines")
        ordering = ["province_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="poverty_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}: {self.amount}"
