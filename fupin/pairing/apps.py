from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "fupin.pairing"
    verbose_name = _("Pairing")

    def ready(self) -> None:
        from fupin.pairing import ownership

        ownership.register()
