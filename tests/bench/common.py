"""What the benchmarks share: Django on a database made afresh for the run, timings, and
query counts.

A benchmark calls `setup_django(url)` before it imports anything of the project. A
PostgreSQL database named by `url` is dropped and created again (so nothing is left over
from an earlier, interrupted run: never point it at a database you want to keep); a SQLite
file is deleted. Then the migrations run.
"""

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple


def recreate_postgres(url: str) -> None:
    """Drop the database `url` names, with its connections, and create it empty."""
    import psycopg2

    server, name = url.rsplit("/", 1)
    admin = psycopg2.connect(server + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(url: str) -> None:
    """Django on an empty, migrated database at `url` (PostgreSQL or a SQLite file)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if url.startswith("sqlite:"):
        path = Path(url.removeprefix("sqlite://"))
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
    else:
        recreate_postgres(url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # As in the test suite: the people a benchmark makes are set up, not measured.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


class Timing(NamedTuple):
    median: float  # milliseconds
    worst: float  # milliseconds
    result: Any  # what the last run returned


def measure(function: Callable, *, runs: int = 30, warmup: int = 3) -> Timing:
    """The median and worst of `runs` calls of `function`, after `warmup` calls."""
    for _number in range(warmup):
        function()
    timings = []
    result = None
    for _number in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(timings), max(timings), result)


def count_queries(function: Callable) -> int:
    """How many SQL statements `function` runs on the default connection."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        function()
    return len(statements)
