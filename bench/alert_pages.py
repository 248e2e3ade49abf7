"""A page server for the client benchmarks: `GET /api/alerts` over any number of alerts
without holding them, on the same server stack as the emulator (uvicorn, TLS).

Alert `i` (0 <= i < count) is one real alert of the emulator (`--sample`) with its own id and
times: `lastUpdateTime` steps evenly through `--days` days before `--end`, so a
`$filter=lastUpdateTime ge A and lastUpdateTime lt B` window (the alert feed's query) is a
range of indexes, cut further by `$skip` and `$top` (at most 10,000, as the service). Pages
are rendered from a template, so serving a page costs about what sending it costs, and a
million alerts take no memory. The bearer token is not checked: the client's token comes from
an emulator, and the server's share of the work is to be as small as possible.

Run: python -m bench.alert_pages --cert C --key K --sample FILE --count N --days D --end ISO
(prints its port)."""

from __future__ import annotations

import argparse
import json
import re
import socket
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import uvicorn

PAGE_CAP = 10_000
WINDOW = re.compile(r"lastUpdateTime ge (\S+) and lastUpdateTime lt (\S+)")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def wire_us(text: str) -> int:
    """Microseconds since 1970 of a wire time such as 2026-01-02T03:04:05.1234567Z."""
    stem, _, fraction = text.rstrip("Z").partition(".")
    moment = datetime.fromisoformat(stem).replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1) + int((fraction + "000000")[:6])


def wire_time(us: int) -> str:
    moment = EPOCH + timedelta(microseconds=us)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond:06d}0Z"


class Alerts:
    """`count` alerts, evenly spaced in time, rendered from one sample."""

    def __init__(self, sample: dict[str, Any], count: int, days: float, end: datetime) -> None:
        self.count = count
        self.end_us = (end - EPOCH) // timedelta(microseconds=1)
        self.step_us = max(1, int(days * 86_400_000_000) // count)
        self.start_us = self.end_us - self.step_us * count
        marked = dict(sample)
        marked["id"] = "@ID@"
        marked["incidentId"] = 0
        for field in ("alertCreationTime", "firstEventTime", "lastEventTime", "lastUpdateTime"):
            marked[field] = "@TIME@"
        text = json.dumps(marked, separators=(",", ":")).replace("%", "%%")
        text = text.replace('"incidentId":0', '"incidentId":%(incident)d')
        self.template = text.replace("@ID@", "da%(index)018d").replace("@TIME@", "%(time)s")

    def updated_us(self, index: int) -> int:
        return self.start_us + index * self.step_us

    def first_at_or_after(self, us: int) -> int:
        """The lowest index whose lastUpdateTime is >= us."""
        index = -(-(us - self.start_us) // self.step_us)
        return min(self.count, max(0, index))

    def page(self, query: dict[str, list[str]]) -> bytes:
        low, high = 0, self.count
        match = WINDOW.fullmatch(query.get("$filter", [""])[0].strip())
        if match:
            low = self.first_at_or_after(wire_us(match.group(1)))
            high = max(low, self.first_at_or_after(wire_us(match.group(2))))
        skip = int(query.get("$skip", ["0"])[0])
        top = min(PAGE_CAP, int(query.get("$top", [str(PAGE_CAP)])[0]))
        first = min(high, low + skip)
        last = min(high, first + top)
        template = self.template
        items = ",".join(
            [
                template
                % {
                    "index": index,
                    "incident": 1 + index // 4,
                    "time": wire_time(self.updated_us(index)),
                }
                for index in range(first, last)
            ]
        )
        context = "https://api.securitycenter.microsoft.com/api/$metadata#Alerts"
        return f'{{"@odata.context":"{context}","value":[{items}]}}'.encode()


def make_app(alerts: Alerts):  # type: ignore[no-untyped-def]
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        if scope["path"] == "/api/alerts":
            query = parse_qs(scope["query_string"].decode(), keep_blank_values=True)
            status, body = 200, alerts.page(query)
        else:
            status, body = 404, b'{"error":{"code":"NotFound","message":"not served here"}}'
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; odata.metadata=minimal"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--sample", required=True, help="one alert's JSON")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--days", type=float, default=179.0)
    parser.add_argument("--end", required=True, help="ISO time of the newest alert")
    args = parser.parse_args()
    with open(args.sample, encoding="utf-8") as handle:
        sample = json.load(handle)
    end = datetime.fromisoformat(args.end.replace("Z", "+00:00"))
    alerts = Alerts(sample, args.count, args.days, end)
    sock = socket.socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    print(sock.getsockname()[1], flush=True)
    config = uvicorn.Config(
        make_app(alerts),
        ssl_certfile=args.cert,
        ssl_keyfile=args.key,
        log_level="critical",
        access_log=False,
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
