"""The OpenAPI schema and the interactive docs work without a network (no CDN anywhere)."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

from fupin.testing import client_for


def test_it_serves_an_openapi_3_schema_with_every_endpoint(cast):
    response = client_for(cast.province_admin).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/regions/",
        "/api/v1/regions/{code}/children/",
        "/api/v1/users/",
        "/api/v1/grants/",
        "/api/v1/audit-events/",
    ):
        assert path in schema["paths"], path
    schemes = schema["components"]["securitySchemes"]
    assert {"tokenAuth", "cookieAuth"} <= set(schemes)


def test_it_serves_the_docs_from_local_files(cast):
    page = client_for(None).get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert scripts
    for url in scripts:
        assert not url.startswith(("http://", "https://", "//")), url
    assert any("drf_spectacular_sidecar" in url for url in scripts)
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_it_vendors_htmx_and_echarts_with_their_licences():
    for name in ("htmx/htmx.min.js", "htmx/LICENSE", "echarts/echarts.min.js", "echarts/LICENSE"):
        assert finders.find(f"vendor/{name}"), name


def test_it_references_no_cdn_in_any_template():
    for template in Path(settings.PACKAGE_DIR).rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(?:src|href)="(?:https?:)?//', text), template
