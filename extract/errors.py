"""The one exception readers raise for input they cannot use."""


class ReadError(Exception):
    """Input that cannot be read; ``hint`` says what the user can do about it."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint
