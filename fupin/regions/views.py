from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from fupin.lib.views import ObjectDetailView, ObjectListView
from fupin.regions.filtersets import RegionFilterSet
from fupin.regions.models import Region
from fupin.regions.tables import RegionTable


class RegionListView(ObjectListView):
    queryset = Region.objects.with_counts()
    filterset_class = RegionFilterSet
    table_class = RegionTable
    title = _("Regions")
    export_name = "regions"
    request: HttpRequest

    def get_table_kwargs(self) -> dict[str, Any]:
        # Poor villages are counted on a region's own page, where one grouped query serves them.
        return {"exclude": ("poor_villages",)}

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        # With no filter the browser starts at the top of the tree.
        if not any(v for k, v in self.request.GET.items() if k not in ("page", "sort", "export")):
            qs = qs.filter(parent__isnull=True)
        return qs


class RegionDetailView(ObjectDetailView):
    queryset = Region.objects.all()
    template_name = "regions/region_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        region: Region = self.object
        poor = Region.objects.poor_villages_under(region)
        rows = list(Region.objects.filter(parent=region).with_counts())
        for child in rows:
            child.poor_villages = poor.get(child.code, 0)  # type: ignore[attr-defined]
        exclude = ["level"]
        if rows and not rows[0].can_be_poor:
            # Only counties and villages are designated poor: no flag columns for the others.
            exclude += ["is_poor", "poor_since", "exited_in"]
        children = RegionTable(rows, exclude=exclude)
        RequestConfig(self.request, paginate={"per_page": 100}).configure(children)
        context["ancestors"] = region.ancestors()
        context["children"] = children
        context["title"] = region.name
        return context
