"""Value lists of pairing (结对帮扶), household plans (一户一策) and visits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PairingKind(models.TextChoices):
    """Every beneficiary has one primary helper; secondary helpers add to it."""

    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")


class Source(models.TextChoices):
    """How a pairing was made (kept for the history, not for any rule)."""

    MANUAL = "manual", _("By hand")
    OPTIMISER = "optimiser", _("By the optimiser")
    IMPORT = "import", _("Imported")


class Skill(models.TextChoices):
    """A helper's expertise, matched against what a household plan's main measure needs."""

    PLANTING = "planting", _("Planting")
    LIVESTOCK = "livestock", _("Livestock")
    ECOMMERCE = "ecommerce", _("E-commerce")
    JOBS = "jobs", _("Jobs and labour")
    FINANCE = "finance", _("Finance and credit")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing and water")
    POLICY = "policy", _("Social security and policy")


class MeasureCategory(models.TextChoices):
    """The national categories of assistance measures (帮扶措施)."""

    INDUSTRY = "industry", _("Industry")
    EMPLOYMENT = "employment", _("Employment")
    FINANCE = "finance", _("Finance")
    WELFARE_POST = "welfare_post", _("Public-welfare post")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    HOUSING = "housing", _("Housing")
    DRINKING_WATER = "drinking_water", _("Drinking water")
    RELOCATION = "relocation", _("Relocation")
    SOCIAL_SECURITY = "social_security", _("Social security")
    ECOLOGY = "ecology", _("Ecological compensation")
    TRAINING = "training", _("Skills training")


# The skill a measure of each category needs, when the plan does not name one (an industry
# measure may need planting, livestock or e-commerce: the plan's `main_need` says which).
NEED_OF_CATEGORY: dict[str, str] = {
    MeasureCategory.INDUSTRY: Skill.PLANTING,
    MeasureCategory.EMPLOYMENT: Skill.JOBS,
    MeasureCategory.FINANCE: Skill.FINANCE,
    MeasureCategory.WELFARE_POST: Skill.JOBS,
    MeasureCategory.HEALTH: Skill.HEALTH,
    MeasureCategory.EDUCATION: Skill.EDUCATION,
    MeasureCategory.HOUSING: Skill.HOUSING,
    MeasureCategory.DRINKING_WATER: Skill.HOUSING,
    MeasureCategory.RELOCATION: Skill.HOUSING,
    MeasureCategory.SOCIAL_SECURITY: Skill.POLICY,
    MeasureCategory.ECOLOGY: Skill.PLANTING,
    MeasureCategory.TRAINING: Skill.JOBS,
}


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    APPLIED = "applied", _("Applied")
    DISCARDED = "discarded", _("Discarded")


class ProposalChange(models.TextChoices):
    """What a proposal's item does to its beneficiary's primary helper."""

    NEW = "new", _("New pairing")
    CHANGED = "changed", _("Changed pairing")
    UNASSIGNABLE = "unassignable", _("Unassignable")
