"""Value lists of the national registration forms (建档立卡), as codes with Chinese labels.

The codes are ours and stable (English words); the labels are the forms' own wording, which
the import also accepts in place of the code.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

# 未填报: what a form, the API or a roster leaves unsaid stays unknown (a blank choice, a null
# flag or number), never a default fact; the data-quality page counts it as missing.
NOT_REPORTED = _("Not reported")


def or_not_reported(choices: type[models.TextChoices]) -> list[tuple[str, Any]]:
    """A value list with the explicit blank "not reported" first (the forms' empty choice)."""
    return [("", NOT_REPORTED), *choices.choices]


class Standard(models.TextChoices):
    """识别标准: which poverty line the household was identified under."""

    NATIONAL = "national", _("National standard")
    PROVINCIAL = "provincial", _("Provincial standard")
    CITY = "city", _("City standard")


class Attribute(models.TextChoices):
    """贫困户属性."""

    GENERAL = "general", _("General poor household")
    DIBAO = "dibao", _("Minimum-living-allowance household")
    WUBAO = "wubao", _("Five-guarantees household")
    DIBAO_POOR = "dibao_poor", _("Poor household on minimum living allowance")


class Cause(models.TextChoices):
    """致贫原因."""

    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    SCHOOLING = "schooling", _("Schooling costs")
    DISASTER = "disaster", _("Disaster")
    LAND = "land", _("Lack of land")
    WATER = "water", _("Lack of water")
    SKILLS = "skills", _("Lack of skills")
    LABOUR = "labour", _("Lack of labour")
    FUNDS = "funds", _("Lack of funds")
    TRANSPORT = "transport", _("Poor transport")
    MOTIVATION = "motivation", _("Lack of motivation")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """A household's poverty status; its history is the StatusChange rows."""

    POOR = "poor", _("Not yet exited")
    EXITED = "exited", _("Exited")
    RELAPSED = "relapsed", _("Relapsed")


# The statuses of a household that has not exited (未脱贫): a relapsed household has not exited
# either. The statistics' 未脱贫户, the coverage page's households to pair and the data checks
# all count these.
NOT_EXITED = (Status.POOR, Status.RELAPSED)


class Housing(models.TextChoices):
    """住房安全 (危房 grades C and D are unsafe)."""

    SAFE = "safe", _("Safe")
    GRADE_C = "grade_c", _("Dilapidated, grade C")
    GRADE_D = "grade_d", _("Dilapidated, grade D")


class Relation(models.TextChoices):
    """与户主关系."""

    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    SON = "son", _("Son")
    DAUGHTER = "daughter", _("Daughter")
    DAUGHTER_IN_LAW = "daughter_in_law", _("Daughter-in-law")
    SON_IN_LAW = "son_in_law", _("Son-in-law")
    GRANDSON = "grandson", _("Grandson")
    GRANDDAUGHTER = "granddaughter", _("Granddaughter")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    """文化程度."""

    PRESCHOOL = "preschool", _("Pre-school child")
    ILLITERATE = "illiterate", _("Illiterate or semi-literate")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    COLLEGE = "college", _("College or above")


class Schooling(models.TextChoices):
    """在校生状况."""

    NONE = "none", _("Not in school")
    PRESCHOOL = "preschool", _("Pre-school education")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Secondary vocational")
    HIGHER_VOCATIONAL = "higher_vocational", _("Higher vocational")
    UNIVERSITY = "university", _("University or above")


class Health(models.TextChoices):
    """健康状况."""

    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Long-term chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class Labour(models.TextChoices):
    """劳动技能."""

    ORDINARY = "ordinary", _("Ordinary labour")
    SKILLED = "skilled", _("Skilled labour")
    WEAK = "weak", _("Weak or half labour")
    LOST = "lost", _("Lost the ability to work")
    NONE = "none", _("No labour")


class WorkPlace(models.TextChoices):
    """务工地点."""

    NONE = "none", _("Not working away")
    COUNTY = "county", _("Within the county")
    PROVINCE = "province", _("Outside the county, within the province")
    OUTSIDE = "outside", _("Outside the province")


class Political(models.TextChoices):
    """政治面貌."""

    MASSES = "masses", _("Masses")
    MEMBER = "member", _("Communist Party member")
    PROBATIONARY = "probationary", _("Probationary party member")
    LEAGUE = "league", _("Communist Youth League member")
    OTHER_PARTY = "other_party", _("Member of another party")


class Ethnicity(models.TextChoices):
    """民族, with the codes of GB/T 3304."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BOUYEI = "09", _("Bouyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SHUI = "25", _("Shui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Naxi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EVENKI = "45", _("Evenki")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONBA = "54", _("Monba")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")
    OTHER = "97", _("Other ethnicity")
    FOREIGN = "98", _("Naturalised foreign origin")
