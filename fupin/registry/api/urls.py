from rest_framework.routers import SimpleRouter

from fupin.registry.api.views import (
    HouseholdViewSet,
    PersonViewSet,
    PovertyLineViewSet,
    QualityViewSet,
)

router = SimpleRouter()
router.register("households", HouseholdViewSet)
router.register("people", PersonViewSet)
router.register("poverty-lines", PovertyLineViewSet)
router.register("quality", QualityViewSet, basename="quality")
urlpatterns = router.urls
