"""The Content-Security-Policy allows scripts only from our static files: no template may hold
an inline script or an event-handler attribute, and every page is sent with the policy."""

import re
from pathlib import Path

import pytest

from fupin.testing import client_for

TEMPLATES = sorted(Path(__file__).resolve().parent.parent.rglob("templates/**/*.html"))
# A <script> without src= that is not a JSON data block (json_script), and on…= attributes.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_it_finds_the_templates():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_it_keeps_every_script_in_a_file(template):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "an inline <script>: move it to fupin/static/fupin/"
    assert not HANDLER.search(text), "an on…= attribute: use data-autosubmit or a script file"


@pytest.mark.parametrize(
    "url", ["/stats/", "/registry/households/", "/api/v1/regions/", "/api/docs/"]
)
def test_it_sends_the_policy_with_every_page(cast, url):
    response = client_for(cast.province_admin).get(url, follow=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("style-src")[0]
