"""Run a corpus of hunting queries and count how many parse, compile, run and return rows.

This is the measuring stick for the engine (`mdekit hunt corpus FILE.jsonl` prints it):
every query is parsed, compiled against the given schema and run on the connection;
failures are grouped by their message with names blanked out, so that "Failed to resolve
scalar expression named 'X'" counts once whatever X is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from mdekit.kql.context import FileProfileHook
from mdekit.kql.errors import KqlError, KqlRuntimeError, KqlSyntaxError
from mdekit.kql.parser import parse
from mdekit.kql.runtime import run

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


@dataclass(frozen=True)
class QueryOutcome:
    """What happened to one query: status is parsed-failed, failed, or ran."""

    index: int
    label: str
    status: str
    rows: int = 0
    reason: str = ""


@dataclass
class FailureGroup:
    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class CorpusReport:
    """Counts over the corpus and the failures grouped by reason."""

    total: int = 0
    parsed: int = 0
    ran: int = 0
    returned_rows: int = 0
    total_rows: int = 0
    failures: dict[str, FailureGroup] = field(default_factory=dict)
    outcomes: list[QueryOutcome] = field(default_factory=list)

    def add_failure(self, reason: str, label: str) -> None:
        group = self.failures.setdefault(reason, FailureGroup())
        group.count += 1
        if len(group.examples) < 5:
            group.examples.append(label)

    def summary(self) -> str:
        lines = [
            f"queries: {self.total}",
            f"parsed: {self.parsed}",
            f"ran: {self.ran}",
            f"returned rows: {self.returned_rows} (total {self.total_rows} rows)",
        ]
        for reason, group in sorted(self.failures.items(), key=lambda kv: -kv[1].count):
            lines.append(f"{group.count:5d}  {reason}  (e.g. {group.examples[0]})")
        return "\n".join(lines)


def failure_reason(error: KqlError) -> str:
    """The error message with names and literals blanked, to group similar failures."""
    if isinstance(error, KqlSyntaxError):
        return "Syntax error"
    first_line = error.message.splitlines()[0] if error.message else type(error).__name__
    if isinstance(error, KqlRuntimeError):
        first_line = first_line[:160]
    return _QUOTED.sub("'…'", first_line)


def _query_text(item: str | Mapping[str, object]) -> tuple[str, str]:
    if isinstance(item, str):
        return item, ""
    text = str(item.get("query", ""))
    label = str(item.get("path") or item.get("name") or item.get("source") or "")
    return text, label


def run_corpus(
    queries: Iterable[str | Mapping[str, object]],
    conn: duckdb.DuckDBPyConnection,
    tables: Mapping[str, Sequence[tuple[str, str]]],
    now: datetime | None = None,
    *,
    max_rows: int | None = 1000,
    file_profile: FileProfileHook | str | None = None,
    on_query: Callable[[int], None] | None = None,
) -> CorpusReport:
    """Parse, compile and run each query (a string or a mapping with a "query" key)."""
    report = CorpusReport()
    for index, item in enumerate(queries):
        if on_query is not None:
            on_query(index)
        text, label = _query_text(item)
        label = label or f"query {index}"
        report.total += 1
        try:
            parse(text)
        except KqlSyntaxError as error:
            reason = failure_reason(error)
            report.add_failure(reason, label)
            report.outcomes.append(QueryOutcome(index, label, "syntax-error", 0, error.message))
            continue
        report.parsed += 1
        try:
            result = run(conn, text, tables, now=now, max_rows=max_rows, file_profile=file_profile)
        except KqlError as error:
            reason = failure_reason(error)
            report.add_failure(reason, label)
            report.outcomes.append(QueryOutcome(index, label, "failed", 0, error.message))
            continue
        report.ran += 1
        rows = len(result.rows)
        report.total_rows += rows
        if rows:
            report.returned_rows += 1
        report.outcomes.append(QueryOutcome(index, label, "ran", rows))
    return report
