"""Checks behind /healthz: can the portal reach its database and its broker?"""

import logging

from django.db import DatabaseError, connections

from portal.celery import app as celery_app

logger = logging.getLogger(__name__)


def database_ok(alias: str = "default") -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unreachable")
        return False
    return True


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=2
            )
    except Exception:  # any transport error means the same: jobs cannot be queued
        logger.exception("Health check: broker unreachable")
        return False
    return True
