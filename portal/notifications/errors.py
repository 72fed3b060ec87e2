from portal.core.errors import DomainError


class NotificationError(DomainError):
    """A change to an outbox row that the rules do not allow (e.g. retrying a sent email)."""
