"""The demo data of `manage.py seed_demo`, seeded once for a test module.

Instead of importing the whole municipality register (seconds), only the municipalities the
demo people work for are created.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.test import override_settings

from portal.accounts import demo as accounts_demo
from portal.accounts.models import Municipality
from trainings import demo as trainings_demo


def demo_municipalities() -> list[Municipality]:
    """The municipalities the demo officers and course participants work for."""
    codes = {officer[2] for officer in accounts_demo.OFFICERS} | {
        entry[2] for entry in trainings_demo.PARTICIPANTS
    }
    return Municipality.objects.bulk_create(
        [
            Municipality(
                ags=ags, name=f"Demostadt {ags}", state=ags[:2], kind=Municipality.Kind.STADT
            )
            for ags in sorted(codes)
        ]
    )


@contextmanager
def seeded(django_db_blocker, *seeds: Callable[[], object]) -> Iterator[None]:
    """The demo people, then `seeds` in order, inside a transaction rolled back at the end of
    the block (so other modules start from an empty database; each test runs in a savepoint
    within it). Use it in a module-scoped fixture::

        @pytest.fixture(scope="module", autouse=True)
        def demo(django_db_setup, django_db_blocker):
            with seeded(django_db_blocker, trainings_demo.seed):
                yield
    """
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        demo_municipalities()
        accounts_demo.seed()
        for seed in seeds:
            seed()
        yield
        transaction.set_rollback(True)
