"""Files, IP addresses, domains and users (defender-api.md §5.7, §6.6): a file's profile,
the alerts and devices related to each, and their prevalence in the organization.

As the service documents: a related lookup for an unknown file, IP, domain or user is 200
with an empty set; an unknown file's profile or statistics are 404; an IP that is not an
address is 400 (`InvalidIpAddress`); unknown IPs and domains have statistics with a
prevalence of 0. `lookBackHours` (default 30 days, at most 720) bounds the statistics."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from mdekit.emulator.defender import actions_service
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.entity_sightings import (
    Prevalence,
    Sighting,
    candidate_alerts,
    domain_matcher,
    file_matcher,
    ip_matcher,
    ordered_unique,
    prevalence,
    sightings,
    split_account,
    user_matcher,
)
from mdekit.emulator.defender.handlers_core import ALERTS, MACHINES
from mdekit.emulator.defender.toolkit import entities_of, entity_reply, list_reply
from mdekit.emulator.defender.tvm_source import tenant_world
from mdekit.emulator.defender.typed_replies import type_reply
from mdekit.emulator.domain.errors import InvalidInput, NotFound
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.defender_repo import PageQuery
from mdekit.emulator.store.json_fields import json_field

Handler = Callable[[HandlerContext], Reply]

DEFAULT_LOOKBACK_HOURS = 30 * 24
MAX_LOOKBACK_HOURS = 720
MAX_DOMAIN_MACHINES = 500
_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_INT32 = re.compile(r"[+]?[0-9]{1,10}")


# -- parameters ----------------------------------------------------------------------------


def _lookback(ctx: HandlerContext) -> timedelta:
    """`lookBackHours`: an Int32 from 1 to 720; 30 days when absent."""
    text = ctx.param("lookBackHours")
    if text is None:
        return timedelta(hours=DEFAULT_LOOKBACK_HOURS)
    text = text.strip()
    if not _INT32.fullmatch(text) or not 1 <= int(text) <= MAX_LOOKBACK_HOURS:
        raise InvalidInput(
            f"Invalid input lookBackHours '{text}': an integer from 1 to {MAX_LOOKBACK_HOURS} "
            "(hours; 720 = 30 days)",
            code="InvalidInput",
        )
    return timedelta(hours=int(text))


def _ip(ctx: HandlerContext) -> str:
    text = ctx.path_params.get("ip", "").strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError as exc:
        raise InvalidInput(f"IP address {text} is invalid", code="InvalidIpAddress") from exc


def _domain(ctx: HandlerContext) -> str:
    return ctx.path_params.get("domain", "").strip().lower().rstrip(".")


def _stats(
    ctx: HandlerContext, found: Sequence[Sighting], lookback: timedelta
) -> tuple[Prevalence, dict[str, Any]]:
    now = ctx.services.clock.now()
    seen = prevalence(found, now - lookback, now)
    return seen, {
        "organizationPrevalence": seen.devices,
        "orgFirstSeen": seen.first,
        "orgLastSeen": seen.last,
    }


# -- answers -------------------------------------------------------------------------------


def _alerts_reply(ctx: HandlerContext, found: Sequence[Sighting]) -> Reply:
    ids = ordered_unique([s.alert_id for s in found])
    return list_reply(ctx, ALERTS, t.alerts.c.id.in_(ids))


def _machines_reply(ctx: HandlerContext, machine_ids: Sequence[str]) -> Reply:
    actions_service.advance(ctx.services, ctx.tenant)
    return list_reply(ctx, MACHINES, t.machines.c.id.in_(ordered_unique(machine_ids)))


# -- files ---------------------------------------------------------------------------------


def _file(ctx: HandlerContext, *, strict: bool) -> dict[str, Any] | None:
    """The File entity of a SHA1 or SHA256 path id. `strict`: anything else is a 400."""
    key = ctx.path_params.get("id", "").strip().lower()
    if _SHA1.fullmatch(key):
        doc = ctx.services.entities.get(ctx.tenant, "files", key)
    elif _SHA256.fullmatch(key):
        where = entities_of("files") & (func.lower(json_field(t.entities.c.doc, "sha256")) == key)
        rows = ctx.services.repo.page(t.entities, PageQuery(ctx.tenant, where, top=1))
        doc = rows[0][0] if rows else None
    elif strict:
        raise InvalidInput(
            f"Invalid input id '{key}': a file is named by its SHA1 or SHA256 hash",
            code="InvalidInput",
        )
    else:
        doc = None
    found: dict[str, Any] | None = json.loads(doc) if doc else None
    return found


def _file_sightings(ctx: HandlerContext, sha1: str) -> list[Sighting]:
    """Evidence of the file, or of processes it started (named by file name only)."""
    _key, world, _tvm = tenant_world(ctx.services, ctx.tenant)
    name = next((f.name for f in world.file_facts.values() if f.sha1 == sha1), None)
    alerts = candidate_alerts(ctx, [sha1, name or ""])
    return sightings(alerts, file_matcher(sha1, name))


def _known_sha1(ctx: HandlerContext) -> str | None:
    """The SHA1 of a known file given by SHA1 (the related lookups take SHA1 only)."""
    key = ctx.path_params.get("id", "").strip().lower()
    if not _SHA1.fullmatch(key):
        return None
    return key if ctx.services.entities.get(ctx.tenant, "files", key) is not None else None


def get_file(ctx: HandlerContext) -> Reply:
    found = _file(ctx, strict=True)
    if found is None:
        raise NotFound(f"File {ctx.path_params.get('id', '')} was not found")
    return entity_reply(ctx, "Files", found)


def file_alerts(ctx: HandlerContext) -> Reply:
    sha1 = _known_sha1(ctx)
    return _alerts_reply(ctx, _file_sightings(ctx, sha1) if sha1 else [])


def file_machines(ctx: HandlerContext) -> Reply:
    sha1 = _known_sha1(ctx)
    found = _file_sightings(ctx, sha1) if sha1 else []
    return _machines_reply(ctx, [s.machine_id for s in found])


def file_stats(ctx: HandlerContext) -> Reply:
    lookback = _lookback(ctx)
    found = _file(ctx, strict=True)
    if found is None:
        raise NotFound(f"File {ctx.path_params.get('id', '')} was not found")
    seen, counts = _stats(ctx, _file_sightings(ctx, str(found["sha1"])), lookback)
    return type_reply(
        ctx,
        {
            "sha1": found["sha1"],
            **counts,
            "globallyPrevalence": found.get("globalPrevalence"),
            "globalFirstObserved": found.get("globalFirstObserved"),
            "globalLastObserved": found.get("globalLastObserved"),
            "topFileNames": list(seen.top_names),
        },
    )


# -- IP addresses --------------------------------------------------------------------------


def ip_alerts(ctx: HandlerContext) -> Reply:
    ip = _ip(ctx)
    return _alerts_reply(ctx, sightings(candidate_alerts(ctx, [ip]), ip_matcher(ip)))


def ip_stats(ctx: HandlerContext) -> Reply:
    ip = _ip(ctx)
    lookback = _lookback(ctx)
    found = sightings(candidate_alerts(ctx, [ip]), ip_matcher(ip))
    return type_reply(ctx, {"ipAddress": ip, **_stats(ctx, found, lookback)[1]})


# -- domains -------------------------------------------------------------------------------


def _domain_sightings(ctx: HandlerContext, host: str) -> list[Sighting]:
    return sightings(candidate_alerts(ctx, [host]), domain_matcher(host)) if host else []


def domain_alerts(ctx: HandlerContext) -> Reply:
    return _alerts_reply(ctx, _domain_sightings(ctx, _domain(ctx)))


def domain_machines(ctx: HandlerContext) -> Reply:
    """At most 500 devices, as documented."""
    machine_ids = ordered_unique([s.machine_id for s in _domain_sightings(ctx, _domain(ctx))])
    return _machines_reply(ctx, machine_ids[:MAX_DOMAIN_MACHINES])


def domain_stats(ctx: HandlerContext) -> Reply:
    host = _domain(ctx)
    lookback = _lookback(ctx)
    counts = _stats(ctx, _domain_sightings(ctx, host), lookback)[1]
    return type_reply(ctx, {"host": host, **counts})


# -- users ---------------------------------------------------------------------------------


def user_alerts(ctx: HandlerContext) -> Reply:
    """The id is the account name ("user1", not the UPN); "DOMAIN\\user1" also narrows by
    domain."""
    account, domain = split_account(ctx.path_params.get("id", "").strip())
    if not account:
        return _alerts_reply(ctx, [])
    found = sightings(candidate_alerts(ctx, [account]), user_matcher(account, domain))
    return _alerts_reply(ctx, found)


def user_machines(ctx: HandlerContext) -> Reply:
    """Devices whose logged-on users include the account."""
    account, domain = split_account(ctx.path_params.get("id", "").strip())
    logons = t.entities.c
    parents = select(logons.parent).where(
        logons.tenant_id == ctx.tenant,
        logons.kind == "logonusers",
        func.lower(json_field(logons.doc, "accountName")) == account.lower(),
    )
    if domain is not None:
        parents = parents.where(
            func.lower(json_field(logons.doc, "accountDomain")) == domain.lower()
        )
    actions_service.advance(ctx.services, ctx.tenant)
    return list_reply(ctx, MACHINES, t.machines.c.id.in_(parents))


HANDLERS: dict[str, Handler] = {
    "files.get": get_file,
    "files.alerts": file_alerts,
    "files.machines": file_machines,
    "files.stats": file_stats,
    "ips.alerts": ip_alerts,
    "ips.stats": ip_stats,
    "domains.alerts": domain_alerts,
    "domains.machines": domain_machines,
    "domains.stats": domain_stats,
    "users.alerts": user_alerts,
    "users.machines": user_machines,
}
