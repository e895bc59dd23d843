from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # The registry plugs its roster into the import pipeline (which knows no domain).
        from fupin.imports.registry import register
        from fupin.registry.imports import SCHEMA

        register(SCHEMA)
