"""Links in emails and on certificates point where `make run HOST=… PORT=…` serves."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_SITE_URL = (
    "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
)


def site_url(**overrides) -> str:
    env = {
        k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORTAL_HOST", "PORTAL_PORT"}
    }
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", **overrides)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SITE_URL],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_links_follow_the_host_and_port_the_portal_runs_on():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORTAL_HOST="localhost", PORTAL_PORT="8101") == "http://localhost:8101"


def test_an_explicit_site_url_wins():
    assert (
        site_url(SITE_URL="https://portal.example.org/", PORTAL_PORT="8101")
        == "https://portal.example.org"
    )


def test_make_run_hands_its_host_and_port_to_the_web_process_and_the_worker():
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=localhost", "PORT=8101"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "export PORTAL_HOST=localhost PORTAL_PORT=8101" in dry_run
    assert dry_run.index("PORTAL_PORT=8101") < dry_run.index("celery -A portal worker")
    assert "runserver localhost:8101" in dry_run
    # The demo's emails are written before the server starts: their links follow too.
    assert "PORTAL_HOST=localhost PORTAL_PORT=8101 .venv/bin/python manage.py seed_demo" in dry_run
