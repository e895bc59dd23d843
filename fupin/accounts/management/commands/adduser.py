import secrets
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from fupin.accounts.actions import create_user
from fupin.accounts.choices import Role
from fupin.lib.cli import FupinCommand, refuse


class Command(FupinCommand):
    help = "Create a user holding one role over one region (the same action as the users page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--region", required=True, help="region code, e.g. 510821")
        parser.add_argument("--role", required=True, help=", ".join(Role.values))
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of generating one",
        )
        super().add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        generated = not options["password_stdin"]
        password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
        try:
            user = create_user(
                actor=None,
                username=options["username"],
                password=password,
                region_code=options["region"],
                role=options["role"],
                first_name=options["name"],
            )
        except ValidationError as e:
            problems = [f"{field}: {m}" for field, ms in e.message_dict.items() for m in ms]
            raise refuse(problems, _("The user was not created:")) from None
        summary = _("Created %(user)s as %(role)s of %(region)s.") % {
            "user": user.username,
            "role": Role(options["role"]).label,
            "region": options["region"],
        }
        if generated:
            summary += " " + _("Password: %(password)s") % {"password": password}
        self.emit(
            options,
            summary,
            {
                "id": user.pk,
                "username": user.username,
                "region": options["region"],
                "role": options["role"],
                **({"password": password} if generated else {}),
            },
        )
