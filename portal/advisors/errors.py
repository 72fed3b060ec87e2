from portal.core.errors import DomainError


class AdvisorError(DomainError):
    """A change to a profile or to availability that the rules do not allow."""
