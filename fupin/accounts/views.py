from typing import Any

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fupin.accounts import actions
from fupin.accounts.filtersets import UserFilterSet
from fupin.accounts.forms import (
    ChangeOwnPasswordForm,
    GrantForm,
    SetPasswordForm,
    UserCreateForm,
    UserUpdateForm,
)
from fupin.accounts.models import Grant, User
from fupin.accounts.roles import Action
from fupin.accounts.tables import GrantTable, UserListTable
from fupin.lib.forms import ConfirmForm
from fupin.lib.views import ActionFormView, ObjectDetailView, ObjectListView


class FupinLoginView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class FupinLogoutView(LogoutView):
    pass


class UserListView(ObjectListView):
    queryset = User.objects.prefetch_related("grants")
    scope_action = Action.MANAGE_USERS
    filterset_class = UserFilterSet
    table_class = UserListTable
    title = gettext_lazy("Users")
    export_name = "users"
    template_name = "accounts/user_list.html"


class UserDetailView(ObjectDetailView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    template_name = "accounts/user_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["grants"] = GrantTable(self.object.grants.select_related("region", "granted_by"))
        context["grant_form"] = GrantForm()
        return context


class UserCreateView(ActionFormView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    form_class = UserCreateForm
    title = gettext_lazy("Add a user")

    def perform(self, form: Any) -> User:
        return actions.create_user(
            actor=self.request.user,  # type: ignore[arg-type]
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            region_code=form.cleaned_data["region"],
            role=form.cleaned_data["role"],
            first_name=form.cleaned_data["first_name"],
            email=form.cleaned_data["email"],
        )


class UserUpdateView(ActionFormView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    object_view = True
    form_class = UserUpdateForm
    title = gettext_lazy("Edit user")

    def get_initial(self) -> dict[str, Any]:
        user: User = self.object
        return {"first_name": user.first_name, "email": user.email, "is_active": user.is_active}

    def perform(self, form: Any) -> User:
        return actions.update_user(
            actor=self.request.user,  # type: ignore[arg-type]
            user=self.object,
            first_name=form.cleaned_data["first_name"],
            last_name=self.object.last_name,
            email=form.cleaned_data["email"],
            is_active=form.cleaned_data["is_active"],
        )


class UserSetPasswordView(ActionFormView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    object_view = True
    form_class = SetPasswordForm
    title = gettext_lazy("Set password")

    def perform(self, form: Any) -> None:
        actions.set_password(
            actor=self.request.user,  # type: ignore[arg-type]
            user=self.object,
            password=form.cleaned_data["password"],
        )


class UserDeleteView(ActionFormView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    object_view = True
    form_class = ConfirmForm
    title = gettext_lazy("Delete user")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.delete_user(actor=self.request.user, user=self.object)  # type: ignore[arg-type]

    def success_message(self) -> str:
        return _("The user was deleted.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("accounts:user-list")


class GrantAddView(ActionFormView):
    queryset = User.objects.all()
    scope_action = Action.MANAGE_USERS
    object_view = True
    form_class = GrantForm
    title = gettext_lazy("Add a role")

    def perform(self, form: Any) -> None:
        actions.add_grant(
            actor=self.request.user,  # type: ignore[arg-type]
            user=self.object,
            region_code=form.cleaned_data["region"],
            role=form.cleaned_data["role"],
        )


class GrantRemoveView(ActionFormView):
    queryset = Grant.objects.select_related("user")
    scope_action = Action.MANAGE_USERS
    object_view = True
    form_class = ConfirmForm
    title = gettext_lazy("Remove role")
    template_name = "generic/confirm_delete.html"

    def perform(self, form: Any) -> None:
        actions.remove_grant(actor=self.request.user, grant=self.object)  # type: ignore[arg-type]

    def get_success_url(self, result: Any = None) -> str:
        return str(self.object.user.get_absolute_url())


class PasswordChangeView(ActionFormView):
    """A user changes their own password; the session stays signed in."""

    queryset = User.objects.all()
    form_class = ChangeOwnPasswordForm
    title = gettext_lazy("Change my password")

    def check_role(self) -> None:
        # Every signed-in user changes their own password, whatever their grants reach (a
        # helper's reach no users at all).
        pass

    def perform(self, form: Any) -> None:
        user: User = self.request.user  # type: ignore[assignment]
        if not user.check_password(form.cleaned_data["old_password"]):
            raise ValidationError({"old_password": _("The current password is wrong.")})
        actions.set_password(actor=user, user=user, password=form.cleaned_data["password"])
        update_session_auth_hash(self.request, user)

    def get_success_url(self, result: Any = None) -> str:
        return reverse("regions:region-list")
