from rest_framework.routers import SimpleRouter

from fupin.audit.api.views import AuditEventViewSet

router = SimpleRouter()
router.register("audit-events", AuditEventViewSet)
urlpatterns = router.urls
