from portal.core.errors import DomainError


class ConsultationError(DomainError):
    """A change to a request, case or appointment that the rules do not allow."""


class SlotTaken(ConsultationError):
    """The chosen time was booked by someone else a moment earlier."""
