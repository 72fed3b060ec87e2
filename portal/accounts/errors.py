from portal.core.errors import DomainError


class AccountError(DomainError):
    """A change to an account or its roles that the rules do not allow."""


class MembershipError(DomainError):
    """A membership request or decision that the rules do not allow."""
