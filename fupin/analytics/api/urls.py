from rest_framework.routers import SimpleRouter

from fupin.analytics.api.views import StatsViewSet

router = SimpleRouter()
router.register("stats", StatsViewSet, basename="stats")
urlpatterns = router.urls
