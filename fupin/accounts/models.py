from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.accounts.choices import Role
from fupin.accounts.roles import Action
from fupin.accounts.scoping import ScopedQuerySet, prefixes


class UserQuerySet(ScopedQuerySet["User"]):
    """Users are in scope when one of their grants is (`Grant` carries the region)."""

    def for_user(self, user: Any, action: Action = Action.VIEW) -> "UserQuerySet":
        qs: UserQuerySet = super().for_user(user, action)  # type: ignore[assignment]
        if prefixes(user, action) is None:
            return qs
        # Superusers are the operators' accounts, outside every region.
        return qs.exclude(is_superuser=True)


class FupinUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who signs in: staff of an organisation department, a cadre, a helper.

    What they may do comes from their grants (region, role), never from Django's own
    permission flags; `is_superuser` is kept for the operator who runs the installation.
    """

    scope_field: ClassVar[str] = "grants__region__code"

    objects: ClassVar[Any] = FupinUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user-detail", args=[self.pk])


class Grant(models.Model):
    """One role a user holds over one region's subtree (e.g. county administrator of 旺苍县)."""

    scope_field: ClassVar[str] = "region__code"

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="grants"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["region_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.region_id}"

    def get_absolute_url(self) -> str:
        # A grant has no page of its own; it is shown (and cancelled back to) on its user's.
        return reverse("accounts:user-detail", args=[self.user_id])
