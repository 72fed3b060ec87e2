class MembershipError(Exception):
    """A membership request or decision that the rules do not allow."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
