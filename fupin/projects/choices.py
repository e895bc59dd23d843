"""Value lists of demonstration industry projects (示范项目), shares, dividends and contracts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.regions.choices import Level


class ProjectType(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    FAMILY_FARM = "family_farm", _("Family farm")
    NURSERY = "nursery", _("Nursery")
    AGRITOURISM = "agritourism", _("Agritourism")
    ECOMMERCE = "ecommerce", _("E-commerce")
    DEMONSTRATION_GARDEN = "garden", _("Demonstration garden")
    LIVESTOCK = "livestock", _("Livestock")
    PROCESSING = "processing", _("Processing")


class SetupModel(models.TextChoices):
    """How the project was set up (the programme's named models)."""

    VILLAGE_ENTERPRISE = "village_enterprise", _("Village–enterprise partnership")
    BRANCH_COOPERATIVE = "branch_cooperative", _("Branch-led cooperative")
    CONTIGUOUS = "contiguous", _("Contiguous development across villages")
    BRANCH_FAMILY_FARM = "branch_family_farm", _("Branch-run family farm")
    ORDER_BASED = "order_based", _("Order-based")
    COLLECTIVE_ECONOMY = "collective_economy", _("Collective economy")


class Stage(models.TextChoices):
    """The approval steps, in order. A project is at the last step it has passed."""

    PROPOSED = "proposed", _("Project proposed")
    COMMITTEES = "committees", _("Agreed by the village committees")
    MEMBERS_MEETING = "members_meeting", _("Passed by the members' meeting")
    PUBLIC_NOTICE = "public_notice", _("Publicly noticed")
    TOWNSHIP_REVIEW = "township_review", _("Reviewed by the township")
    FILED = "filed", _("Filed with the county organisation department")


STAGE_ORDER = list(Stage.values)

# The lowest level a user must hold a grant at to take a step: the village's own committees
# agree and notice it, the township reviews it, the county's organisation department files it.
STAGE_LEVEL: dict[str, Level] = {
    Stage.PROPOSED: Level.VILLAGE,
    Stage.COMMITTEES: Level.VILLAGE,
    Stage.MEMBERS_MEETING: Level.VILLAGE,
    Stage.PUBLIC_NOTICE: Level.VILLAGE,
    Stage.TOWNSHIP_REVIEW: Level.TOWNSHIP,
    Stage.FILED: Level.COUNTY,
}


class FundingSource(models.TextChoices):
    PARTY_FEE = "party_fee", _("Party-fee funds")
    FISCAL = "fiscal", _("Fiscal assistance funds")
    ENTERPRISE = "enterprise", _("Enterprise investment")
    LOAN = "loan", _("Bank loan")
    COLLECTIVE = "collective", _("Village collective")
    SELF_RAISED = "self_raised", _("Raised by members")
    CROWDFUNDING = "crowdfunding", _("Crowdfunding")
    OTHER = "other", _("Other")


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Leading enterprise")
    INDUSTRY_HOUSEHOLD = "industry_household", _("Industry household")


class Asset(models.TextChoices):
    """What a share contribution is paid in (以土地、帮扶资金、现金入股)."""

    LAND = "land", _("Land")
    FUND = "fund", _("Assistance funds")
    CASH = "cash", _("Cash")


class EntryKind(models.TextChoices):
    """A movement in a project's share register."""

    CONTRIBUTION = "contribution", _("Contribution")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class ShortfallRule(models.TextChoices):
    """What the charter does when the profit does not cover the guaranteed dividends."""

    PRO_RATA = "pro_rata", _("Pay the guarantee pro rata")
    RESERVE_FIRST = "reserve_first", _("Draw on the reserve fund first")


class RunStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RECORDED = "recorded", _("Recorded")


# Approving and recording a dividend run: the township (or above) over the project's villages.
RUN_APPROVAL_LEVEL = Level.TOWNSHIP


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
