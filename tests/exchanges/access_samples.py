"""Sample URL arguments of the exchanges pages for the role × URL matrix
(tests/core/test_access_matrix.py).

`SAMPLES` maps a URL name to a function that returns its kwargs: objects that exist but,
where a page belongs to somebody, belong to someone else (an officer then gets 404).
"""

from collections.abc import Callable

# URL name -> () -> kwargs. Each area adds its pages here.
SAMPLES: dict[str, Callable[[], dict]] = {}

# Pages of someone else's registration, question or unpublished example: an officer gets 404.
OTHERS_404: set[str] = set()

# Pages that answer only POST (the matrix posts to them).
POST_ONLY: set[str] = set()


def kwargs_for(name: str) -> dict:
    if name not in SAMPLES:
        raise AssertionError(
            f"{name}: add its sample arguments to tests/exchanges/access_samples.py"
        )
    return SAMPLES[name]()
