"""Repository of the read-mostly entities kept as JSON documents, one `kind` each, optionally
scoped to a `parent` entity (a machine's software, a CVE's machines)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import BigInteger, Engine, Text, cast, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from mdekit.emulator.store import schema as t

e = t.entities


def _dump(doc: Any) -> str:
    return json.dumps(doc, separators=(",", ":"))


class EntityRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self, tenant_id: str, kind: str, items: Iterable[tuple[str, str, Any]], batch: int = 2000
    ) -> int:
        """Insert (parent, id, doc) triples of one kind; returns how many."""
        count = 0
        chunk: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            for parent, entity_id, doc in items:
                chunk.append(
                    {
                        "tenant_id": tenant_id,
                        "kind": kind,
                        "parent": parent,
                        "id": entity_id,
                        "doc": _dump(doc),
                    }
                )
                if len(chunk) >= batch:
                    conn.execute(insert(e), chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                conn.execute(insert(e), chunk)
                count += len(chunk)
        return count

    def get(self, tenant_id: str, kind: str, entity_id: str, parent: str = "") -> str | None:
        query = select(e.c.doc).where(
            e.c.tenant_id == tenant_id, e.c.kind == kind, e.c.parent == parent, e.c.id == entity_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return str(row[0]) if row else None

    def get_ignoring_case(
        self, tenant_id: str, kind: str, entity_id: str, parent: str = ""
    ) -> tuple[str, str] | None:
        """(stored id, doc) for an id matched without regard to case (paths are)."""
        found = self.get(tenant_id, kind, entity_id, parent)
        if found is not None:
            return entity_id, found
        query = select(e.c.id, e.c.doc).where(
            e.c.tenant_id == tenant_id,
            e.c.kind == kind,
            e.c.parent == parent,
            func.lower(e.c.id) == entity_id.lower(),
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (str(row[0]), str(row[1])) if row else None

    def docs(self, tenant_id: str, kind: str, parent: str | None = None) -> list[dict[str, Any]]:
        query = select(e.c.doc).where(e.c.tenant_id == tenant_id, e.c.kind == kind)
        if parent is not None:
            query = query.where(e.c.parent == parent)
        with self.engine.connect() as conn:
            return [json.loads(row[0]) for row in conn.execute(query.order_by(e.c.seq))]

    def put(self, tenant_id: str, kind: str, entity_id: str, doc: Any, parent: str = "") -> None:
        """Insert or replace one entity."""
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(e)
                .where(
                    e.c.tenant_id == tenant_id,
                    e.c.kind == kind,
                    e.c.parent == parent,
                    e.c.id == entity_id,
                )
                .values(doc=_dump(doc))
            ).rowcount
            if not changed:
                conn.execute(
                    insert(e).values(
                        tenant_id=tenant_id, kind=kind, parent=parent, id=entity_id, doc=_dump(doc)
                    )
                )

    def remove(self, tenant_id: str, kind: str, entity_id: str, parent: str = "") -> bool:
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(e).where(
                    e.c.tenant_id == tenant_id,
                    e.c.kind == kind,
                    e.c.parent == parent,
                    e.c.id == entity_id,
                )
            )
        return gone.rowcount > 0

    # -- lookups that ignore `parent` (kinds that keep a lookup key there) ------------------

    def find(self, tenant_id: str, kind: str, entity_id: str) -> tuple[str, str] | None:
        """(parent, doc) of the entity with this id, whatever its parent."""
        query = select(e.c.parent, e.c.doc).where(
            e.c.tenant_id == tenant_id, e.c.kind == kind, e.c.id == entity_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query.order_by(e.c.seq)).first()
        return (str(row[0]), str(row[1])) if row else None

    def find_many(
        self, tenant_id: str, kind: str, entity_ids: list[str]
    ) -> dict[str, tuple[str, str]]:
        """{id: (parent, doc)} for those of `entity_ids` that exist, whatever their parent."""
        query = select(e.c.id, e.c.parent, e.c.doc).where(
            e.c.tenant_id == tenant_id, e.c.kind == kind, e.c.id.in_(entity_ids)
        )
        with self.engine.connect() as conn:
            return {str(row[0]): (str(row[1]), str(row[2])) for row in conn.execute(query)}

    def remove_many(self, tenant_id: str, kind: str, entity_ids: list[str]) -> int:
        """Delete these ids (whatever their parent) in one transaction; returns how many."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                delete(e).where(
                    e.c.tenant_id == tenant_id, e.c.kind == kind, e.c.id.in_(entity_ids)
                )
            )
        return int(gone.rowcount)

    def next_number(self, tenant_id: str, counter: str, first: int = 1) -> int:
        """The next value of a per-tenant counter (indicator, investigation numbers). The
        UPDATE comes first so that the transaction holds the write lock before it reads: two
        workers never get the same number."""
        where = (
            e.c.tenant_id == tenant_id,
            e.c.kind == "counter",
            e.c.parent == "",
            e.c.id == counter,
        )
        try:
            with self.engine.begin() as conn:
                bumped = conn.execute(
                    update(e).where(*where).values(doc=cast(cast(e.c.doc, BigInteger) + 1, Text))
                ).rowcount
                if bumped:
                    return int(conn.execute(select(e.c.doc).where(*where)).scalar_one())
                conn.execute(
                    insert(e).values(
                        tenant_id=tenant_id, kind="counter", parent="", id=counter, doc=str(first)
                    )
                )
                return first
        except IntegrityError:
            # Another worker created the counter between our UPDATE and INSERT.
            return self.next_number(tenant_id, counter, first)

    def clear_kind(self, tenant_id: str, kind: str) -> int:
        """Remove every entity of one kind in a tenant."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(e).where(e.c.tenant_id == tenant_id, e.c.kind == kind))
        return int(gone.rowcount)

    def clear_tenant(self, tenant_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(e).where(e.c.tenant_id == tenant_id))
