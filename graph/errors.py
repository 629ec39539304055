"""The library's exceptions; cli.py turns each into a one-line `Error: …` message."""

from speechkg.graph.text import printable


class SpeechKGError(Exception):
    """Base class: a problem with the user's input or environment, not a bug. Its message, which
    may quote file names, keys and labels, reads with the characters a terminal acts on (ESC,
    CR, C1 controls, bidirectional overrides) escaped (graph.text.printable), wherever it is
    printed or logged."""

    def __str__(self) -> str:
        return printable(super().__str__())


class InputError(SpeechKGError):
    """A speech file is missing, unreadable, binary or undecodable."""


class GraphFileError(SpeechKGError):
    """A graph file cannot be read or parsed."""


class QueryError(SpeechKGError):
    """A SPARQL query is malformed, refused or failed."""


class OutputError(SpeechKGError):
    """An output file cannot be written."""


class ResourceError(SpeechKGError):
    """The work needs more memory than there is."""


def first_line(exc: BaseException) -> str:
    """An exception's message as one line (its first), or its type's name when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
