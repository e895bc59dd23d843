"""The pairing pages: helpers, pairings, household plans with their measures and plan sheet,
visits, cap rules, the coverage page of a region, the optimiser's proposals, and the helper's
own phone-sized page ("my households").

Views stay declarative over fupin/lib/views.py; every write calls fupin/pairing/actions.py.
Pairing is an administrator's act (the actions check the beneficiary's village); a helper
sees only what they own and records their visits and plans.
"""

from fupin.pairing.views.coverage import (
    CoverageView,
    MyHouseholdsView,
    ProposalApplyView,
    ProposalDecideView,
    ProposalDetailView,
    ProposalDiscardView,
    ProposalListView,
    ProposeView,
)
from fupin.pairing.views.helpers import (
    CapRuleCreateView,
    CapRuleDeleteView,
    CapRuleFormView,
    CapRuleListView,
    CapRuleUpdateView,
    HelperCreateView,
    HelperDeleteView,
    HelperDetailView,
    HelperFormView,
    HelperListView,
    HelperUpdateView,
)
from fupin.pairing.views.pairings import (
    PairingChangeView,
    PairingCreateView,
    PairingDeleteView,
    PairingDetailView,
    PairingEndView,
    PairingListView,
    VisitCreateView,
    VisitDeleteView,
    VisitDetailView,
    VisitListView,
    VisitUpdateView,
)
from fupin.pairing.views.plans import (
    HouseholdPlanCreateView,
    HouseholdPlanDeleteView,
    HouseholdPlanDetailView,
    HouseholdPlanListView,
    HouseholdPlanPdfView,
    HouseholdPlanUpdateView,
    MeasureCreateView,
    MeasureDeleteView,
    MeasureUpdateView,
)

__all__ = [
    "CapRuleCreateView",
    "CapRuleDeleteView",
    "CapRuleFormView",
    "CapRuleListView",
    "CapRuleUpdateView",
    "CoverageView",
    "HelperCreateView",
    "HelperDeleteView",
    "HelperDetailView",
    "HelperFormView",
    "HelperListView",
    "HelperUpdateView",
    "HouseholdPlanCreateView",
    "HouseholdPlanDeleteView",
    "HouseholdPlanDetailView",
    "HouseholdPlanListView",
    "HouseholdPlanPdfView",
    "HouseholdPlanUpdateView",
    "MeasureCreateView",
    "MeasureDeleteView",
    "MeasureUpdateView",
    "MyHouseholdsView",
    "PairingChangeView",
    "PairingCreateView",
    "PairingDeleteView",
    "PairingDetailView",
    "PairingEndView",
    "PairingListView",
    "ProposalApplyView",
    "ProposalDecideView",
    "ProposalDetailView",
    "ProposalDiscardView",
    "ProposalListView",
    "ProposeView",
    "VisitCreateView",
    "VisitDeleteView",
    "VisitDetailView",
    "VisitListView",
    "VisitUpdateView",
]
