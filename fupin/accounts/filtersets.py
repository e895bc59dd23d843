import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fupin.accounts.choices import Role
from fupin.accounts.models import Grant, User
from fupin.lib.filters import IdFilter


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or user name"))
    role = django_filters.ChoiceFilter(
        field_name="grants__role", choices=Role.choices, label=_("Role"), distinct=True
    )
    region = django_filters.CharFilter(method="within", label=_("Within region (code)"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "region", "is_active"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(Q(username__icontains=value) | Q(first_name__icontains=value))

    def within(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return queryset.filter(grants__region__code__startswith=value).distinct()


class GrantFilterSet(django_filters.FilterSet):
    user = IdFilter(field_name="user_id", label=_("User"))
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    region = django_filters.CharFilter(
        field_name="region__code", lookup_expr="startswith", label=_("Within region (code)")
    )

    class Meta:
        model = Grant
        fields = ["user", "role", "region"]
