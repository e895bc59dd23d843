import django_filters
from django.utils.translation import gettext_lazy as _

from fupin.imports.models import ImportJob, JobStatus


class ImportJobFilterSet(django_filters.FilterSet):
    kind = django_filters.CharFilter(label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, label=_("Status"))

    class Meta:
        model = ImportJob
        fields = ["kind", "status"]
