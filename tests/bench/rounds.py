"""Benchmark: exchange rounds under load (seats, cancellations, the public list and feed, badges).

    make bench            (or: .venv/bin/python -m tests.bench.rounds)

Runs on the kind of database DATABASE_URL names, in a throwaway one: with a PostgreSQL URL,
a database beside it on the same server (its name + `_bench_rounds`, dropped and created
afresh; the database the URL names is not touched); without one (or with a SQLite URL), a
SQLite file in a temporary folder with the embedded default's settings (WAL, writers queue
for the write lock). BENCH_DATABASE_URL names the throwaway database exactly, as for the
other benchmarks. The emails are written to the outbox as in production; their tasks go to
an in-memory broker that nobody reads, so nothing is sent.

Measured:
1. seats under contention: N verified members, each of a municipality of their own,
   register at the same moment for a round of S seats through
   `exchanges.services.registrations.round_register`, on `--threads` threads with a
   database connection each (`tests.concurrency.run_together`, as the race tests); wall time
   from the first call's start to the last one's end, registrations per second, the median
   and worst single call. Checked: exactly S confirmed, N - S wait-listed at positions
   1 ... N - S in the order of their rows, nobody refused. Then, for comparison, one
   registration with nobody else at the door, confirmed (another round) and wait-listed
   (this one): its time and SQL statements;
2. cancellation with promotion: K confirmed participants cancel one after another
   (`round_registration_cancel`), each seat going to the first person waiting with their
   emails; the time per cancellation. Checked: each cancellation promotes exactly the first
   in line, and the waitlist stays consecutive;
3. name badges as a PDF (`exchanges.exports.badges_pdf`) for a round of `--badges`
   confirmed participants, as the moderators' page reads them: the median of 3 runs (after a
   PDF of an empty round has loaded weasyprint and its fonts), the PDF's size, and the
   memory: the peak resident size of the process during the first run (Linux's VmHWM,
   reset before it) and the peak of Python's allocations (tracemalloc, a run of its own);
4. the public pages for each of `--sizes` published rounds (most upcoming, some past or
   cancelled, two themes, six participants and one audit entry each; tables analysed after
   the fill): `/exchanges/` (first page of 12) and `/exchanges/feed.ics` through Django's
   test client as an anonymous visitor, the feed also as a calendar program asks again
   with the ETag it holds (304, no body built); queries per request, median and worst of
   `--requests` runs after 3 warm-up runs (the feed's body: `--feed-requests`).

PostgreSQL here allows 100 connections for every user of the server, so the 200
registrations run on 40 threads by default (as `tests.concurrency` does); `--threads 200`
needs a server that allows more (SQLite has no such limit).
"""

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bench.common import count_queries, measure, setup_django


