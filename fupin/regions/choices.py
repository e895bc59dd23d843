from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County")
    TOWNSHIP = 4, _("Township")
    VILLAGE = 5, _("Village")


# Statistical division codes: 2 digits for a province, then 2, 2, 3 and 3 more per level.
CODE_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
LEVEL_OF_LENGTH = {length: level for level, length in CODE_LENGTH.items()}

# Only counties and villages are designated poor (贫困县 / 贫困村).
POOR_LEVELS = (Level.COUNTY, Level.VILLAGE)
