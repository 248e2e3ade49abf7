"""Where exported rows go: NDJSON or CSV appended to one file, or Parquet part files in a
directory. Each sink can roll back to what a checkpoint covers: rows written after the last
checkpoint (a crash between writing and checkpointing) are removed, then fetched again."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from mdekit.export.checkpoint import Checkpoint, fsync_directory


class Sink(Protocol):
    def recover(self, checkpoint: Checkpoint | None) -> None:
        """Drop whatever the checkpoint does not cover."""
        ...

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        """Append rows and make them durable before returning."""
        ...

    def commit(self, checkpoint: Checkpoint) -> None:
        """Record in the checkpoint what is now covered."""
        ...


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class AppendSink:
    """NDJSON or CSV in one file. CSV columns are fixed by the first row ever written."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path = path
        self.kind = kind
        self._columns: list[str] | None = None

    def recover(self, checkpoint: Checkpoint | None) -> None:
        size = checkpoint.committed_bytes if checkpoint else 0
        if self.path.exists() and self.path.stat().st_size > size:
            with open(self.path, "r+b") as handle:
                handle.truncate(size)
                handle.flush()
                os.fsync(handle.fileno())
        if self.kind == "csv" and self.path.exists() and size:
            with open(self.path, newline="", encoding="utf-8") as handle:
                self._columns = next(csv.reader(handle), None)

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        buffer = io.StringIO()
        if self.kind == "ndjson":
            for row in rows:
                buffer.write(json.dumps(row, separators=(",", ":")) + "\n")
        else:
            new_file = not self.path.exists() or self.path.stat().st_size == 0
            if self._columns is None:
                self._columns = list(rows[0])
            writer = csv.DictWriter(buffer, fieldnames=self._columns, extrasaction="ignore")
            if new_file:
                writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(row.get(k)) for k in self._columns})
        with open(self.path, "a", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        fsync_directory(self.path.parent)

    def commit(self, checkpoint: Checkpoint) -> None:
        checkpoint.committed_bytes = self.path.stat().st_size if self.path.exists() else 0


class ParquetSink:
    """One Parquet file per batch in a directory (Parquet files cannot be appended to)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._parts: list[str] = []

    def recover(self, checkpoint: Checkpoint | None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._parts = list(checkpoint.committed_parts) if checkpoint else []
        for part in self.directory.glob("part-*.parquet"):
            if part.name not in self._parts:
                part.unlink()

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        import duckdb

        name = f"part-{len(self._parts) + 1:06d}.parquet"
        target = self.directory / name
        temporary = target.with_suffix(".tmp")
        staging = target.with_suffix(".ndjson")
        # Nested values become JSON text, so every part has the same flat schema.
        with open(staging, "w", encoding="utf-8") as handle:
            for row in rows:
                flat = {
                    k: (json.dumps(v) if isinstance(v, dict | list) else v) for k, v in row.items()
                }
                handle.write(json.dumps(flat) + "\n")
        with duckdb.connect() as conn:
            # COPY takes no bound parameter for its target; the path is ours, quoted.
            target_sql = str(temporary).replace("'", "''")
            statement = (
                "COPY (SELECT * FROM read_json_auto(?, format='newline_delimited')) "  # noqa: S608
                f"TO '{target_sql}' (FORMAT PARQUET)"
            )
            conn.execute(statement, [str(staging)])
        staging.unlink()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        fsync_directory(self.directory)
        self._parts.append(name)

    def commit(self, checkpoint: Checkpoint) -> None:
        checkpoint.committed_parts = list(self._parts)


def open_sink(path: Path, kind: str) -> Sink:
    if kind in ("ndjson", "csv"):
        return AppendSink(path, kind)
    if kind == "parquet":
        return ParquetSink(path)
    raise ValueError(f"unknown export format {kind!r}; use ndjson, csv or parquet")
