"""Value lists of the party organisations and members (党组织, 党员信息采集表)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.TextChoices):
    """党委 / 党总支 / 党支部 / 党小组."""

    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Branch")
    GROUP = "group", _("Party group")


class OrgKind(models.TextChoices):
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    # A park committee spans several villages (苍溪县's 三会现代农业园区党委).
    PARK = "park", _("Industrial park")
    # An industry branch forms around a cooperative or project.
    INDUSTRY = "industry", _("Industry")
    ORGAN = "organ", _("Organ or enterprise")
    JOINT = "joint", _("Joint branch")


class Stage(models.TextChoices):
    """The development pipeline (发展党员), in its order; members proper are the last two."""

    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    TARGET = "target", _("Development target")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")


class MembershipStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    STOPPED = "stopped", _("Stopped")


class TagKind(models.TextChoices):
    POOR = "poor", _("Poor member")
    WEALTH_LEADER = "wealth_leader", _("Wealth leader")
    RETURNEE = "returnee", _("Returnee")
    MIGRANT = "migrant", _("Migrant worker or trader")
    YOUNG_TALENT = "young_talent", _("Young talent")
    CADRE = "cadre", _("Cadre")
    POST_HOLDER = "post_holder", _("No-post member with a post")
    RESERVE_CADRE = "reserve_cadre", _("Reserve village cadre")


class ServiceKind(models.TextChoices):
    INFORMATION = "information", _("Market information")
    JOBS = "jobs", _("Jobs")
    SALES = "sales", _("Produce sales")
    VOLUNTEER = "volunteer", _("Volunteer work")
    COMMITMENT = "commitment", _("Commitment kept")
    MEDIATION = "mediation", _("Mediation")
    FOUR_GOOD = "four_good", _("Four-good village work")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    QQ = "qq", _("QQ")
    WECHAT = "wechat", _("WeChat")
    IN_PERSON = "in_person", _("In person")
