"""Registries through which apps plug into the kernel, so that `portal.core` imports no app.

An app registers its parts in its `AppConfig.ready()`; the kernel walks the registry:

- `demo_data`: a function that creates the app's demo data (safe to run again) and returns
  a line for the console; `manage.py seed_demo` calls them in order of `after`.
- report figures and data-export parts will register here the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    name: str
    func: Callable
    after: tuple[str, ...] = ()


class Registry:
    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, Entry] = {}

    def register(self, name: str, *, after: tuple[str, ...] = ()):
        """Decorator: `@demo_data.register("trainings", after=("accounts",))`."""

        def decorator(func):
            self._entries[name] = Entry(name, func, tuple(after))
            return func

        return decorator

    def ordered(self) -> list[Entry]:
        """Every entry after those it names in `after` (a cycle or unknown name fails)."""
        done: dict[str, Entry] = {}

        def visit(name: str, path: tuple[str, ...]):
            if name in done:
                return
            if name in path:
                raise ValueError(f"{self.what}: cycle {' -> '.join((*path, name))}")
            if name not in self._entries:
                raise ValueError(f"{self.what}: {path[-1]} comes after unknown {name}")
            for before in self._entries[name].after:
                visit(before, (*path, name))
            done[name] = self._entries[name]

        for name in self._entries:
            visit(name, ())
        return list(done.values())


demo_data = Registry("demo data")
