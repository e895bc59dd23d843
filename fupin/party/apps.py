from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartyConfig(AppConfig):
    name = "fupin.party"
    verbose_name = _("Party organisations")

    def ready(self) -> None:
        # The party plugs its two rosters into the import pipeline (which knows no domain).
        from fupin.imports.registry import register
        from fupin.party.imports import MEMBERS, ORGANISATIONS

        register(ORGANISATIONS)
        register(MEMBERS)
