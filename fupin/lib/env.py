"""Settings from the environment, failing fast with a clear message on bad values.

Settings are read once at start-up; a typo in a production variable must stop the process
with a message that names the variable, not surface later as an odd behaviour.
"""

import os
import secrets
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; use one of 1, true, yes, on, 0, false, no, off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_map(name: str, choices: Sequence[str]) -> dict[str, str]:
    """`key=value,key=value` (one value of `choices` per key), e.g. DUTY_SEPARATION=52=proposer."""
    raw = os.environ.get(name)
    if raw is None:
        return {}
    found: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        key, _sep, value = (part.strip() for part in item.partition("="))
        if not key or value not in choices:
            raise ImproperlyConfigured(
                f"{name}={raw!r}: {item.strip()!r} is not key=value with a value among "
                f"{', '.join(choices)}."
            )
        found[key] = value
    return found


def secret_key(*, debug: bool, data_dir: Path) -> str:
    """SECRET_KEY from the environment; in development, one generated and kept in the data folder.

    Production (DEBUG off) must set it: a key generated on the fly would log everyone out at
    each restart and differ between processes.
    """
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return key
    if not debug:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set SECRET_KEY in the environment, "
            "or set DEBUG=1 for development."
        )
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