def bench_database_url() -> tuple[str, str | None]:
    """The throwaway database's URL, and the temporary folder to remove (SQLite) or None."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"], None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        server, name = url.split("?", 1)[0].rsplit("/", 1)
        return f"{server}/{name}_bench_rounds", None
    folder = tempfile.mkdtemp(prefix="bench-rounds-")
    return f"sqlite:///{folder}/bench.sqlite3", folder


def describe_database() -> str:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        return f"PostgreSQL {version // 10000}.{version % 10000} (database {name})"
    return f"SQLite {sqlite3.sqlite_version} (the embedded default's settings, {name})"


# --- 1 and 2: seats -------------------------------------------------------------------------


def waitlist_positions(round) -> list[int]:
    from exchanges.selectors.registrations import waitlist_position

    return [waitlist_position(r) for r in round.registrations.waiting().order_by("pk")]


def contention(members: list, *, seats: int, threads: int):
    """Everyone in `members` registers at once for a round of `seats` seats."""
    from exchanges.models import RegistrationStatus, RoundStatus
    from exchanges.services.registrations import round_register
    from tests.concurrency import run_together
    from tests.factories import ExchangeRoundFactory

    round = ExchangeRoundFactory(capacity=seats, slug="bench-contention")

    def registering(member):
        def task():
            started = time.perf_counter()
            registration = round_register(person=member.user, round=round, membership=member)
            return started, time.perf_counter(), registration.status

        return task

    outcomes = run_together([registering(m) for m in members], workers=threads)
    errors = [value for kind, value in outcomes if kind == "error"]
    assert not errors, f"{len(errors)} registrations failed, e.g. {errors[0]!r}"
    calls = [value for _kind, value in outcomes]
    wall = max(end for _start, end, _status in calls) - min(start for start, _end, _s in calls)
    single = sorted((end - start) * 1000 for start, end, _status in calls)

    waiting = len(members) - seats
    assert sum(s == RegistrationStatus.CONFIRMED for *_t, s in calls) == seats
    assert round.registrations.confirmed().count() == seats
    assert round.registrations.filter(status=RegistrationStatus.WAITLISTED).count() == waiting
    assert waitlist_positions(round) == list(range(1, waiting + 1))
    round.refresh_from_db()
    assert round.status == RoundStatus.FULL, round.status
    return round, wall, single


def alone(round, member) -> tuple[int, float]:
    """One registration with nobody else at the door: its SQL statements and milliseconds."""
    from exchanges.services.registrations import round_register

    timings = []

    def register():
        started = time.perf_counter()
        round_register(person=member.user, round=round, membership=member)
        timings.append((time.perf_counter() - started) * 1000)

    return count_queries(register), timings[0]


def cancellations(round, count: int) -> list[float]:
    """`count` confirmed participants cancel one after another; each seat moves on."""
    from exchanges.services.registrations import round_registration_cancel

    timings = []
    waiting_before = len(waitlist_positions(round))
    for _number in range(count):
        leaving = round.registrations.confirmed().select_related("person").order_by("pk").first()
        first_in_line = round.registrations.waiting().order_by("pk").first()
        started = time.perf_counter()
        promoted = round_registration_cancel(registration=leaving, by=leaving.person)
        timings.append((time.perf_counter() - started) * 1000)
        assert [r.pk for r in promoted] == [first_in_line.pk], promoted
    assert round.registrations.confirmed().count() == round.capacity
    assert waitlist_positions(round) == list(range(1, waiting_before - count + 1))
    return timings


# --- 3: badges ------------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the lifetime peak


def resident_peak(function) -> tuple[float, float, bool]:
    """The resident size before `function` and its peak while it ran, in MiB; False when the
    peak could not be reset first (it is then the process's peak so far)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current size
        reset = True
    except OSError:
        reset = False
    before = _status_kib("VmRSS")
    function()
    return before / 1024, _status_kib("VmHWM") / 1024, reset


def seat(rounds: list, members: list, *, at: datetime) -> None:
    """Confirmed registrations of `members` for each of `rounds`, written directly in bulk
    (set up, not measured: no service, no emails)."""
    from exchanges.models import RegistrationStatus, RoundRegistration

    RoundRegistration.objects.bulk_create(
        RoundRegistration(
            round=round,
            person=m.user,
            municipality=m.municipality,
            state=m.municipality.state,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=at,
        )
        for round in rounds
        for m in members
    )


def badges(members: list, count: int) -> dict:
    from django.utils import timezone

    from exchanges.exports import badges_pdf
    from exchanges.selectors.moderation import participant_list
    from tests.factories import ExchangeRoundFactory

    round = ExchangeRoundFactory(capacity=min(max(count, 1), 500), slug="bench-badges")
    seat([round], members[:count], at=timezone.now())

    def pdf():
        return badges_pdf(round, participant_list(round), language="de")

    # The first PDF loads weasyprint and its fonts: a round without participants (one empty
    # page), so that what follows measures the badges alone.
    nobody = ExchangeRoundFactory(capacity=1, slug="bench-badges-empty")
    started = time.perf_counter()
    badges_pdf(nobody, participant_list(nobody), language="de")
    loading = (time.perf_counter() - started) * 1000
    # The first run with badges, for the resident size: memory the allocator keeps after a
    # run would hide the growth of later ones.
    before, peak, reset = resident_peak(pdf)
    warm = measure(pdf, runs=3, warmup=0)
    tracemalloc.start()
    pdf()
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {
        "participants": len(participant_list(round)),
        "loading": loading,
        "median": warm.median,
        "kib": len(warm.result) / 1024,
        "python_peak": python_peak,
        "rss_before": before,
        "rss_peak": peak,
        "reset": reset,
    }


# --- 4: the public list and the feed --------------------------------------------------------


def populate_rounds(count: int, people: list, now: datetime) -> None:
    """`count` published rounds: most upcoming over a year, every tenth past (held or
    documented, within the feed's 90 days), every twentieth cancelled; two themes, six
    participants and the audit entry of its creation each. Earlier rounds are removed."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from exchanges.models import (
        ExchangeRound,
        RoundFormat,
        RoundMode,
        RoundRegistration,
        RoundStatus,
    )
    from portal.advisors.models import Topic
    from portal.core.models import AuditEntry

    kind = ContentType.objects.get_for_model(ExchangeRound)
    AuditEntry.objects.filter(content_type=kind).delete()
    RoundRegistration.objects.all().delete()
    ExchangeRound.objects.all().delete()
    formats, modes = list(RoundFormat.values), list(RoundMode.values)
    start = now.replace(minute=0, second=0, microsecond=0)

    def shape(index: int) -> tuple[datetime, str]:
        if index % 10 == 9:
            begins = start - timedelta(days=1 + index % 80)
            return begins, RoundStatus.DOCUMENTED if index % 20 == 9 else RoundStatus.HELD
        begins = start + timedelta(days=1 + (index * 7) % 365, hours=index % 6)
        return begins, RoundStatus.CANCELLED if index % 20 == 4 else RoundStatus.OPEN

    rounds = []
    for index in range(count):
        begins, status = shape(index)
        rounds.append(
            ExchangeRound(
                title=f"Austauschrunde {index}",
                slug=f"runde-{count}-{index}",
                summary="Kommunen berichten einander aus ihrer Praxis.",
                format=formats[index % len(formats)],
                mode=modes[index % len(modes)],
                start=begins,
                end=begins + timedelta(hours=4),
                venue="Rathaus",
                town="Leipzig",
                venue_state="14",
                states=["14", "16"] if index % 3 == 0 else [],
                audience="municipal",
                capacity=30,
                status=status,
                created_at=now - timedelta(days=120),
            )
        )
    rounds = ExchangeRound.objects.bulk_create(rounds)
    topics = list(Topic.objects.order_by("pk")[:6])
    ExchangeRound.themes.through.objects.bulk_create(
        ExchangeRound.themes.through(exchangeround_id=r.pk, topic_id=topics[(i + step) % 6].pk)
        for i, r in enumerate(rounds)
        for step in (0, 1)
    )
    seat(rounds, people[:6], at=now - timedelta(days=30))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now - timedelta(days=120),
            content_type=kind,
            object_id=str(r.pk),
            object_repr=r.title,
            action="exchange_round.create",
            to_status=RoundStatus.OPEN,
        )
        for r in rounds
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum would gather them


def public_pages(count: int, people: list, *, requests: int, feed_requests: int) -> dict:
    from django.test import Client

    populate_rounds(count, people, datetime.now(UTC))
    client = Client()

    def get(path: str, status: int = 200, **headers):
        response = client.get(path, headers=headers)
        assert response.status_code == status, (path, response.status_code)
        return response

    def listing():
        return get("/exchanges/")

    def feed():
        return get("/exchanges/feed.ics")

    etag = feed()["ETag"]

    def feed_again():
        return get("/exchanges/feed.ics", 304, **{"If-None-Match": etag})

    return {
        "list": (count_queries(listing), measure(listing, runs=requests)),
        "feed": (count_queries(feed), measure(feed, runs=feed_requests, warmup=1)),
        "events": feed().content.count(b"BEGIN:VEVENT"),
        "304": (count_queries(feed_again), measure(feed_again, runs=requests)),
    }


# --- Running it -----------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrations", type=int, default=200, help="N (default 200)")
    parser.add_argument("--seats", type=int, default=20, help="S (default 20)")
    parser.add_argument("--threads", type=int, default=40, help="at once (default 40)")
    parser.add_argument("--cancellations", type=int, default=10, help="K (default 10)")
    parser.add_argument("--badges", type=int, default=200, help="participants (0: skip)")
    parser.add_argument("--sizes", default="10,1000", help="published rounds ('': skip)")
    parser.add_argument("--requests", type=int, default=50, help="per page (default 50)")
    parser.add_argument("--feed-requests", type=int, default=20, help="feed bodies (default 20)")
    arguments = parser.parse_args()
    if (
        not 0
        <= arguments.cancellations
        <= min(arguments.seats, arguments.registrations - arguments.seats)
    ):
        parser.error("--cancellations must leave someone waiting for each seat freed")

    sys.stdout.reconfigure(line_buffering=True)  # each figure as it comes, under make too
    url, folder = bench_database_url()
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    try:
        setup_django(url)
        run(arguments)
    finally:
        if folder:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(folder, ignore_errors=True)


def report_seats(members: list, arguments) -> None:
    from tests.factories import ExchangeRoundFactory

    n, s, k = arguments.registrations, arguments.seats, arguments.cancellations
    round, wall, single = contention(members[:n], seats=s, threads=arguments.threads)
    print(f"\n{n} registrations at once for {s} seats, threads: {arguments.threads}")
    print(f"  wall {wall:.2f} s, {n / wall:.0f} registrations/s")
    print(f"  one call: median {single[len(single) // 2]:.1f} ms, worst {single[-1]:.1f} ms")
    print(f"  checked: {s} confirmed, {n - s} wait-listed at positions 1-{n - s}")
    for label, where, member in (
        ("confirmed", ExchangeRoundFactory(slug="bench-alone"), members[n]),
        ("wait-listed", round, members[n + 1]),
    ):
        statements, milliseconds = alone(where, member)
        print(f"  one registration alone, {label}: {milliseconds:.1f} ms, {statements} statements")
    if k:
        timings = sorted(cancellations(round, k))
        print(f"\n{k} cancellations one after another, each promoting the first in line")
        print(f"  per cancellation: median {timings[k // 2]:.1f} ms, worst {timings[-1]:.1f} ms")
        print("  checked: each promoted the first in line; the waitlist stays consecutive")


def report_badges(members: list, count: int) -> None:
    figures = badges(members, count)
    print(f"\nname badges PDF, {figures['participants']} participants, {figures['kib']:.0f} KiB")
    print(f"  median {figures['median']:.0f} ms of 3 (loading weasyprint and its fonts before:")
    print(f"  {figures['loading']:.0f} ms, a PDF of an empty round)")
    print(f"  Python's allocations peak at {figures['python_peak']:.1f} MiB (tracemalloc)")
    grew = figures["rss_peak"] - figures["rss_before"]
    which = "during one run" if figures["reset"] else "of the process so far"
    print(
        f"  resident size {figures['rss_before']:.0f} MiB before, peak {which} "
        f"{figures['rss_peak']:.0f} MiB (+{grew:.0f} MiB)"
    )


def report_pages(members: list, sizes: list[int], arguments) -> None:
    print(f"\n{'rounds':>6} {'page':<26} {'queries':>7} {'median ms':>10} {'worst ms':>9}")
    for size in sizes:
        pages = public_pages(
            size, members, requests=arguments.requests, feed_requests=arguments.feed_requests
        )
        rows = [
            ("/exchanges/ (12 a page)", pages["list"]),
            (f"feed.ics ({pages['events']} events)", pages["feed"]),
            ("feed.ics again, 304", pages["304"]),
        ]
        for label, (queries, timing) in rows:
            print(f"{size:>6} {label:<26} {queries:>7} {timing.median:>10.1f} {timing.worst:>9.1f}")


def run(arguments) -> None:
    from tests.concurrency import verified_members

    print(f"database: {describe_database()}")
    members = verified_members(max(arguments.registrations + 2, arguments.badges, 6))
    report_seats(members, arguments)
    if arguments.badges:
        report_badges(members, arguments.badges)
    sizes = [int(part) for part in arguments.sizes.split(",") if part.strip()]
    if sizes:
        report_pages(members, sizes, arguments)


if __name__ == "__main__":
    main()
