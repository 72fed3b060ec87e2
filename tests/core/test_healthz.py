import pytest
from django.db import connections


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.fixture
def unreachable_database():
    """Point the default connection at a database that cannot be opened, for real."""
    original = connections["default"]
    broken = connections.create_connection("default")
    if original.vendor == "sqlite":
        broken.settings_dict = {**original.settings_dict, "NAME": "/nonexistent/dir/db.sqlite3"}
    else:
        broken.settings_dict = {**original.settings_dict, "HOST": "127.0.0.1", "PORT": "9"}
    connections["default"] = broken
    yield
    broken.close()
    connections["default"] = original


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, unreachable_database):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "down"


@pytest.mark.django_db
def test_healthz_stays_200_but_reports_a_broker_that_is_down(client, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}
