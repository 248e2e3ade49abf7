"""Repository of machine actions and of the files they produce (investigation packages,
live response results), kept until the tenant is reset."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from mdekit.emulator.store import schema as t

a = t.machine_actions


class ActionRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self, tenant_id: str, doc: dict[str, Any], *, in_flight_key: str, created: float
    ) -> bool:
        """Store a new action; False when one of its kind is already in flight on the machine
        (the unique in-flight key refuses the second, on every worker at once)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(a).values(
                        tenant_id=tenant_id,
                        id=doc["id"],
                        machine_id=doc["machineId"],
                        type=doc["type"],
                        status=doc["status"],
                        requestor=doc.get("requestor"),
                        creation_time=doc["creationDateTimeUtc"],
                        created=created,
                        in_flight_key=in_flight_key,
                        effect_applied=False,
                        doc=json.dumps(doc, separators=(",", ":")),
                    )
                )
        except IntegrityError:
            return False
        return True

    def get(self, tenant_id: str, action_id: str) -> tuple[dict[str, Any], float, bool] | None:
        query = select(a.c.doc, a.c.created, a.c.effect_applied).where(
            a.c.tenant_id == tenant_id, a.c.id == action_id.lower()
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (json.loads(row[0]), float(row[1]), bool(row[2])) if row else None

    def open_actions(self, tenant_id: str) -> list[tuple[dict[str, Any], float, bool]]:
        """Actions not yet final, or final with their effect not yet applied."""
        query = (
            select(a.c.doc, a.c.created, a.c.effect_applied)
            .where(
                a.c.tenant_id == tenant_id,
                (a.c.in_flight_key.is_not(None)) | (a.c.effect_applied.is_(False)),
            )
            .order_by(a.c.seq)
        )
        with self.engine.connect() as conn:
            return [(json.loads(r[0]), float(r[1]), bool(r[2])) for r in conn.execute(query)]

    def save(
        self,
        tenant_id: str,
        doc: dict[str, Any],
        *,
        final: bool,
        effect_applied: bool,
        expected_status: str | None = None,
    ) -> bool:
        """Write an action's new state; with `expected_status`, only if nobody moved it since
        (compare-and-set, so two workers advancing at once do not both apply an effect)."""
        statement = update(a).where(a.c.tenant_id == tenant_id, a.c.id == doc["id"])
        if expected_status is not None:
            statement = statement.where(a.c.status == expected_status)
        values: dict[str, Any] = {
            "status": doc["status"],
            "effect_applied": effect_applied,
            "doc": json.dumps(doc, separators=(",", ":")),
        }
        if final:
            values["in_flight_key"] = None
        with self.engine.begin() as conn:
            return conn.execute(statement.values(**values)).rowcount > 0

    def count_in_flight(self, tenant_id: str, action_type: str) -> int:
        query = (
            select(func.count())
            .select_from(a)
            .where(
                a.c.tenant_id == tenant_id, a.c.type == action_type, a.c.in_flight_key.is_not(None)
            )
        )
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- files ---------------------------------------------------------------------------

    def put_file(
        self,
        tenant_id: str,
        key: str,
        name: str,
        content: bytes,
        content_type: str = "application/octet-stream",
        expires: float = 2**40,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(t.files.delete().where(t.files.c.token == key))
            conn.execute(
                insert(t.files).values(
                    token=key,
                    tenant_id=tenant_id,
                    name=name,
                    content_type=content_type,
                    content=content,
                    expires=expires,
                )
            )

    def file(self, key: str) -> tuple[str, str, bytes, str] | None:
        """(tenant, name, content, content type) of a stored file."""
        query = select(
            t.files.c.tenant_id, t.files.c.name, t.files.c.content, t.files.c.content_type
        ).where(t.files.c.token == key)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1], bytes(row[2]), row[3]) if row else None
