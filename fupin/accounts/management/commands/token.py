from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.accounts.actions import issue_token
from fupin.accounts.models import User
from fupin.lib.cli import FupinCommand, refuse


class Command(FupinCommand):
    help = "Print a new API token for a user (any earlier token of theirs stops working)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise refuse([options["username"]], _("There is no such user:"))
        key = issue_token(actor=None, user=user)
        self.emit(options, key, {"username": user.username, "token": key})
