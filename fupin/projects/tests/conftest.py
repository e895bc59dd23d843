"""The projects sample (fupin.testing.build_projects_sample) for the projects' tests."""

from typing import Any

import pytest

from fupin.testing import ProjectsSample, build_projects_sample


@pytest.fixture
def projects(db: Any, cast: Any) -> ProjectsSample:
    return build_projects_sample()
