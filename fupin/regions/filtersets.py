import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.regions.choices import Level
from fupin.regions.codes import is_digits, subtree_q
from fupin.regions.models import Region


class RegionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or code"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("Parent code"))
    within = django_filters.CharFilter(method="subtree", label=_("Within region (code)"))
    is_poor = django_filters.BooleanFilter(label=_("Poor"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Name contains"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "within", "is_poor", "name"]

    def search(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))

    def subtree(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        if not is_digits(value):
            return queryset.none()
        return queryset.filter(subtree_q("code", value))
