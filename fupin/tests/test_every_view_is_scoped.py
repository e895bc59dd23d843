"""A view that forgets scoping must fail here, whichever app adds it later.

Three nets: every URL of the product resolves to one of the scoped base classes (or to a short,
named list of public views); for every scoped list page and API list, county B's
administrator gets nothing that belongs to county A; and below the views, every scoped model's
`for_user` gives county B's administrator no row of county A to see or change.
"""

import json
from typing import Any

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import ViewSetMixin

from fupin.imports.actions import start_import
from fupin.lib.api import ScopedViewSetMixin
from fupin.lib.views import ScopedMixin
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    VILLAGE_A,
    api_for,
    build_pairing_sample,
    build_projects_sample,
    build_registry_sample,
    client_for,
)

# Views that show no records: signing in and out, the home redirect.
PUBLIC_VIEWS = {"FupinLoginView", "FupinLogoutView", "RedirectView"}
# Public to signed-in users: the region tree (codes and names are public facts), the
# poverty lines and the pairing cap rules (reference data).
PUBLIC_DATA_URLS = (
    "/regions/",
    "/api/v1/regions/",
    "/api/v1/poverty-lines/",
    "/pairing/caps/",
    "/api/v1/cap-rules/",
)
# A signed-in user's own page (their password), whatever their grants reach.
OWN_URLS = ("/accounts/password/",)
# Figures of one region and its children, not a list of records: their scope is tested in
# fupin/analytics/tests (county B gets 404 for county A's figures).
AGGREGATE_URLS = ("/api/v1/stats/",)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            cls = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
            yield prefix + str(p.pattern), p.callback, cls


def product_callbacks():
    return [(route, callback) for route, callback, _cls in _walk(get_resolver().url_patterns)]


def product_views():
    """(route, view class) for every URL whose view lives in the fupin package."""
    for route, callback, cls in _walk(get_resolver().url_patterns):
        module = (cls or callback).__module__
        if module.startswith("fupin.") or (cls and cls.__name__ in PUBLIC_VIEWS):
            yield route, cls


def test_it_finds_the_product_views():
    names = {cls.__name__ for _, cls in product_views() if cls}
    assert {"RegionListView", "UserListView", "AuditEventListView", "UserViewSet"} <= names


def test_it_builds_every_product_view_on_a_scoped_base_class():
    unscoped = []
    for route, cls in product_views():
        if cls is None or cls.__name__ in PUBLIC_VIEWS:
            continue
        base = ScopedViewSetMixin if issubclass(cls, ViewSetMixin) else ScopedMixin
        if not issubclass(cls, base):
            unscoped.append(f"{route} -> {cls.__name__}")
    assert not unscoped, "views that skip the scoping base classes: " + ", ".join(unscoped)


def test_it_gives_every_scoped_model_a_for_user_queryset():
    missing = []
    for _, cls in product_views():
        queryset = getattr(cls, "queryset", None)
        if queryset is not None and not hasattr(queryset, "for_user"):
            missing.append(cls.__name__)
    assert not missing


def list_routes():
    """The API routes that list records: a viewset's GET without an id (not a POST-only
    action such as a dividend run's preview)."""
    readable = {
        route
        for route, callback in product_callbacks()
        if "get" in getattr(callback, "actions", {"get": None})
    }
    api = []
    for route, cls in product_views():
        if cls is None or "<" in route or "(?P<" in route or route not in readable:
            continue
        if route.startswith("api/v1/") and issubclass(cls, ViewSetMixin):
            path = "/" + route.replace("^", "").replace("$", "")
            if "format" not in path:
                api.append(path)
    return sorted(set(api))


def build_samples() -> None:
    """A record of every kind on each side of the county line (the park committee spans it)."""
    import datetime

    from fupin.lib.ids import make_resident_id
    from fupin.pairing import actions as pairing
    from fupin.pairing import optimise
    from fupin.party import actions as party

    build_registry_sample()
    # The pairing sample brings the party sample (and households, helpers, pairings, plans,
    # measures and visits on both sides).
    pairing_sample = build_pairing_sample()
    sample = pairing_sample.party
    for member in (sample.member_a, sample.member_b):
        party.record_service(
            actor=None,
            member=member,
            village_code=member.region_id,
            on=datetime.date(2021, 1, 1),
            kind="volunteer",
        )
        party.add_tag(
            actor=None, member=member, kind="wealth_leader", since=datetime.date(2020, 1, 1)
        )
        applicant = party.register_member(
            actor=None,
            organisation=member.organisation,
            name="申请人",
            id_number=make_resident_id(member.county_code, datetime.date(1990, 1, 1), 9),
            stage="applicant",
        )
        party.record_step(
            actor=None, member=applicant, stage="applicant", on=datetime.date(2020, 1, 1)
        )
    for county, plan in ((COUNTY_A, pairing_sample.plan_a), (COUNTY_B, pairing_sample.plan_b)):
        pairing.add_measure(actor=None, plan=plan, category="health", description="体检")
        pairing.set_cap_rule(
            actor=None, region_code=county, primary_cap=5, leader_cap=7, secondary_cap=5
        )
        pairing.save_proposal(actor=None, region_code=county, result=optimise.propose(county))
    # Projects, partners, participants, a recorded dividend run and a contract on both sides.
    build_projects_sample(sample)
    party.reorganise(
        actor=None,
        sources=[sample.org_a],
        successors=[party.Successor("甲村党总支", "general_branch", "village", [VILLAGE_A])],
        on=datetime.date(2021, 1, 1),
    )


