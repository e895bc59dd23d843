from django.urls import path

from fupin.lib.urls import object_urls
from fupin.projects import views

app_name = "projects"
urlpatterns = [
    *object_urls(
        "projects",
        "project",
        list_view=views.ProjectListView,
        add_view=views.ProjectCreateView,
        detail_view=views.ProjectDetailView,
        edit_view=views.ProjectUpdateView,
        delete_view=views.ProjectDeleteView,
    ),
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
    *object_urls(
        "partners",
        "partner",
        list_view=views.PartnerListView,
        add_view=views.PartnerCreateView,
        detail_view=views.PartnerDetailView,
        edit_view=views.PartnerUpdateView,
        delete_view=views.PartnerDeleteView,
    ),
    *object_urls(
        "participants",
        "participant",
        list_view=views.ParticipantListView,
        detail_view=views.ParticipantDetailView,
        edit_view=views.ParticipantUpdateView,
        delete_view=views.ParticipantDeleteView,
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
    *object_urls(
        "contracts",
        "contract",
        list_view=views.PurchaseContractListView,
        detail_view=views.PurchaseContractDetailView,
        edit_view=views.ContractUpdateView,
        delete_view=views.ContractDeleteView,
    ),
    path(
        "contracts/<int:pk>/deliveries/add/",
        views.DeliveryCreateView.as_view(),
        name="delivery-add",
    ),
    *object_urls(
        "dividends",
        "run",
        list_view=views.DividendRunListView,
        detail_view=views.DividendRunDetailView,
    ),
    path("dividends/<int:pk>/approve/", views.DividendRunApproveView.as_view(), name="run-approve"),
    path("dividends/<int:pk>/record/", views.DividendRunRecordView.as_view(), name="run-record"),
    path("dividends/<int:pk>/discard/", views.DividendRunDiscardView.as_view(), name="run-discard"),
    path("dividends/<int:pk>/reverse/", views.DividendRunReverseView.as_view(), name="run-reverse"),
    path("dividends/<int:pk>/sheet.xlsx", views.DividendSheetXlsxView.as_view(), name="run-xlsx"),
    path("dividends/<int:pk>/sheet.pdf", views.DividendSheetPdfView.as_view(), name="run-pdf"),
]
