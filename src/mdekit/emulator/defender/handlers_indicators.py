"""Indicators (custom threat intelligence, defender-api.md §5.6, §6.4): list the active ones,
submit or update one, import a batch, delete one or a batch.

Who sees what: an app holding `Ti.ReadWrite.All` sees and changes every indicator of the
tenant; one holding only `Ti.ReadWrite` sees only those it created. Touching another app's
indicator (deleting it, or submitting the same value and type) is answered 403 `Forbidden`
rather than 404: the batch delete page answers 403 for an indicator the caller is not
exposed to, and a submit could not pretend the value is free anyway.

Indicators are kept in the entities table (kind `indicators`) with their type and value as
`parent`, the key a submit updates by; ids are a per-tenant counter, as numeric strings."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_
from sqlalchemy.sql.elements import ColumnElement

from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.indicator_rules import IndicatorInput, parse_indicator
from mdekit.emulator.defender.toolkit import (
    body_object,
    entities_of,
    entity_reply,
    json_fields,
    list_reply,
    now_wire,
    value,
)
from mdekit.emulator.domain.errors import DomainError, Forbidden, InvalidInput, NotFound
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.json_fields import json_field
from mdekit.models.indicators import INDICATOR_SEVERITIES

Handler = Callable[[HandlerContext], Reply]

KIND = "indicators"
MAX_ACTIVE_INDICATORS = 15_000
"""Active indicators a tenant may hold (tests lower it to reach it)."""
MAX_BATCH = 500
ALL_ROLE = "Ti.ReadWrite.All"

INDICATORS = Collection(
    t.entities,
    json_fields(
        (
            "application",
            "createdByDisplayName",
            "expirationTime",
            "generateAlert",
            "title",
            "rbacGroupNames",
            "rbacGroupIds",
            "indicatorValue",
            "indicatorType",
            "creationTimeDateTimeUtc",
            "createdBy",
            "action",
            "severity",
        ),
        types={
            "expirationTime": "datetime",
            "creationTimeDateTimeUtc": "datetime",
            "generateAlert": "bool",
            "rbacGroupNames": "strings",
            "rbacGroupIds": "strings",
        },
        enums={"severity": INDICATOR_SEVERITIES},
    ),
    "microsoft.windowsDefenderATP.api.Indicator",
)

_doc = t.entities.c.doc


def _sees_all(ctx: HandlerContext) -> bool:
    return any(role.lower() == ALL_ROLE.lower() for role in ctx.caller.roles)


def _active(now: str) -> ColumnElement[bool]:
    expires = json_field(_doc, "expirationTime")
    return or_(expires.is_(None), expires > now)


def _visible(ctx: HandlerContext) -> ColumnElement[bool]:
    where = entities_of(KIND) & _active(now_wire(ctx))
    if not _sees_all(ctx):
        where = where & (json_field(_doc, "createdBy") == ctx.caller.app_id)
    return where


def _not_yours(ctx: HandlerContext, doc: dict[str, Any]) -> Forbidden | None:
    """The refusal for an app with only Ti.ReadWrite touching another app's indicator."""
    if _sees_all(ctx) or doc.get("createdBy") == ctx.caller.app_id:
        return None
    # No id in the words: a submit or an import names only a value, and must not learn
    # the id of an indicator it cannot see.
    return Forbidden(
        f"The indicator was created by another application; changing it needs {ALL_ROLE}",
        required=(ALL_ROLE,),
        present=ctx.caller.roles,
    )


