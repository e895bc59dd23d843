from django.urls import path

from fupin.lib.urls import object_urls
from fupin.pairing import views

app_name = "pairing"
urlpatterns = [
    path("mine/", views.MyHouseholdsView.as_view(), name="mine"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    *object_urls(
        "helpers",
        "helper",
        list_view=views.HelperListView,
        add_view=views.HelperCreateView,
        detail_view=views.HelperDetailView,
        edit_view=views.HelperUpdateView,
        delete_view=views.HelperDeleteView,
    ),
    *object_urls(
        "pairings",
        "pairing",
        list_view=views.PairingListView,
        add_view=views.PairingCreateView,
        detail_view=views.PairingDetailView,
        delete_view=views.PairingDeleteView,
    ),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing-end"),
    path("pairings/<int:pk>/visits/add/", views.VisitCreateView.as_view(), name="visit-add"),
    *object_urls(
        "plans",
        "plan",
        list_view=views.HouseholdPlanListView,
        add_view=views.HouseholdPlanCreateView,
        detail_view=views.HouseholdPlanDetailView,
        edit_view=views.HouseholdPlanUpdateView,
        delete_view=views.HouseholdPlanDeleteView,
    ),
    path("plans/<int:pk>/pdf/", views.HouseholdPlanPdfView.as_view(), name="plan-pdf"),
    path("plans/<int:pk>/measures/add/", views.MeasureCreateView.as_view(), name="measure-add"),
    *object_urls(
        "measures",
        "measure",
        edit_view=views.MeasureUpdateView,
        delete_view=views.MeasureDeleteView,
    ),
    *object_urls(
        "visits",
        "visit",
        list_view=views.VisitListView,
        detail_view=views.VisitDetailView,
        edit_view=views.VisitUpdateView,
        delete_view=views.VisitDeleteView,
    ),
    *object_urls(
        "caps",
        "caprule",
        list_view=views.CapRuleListView,
        add_view=views.CapRuleCreateView,
        edit_view=views.CapRuleUpdateView,
        delete_view=views.CapRuleDeleteView,
    ),
    path("propose/", views.ProposeView.as_view(), name="propose"),
    *object_urls(
        "proposals",
        "proposal",
        list_view=views.ProposalListView,
        detail_view=views.ProposalDetailView,
    ),
    path("proposals/<int:pk>/apply/", views.ProposalApplyView.as_view(), name="proposal-apply"),
    path(
        "proposals/<int:pk>/discard/", views.ProposalDiscardView.as_view(), name="proposal-discard"
    ),
]
