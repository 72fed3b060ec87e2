class ConsultationError(Exception):
    """A change to a request, case or appointment that the rules do not allow."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SlotTaken(ConsultationError):
    """The chosen time was booked by someone else a moment earlier."""
