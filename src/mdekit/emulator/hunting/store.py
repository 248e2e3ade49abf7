"""Each tenant's hunting tables in a DuckDB file of the state directory, built from the
tenant's world the first time they are needed and rebuilt when the world changes.

The world is deterministic in its stored parameters, so every emulator process (several
workers, several hosts on one database) builds the same file and answers the same rows.
Queries read through a read-only connection; a rebuild writes a new file and swaps it in.
Processes sharing one state directory (several workers) take turns through a lock file per
tenant: the first builds, the others wait and then find the file ready."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.emulator.store.locks import file_lock
from mdekit.kql import create_file_profile_table, create_tables

FILE_PROFILES = "FileProfiles"

Builder = Callable[[duckdb.DuckDBPyConnection, dict[str, Any]], None]
"""Fills a fresh database for a tenant's world parameters (`meta`)."""


@dataclass
class _Open:
    fingerprint: str
    connection: duckdb.DuckDBPyConnection


def fingerprint(meta: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16]


class HuntingStore:
    def __init__(self, directory: Path, builder: Builder) -> None:
        self.directory = directory
        self.builder = builder
        self._lock = threading.Lock()
        self._open: dict[str, _Open] = {}

    def path(self, tenant_id: str) -> Path:
        return self.directory / f"{tenant_id}.duckdb"

    def cursor(self, tenant_id: str, meta: dict[str, Any]) -> duckdb.DuckDBPyConnection:
        """A connection for one query (cursors of one database are safe across threads)."""
        wanted = fingerprint(meta)
        with self._lock:
            opened = self._open.get(tenant_id)
            if opened is None or opened.fingerprint != wanted:
                if opened is not None:
                    opened.connection.close()
                self._open[tenant_id] = _Open(wanted, self._ensure(tenant_id, meta, wanted))
            return self._open[tenant_id].connection.cursor()

    def _ensure(
        self, tenant_id: str, meta: dict[str, Any], wanted: str
    ) -> duckdb.DuckDBPyConnection:
        path = self.path(tenant_id)
        marker = path.with_suffix(".fingerprint")
        # The check and the build under one lock: two processes never build the same file
        # at once, and a file is never left beside another build's marker.
        with file_lock(path.with_suffix(".lock")):
            if not path.exists() or not marker.exists() or marker.read_text() != wanted:
                self._build(path, marker, meta, wanted)
            return duckdb.connect(str(path), read_only=True)

    def _build(self, path: Path, marker: Path, meta: dict[str, Any], wanted: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.stem}.{os.getpid()}.building.duckdb")
        temporary.unlink(missing_ok=True)
        with duckdb.connect(str(temporary)) as conn:
            create_tables(conn, HUNTING_TABLES)
            create_file_profile_table(conn, FILE_PROFILES)
            self.builder(conn, meta)
            conn.execute("CHECKPOINT")
        os.replace(temporary, path)
        written = marker.with_name(f"{marker.name}.{os.getpid()}")
        written.write_text(wanted)
        os.replace(written, marker)

    def drop(self, tenant_id: str) -> None:
        with self._lock:
            opened = self._open.pop(tenant_id, None)
            if opened is not None:
                opened.connection.close()

    def close(self) -> None:
        with self._lock:
            for opened in self._open.values():
                opened.connection.close()
            self._open.clear()
