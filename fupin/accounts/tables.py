import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import Grant, User
from fupin.lib.tables import YesNoColumn


class UserListTable(tables.Table):
    """The list of users (accounts), with their roles."""

    username = tables.Column(linkify=True, verbose_name=_("User name"))
    first_name = tables.Column(verbose_name=_("Full name"))
    grant_list = tables.TemplateColumn(
        template_name="accounts/grant_cell.html", verbose_name=_("Roles"), orderable=False
    )
    is_active = YesNoColumn(verbose_name=_("Active"))
    last_login = tables.DateTimeColumn(verbose_name=_("Last login"), format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ("username", "first_name", "grant_list", "is_active", "last_login")
        attrs = {"class": "table"}

    def value_grant_list(self, record: User) -> str:
        return "; ".join(str(g) for g in record.grants.all())


class GrantTable(tables.Table):
    region = tables.Column(linkify=True, verbose_name=_("Region"))
    role = tables.Column(verbose_name=_("Role"))
    created_at = tables.DateTimeColumn(verbose_name=_("Granted at"), format="Y-m-d H:i")
    granted_by = tables.Column(verbose_name=_("Granted by"))
    remove = tables.TemplateColumn(
        template_name="accounts/grant_remove.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Grant
        fields = ("region", "role", "created_at", "granted_by", "remove")
        attrs = {"class": "table"}
