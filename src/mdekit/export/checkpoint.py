"""The export checkpoint: where the feed stands, written only after the data it covers is
durably on disk, and atomically (temporary file, fsync, rename), so a crash at any moment
leaves either the old checkpoint or the new one, never half of one."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

VERSION = 1


@dataclass
class Checkpoint:
    watermark: str
    """The newest `lastUpdateTime` exported (wire format); the next round asks for alerts
    updated at or after it, minus the overlap."""
    recent: dict[str, str] = field(default_factory=dict)
    """`id -> lastUpdateTime` of alerts exported within the overlap window: what must not be
    written twice when the next round asks for them again."""
    output: str = ""
    format: str = "ndjson"
    committed_bytes: int = 0
    """Size of the output file that this checkpoint covers (ndjson/csv)."""
    committed_parts: list[str] = field(default_factory=list)
    """Parquet part files this checkpoint covers."""
    rows: int = 0

    def to_json(self) -> str:
        return json.dumps({"version": VERSION, **asdict(self)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Checkpoint:
        data: dict[str, Any] = json.loads(text)
        if data.pop("version", None) != VERSION:
            raise ValueError("unknown checkpoint version")
        return cls(**data)


def fsync_directory(path: Path) -> None:
    """Make a rename or a new file in `path` durable."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(path: Path, checkpoint: Checkpoint) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(checkpoint.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_directory(path.parent)


def load(path: Path) -> Checkpoint | None:
    if not path.exists():
        return None
    return Checkpoint.from_json(path.read_text(encoding="utf-8"))
