"""Settings for the test suite: the real settings, with a fixed key and a fast password hash."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-to-pass")

from fupin.settings import *  # noqa: F403

# Uploads of the test suite go to a throw-away folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="fupin-test-media-"))
# The dashboards' map boundaries that a demo build loads.
BOUNDARIES_DIR = Path(tempfile.mkdtemp(prefix="fupin-test-boundaries-"))
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
