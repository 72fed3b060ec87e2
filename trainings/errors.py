from portal.core.errors import DomainError


class TrainingError(DomainError):
    """A registration, cancellation or record that the rules of courses do not allow."""
