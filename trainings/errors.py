class TrainingError(Exception):
    """A registration, cancellation or record that the rules do not allow."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
