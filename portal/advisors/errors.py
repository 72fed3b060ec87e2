class AdvisorError(Exception):
    """A change to a profile or to availability that the rules do not allow."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
