import os

import pytest
from django.core.cache import cache
from django.db import connection

from tests.factories import MunicipalityFactory, UserFactory

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Outside CI, each run on PostgreSQL gets a test database of its own (test_<name>_<pid>),
    so two runs on one machine (a developer's and a helper's) never drop each other's."""
    if IN_CI:
        return
    from pytest_django.fixtures import _set_suffix_to_test_databases

    _set_suffix_to_test_databases(suffix=str(os.getpid()))


def pytest_runtest_setup(item):
    """Tests marked `postgres` skip on SQLite locally; in CI a skip would hide a gap: fail."""
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        reason = "needs PostgreSQL: set DATABASE_URL=postgres://... to run it"
        if IN_CI:
            pytest.fail(f"CI must run every PostgreSQL test, but the database is not: {reason}")
        pytest.skip(reason)
    if item.get_closest_marker("worker") and not os.environ.get("REDIS_URL"):
        reason = "needs Redis for a Celery worker: set REDIS_URL and CELERY_BROKER_URL"
        if IN_CI:
            pytest.fail(f"CI must run every worker test, but Redis is not set: {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs a quarter of a second per user; tests create hundreds of users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    """allauth's rate limits count in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    from tests.factories import PASSWORD

    return PASSWORD


@pytest.fixture
def officer(db):
    return UserFactory(roles=["integration_officer"])


@pytest.fixture
def coordinator(db):
    return UserFactory(roles=["coordinator"])


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Köln, Stadt", ags="05315000", postcode="50667")


@pytest.fixture
def send_due_emails(db, settings):
    """Send every due outbox row now, as the dispatcher and a worker would.

    Tests run inside a transaction that never commits, so `on_commit` never hands rows to a
    worker; this does the worker's part in the test's process. Messages land in mail.outbox.
    """
    from django.utils import timezone

    from portal.notifications.models import Notification
    from portal.notifications.services import notifications_send

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def send():
        now = timezone.now()
        ids = list(
            Notification.objects.ready(now=now, stale_before=now, requeue_before=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        return notifications_send(notification_ids=ids)

    return send


def _forget_broker_connections(app):
    """Celery keeps its connection pools; a changed broker URL needs fresh ones."""
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    """Point Celery at a port where nothing listens, for real.

    Celery reads CELERY_BROKER_URL from the environment before its configuration, so both
    are changed, and its connection pools are dropped before and after.
    """
    from portal.celery import app

    dead = "redis://127.0.0.1:9/0"
    original = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    app.conf.broker_url = dead
    _forget_broker_connections(app)
    yield
    monkeypatch.undo()
    app.conf.broker_url = original
    _forget_broker_connections(app)