def without_shared_regions(text: str, user) -> str:
    """`text` less the covered regions of the organisations `user` sees: a park committee
    spanning both counties belongs to both by design, and says which villages it covers."""
    from fupin.party.models import Coverage, Organisation

    visible = Organisation.objects.for_user(user)
    for code in Coverage.objects.filter(organisation__in=visible).values_list("region", flat=True):
        text = text.replace(code, "")
    return text


def test_it_shows_county_b_nothing_of_county_a_in_any_api_list(cast):
    build_samples()
    routes = [r for r in list_routes() if not r.startswith(PUBLIC_DATA_URLS + AGGREGATE_URLS)]
    assert "/api/v1/users/" in routes and "/api/v1/audit-events/" in routes
    assert "/api/v1/organisations/" in routes
    for route in routes:
        b = api_for(cast.county_b_admin).get(route + "?limit=1000")
        assert b.status_code == 200, route
        shown = without_shared_regions(json.dumps(b.json()), cast.county_b_admin)
        assert COUNTY_A not in shown, route
        # The same list as the province shows county A: the test above is not vacuous.
        p = api_for(cast.province_admin).get(route + "?limit=1000")
        assert COUNTY_A in json.dumps(p.json()), route


def test_it_shows_county_b_nothing_of_county_a_on_any_list_page(cast):
    build_samples()
    # An upload by county A's secretary, so the imports page has something to hide.
    start_import(
        actor=cast.village_a_secretary,
        kind="households",
        upload=ContentFile(b"x", name=f"{COUNTY_A}.csv"),
        commit=False,
    )
    pages = [
        "/" + route
        for route, cls in product_views()
        if cls is not None
        and "<" not in route
        and not route.startswith("api/")
        and hasattr(cls, "table_class")
        and not ("/" + route).startswith(PUBLIC_DATA_URLS)
    ]
    assert "/accounts/users/" in pages and "/audit/" in pages
    assert {"/party/organisations/", "/party/members/", "/party/reorganisations/"} <= set(pages)
    assert {
        "/pairing/helpers/",
        "/pairing/pairings/",
        "/pairing/plans/",
        "/pairing/visits/",
        "/pairing/proposals/",
    } <= set(pages)
    for page in pages:
        b = client_for(cast.county_b_admin).get(page)
        assert b.status_code == 200, page
        shown = without_shared_regions(b.content.decode(), cast.county_b_admin)
        assert COUNTY_A not in shown, page
        p = client_for(cast.province_admin).get(page)
        assert COUNTY_A in p.content.decode(), page


# --- the third net: every scoped model, below the views ------------------------------------


def scoped_models() -> list[Any]:
    """Every fupin model whose default manager scopes (a `for_user` queryset)."""
    from django.apps import apps

    from fupin.accounts.scoping import ScopedQuerySet

    return [
        m
        for m in apps.get_models()
        if m.__module__.startswith("fupin.")
        and isinstance(m._default_manager.all(), ScopedQuerySet)
    ]


def rows_touching(model: Any, county: str) -> Any:
    """The rows of `model` that belong to `county`, whatever way the model is scoped: its own
    region field, a region it covers (a park committee, a project's villages), or the record
    it belongs to (a project's participants)."""
    from django.db.models import Q

    from fupin.accounts.scoping import SpanningQuerySet, ThroughQuerySet, _model_at
    from fupin.regions.codes import subtree_q

    manager = model._default_manager
    if isinstance(manager.all(), ThroughQuerySet):
        owner = _model_at(model, model.scope_through)
        return manager.filter(**{f"{model.scope_through}__in": rows_touching(owner, county)})
    if isinstance(manager.all(), SpanningQuerySet):
        relation = model._meta.get_field(model.scope_relation)
        covered = relation.related_model._default_manager.filter(
            subtree_q(relation.related_model.scope_field, county)
        )
        return manager.filter(pk__in=covered.values(relation.field.name))
    return manager.filter(Q(subtree_q(model.scope_field, county))).distinct()


