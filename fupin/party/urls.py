from django.urls import path

from fupin.lib.urls import object_urls
from fupin.party import views

app_name = "party"
urlpatterns = [
    *object_urls(
        "organisations",
        "organisation",
        list_view=views.OrganisationListView,
        add_view=views.OrganisationCreateView,
        detail_view=views.OrganisationDetailView,
        edit_view=views.OrganisationUpdateView,
        delete_view=views.OrganisationDeleteView,
    ),
    path(
        "organisations/<int:pk>/members/add/",
        views.MemberCreateView.as_view(),
        name="member-add",
    ),
    path("tree/", views.OrganisationTreeView.as_view(), name="organisation-tree"),
    path("reorganise/", views.ReorganiseView.as_view(), name="reorganisation-add"),
    *object_urls(
        "reorganisations",
        "reorganisation",
        list_view=views.ReorganisationListView,
        detail_view=views.ReorganisationDetailView,
    ),
    *object_urls(
        "members",
        "member",
        list_view=views.MemberListView,
        detail_view=views.MemberDetailView,
        edit_view=views.MemberUpdateView,
        delete_view=views.MemberDeleteView,
    ),
    path("members/<int:pk>/tags/add/", views.MemberTagCreateView.as_view(), name="membertag-add"),
    *object_urls("tags", "membertag", delete_view=views.MemberTagDeleteView),
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
    *object_urls(
        "services",
        "servicelog",
        list_view=views.ServiceLogListView,
        delete_view=views.ServiceLogDeleteView,
    ),
]
