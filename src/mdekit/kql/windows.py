"""Restricting a query to a time window by rewriting its text.

Windowed hunting runs one query many times, each over a slice of time, so that no single
run reaches the service's 100,000-row cap. The service has no window parameter (Graph's
`Timespan` is inclusive at both ends and only on Graph), so every reference to a timed
table in source position is wrapped: `DeviceProcessEvents` becomes
`(DeviceProcessEvents | where Timestamp >= datetime(A) and Timestamp < datetime(B))`.
The rewrite is textual, at the positions the parser recorded, so the rest of the query
(comments, spacing, everything the service understands and we might not) is untouched,
and the result runs unchanged against the real service."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

from mdekit.kql.errors import KqlError
from mdekit.kql.parser import parse
from mdekit.kql.syntax import FindSource, Let, Param, SearchSource, TableRef


class WindowError(KqlError):
    """The query reads tables in a way a textual window cannot cover."""


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, tuple | list):
        for item in node:
            yield from _walk(item)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            yield from _walk(getattr(node, item.name))


def _kql_datetime(moment: datetime) -> str:
    v = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"datetime({v.strftime('%Y-%m-%dT%H:%M:%S')}.{v.microsecond:06d}0Z)"


def _reference_end(text: str, at: int, name: str) -> int:
    """Where the table name written at `at` ends (`Name`, `['Name']` or `["Name"]`)."""
    if text.startswith(name, at):
        return at + len(name)
    for opening, closing in (("['", "']"), ('["', '"]')):
        quoted = f"{opening}{name}{closing}"
        if text.startswith(quoted, at):
            return at + len(quoted)
    raise WindowError(f"Cannot find table {name} at offset {at} of the query text")


def timed_references(
    text: str, tables: Mapping[str, Sequence[tuple[str, str]]]
) -> list[tuple[int, int, str]]:
    """(start, end, table) of every reference to a table with a Timestamp column."""
    statements = parse(text)
    nodes = list(_walk(statements))
    bound = {n.name for n in nodes if isinstance(n, Let | Param)}
    timed = {name for name, columns in tables.items() if any(c == "Timestamp" for c, _ in columns)}
    references: list[tuple[int, int, str]] = []
    for node in nodes:
        if isinstance(node, SearchSource | FindSource):
            raise WindowError(
                "search and find read tables by pattern; name the tables (with union) to "
                "hunt in time windows"
            )
        if not isinstance(node, TableRef):
            continue
        if "*" in node.name:
            raise WindowError(
                f"union {node.name} names tables by pattern; list them to hunt in time windows"
            )
        if node.name in bound or node.name not in timed:
            continue
        references.append((node.at, _reference_end(text, node.at, node.name), node.name))
    return sorted(set(references))


def restrict_to_window(
    text: str,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    start: datetime,
    end: datetime,
) -> str:
    """`text` with every timed table limited to `start <= Timestamp < end`.

    Raises WindowError when the query has no timed table to restrict (running it per window
    would repeat the same rows) or reads tables by pattern."""
    references = timed_references(text, tables)
    if not references:
        raise WindowError(
            "The query reads no table with a Timestamp column, so time windows cannot split it"
        )
    condition = f"Timestamp >= {_kql_datetime(start)} and Timestamp < {_kql_datetime(end)}"
    pieces: list[str] = []
    cursor = 0
    for begin, finish, _ in references:
        pieces.append(text[cursor:begin])
        pieces.append(f"({text[begin:finish]} | where {condition})")
        cursor = finish
    pieces.append(text[cursor:])
    return "".join(pieces)


__all__ = ["WindowError", "restrict_to_window", "timed_references"]
