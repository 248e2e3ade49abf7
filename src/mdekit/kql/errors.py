"""Errors raised by the KQL engine, worded like the Advanced Hunting service's own messages.

Callers catch `KqlError`; the two subclasses tell a query that does not parse from a query
that parses but refers to something unknown or mistyped, the same split the service makes
between its syntax errors and its semantic errors.
"""

from __future__ import annotations


class KqlError(Exception):
    """Base class: `.message` is the text the service would show for this query."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class KqlSyntaxError(KqlError):
    """The query text does not parse: where (1-based line and column) and what was expected."""

    def __init__(self, line: int, column: int, found: str, expected: str) -> None:
        shown = found if found else "<end of query>"
        message = (
            f"Syntax error: Query could not be parsed at '{shown}' on line [{line},{column}]."
            f" Expected: {expected}"
        )
        super().__init__(message)
        self.line = line
        self.column = column
        self.found = found
        self.expected = expected


class KqlSemanticError(KqlError):
    """The query parses but names an unknown table, column or function, or mixes types."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def unknown_column(name: str, operator: str | None = None) -> KqlSemanticError:
    """The service's wording for a name that is no column or variable in scope."""
    prefix = f"'{operator}' operator: " if operator else ""
    return KqlSemanticError(f"{prefix}Failed to resolve scalar expression named '{name}'")


def unknown_table(name: str) -> KqlSemanticError:
    """The service's wording for a name that is no table, tabular variable or function."""
    return KqlSemanticError(f"Failed to resolve table or column expression named '{name}'")


def unknown_function(name: str) -> KqlSemanticError:
    """The service's wording for a call to a function it does not know."""
    return KqlSemanticError(f"Unknown function: '{name}'.")


def unsupported(what: str) -> KqlSemanticError:
    """Something valid in KQL that this engine deliberately does not run (e.g. network access)."""
    return KqlSemanticError(f"{what} is not supported by this Advanced Hunting engine.")


class KqlRuntimeError(KqlError):
    """The query compiled but failed while running (e.g. a conversion DuckDB refused)."""