def test_it_lets_county_b_see_and_change_no_row_of_county_a_in_any_model(cast):
    from fupin.accounts.roles import Action
    from fupin.accounts.scoping import ReferenceQuerySet
    from fupin.pairing.models import Pairing
    from fupin.party.models import Member, Organisation
    from fupin.projects.models import DividendPayout, Participant, Project
    from fupin.registry.models import Household

    build_samples()
    models = scoped_models()
    assert {Household, Member, Organisation, Pairing, Project, Participant, DividendPayout} <= set(
        models
    )
    checked = 0
    for model in models:
        manager = model._default_manager
        only_a = set(rows_touching(model, COUNTY_A).values_list("pk", flat=True)) - set(
            rows_touching(model, COUNTY_B).values_list("pk", flat=True)
        )
        touching_a = set(rows_touching(model, COUNTY_A).values_list("pk", flat=True))
        seen = set(manager.for_user(cast.county_b_admin, Action.VIEW).values_list("pk", flat=True))
        changed = set(
            manager.for_user(cast.county_b_admin, Action.CHANGE).values_list("pk", flat=True)
        )
        if not isinstance(manager.all(), ReferenceQuerySet):
            assert not seen & only_a, model.__name__
        # A record spanning both counties is seen from both, changed only from above both.
        assert not changed & touching_a, model.__name__
        # Not vacuous: the province sees county A's rows of every model the samples fill.
        if only_a:
            province = manager.for_user(cast.province_admin, Action.VIEW)
            assert only_a <= set(province.values_list("pk", flat=True)), model.__name__
            checked += 1
    assert checked >= 20


# --- one rule for 403 and 404, for every role of the cast on every page (README) -------------


def records_to_ask(model: Any) -> list[Any]:
    """Records to put in a page's URL: one of county A only and, where the model has one, one
    spanning both counties (seen from county B, changed only from above both)."""
    a = rows_touching(model, COUNTY_A)
    b = rows_touching(model, COUNTY_B)
    only_a = a.exclude(pk__in=b.values("pk")).order_by("pk").first()
    both = a.filter(pk__in=b.values("pk")).order_by("pk").first()
    return [r for r in (only_a, both) if r is not None]


def page_urls(cls: Any, route: str) -> list[tuple[str, Any]]:
    """(url, the record it names or None) for one page's route."""
    route = route.replace("<str:kind>", "households")
    if "<int:pk>" not in route:
        return [("/" + route, None)]
    return [
        ("/" + route.replace("<int:pk>", str(r.pk)), r) for r in records_to_ask(cls.queryset.model)
    ]


def test_it_answers_every_role_by_one_rule_on_every_page(cast):
    """403 to a role that may do the page's action on no record of its kind (before any
    lookup); 404 for a record outside the user's scope for the page's action; a record in
    scope is shown (or refused with 403 by a rule of its step); a list or a form without a
    record never answers 404 to a role that has the action somewhere."""
    from fupin.lib.views import action_nowhere

    build_samples()
    start_import(
        actor=cast.village_a_secretary,
        kind="households",
        upload=ContentFile(b"x", name=f"{VILLAGE_A}.csv"),
        commit=False,
    )
    checked: dict[int, int] = {}
    for route, cls in product_views():
        if (
            cls is None
            or cls.__name__ in PUBLIC_VIEWS
            or route.startswith("api/")
            or "(?P<" in route
            or ("/" + route).startswith(PUBLIC_DATA_URLS + OWN_URLS)
            or getattr(cls, "queryset", None) is None
        ):
            continue
        model, action = cls.queryset.model, cls.scope_action
        lookup = getattr(cls, "lookup_action", "") or action
        for url, record in page_urls(cls, route):
            for name, user in cast.all().items():
                status = client_for(user).get(url).status_code
                where = f"{url} as {name}"
                if user is None:
                    assert status == 302, where
                elif action_nowhere(user, model, action):
                    assert status == 403, where
                elif record is not None:
                    scope = model._default_manager.for_user(user, lookup)
                    if scope.filter(pk=record.pk).exists():
                        # The sample upload had no bad cells: no marked workbook to download.
                        absent = cls.__name__ == "AnnotatedDownloadView"
                        assert status in (200, 403) or absent, where
                    else:
                        assert status == 404, where
                else:
                    assert status in (200, 302, 403), where
                checked[status] = checked.get(status, 0) + 1
    # Not vacuous: each answer was given many times.
    assert checked[200] > 300 and checked[403] > 100 and checked[404] > 50, checked
