from rest_framework import serializers

from fupin.accounts.choices import Role
from fupin.accounts.models import Grant, User


class GrantSerializer(serializers.ModelSerializer[Grant]):
    region = serializers.CharField(source="region_id", max_length=12)
    role = serializers.ChoiceField(choices=Role.choices)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())

    class Meta:
        model = Grant
        fields = ["id", "user", "region", "role", "role_display", "created_at"]
        read_only_fields = ["created_at"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        request = self.context.get("request")
        if request is not None:
            # Only users the caller administers can receive a grant through the API.
            self.fields["user"].queryset = User.objects.for_user(  # type: ignore[attr-defined]
                request.user, "manage_users"
            )


class UserGrantSerializer(serializers.ModelSerializer[Grant]):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Grant
        fields = ["id", "region", "role"]


class UserSerializer(serializers.ModelSerializer[User]):
    grants = UserGrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "email", "is_active", "last_login", "grants"]
        read_only_fields = ["username", "last_login"]


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    first_name = serializers.CharField(max_length=150, required=False, default="")
    email = serializers.EmailField(required=False, default="")
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    region = serializers.CharField(max_length=12)
    role = serializers.ChoiceField(choices=Role.choices)
