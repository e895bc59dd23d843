from django.urls import path

from fupin.pairing import views

app_name = "pairing"
urlpatterns = [
    path("mine/", views.MyHouseholdsView.as_view(), name="mine"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("helpers/", views.HelperListView.as_view(), name="helper-list"),
    path("helpers/add/", views.HelperCreateView.as_view(), name="helper-add"),
    path("helpers/<int:pk>/", views.HelperDetailView.as_view(), name="helper-detail"),
    path("helpers/<int:pk>/edit/", views.HelperUpdateView.as_view(), name="helper-edit"),
    path("helpers/<int:pk>/delete/", views.HelperDeleteView.as_view(), name="helper-delete"),
    path("pairings/", views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/add/", views.PairingCreateView.as_view(), name="pairing-add"),
    path("pairings/<int:pk>/", views.PairingDetailView.as_view(), name="pairing-detail"),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing-end"),
    path("pairings/<int:pk>/delete/", views.PairingDeleteView.as_view(), name="pairing-delete"),
    path("pairings/<int:pk>/visits/add/", views.VisitCreateView.as_view(), name="visit-add"),
    path("plans/", views.HouseholdPlanListView.as_view(), name="plan-list"),
    path("plans/add/", views.HouseholdPlanCreateView.as_view(), name="plan-add"),
    path("plans/<int:pk>/", views.HouseholdPlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/pdf/", views.HouseholdPlanPdfView.as_view(), name="plan-pdf"),
    path("plans/<int:pk>/edit/", views.HouseholdPlanUpdateView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/delete/", views.HouseholdPlanDeleteView.as_view(), name="plan-delete"),
    path("plans/<int:pk>/measures/add/", views.MeasureCreateView.as_view(), name="measure-add"),
    path("measures/<int:pk>/edit/", views.MeasureUpdateView.as_view(), name="measure-edit"),
    path("measures/<int:pk>/delete/", views.MeasureDeleteView.as_view(), name="measure-delete"),
    path("visits/", views.VisitListView.as_view(), name="visit-list"),
    path("visits/<int:pk>/", views.VisitDetailView.as_view(), name="visit-detail"),
    path("visits/<int:pk>/edit/", views.VisitUpdateView.as_view(), name="visit-edit"),
    path("visits/<int:pk>/delete/", views.VisitDeleteView.as_view(), name="visit-delete"),
    path("caps/", views.CapRuleListView.as_view(), name="caprule-list"),
    path("caps/add/", views.CapRuleCreateView.as_view(), name="caprule-add"),
    path("caps/<int:pk>/edit/", views.CapRuleUpdateView.as_view(), name="caprule-edit"),
    path("caps/<int:pk>/delete/", views.CapRuleDeleteView.as_view(), name="caprule-delete"),
    path("propose/", views.ProposeView.as_view(), name="propose"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/<int:pk>/", views.ProposalDetailView.as_view(), name="proposal-detail"),
    path("proposals/<int:pk>/apply/", views.ProposalApplyView.as_view(), name="proposal-apply"),
    path(
        "proposals/<int:pk>/discard/", views.ProposalDiscardView.as_view(), name="proposal-discard"
    ),
]
