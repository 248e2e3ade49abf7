"""Microsoft Graph `POST /v1.0/security/runHuntingQuery`: the same engine and tables as the
Defender API's `/api/advancedqueries/run`, Graph's shape (`schema`/`results` with `name` and
`type`), its permission (ThreatHunting.Read.All) and its optional `Timespan`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import TypeAdapter, ValidationError

from mdekit.emulator.domain.errors import InvalidInput, Throttled
from mdekit.emulator.domain.throttle import Limiter, Quota
from mdekit.emulator.hunting.service import RETENTION, HuntingService
from mdekit.kql import api_type_name

THREAT_HUNTING = ("ThreatHunting.Read.All",)
QUOTAS = (Quota(45, 60), Quota(1500, 3600))
"""The Advanced Hunting request quotas, per tenant."""

_DURATION = TypeAdapter(timedelta)
_MOMENT = TypeAdapter(datetime)


def _duration(text: str) -> timedelta:
    try:
        return _DURATION.validate_python(text)
    except ValidationError as exc:
        raise _bad_timespan(text) from exc


def _moment(text: str) -> datetime:
    try:
        moment = _MOMENT.validate_python(text)
    except ValidationError as exc:
        raise _bad_timespan(text) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _bad_timespan(text: str) -> InvalidInput:
    return InvalidInput(
        f"Invalid Timespan '{text}': use an ISO 8601 duration (P30D), a start and end "
        "(2024-02-01T08:00:00Z/2024-02-15T08:00:00Z), a duration and end, a start and "
        "duration, or a single start time.",
        code="BadRequest",
    )


def timespan_window(value: object, now: datetime) -> tuple[datetime, datetime]:
    """The (start, end) of Graph's `Timespan` parameter; the last 30 days when absent."""
    if value is None or value == "":
        return now - RETENTION, now
    if not isinstance(value, str):
        raise _bad_timespan(str(value))
    text = value.strip()
    if "/" in text:
        first, _, second = text.partition("/")
        if first.upper().startswith("P"):
            end = _moment(second)
            return end - _duration(first), end
        start = _moment(first)
        if second.upper().startswith("P"):
            return start, start + _duration(second)
        return start, _moment(second)
    if text.upper().startswith("P"):
        return now - _duration(text), now
    return _moment(text), now


def throttle(limiter: Limiter, tenant_id: str, now: float) -> None:
    decision = limiter.check(f"{tenant_id}|graph.runHuntingQuery", QUOTAS, now)
    if not decision.allowed:
        assert decision.exceeded is not None
        raise Throttled(
            f"Too many requests: at most {decision.exceeded.describe()} per tenant.",
            retry_after=decision.retry_after,
        )


def run_hunting_query(
    hunting: HuntingService, tenant_id: str, body: dict[str, object], now: datetime
) -> dict[str, object]:
    """The `huntingQueryResults` answer, without `@odata.context` (the route adds it)."""
    query = body.get("Query", body.get("query"))
    window = timespan_window(body.get("Timespan", body.get("timespan")), now)
    result = hunting.run(tenant_id, query, now, window=window)
    schema = [{"name": name, "type": api_type_name(kind)} for name, kind in result.columns]
    return {"schema": schema, "results": result.to_api()["Results"]}
