"""Where alert evidence shows a file, an IP address, a domain or an account: the facts
behind the related-alerts, related-devices and prevalence endpoints (§5.7).

A sighting is one alert whose evidence names the thing; it happened on the alert's device
at the alert's first event, the moment the world generator records too. Candidate alerts
are narrowed in SQL by a case-folded substring of their stored JSON, then matched exactly
here, so a lookup reads only the alerts that mention the value."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func

from mdekit.emulator.defender.context import HandlerContext
from mdekit.emulator.store import schema as t
from mdekit.emulator.store.defender_repo import PageQuery

Alert = dict[str, Any]
Evidence = dict[str, Any]
Matcher = Callable[[Alert, Evidence], str | None]
"""Says whether one evidence item of an alert shows the thing; returns the name it had
(a file name, an address...) or None."""


@dataclass(frozen=True)
class Sighting:
    alert_id: str
    machine_id: str
    when: datetime
    name: str


def parse_wire_time(text: Any) -> datetime | None:
    """An ISO 8601 wire time ("...Z", up to 7 fraction digits) as aware UTC; None if not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def seconds_wire(moment: datetime | None) -> str | None:
    """The whole-second form the statistics use ("2019-12-07T13:44:16Z")."""
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _needle(value: str) -> str:
    """`value` as it appears, case-folded, inside stored JSON text (escapes included)."""
    return json.dumps(value.lower())[1:-1]


def candidate_alerts(ctx: HandlerContext, needles: Sequence[str]) -> list[Alert]:
    """The tenant's alerts (with evidence) whose JSON mentions any of `needles`."""
    needles = [n for n in needles if n]
    if not needles:
        return []
    where = None
    for needle in needles:
        pattern = _needle(needle)
        clause = func.lower(t.alerts.c.evidence).contains(pattern, autoescape=True) | func.lower(
            t.alerts.c.doc
        ).contains(pattern, autoescape=True)
        where = clause if where is None else (where | clause)
    rows = ctx.services.repo.page(t.alerts, PageQuery(ctx.tenant, where), with_evidence=True)
    alerts = []
    for doc, evidence in rows:
        alert: Alert = json.loads(doc)
        alert["evidence"] = json.loads(evidence or "[]")
        alerts.append(alert)
    return alerts


def sightings(alerts: Sequence[Alert], match: Matcher) -> list[Sighting]:
    """One sighting per alert whose evidence matches (the first matching item names it)."""
    found = []
    for alert in alerts:
        when = parse_wire_time(alert.get("firstEventTime")) or parse_wire_time(
            alert.get("alertCreationTime")
        )
        if when is None:
            continue
        # An alert without evidence can still match on its own fields (relatedUser).
        for item in alert.get("evidence") or [{}]:
            if not isinstance(item, dict):
                continue
            name = match(alert, item)
            if name is not None:
                found.append(Sighting(str(alert["id"]), str(alert.get("machineId")), when, name))
                break
    return found


def _same(left: Any, right: str) -> bool:
    return isinstance(left, str) and left.lower() == right.lower()


def file_matcher(sha1: str, name: str | None) -> Matcher:
    """Evidence of the file itself (Process image or File), or a process it started: the
    evidence names a parent by file name only, as the generator records parents."""

    def match(_alert: Alert, item: Evidence) -> str | None:
        if _same(item.get("sha1"), sha1):
            return str(item.get("fileName") or name or "")
        if name and _same(item.get("parentProcessFileName"), name):
            return name
        return None

    return match


def ip_matcher(ip: str) -> Matcher:
    def match(_alert: Alert, item: Evidence) -> str | None:
        return ip if item.get("ipAddress") == ip else None

    return match


def url_host(url: Any) -> str | None:
    if not isinstance(url, str) or not url:
        return None
    try:
        return urlparse(url if "://" in url else f"http://{url}").hostname
    except ValueError:
        return None


def domain_matcher(host: str) -> Matcher:
    wanted = host.lower().rstrip(".")

    def match(_alert: Alert, item: Evidence) -> str | None:
        return wanted if url_host(item.get("url")) == wanted else None

    return match


def user_matcher(account: str, domain: str | None) -> Matcher:
    """The alert's related user, or a User/Process evidence item, has this account name (and
    this domain, when the id gave one)."""

    def same_account(name: Any, name_domain: Any) -> bool:
        return _same(name, account) and (domain is None or _same(name_domain, domain))

    def match(alert: Alert, item: Evidence) -> str | None:
        related = alert.get("relatedUser")
        if isinstance(related, dict) and same_account(
            related.get("userName"), related.get("domainName")
        ):
            return account
        if same_account(item.get("accountName"), item.get("domainName")):
            return account
        return None

    return match


def split_account(user_id: str) -> tuple[str, str | None]:
    """("name", domain or None) of "name" or "DOMAIN\\name" (the API takes the name only;
    the domain form is what the User entity's id looks like)."""
    if "\\" in user_id:
        domain, _, name = user_id.partition("\\")
        return name, domain
    return user_id, None


@dataclass(frozen=True)
class Prevalence:
    """How many devices saw it in the look-back window, and first and last when."""

    devices: int
    first: str | None
    last: str | None
    top_names: tuple[str, ...]


def prevalence(found: Sequence[Sighting], since: datetime, until: datetime) -> Prevalence:
    inside = [s for s in found if since <= s.when <= until]
    names = Counter(s.name for s in inside if s.name)
    return Prevalence(
        devices=len({s.machine_id for s in inside}),
        first=seconds_wire(min((s.when for s in inside), default=None)),
        last=seconds_wire(max((s.when for s in inside), default=None)),
        top_names=tuple(name for name, _ in names.most_common()),
    )


def ordered_unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))
