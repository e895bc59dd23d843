from rest_framework.routers import SimpleRouter

from fupin.registry.api.views import HouseholdViewSet, PersonViewSet, PovertyLineViewSet

router = SimpleRouter()
router.register("households", HouseholdViewSet)
router.register("people", PersonViewSet)
router.register("poverty-lines", PovertyLineViewSet)
urlpatterns = router.urls