@dataclass
class _Writer:
    """One request's writes: the device groups and the active count are read once, so an
    import of 500 indicators does not scan the tenant 500 times."""

    ctx: HandlerContext
    now: str = field(init=False)
    _groups: dict[str, tuple[str, str]] | None = field(default=None, init=False)
    _active: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.now = now_wire(self.ctx)

    def groups(self, names: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """(names as the tenant spells them, their ids); unknown names are refused."""
        if self._groups is None:
            self._groups = {}
            for machine in self.ctx.services.repo.machine_docs(self.ctx.tenant):
                name, group_id = machine.get("rbacGroupName"), machine.get("rbacGroupId")
                if name and group_id is not None:
                    self._groups[str(name).lower()] = (str(name), str(group_id))
        unknown = [n for n in names if n.lower() not in self._groups]
        if unknown:
            raise InvalidInput(
                f"Invalid input rbacGroupNames: no device group is called '{unknown[0]}'",
                code="InvalidInput",
            )
        found = [self._groups[n.lower()] for n in names]
        return [name for name, _ in found], [group_id for _, group_id in found]

    def active_count(self) -> int:
        if self._active is None:
            self._active = self.ctx.services.repo.count_where(
                t.entities, self.ctx.tenant, entities_of(KIND) & _active(self.now)
            )
        return self._active

    def save(self, item: IndicatorInput) -> dict[str, Any]:
        ctx, entities = self.ctx, self.ctx.services.entities
        names, group_ids = self.groups(item.rbac_group_names)
        existing = entities.docs(ctx.tenant, KIND, parent=item.key)
        who = ctx.caller.app_display_name or ctx.caller.app_id
        changes = {
            "indicatorValue": item.indicator_value,
            "action": item.action,
            "title": item.title,
            "expirationTime": item.expiration_time,
            "lastUpdateTime": self.now,
            "lastUpdatedBy": who,
            "severity": item.severity,
            "description": item.description,
            "recommendedActions": item.recommended_actions,
            "rbacGroupNames": names,
            "rbacGroupIds": group_ids,
            "generateAlert": item.generate_alert,
        }
        if existing:
            doc = existing[0]
            refusal = _not_yours(ctx, doc)
            if refusal is not None:
                raise refusal
            was_active = doc.get("expirationTime") is None or doc["expirationTime"] > self.now
            if not was_active:
                self._reserve()
            # `application` is kept: the docs say it only works for new indicators.
            doc.update(changes)
        else:
            self._reserve()
            doc = self._new(item, who)
            doc.update(changes)
        entities.put(ctx.tenant, KIND, doc["id"], doc, parent=item.key)
        return doc

    def _reserve(self) -> None:
        if self.active_count() >= MAX_ACTIVE_INDICATORS:
            raise InvalidInput(
                f"The tenant already has {MAX_ACTIVE_INDICATORS} active indicators, the most "
                "it may have; delete some or let them expire first",
                code="BadRequest",
            )
        self._active = self.active_count() + 1

    def _new(self, item: IndicatorInput, who: str) -> dict[str, Any]:
        ctx = self.ctx
        number = ctx.services.entities.next_number(ctx.tenant, KIND)
        return {
            "id": str(number),
            "indicatorValue": item.indicator_value,
            "indicatorType": item.indicator_type,
            "action": item.action,
            "application": item.application,
            "source": who,
            "sourceType": "AadApp",
            "title": item.title,
            "creationTimeDateTimeUtc": self.now,
            "createdBy": ctx.caller.app_id,
            "createdByDisplayName": who,
            "createdBySource": who,
            "expirationTime": None,
            "lastUpdateTime": self.now,
            "lastUpdatedBy": who,
            "severity": None,
            "description": item.description,
            "recommendedActions": None,
            "rbacGroupNames": [],
            "rbacGroupIds": [],
            "generateAlert": False,
            "externalID": None,
        }


def list_indicators(ctx: HandlerContext) -> Reply:
    return list_reply(ctx, INDICATORS, where=_visible(ctx))


def submit_indicator(ctx: HandlerContext) -> Reply:
    item = parse_indicator(body_object(ctx), ctx.services.clock.now())
    return entity_reply(ctx, "Indicators", _Writer(ctx).save(item))


def _result(ident: str | None, indicator: Any, failure: str | None) -> dict[str, Any]:
    return {
        "id": ident,
        "indicator": indicator if isinstance(indicator, str) else None,
        "isFailed": failure is not None,
        "failureReason": failure,
    }


def import_indicators(ctx: HandlerContext) -> Reply:
    """Each item is checked and saved on its own; a bad item fails alone (`isFailed`)."""
    items = value(body_object(ctx), "Indicators", list)
    if not items:
        raise InvalidInput("Invalid input Indicators: the list is empty", code="InvalidInput")
    if len(items) > MAX_BATCH:
        raise InvalidInput(
            f"Maximum batch size exceeded. Received: {len(items)}, allowed: {MAX_BATCH}",
            code="MaximumBatchSizeExceeded",
        )
    writer, now = _Writer(ctx), ctx.services.clock.now()
    results = []
    for item in items:
        if not isinstance(item, dict):
            results.append(_result(None, None, "Invalid indicator: expected a JSON object"))
            continue
        try:
            doc = writer.save(parse_indicator(item, now))
        except DomainError as exc:
            results.append(_result(None, item.get("indicatorValue"), exc.message))
            continue
        results.append(_result(doc["id"], doc["indicatorValue"], None))
    return Reply(json_text=json.dumps({"value": results}, separators=(",", ":")))


def delete_indicator(ctx: HandlerContext) -> Reply:
    ident = ctx.path_params["id"]
    found = ctx.services.entities.find(ctx.tenant, KIND, ident) if ident.isdigit() else None
    if found is None:
        raise NotFound(f"Indicator {ident} was not found")
    refusal = _not_yours(ctx, json.loads(found[1]))
    if refusal is not None:
        raise refusal
    ctx.services.entities.remove(ctx.tenant, KIND, ident, parent=found[0])
    return Reply(status=204)


def _ids(body: dict[str, Any]) -> list[str]:
    raw = value(body, "IndicatorIds", list)
    if not raw:
        raise InvalidInput("Invalid input IndicatorIds: the list is empty", code="InvalidInput")
    if len(raw) > MAX_BATCH:
        raise InvalidInput(
            f"Maximum batch size exceeded. Received: {len(raw)}, allowed: {MAX_BATCH}",
            code="MaximumBatchSizeExceeded",
        )
    ids = []
    for item in raw:
        text = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
        if not isinstance(text, str) or not text.isdigit():
            raise InvalidInput(f"Invalid input IndicatorIds: {item!r} is not an indicator id")
        ids.append(text)
    return list(dict.fromkeys(ids))


def batch_delete(ctx: HandlerContext) -> Reply:
    """All or nothing: 400 for a bad list, 403 if one belongs to another app (Ti.ReadWrite
    only), 404 if one does not exist, else every one is deleted and the answer is 204."""
    ids = _ids(body_object(ctx))
    entities = ctx.services.entities
    found = entities.find_many(ctx.tenant, KIND, ids)
    for ident in ids:
        if ident in found:
            refusal = _not_yours(ctx, json.loads(found[ident][1]))
            if refusal is not None:
                raise refusal
    missing = [ident for ident in ids if ident not in found]
    if missing:
        raise NotFound(f"Indicator {missing[0]} was not found")
    entities.remove_many(ctx.tenant, KIND, ids)
    return Reply(status=204)


HANDLERS: dict[str, Handler] = {
    "indicators.list": list_indicators,
    "indicators.submit": submit_indicator,
    "indicators.import": import_indicators,
    "indicators.delete": delete_indicator,
    "indicators.batch_delete": batch_delete,
}
