"""Settings for the test suite: the real settings, with a fixed key and a fast password hash."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-to-pass")

from fupin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
