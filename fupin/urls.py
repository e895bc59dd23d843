from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_patterns = [
    path("", include("fupin.regions.api.urls")),
    path("", include("fupin.accounts.api.urls")),
    path("", include("fupin.audit.api.urls")),
    path("", include("fupin.registry.api.urls")),
    path("", include("fupin.party.api.urls")),
    path("", include("fupin.pairing.api.urls")),
    path("", include("fupin.projects.api.urls")),
    path("", include("fupin.analytics.api.urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="regions:region-list"), name="home"),
    path("accounts/", include("fupin.accounts.urls")),
    path("regions/", include("fupin.regions.urls")),
    path("audit/", include("fupin.audit.urls")),
    path("imports/", include("fupin.imports.urls")),
    path("registry/", include("fupin.registry.urls")),
    path("party/", include("fupin.party.urls")),
    path("pairing/", include("fupin.pairing.urls")),
    path("projects/", include("fupin.projects.urls")),
    path("stats/", include("fupin.analytics.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline script: CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]
