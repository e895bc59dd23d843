from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "fupin.pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
        from fupin.pairing import ownership

        ownership.register()
        # Existing pairings plug into the import pipeline (which knows no domain).
        from fupin.imports.registry import register
        from fupin.pairing.imports import PAIRINGS

        register(PAIRINGS)
