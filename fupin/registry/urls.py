from django.urls import path

from fupin.registry import views

app_name = "registry"
urlpatterns = [
    path("households/", views.HouseholdListView.as_view(), name="household-list"),
    path("households/add/", views.HouseholdCreateView.as_view(), name="household-add"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household-detail"),
    path("households/<int:pk>/edit/", views.HouseholdUpdateView.as_view(), name="household-edit"),
    path(
        "households/<int:pk>/delete/",
        views.HouseholdDeleteView.as_view(),
        name="household-delete",
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
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person-edit"),
    path("people/<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person-delete"),
    path("quality/", views.QualityView.as_view(), name="quality"),
]
