from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "fupin.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Projects, participants and share contributions plug into the import pipeline
        # (which knows no domain).
        from fupin.imports.registry import register
        from fupin.projects.imports import CONTRIBUTIONS, PARTICIPANTS, PROJECTS

        for schema in (PROJECTS, PARTICIPANTS, CONTRIBUTIONS):
            register(schema)
