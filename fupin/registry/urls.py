from django.urls import path

from fupin.lib.urls import object_urls
from fupin.registry import views

app_name = "registry"
urlpatterns = [
    *object_urls(
        "households",
        "household",
        list_view=views.HouseholdListView,
        add_view=views.HouseholdCreateView,
        detail_view=views.HouseholdDetailView,
        edit_view=views.HouseholdUpdateView,
        delete_view=views.HouseholdDeleteView,
    ),
    path("households/<int:pk>/members/add/", views.PersonCreateView.as_view(), name="person-add"),
    path(
        "households/<int:pk>/status/",
        views.StatusChangeCreateView.as_view(),
        name="statuschange-add",
    ),
    path(
        "households/<int:pk>/income/",
        views.IncomeRecordCreateView.as_view(),
        name="incomerecord-add",
    ),
    *object_urls(
        "people", "person", edit_view=views.PersonUpdateView, delete_view=views.PersonDeleteView
    ),
    path("quality/", views.QualityView.as_view(), name="quality"),
]
