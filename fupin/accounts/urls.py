from django.urls import path

from fupin.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.FupinLoginView.as_view(), name="login"),
    path("logout/", views.FupinLogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/add/", views.UserCreateView.as_view(), name="user-add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.UserUpdateView.as_view(), name="user-edit"),
    path("users/<int:pk>/password/", views.UserSetPasswordView.as_view(), name="user-password"),
    path("users/<int:pk>/delete/", views.UserDeleteView.as_view(), name="user-delete"),
    path("users/<int:pk>/grants/add/", views.GrantAddView.as_view(), name="grant-add"),
    path("grants/<int:pk>/delete/", views.GrantRemoveView.as_view(), name="grant-delete"),
]
