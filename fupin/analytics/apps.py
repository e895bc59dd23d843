from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "fupin.analytics"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        # The domains announce every write in the audit log; analytics follows it (a domain
        # never imports analytics, DESIGN §3 rule 6).
        from fupin.analytics import follow

        follow.connect()
