from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from fupin.accounts import actions
from fupin.accounts.api.serializers import GrantSerializer, UserCreateSerializer, UserSerializer
from fupin.accounts.filtersets import GrantFilterSet, UserFilterSet
from fupin.accounts.models import Grant, User
from fupin.accounts.roles import Action
from fupin.lib.api import READ_WRITE, ScopedModelViewSet


class UserViewSet(ScopedModelViewSet):
    """Users an administrator administers (a user is listed when one of their grants is in
    the caller's subtree). Other roles see an empty list."""

    queryset = User.objects.prefetch_related("grants")
    scope_action = Action.MANAGE_USERS
    write_action = Action.MANAGE_USERS
    serializer_class = UserSerializer
    filterset_class = UserFilterSet
    ordering_fields = ["username", "first_name", "last_login"]
    http_method_names = READ_WRITE
    delete_action = actions.delete_user
    object_arg = "user"

    @extend_schema(request=UserCreateSerializer, responses={201: UserSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        user = actions.create_user(
            actor=request.user,  # type: ignore[arg-type]
            username=v["username"],
            password=v["password"],
            region_code=v["region"],
            role=v["role"],
            first_name=v["first_name"],
            email=v["email"],
        )
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer[User]) -> None:
        user: User = serializer.instance  # type: ignore[assignment]
        v = serializer.validated_data
        serializer.instance = actions.update_user(
            actor=self.request.user,
            user=user,
            first_name=v.get("first_name", user.first_name),
            last_name=user.last_name,
            email=v.get("email", user.email),
            is_active=v.get("is_active", user.is_active),
        )


class GrantViewSet(ScopedModelViewSet):
    """Roles held over regions. Grants are created and removed, never edited."""

    queryset = Grant.objects.select_related("user")
    scope_action = Action.MANAGE_USERS
    write_action = Action.MANAGE_USERS
    serializer_class = GrantSerializer
    filterset_class = GrantFilterSet
    http_method_names = ["get", "post", "delete", "head", "options"]
    delete_action = actions.remove_grant
    object_arg = "grant"

    def perform_create(self, serializer: BaseSerializer[Grant]) -> None:
        v = serializer.validated_data
        serializer.instance = actions.add_grant(
            actor=self.request.user,
            user=v["user"],
            region_code=v["region_id"],
            role=v["role"],
        )
