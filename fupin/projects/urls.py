from django.urls import path

from fupin.projects import views

app_name = "projects"
urlpatterns = [
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/add/", views.ProjectCreateView.as_view(), name="project-add"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-edit"),
    path("projects/<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project-delete"),
    path("projects/<int:pk>/advance/", views.ProjectAdvanceView.as_view(), name="project-advance"),
    path(
        "projects/<int:pk>/investments/add/",
        views.InvestmentCreateView.as_view(),
        name="investment-add",
    ),
    path("projects/<int:pk>/years/add/", views.ProjectYearCreateView.as_view(), name="year-add"),
    path(
        "projects/<int:pk>/participants/add/",
        views.ParticipantCreateView.as_view(),
        name="participant-add",
    ),
    path(
        "projects/<int:pk>/contracts/add/", views.ContractCreateView.as_view(), name="contract-add"
    ),
    path(
        "projects/<int:pk>/dividends/preview/",
        views.DividendPreviewView.as_view(),
        name="run-preview",
    ),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path("partners/add/", views.PartnerCreateView.as_view(), name="partner-add"),
    path("partners/<int:pk>/", views.PartnerDetailView.as_view(), name="partner-detail"),
    path("partners/<int:pk>/edit/", views.PartnerUpdateView.as_view(), name="partner-edit"),
    path("partners/<int:pk>/delete/", views.PartnerDeleteView.as_view(), name="partner-delete"),
    path("participants/", views.ParticipantListView.as_view(), name="participant-list"),
    path(
        "participants/<int:pk>/", views.ParticipantDetailView.as_view(), name="participant-detail"
    ),
    path(
        "participants/<int:pk>/edit/",
        views.ParticipantUpdateView.as_view(),
        name="participant-edit",
    ),
    path(
        "participants/<int:pk>/delete/",
        views.ParticipantDeleteView.as_view(),
        name="participant-delete",
    ),
    path(
        "participants/<int:pk>/contribute/",
        views.ContributionCreateView.as_view(),
        name="contribution-add",
    ),
    path(
        "participants/<int:pk>/transfer/", views.TransferCreateView.as_view(), name="transfer-add"
    ),
    path(
        "participants/<int:pk>/withdraw/",
        views.WithdrawalCreateView.as_view(),
        name="withdrawal-add",
    ),
    path(
        "participants/<int:pk>/income/",
        views.ParticipantIncomeCreateView.as_view(),
        name="income-add",
    ),
    path("contracts/", views.PurchaseContractListView.as_view(), name="contract-list"),
    path("contracts/<int:pk>/", views.PurchaseContractDetailView.as_view(), name="contract-detail"),
    path("contracts/<int:pk>/edit/", views.ContractUpdateView.as_view(), name="contract-edit"),
    path("contracts/<int:pk>/delete/", views.ContractDeleteView.as_view(), name="contract-delete"),
    path(
        "contracts/<int:pk>/deliveries/add/",
        views.DeliveryCreateView.as_view(),
        name="delivery-add",
    ),
    path("dividends/", views.DividendRunListView.as_view(), name="run-list"),
    path("dividends/<int:pk>/", views.DividendRunDetailView.as_view(), name="run-detail"),
    path("dividends/<int:pk>/approve/", views.DividendRunApproveView.as_view(), name="run-approve"),
    path("dividends/<int:pk>/record/", views.DividendRunRecordView.as_view(), name="run-record"),
    path("dividends/<int:pk>/discard/", views.DividendRunDiscardView.as_view(), name="run-discard"),
    path("dividends/<int:pk>/reverse/", views.DividendRunReverseView.as_view(), name="run-reverse"),
    path("dividends/<int:pk>/sheet.xlsx", views.DividendSheetXlsxView.as_view(), name="run-xlsx"),
    path("dividends/<int:pk>/sheet.pdf", views.DividendSheetPdfView.as_view(), name="run-pdf"),
]
