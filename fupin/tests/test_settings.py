"""Settings come from the environment and stop the process with a clear message when wrong."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from fupin.lib.env import env_bool, env_int, env_map, secret_key


def run_fupin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "fupin", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_reads_yes_and_no(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG") is False
    monkeypatch.delenv("X_FLAG")
    assert env_bool("X_FLAG", default=True) is True


def test_it_refuses_a_flag_that_is_neither(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_it_refuses_a_number_that_is_not(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        env_int("X_NUM", 1)


def test_it_reads_a_choice_per_key_and_refuses_any_other(monkeypatch):
    choices = ["strict", "proposer"]
    assert env_map("X_MAP", choices) == {}
    monkeypatch.setenv("X_MAP", " 51=proposer, 52 = strict ,")
    assert env_map("X_MAP", choices) == {"51": "proposer", "52": "strict"}
    for bad in ("51=lenient", "51", "=strict"):
        monkeypatch.setenv("X_MAP", bad)
        with pytest.raises(ImproperlyConfigured, match="X_MAP"):
            env_map("X_MAP", choices)


def test_it_requires_a_secret_key_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required"):
        secret_key(debug=False, data_dir=tmp_path)


def test_it_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="32"):
        secret_key(debug=False, data_dir=tmp_path)


def test_it_generates_and_keeps_a_development_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(debug=True, data_dir=tmp_path)
    assert len(first) >= 50
    assert secret_key(debug=True, data_dir=tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_stops_the_cli_on_a_missing_production_key(tmp_path):
    result = run_fupin({"FUPIN_DATA_DIR": str(tmp_path)}, "check")
    assert result.returncode == 2
    assert "SECRET_KEY is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_stops_the_cli_on_a_bad_database_url(tmp_path):
    result = run_fupin(
        {"DEBUG": "1", "FUPIN_DATA_DIR": str(tmp_path), "DATABASE_URL": "mysql://x@h/db"},
        "check",
    )
    assert result.returncode == 2
    assert "SQLite and PostgreSQL" in result.stderr


def test_it_keeps_debug_off_unless_set(tmp_path):
    result = run_fupin(
        {"SECRET_KEY": "k" * 40, "FUPIN_DATA_DIR": str(tmp_path)},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    debug, name = result.stdout.split()
    assert debug == "False"
    assert name == str(tmp_path / "fupin.sqlite3")


def test_it_keeps_database_connections_for_a_minute_unless_told(tmp_path):
    show = "from django.conf import settings as s; d = s.DATABASES['default']; "
    show += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    env = {"DEBUG": "1", "FUPIN_DATA_DIR": str(tmp_path)}
    kept = run_fupin(env, "shell", "--no-imports", "-c", show)
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.split() == ["60", "True"]
    each = run_fupin({**env, "DB_CONN_MAX_AGE": "0"}, "shell", "--no-imports", "-c", show)
    assert each.stdout.split() == ["0", "True"]
