"""The one error hierarchy of govkg.

Every failure a user can cause or meet is a :class:`GovkgError`. The CLI maps them to exit codes
(``exit_code``) and the HTTP layer maps them, in one handler, to RFC 9457 problem responses
(``http_status`` and ``title``). Messages are written for the person who has to act on them:
they name the file, line and field, or the query position, and say what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file or query.

    ``str(problem)`` renders as ``file:line:column: field: message`` with the parts that are known.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = ":".join(
            str(part) for part in (self.file, self.line, self.column) if part is not None
        )
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        return f"{where}: {text}" if where else text


class GovkgError(Exception):
    """Base class: an error govkg reports to the user without a traceback."""

    exit_code = 1
    http_status = 500
    title = "govkg error"

    def __init__(self, message: str, *, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  {p}" for p in self.problems]
        return "\n".join(lines)


class InputError(GovkgError):
    """The user's input (a file, a parameter, a request) is malformed or invalid."""

    http_status = 400
    title = "Bad input"


class DataValidationError(InputError):
    """Curated data or a loaded file failed parsing, reference checks or SHACL validation."""

    title = "Invalid data"


class ParseError(InputError):
    """An RDF file could not be parsed; ``problems`` carry file, line and column."""

    title = "Parse error"


class QuerySyntaxError(InputError):
    """A SPARQL query or update does not parse; the message carries the parser's position."""

    title = "SPARQL syntax error"


class ParameterError(InputError):
    """A named question's parameter is unknown or has a value of the wrong type."""

    title = "Bad parameter"


class UnsupportedFormatError(InputError):
    """A file or media type govkg cannot read or write."""

    http_status = 415
    title = "Unsupported format"


class NotAcceptableError(GovkgError):
    """No representation matches the client's Accept header."""

    exit_code = 1
    http_status = 406
    title = "Not acceptable"


class NotFoundError(GovkgError):
    """An entity, named question, graph or file does not exist."""

    http_status = 404
    title = "Not found"


class ForbiddenOperationError(GovkgError):
    """The operation is refused by policy (e.g. SERVICE or LOAD of a non-allowed URL)."""

    http_status = 403
    title = "Forbidden"


class AuthenticationError(GovkgError):
    """A write was attempted without valid credentials."""

    http_status = 401
    title = "Authentication required"


class QueryTimeoutError(GovkgError):
    """A query ran past its time limit and was stopped."""

    http_status = 503
    title = "Query timed out"


class AnalysisTimeoutError(QueryTimeoutError):
    """An analysis (or a drawing or page computed like one) ran past its limit and was stopped.

    A kind of :class:`QueryTimeoutError`, so callers that handle any time limit still catch it;
    its own class gives it its own problem ``type`` (``analysis-timeout``) and title.
    """

    title = "Analysis timed out"


class ResultTooLargeError(GovkgError):
    """A result exceeded the configured row or byte limit."""

    http_status = 413
    title = "Result too large"


class StoreError(GovkgError):
    """The store cannot be opened or written (locked, read-only, corrupt, missing)."""

    http_status = 503
    title = "Store unavailable"


class BackendError(GovkgError):
    """A remote SPARQL server failed or could not be reached."""

    http_status = 502
    title = "Backend unavailable"
