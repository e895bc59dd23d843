from rest_framework.routers import SimpleRouter

from fupin.projects.api.views import (
    DividendRunViewSet,
    ParticipantViewSet,
    PartnerViewSet,
    ProjectViewSet,
    PurchaseContractViewSet,
)

router = SimpleRouter()
router.register("projects", ProjectViewSet)
router.register("partners", PartnerViewSet)
router.register("participants", ParticipantViewSet)
router.register("dividend-runs", DividendRunViewSet)
router.register("contracts", PurchaseContractViewSet)
urlpatterns = router.urls
