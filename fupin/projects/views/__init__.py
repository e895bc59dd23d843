"""The project pages: projects (with their approval steps, investment and yearly figures),
partners, participants and their shares and income, purchase contracts and deliveries, and
dividend runs (fupin/projects/views/dividends.py).

Views stay declarative over fupin/lib/views.py; every write calls fupin/projects/actions.
A project is seen where one covered village is the user's and changed where all are.
"""

from fupin.projects.views.contracts import (
    ContractCreateView,
    ContractDeleteView,
    ContractUpdateView,
    DeliveryCreateView,
    PurchaseContractDetailView,
    PurchaseContractListView,
)
from fupin.projects.views.dividends import (
    DividendPreviewView,
    DividendRunApproveView,
    DividendRunDetailView,
    DividendRunDiscardView,
    DividendRunListView,
    DividendRunRecordView,
    DividendRunReverseView,
    DividendSheetPdfView,
    DividendSheetXlsxView,
)
from fupin.projects.views.participants import (
    ContributionCreateView,
    ParticipantCreateView,
    ParticipantDeleteView,
    ParticipantDetailView,
    ParticipantIncomeCreateView,
    ParticipantListView,
    ParticipantUpdateView,
    TransferCreateView,
    WithdrawalCreateView,
)
from fupin.projects.views.partners import (
    PartnerCreateView,
    PartnerDeleteView,
    PartnerDetailView,
    PartnerListView,
    PartnerUpdateView,
)
from fupin.projects.views.projects import (
    InvestmentCreateView,
    ProjectAdvanceView,
    ProjectCreateView,
    ProjectDeleteView,
    ProjectDetailView,
    ProjectListView,
    ProjectUpdateView,
    ProjectYearCreateView,
)

__all__ = [
    "ContractCreateView",
    "ContractDeleteView",
    "ContractUpdateView",
    "ContributionCreateView",
    "DeliveryCreateView",
    "DividendPreviewView",
    "DividendRunApproveView",
    "DividendRunDetailView",
    "DividendRunDiscardView",
    "DividendRunListView",
    "DividendRunRecordView",
    "DividendRunReverseView",
    "DividendSheetPdfView",
    "DividendSheetXlsxView",
    "InvestmentCreateView",
    "ParticipantCreateView",
    "ParticipantDeleteView",
    "ParticipantDetailView",
    "ParticipantIncomeCreateView",
    "ParticipantListView",
    "ParticipantUpdateView",
    "PartnerCreateView",
    "PartnerDeleteView",
    "PartnerDetailView",
    "PartnerListView",
    "PartnerUpdateView",
    "ProjectAdvanceView",
    "ProjectCreateView",
    "ProjectDeleteView",
    "ProjectDetailView",
    "ProjectListView",
    "ProjectUpdateView",
    "ProjectYearCreateView",
    "PurchaseContractDetailView",
    "PurchaseContractListView",
    "TransferCreateView",
    "WithdrawalCreateView",
]
