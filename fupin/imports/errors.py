"""The two ways input is refused: a bad cell, and a file that cannot be read at all."""


class CellError(Exception):
    """Raised by a parser; the message is shown to the user as the reason (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FileUnreadable(Exception):
    """The file is not a spreadsheet we can read (or too big to read): nothing was read, and
    the CLI exits with status 2. The message says what to do, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
