"""Service calls at the same moment, for the race tests on PostgreSQL with real row locks.

Every thread works in its own database connection and closes it at the end; PostgreSQL here
allows 100 connections, so at most `WORKERS` threads run at once.
"""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connection

from tests.factories import MembershipFactory

WORKERS = 40


def verified_members(count: int) -> list:
    """Verified officers, each of a municipality of their own (no cap interferes)."""
    return [MembershipFactory(verified=True) for _ in range(count)]


def run_together(tasks: list[Callable], *, workers: int = WORKERS) -> list[tuple]:
    """Run the callables on `workers` threads; the first `workers` start at the same moment.

    Each returns ("ok", value) or ("error", exception); its connection is closed after it.
    """
    gate = threading.Event()
    ready = threading.Semaphore(0)

    def run(task):
        try:
            connection.ensure_connection()  # connect before the gate, not in the race
            ready.release()
            gate.wait()
            return ("ok", task())
        except Exception as error:  # every outcome is reported to the test
            return ("error", error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, task) for task in tasks]
        for _ in range(min(workers, len(tasks))):
            assert ready.acquire(timeout=30), "the threads did not get ready"
        gate.set()
        return [future.result(timeout=300) for future in futures]


@contextmanager
def watching(count: Callable[[], int]) -> Iterator[list[int]]:
    """Call `count` over and over on a thread of its own while the block runs (e.g. the seats
    taken, to see that they never exceed the capacity); yields the list of what it saw."""
    stop = threading.Event()
    seen: list[int] = []

    def watch():
        try:
            while not stop.is_set():
                seen.append(count())
        finally:
            connection.close()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield seen
    finally:
        stop.set()
        watcher.join()
