from django.urls import path, re_path

from fupin.analytics import views, views_bulletin

app_name = "analytics"
# Region codes only (2 to 12 digits), so that other statistics pages (the bulletin) can live
# beside the dashboards under /stats/.
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    re_path(r"^(?P<code>[0-9]{2,12})/$", views.DashboardView.as_view(), name="dashboard-region"),
    re_path(r"^(?P<code>[0-9]{2,12})/map\.json$", views.MapView.as_view(), name="dashboard-map"),
    # The bulletin and the standard report tables (views_bulletin.py).
    path("bulletin/", views_bulletin.BulletinView.as_view(), name="bulletin"),
    re_path(
        r"^(?P<code>[0-9]{2,12})/bulletin/$",
        views_bulletin.BulletinView.as_view(),
        name="bulletin-region",
    ),
    path("reports/", views_bulletin.ReportView.as_view(), name="reports"),
    re_path(
        r"^(?P<code>[0-9]{2,12})/reports/$",
        views_bulletin.ReportView.as_view(),
        name="reports-region",
    ),
]
