"""Start-up behaviour of the settings, checked in a fresh interpreter each time."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_django(args, **overrides):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **overrides}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = run_django(["-c", "import django; django.setup()"], DEBUG="false", SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_starts_with_a_development_key_when_debug_is_on():
    result = run_django(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DEBUG, bool(settings.SECRET_KEY))",
        ],
        DEBUG="true",
        SECRET_KEY="",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_sqlite_writes_take_the_lock_at_the_start_of_a_transaction():
    result = run_django(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['OPTIONS']['transaction_mode'], "
            "settings.TIME_ZONE, settings.USE_TZ)",
        ],
        DATABASE_URL="",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "IMMEDIATE Europe/Berlin True"
