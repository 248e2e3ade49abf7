"""Repository of the live response library: each tenant's scripts and files with their wire
document. Names are compared without regard to case, as on the Windows devices that run
them, so `Script.ps1` and `script.ps1` are the same library entry."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from mdekit.emulator.store import schema as t

lib = t.library_files


class LibraryRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def docs(self, tenant_id: str) -> list[dict[str, Any]]:
        query = select(lib.c.doc).where(lib.c.tenant_id == tenant_id).order_by(lib.c.file_name)
        with self.engine.connect() as conn:
            return [json.loads(row[0]) for row in conn.execute(query)]

    def get(self, tenant_id: str, name: str) -> dict[str, Any] | None:
        query = select(lib.c.doc).where(
            lib.c.tenant_id == tenant_id, func.lower(lib.c.file_name) == name.lower()
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return json.loads(row[0]) if row else None

    def content(self, tenant_id: str, name: str) -> bytes | None:
        query = select(lib.c.content).where(
            lib.c.tenant_id == tenant_id, func.lower(lib.c.file_name) == name.lower()
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return bytes(row[0]) if row else None

    def put(self, tenant_id: str, name: str, content: bytes, doc: dict[str, Any]) -> None:
        """Insert or replace the entry called `name` (in any letter case)."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(lib).where(
                    lib.c.tenant_id == tenant_id, func.lower(lib.c.file_name) == name.lower()
                )
            )
            conn.execute(
                insert(lib).values(
                    tenant_id=tenant_id,
                    file_name=name,
                    content=content,
                    doc=json.dumps(doc, separators=(",", ":")),
                )
            )

    def remove(self, tenant_id: str, name: str) -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(lib).where(
                    lib.c.tenant_id == tenant_id, func.lower(lib.c.file_name) == name.lower()
                )
            )
        return gone.rowcount > 0

    def count(self, tenant_id: str) -> int:
        query = select(func.count()).select_from(lib).where(lib.c.tenant_id == tenant_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
