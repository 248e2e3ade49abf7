"""Compiled queries kept by their text, for one schema: the same query asked again (a SOAR
playbook polling every few minutes, a detection rule, a dashboard tile) skips the parser and
the translator.

Compiling a short query costs about half a millisecond, which is as long as DuckDB takes to
answer a selective one over a million rows. A compiled query is reused only when nothing
in it depends on the moment or the data it was compiled against: a query that reads the
clock (`now()`, `ago()`: the instant is folded into the SQL) or asks the data for its
output columns (`bag_unpack`, `pivot`) is compiled afresh every time. Errors are never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mdekit.kql.compiler import CheckedTables, CompiledQuery, compile_in_context
from mdekit.kql.context import FileProfileHook

Probe = Callable[[str], list[tuple[object, ...]]]


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    entries: int


class CompiledQueries:
    """Compiled KQL for one schema (and one FileProfile table), by query text, least
    recently used first out. Safe to share between threads."""

    def __init__(
        self,
        tables: Mapping[str, Sequence[tuple[str, str]]],
        *,
        file_profile: FileProfileHook | str | None = None,
        size: int = 512,
    ) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.tables = tables
        self.file_profile = file_profile
        self._checked = CheckedTables(tables)
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, CompiledQuery] = OrderedDict()
        self._hits = 0
        self._misses = 0

    def compile(
        self, text: str, *, now: datetime | None = None, probe: Probe | None = None
    ) -> CompiledQuery:
        """The compiled query for `text`: the kept one, or a new one (kept when it can be)."""
        with self._lock:
            found = self._entries.get(text)
            if found is not None:
                self._entries.move_to_end(text)
                self._hits += 1
                return found
            self._misses += 1
        probed = False

        def watched(sql: str) -> list[tuple[object, ...]]:
            nonlocal probed
            probed = True
            assert probe is not None
            return probe(sql)

        compiled, ctx = compile_in_context(
            text,
            self._checked,
            now=now,
            file_profile=self.file_profile,
            probe=watched if probe is not None else None,
        )
        if not ctx.clock_read and not probed:
            with self._lock:
                self._entries[text] = compiled
                self._entries.move_to_end(text)
                while len(self._entries) > self._size:
                    self._entries.popitem(last=False)
        return compiled

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
