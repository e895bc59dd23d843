from rest_framework.routers import SimpleRouter

from fupin.accounts.api.views import GrantViewSet, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet)
router.register("grants", GrantViewSet)
urlpatterns = router.urls
