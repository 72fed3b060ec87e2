from portal.core.errors import DomainError


class ExchangeError(DomainError):
    """A registration, question, record or publication the rules of exchange rounds refuse."""
