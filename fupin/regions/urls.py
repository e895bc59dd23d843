from django.urls import path

from fupin.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.RegionListView.as_view(), name="region-list"),
    path("<str:pk>/", views.RegionDetailView.as_view(), name="region-detail"),
]
