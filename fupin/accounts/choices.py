from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    CITY_ADMIN = "city_admin", _("City administrator")
    COUNTY_ADMIN = "county_admin", _("County administrator")
    TOWNSHIP_ADMIN = "township_admin", _("Township administrator")
    VILLAGE_SECRETARY = "village_secretary", _("Village party secretary")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    HELPER = "helper", _("Helper")
    AUDITOR = "auditor", _("Auditor")
