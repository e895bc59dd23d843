from rest_framework.routers import SimpleRouter

from fupin.pairing.api.views import (
    CapRuleViewSet,
    HelperViewSet,
    HouseholdPlanViewSet,
    MeasureViewSet,
    PairingViewSet,
    ProposalViewSet,
    VisitViewSet,
)

router = SimpleRouter()
router.register("helpers", HelperViewSet)
router.register("pairings", PairingViewSet)
router.register("plans", HouseholdPlanViewSet)
router.register("measures", MeasureViewSet)
router.register("visits", VisitViewSet)
router.register("cap-rules", CapRuleViewSet)
router.register("proposals", ProposalViewSet)
urlpatterns = router.urls
