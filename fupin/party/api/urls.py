from rest_framework.routers import SimpleRouter

from fupin.party.api.views import (
    DevelopmentStepViewSet,
    MemberTagViewSet,
    MemberViewSet,
    OrganisationViewSet,
    ReorganisationViewSet,
    ServiceLogViewSet,
)

router = SimpleRouter()
router.register("organisations", OrganisationViewSet)
router.register("members", MemberViewSet)
router.register("member-tags", MemberTagViewSet)
router.register("development-steps", DevelopmentStepViewSet)
router.register("service-logs", ServiceLogViewSet)
router.register("reorganisations", ReorganisationViewSet)
urlpatterns = router.urls
