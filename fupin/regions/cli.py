"""What the region commands that read a list of codes (mark_poor, load_population) share."""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.utils.translation import gettext as _

from fupin.lib.cli import refuse
from fupin.regions.loader import BadFile
from fupin.regions.models import Region

Row = TypeVar("Row")


def read_listed(path: Path, parse: Callable[[Path, dict[str, int]], list[Row]]) -> list[Row]:
    """The checked rows of a file of region codes; the command refuses a missing or bad file."""
    if not path.exists():
        raise refuse([path], _("No such file:"))
    try:
        return parse(path, dict(Region.objects.values_list("code", "level")))
    except BadFile as e:
        raise refuse(e.problems, _("%(file)s was not loaded:") % {"file": path.name}) from None
