"""The one domain error of the portal, and the one way it reaches a person.

Every app's error (`ConsultationError`, `TrainingError`, …) is a subclass of `DomainError`.
A service raises it when a rule refuses a change; views and the admin catch `DomainError`
and show `error.message` through `show_error`, so a refusal reads the same everywhere.
"""

from django.contrib import messages


class DomainError(Exception):
    """A change the portal's rules do not allow; `message` is written for the person asking."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


def show_error(request, error: DomainError) -> None:
    """Show a refused change as an error message on the next page (views and admin alike)."""
    messages.error(request, error.message)
