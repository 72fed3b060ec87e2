"""Benchmark: outbox dispatch throughput to a local SMTP server, next to a bare smtplib loop.

    make bench            (or: .venv/bin/python -m tests.bench.outbox --emails 10000)

Needs PostgreSQL and Redis (BENCH_DATABASE_URL, BENCH_BROKER_URL; defaults: the local
servers, database portal_bench, Redis database 2). The SMTP server is aiosmtpd's discarding
sink in a process of its own, so it does not share the interpreter with what is measured.

Measured:
1. a bare smtplib loop: one connection, N messages of the size of a rendered email;
2. writing N outbox rows with notify() in one transaction;
3. the outbox end to end: N due rows, the dispatcher, real Celery workers (solo pool) on
   Redis; from the dispatcher's start until the last row is stamped sent.
"""

import argparse
import os
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.bench.common import setup_django

ROOT = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/2")
QUEUE = "bench-outbox"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def bare_smtplib(port: int, message: bytes, count: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for _number in range(count):
            smtp.sendmail("noreply@kommune-vielfalt.example", ["bench@stadt.example"], message)
    return time.perf_counter() - started


def start_workers(count: int, port: int) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_QUEUE": QUEUE,
        # As in production: with DEBUG on, Django keeps every query in memory.
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    }
    workers = []
    for number in range(count):
        log = open(f"/tmp/bench-worker-{number}.log", "w")  # noqa: SIM115
        command = [
            sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo",
            "--without-gossip", "--without-mingle", "--loglevel=WARNING", "-Q", QUEUE,
            "--hostname", f"bench{number}@%h",
        ]  # fmt: skip
        workers.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        )
    time.sleep(6)  # start-up; the clock starts only when the dispatcher runs
    return workers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    os.environ["CELERY_BROKER_URL"] = BROKER_URL
    os.environ["CELERY_QUEUE"] = QUEUE
    setup_django(DATABASE_URL)

    from django.db import transaction
    from django.utils import timezone

    from portal.accounts.emails import MEMBERSHIP_VERIFIED
    from portal.celery import app
    from portal.notifications.models import Notification, Status
    from portal.notifications.rendering import render_notification
    from portal.notifications.services import notifications_dispatch, notify
    from tests.factories import MembershipFactory

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
    )  # fmt: skip
    wait_for_port(port)
    results = []
    try:
        Notification.objects.all().delete()
        membership = MembershipFactory(verified=True, user__email="bench@stadt.example")
        sample = notify(
            kind=MEMBERSHIP_VERIFIED,
            key="bench:sample",
            user=membership.user,
            context={"membership_id": membership.pk},
        )
        message = render_notification(sample).message.message().as_bytes(linesep="\r\n")
        seconds = bare_smtplib(port, message, args.emails)
        results.append(("bare smtplib loop, one connection", args.emails, seconds))

        for workers in args.workers:
            Notification.objects.all().delete()
            app.control.purge()
            later = timezone.now() + timezone.timedelta(days=1)
            started = time.perf_counter()
            with transaction.atomic():
                for number in range(args.emails):
                    notify(
                        kind=MEMBERSHIP_VERIFIED,
                        key=f"bench:{workers}:{number}",
                        user=membership.user,
                        context={"membership_id": membership.pk},
                        due_at=later,
                    )
            results.append(("notify() rows written", args.emails, time.perf_counter() - started))
            now = timezone.now()
            Notification.objects.update(due_at=now, send_after=now)

            processes = start_workers(workers, port)
            try:
                started = time.perf_counter()
                notifications_dispatch()
                while Notification.objects.filter(status=Status.SENT).count() < args.emails:
                    time.sleep(0.2)
                    if time.perf_counter() - started > 1800:
                        raise SystemExit("the outbox did not finish in 30 minutes")
                seconds = time.perf_counter() - started
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait(timeout=30)
            label = f"outbox: dispatcher + {workers} Celery worker(s), solo pool"
            results.append((label, args.emails, seconds))
        Notification.objects.all().delete()
    finally:
        sink.terminate()
        sink.wait(timeout=10)

    print(f"\n{'what':<55} {'emails':>7} {'seconds':>8} {'per second':>11}")
    for label, count, seconds in results:
        print(f"{label:<55} {count:>7} {seconds:>8.2f} {count / seconds:>11.0f}")


if __name__ == "__main__":
    main()
