from django.urls import path

from fupin.party import views

app_name = "party"
urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/add/", views.OrganisationCreateView.as_view(), name="organisation-add"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.OrganisationUpdateView.as_view(),
        name="organisation-edit",
    ),
    path(
        "organisations/<int:pk>/delete/",
        views.OrganisationDeleteView.as_view(),
        name="organisation-delete",
    ),
    path(
        "organisations/<int:pk>/members/add/",
        views.MemberCreateView.as_view(),
        name="member-add",
    ),
    path("tree/", views.OrganisationTreeView.as_view(), name="organisation-tree"),
    path("reorganise/", views.ReorganiseView.as_view(), name="reorganisation-add"),
    path("reorganisations/", views.ReorganisationListView.as_view(), name="reorganisation-list"),
    path(
        "reorganisations/<int:pk>/",
        views.ReorganisationDetailView.as_view(),
        name="reorganisation-detail",
    ),
    path("members/", views.MemberListView.as_view(), name="member-list"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member-detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member-edit"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member-delete"),
    path("members/<int:pk>/tags/add/", views.MemberTagCreateView.as_view(), name="membertag-add"),
    path("tags/<int:pk>/delete/", views.MemberTagDeleteView.as_view(), name="membertag-delete"),
    path(
        "members/<int:pk>/steps/add/",
        views.DevelopmentStepCreateView.as_view(),
        name="developmentstep-add",
    ),
    path(
        "members/<int:pk>/services/add/",
        views.ServiceLogCreateView.as_view(),
        name="servicelog-add",
    ),
    path("services/", views.ServiceLogListView.as_view(), name="servicelog-list"),
    path(
        "services/<int:pk>/delete/",
        views.ServiceLogDeleteView.as_view(),
        name="servicelog-delete",
    ),
]
