"""The URL block every model's pages repeat: list, add, detail, edit, delete (NetBox-style).

A domain's urls.py names the views it has for a model and gets the usual paths under one
prefix, named `<name>-list`, `<name>-add`, `<name>-detail`, `<name>-edit` and
`<name>-delete`. Pages that are not this block (advance, approve, nested adds) stay plain
`path()` lines beside it.
"""

from django.urls import URLPattern, path
from django.views import View


def object_urls(
    prefix: str,
    name: str,
    *,
    list_view: type[View] | None = None,
    add_view: type[View] | None = None,
    detail_view: type[View] | None = None,
    edit_view: type[View] | None = None,
    delete_view: type[View] | None = None,
) -> list[URLPattern]:
    """Return the paths of the views given, in the order list, add, detail, edit, delete."""
    routes = [
        ("", "list", list_view),
        ("add/", "add", add_view),
        ("<int:pk>/", "detail", detail_view),
        ("<int:pk>/edit/", "edit", edit_view),
        ("<int:pk>/delete/", "delete", delete_view),
    ]
    return [
        path(f"{prefix}/{route}", view.as_view(), name=f"{name}-{suffix}")
        for route, suffix, view in routes
        if view is not None
    ]
