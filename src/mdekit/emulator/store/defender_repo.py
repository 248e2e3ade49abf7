"""Repository of the Defender API's entities. Rows hold the wire JSON (`doc`) beside the
columns that filters and ordering use; pages come back as JSON text, ready to splice."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from mdekit.emulator.store import schema as t
from mdekit.emulator.store.page_reader import PageReader

_ALERT_COLUMNS = {
    "machine_id": "machineId",
    "alert_creation_time": "alertCreationTime",
    "last_update_time": "lastUpdateTime",
    "last_event_time": "lastEventTime",
    "incident_id": "incidentId",
    "investigation_id": "investigationId",
    "assigned_to": "assignedTo",
    "detection_source": "detectionSource",
    "status": "status",
    "severity": "severity",
    "category": "category",
}

_MACHINE_COLUMNS = {
    "computer_dns_name": "computerDnsName",
    "version": "version",
    "device_value": "deviceValue",
    "aad_device_id": "aadDeviceId",
    "last_seen": "lastSeen",
    "exposure_level": "exposureLevel",
    "onboarding_status": "onboardingStatus",
    "last_ip_address": "lastIpAddress",
    "health_status": "healthStatus",
    "os_platform": "osPlatform",
    "risk_score": "riskScore",
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def alert_row(tenant_id: str, alert: dict[str, Any]) -> dict[str, Any]:
    doc = {k: v for k, v in alert.items() if k != "evidence"}
    row = {column: doc.get(key) for column, key in _ALERT_COLUMNS.items()}
    row["incident_id"] = _int_or_none(row["incident_id"])
    row["investigation_id"] = _int_or_none(row["investigation_id"])
    row.update(
        tenant_id=tenant_id,
        id=doc["id"],
        doc=json.dumps(doc, separators=(",", ":")),
        evidence=json.dumps(alert.get("evidence") or [], separators=(",", ":")),
    )
    return row


def machine_row(tenant_id: str, machine: dict[str, Any]) -> dict[str, Any]:
    row = {column: machine.get(key) for column, key in _MACHINE_COLUMNS.items()}
    row.update(
        tenant_id=tenant_id,
        id=machine["id"],
        machine_tags=json.dumps(machine.get("machineTags") or []),
        rbac_group_id=_int_or_none(machine.get("rbacGroupId")),
        doc=json.dumps(machine, separators=(",", ":")),
    )
    return row


@dataclass(frozen=True)
class PageQuery:
    tenant_id: str
    where: ColumnElement[bool] | None = None
    order_by: Sequence[ColumnElement[Any]] = ()
    skip: int = 0
    top: int | None = None


class DefenderRepository:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pages = PageReader(engine)

    # -- writes --------------------------------------------------------------------------

    def add_alerts(
        self, tenant_id: str, alerts: Iterable[dict[str, Any]], batch: int = 2000
    ) -> int:
        return self._bulk(t.alerts, (alert_row(tenant_id, a) for a in alerts), batch)

    def add_machines(
        self, tenant_id: str, machines: Iterable[dict[str, Any]], batch: int = 2000
    ) -> int:
        return self._bulk(t.machines, (machine_row(tenant_id, m) for m in machines), batch)

    def _bulk(self, table: Table, rows: Iterable[dict[str, Any]], batch: int) -> int:
        count = 0
        chunk: list[dict[str, Any]] = []
        with self.engine.begin() as conn:
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    conn.execute(insert(table), chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                conn.execute(insert(table), chunk)
                count += len(chunk)
        return count

    def clear_tenant(self, tenant_id: str) -> None:
        with self.engine.begin() as conn:
            for table in (t.alerts, t.machines):
                conn.execute(delete(table).where(table.c.tenant_id == tenant_id))

    def count(self, table: Table, tenant_id: str) -> int:
        query = select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- reads ---------------------------------------------------------------------------

    def page(
        self, table: Table, query: PageQuery, *, with_evidence: bool = False
    ) -> list[tuple[str, str | None]]:
        """(doc JSON, evidence JSON or None) for one page, in the collection's order."""
        if query.where is None and not query.order_by and query.top is not None:
            plain = self._pages.read(
                table, query.tenant_id, top=query.top, skip=query.skip, with_evidence=with_evidence
            )
            if with_evidence:
                return [(row[0], row[1]) for row in plain]
            return [(row[0], None) for row in plain]
        columns = [table.c.doc, table.c.evidence] if with_evidence else [table.c.doc]
        statement = select(*columns).where(table.c.tenant_id == query.tenant_id)
        if query.where is not None:
            statement = statement.where(query.where)
        statement = statement.order_by(*query.order_by, table.c.seq)
        if query.skip:
            statement = statement.offset(query.skip)
        if query.top is not None:
            statement = statement.limit(query.top)
        with self.engine.connect() as conn:
            rows = conn.execute(statement).all()
        if with_evidence:
            return [(row[0], row[1]) for row in rows]
        return [(row[0], None) for row in rows]

    def count_where(self, table: Table, tenant_id: str, where: ColumnElement[bool] | None) -> int:
        statement = select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        if where is not None:
            statement = statement.where(where)
        with self.engine.connect() as conn:
            return int(conn.execute(statement).scalar_one())

    def alert(self, tenant_id: str, alert_id: str) -> tuple[str, str] | None:
        query = select(t.alerts.c.doc, t.alerts.c.evidence).where(
            t.alerts.c.tenant_id == tenant_id, t.alerts.c.id == alert_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (row[0], row[1]) if row else None

    def machine(self, tenant_id: str, key: str) -> str | None:
        """A machine by its id or by its computer name (full DNS name or the host part)."""
        machines = t.machines
        lowered = key.lower()
        query = (
            select(machines.c.doc)
            .where(
                machines.c.tenant_id == tenant_id,
                or_(
                    machines.c.id == lowered,
                    func.lower(machines.c.computer_dns_name) == lowered,
                    func.lower(machines.c.computer_dns_name).like(
                        f"{_escape_like(lowered)}.%", escape="\\"
                    ),
                ),
            )
            .order_by(machines.c.seq)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return str(row[0]) if row else None

    # -- writes to single entities ----------------------------------------------------------

    def replace_alert(self, tenant_id: str, alert: dict[str, Any]) -> None:
        """Store an alert's new state (its evidence travels in `alert["evidence"]` if set)."""
        row = alert_row(tenant_id, alert)
        values = {k: v for k, v in row.items() if k not in ("tenant_id", "id")}
        if "evidence" not in alert:
            values.pop("evidence")
        with self.engine.begin() as conn:
            conn.execute(
                update(t.alerts)
                .where(t.alerts.c.tenant_id == tenant_id, t.alerts.c.id == alert["id"])
                .values(**values)
            )

    def insert_alert(self, tenant_id: str, alert: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(t.alerts).values(**alert_row(tenant_id, alert)))

    def alerts_by_ids(self, tenant_id: str, ids: list[str]) -> dict[str, str]:
        query = select(t.alerts.c.id, t.alerts.c.doc).where(
            t.alerts.c.tenant_id == tenant_id, t.alerts.c.id.in_(ids)
        )
        with self.engine.connect() as conn:
            return {row[0]: row[1] for row in conn.execute(query)}

    def max_incident_id(self, tenant_id: str) -> int:
        query = select(func.max(t.alerts.c.incident_id)).where(t.alerts.c.tenant_id == tenant_id)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def open_alert(self, tenant_id: str, machine_id: str, title: str) -> str | None:
        """An unresolved alert with this title on this machine (for create-by-reference)."""
        query = (
            select(t.alerts.c.doc)
            .where(
                t.alerts.c.tenant_id == tenant_id,
                t.alerts.c.machine_id == machine_id,
                t.alerts.c.status != "Resolved",
            )
            .order_by(t.alerts.c.seq.desc())
        )
        with self.engine.connect() as conn:
            for (doc,) in conn.execute(query):
                if json.loads(doc).get("title") == title:
                    return str(doc)
        return None

    def replace_machine(self, tenant_id: str, machine: dict[str, Any]) -> None:
        row = machine_row(tenant_id, machine)
        values = {k: v for k, v in row.items() if k not in ("tenant_id", "id")}
        with self.engine.begin() as conn:
            conn.execute(
                update(t.machines)
                .where(t.machines.c.tenant_id == tenant_id, t.machines.c.id == machine["id"])
                .values(**values)
            )

    def machines_by_ids(self, tenant_id: str, ids: list[str]) -> dict[str, str]:
        query = select(t.machines.c.id, t.machines.c.doc).where(
            t.machines.c.tenant_id == tenant_id, t.machines.c.id.in_([i.lower() for i in ids])
        )
        with self.engine.connect() as conn:
            return {row[0]: row[1] for row in conn.execute(query)}

    def machine_docs(self, tenant_id: str) -> list[dict[str, Any]]:
        query = (
            select(t.machines.c.doc)
            .where(t.machines.c.tenant_id == tenant_id)
            .order_by(t.machines.c.seq)
        )
        with self.engine.connect() as conn:
            return [json.loads(row[0]) for row in conn.execute(query)]

    def set_isolated(self, tenant_id: str, machine_id: str, isolated: bool) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.machines)
                .where(t.machines.c.tenant_id == tenant_id, t.machines.c.id == machine_id)
                .values(is_isolated=isolated)
            )

    def is_isolated(self, tenant_id: str, machine_id: str) -> bool:
        query = select(t.machines.c.is_isolated).where(
            t.machines.c.tenant_id == tenant_id, t.machines.c.id == machine_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return bool(row[0]) if row else False
