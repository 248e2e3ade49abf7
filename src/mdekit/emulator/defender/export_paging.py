"""Paging the "JSON" assessment exports the way the service does (defender-api.md §1.4, §5.14).

An export is a snapshot cut into part files (the "via files" variant hands those out).
A page is `pageSize` rows (default 50,000, at most 200,000); when rows remain, the page
carries `@odata.nextLink` with `pagesize=N&$skiptoken=T`, T being the base64 of a JSON
position: `{"ExportDefinition":{"TimePath":"2021-01-11/1101/"},"ExportFileIndex":0,
"LineStoppedAt":5}` (the snapshot's time path, the part file, the line in it). `$top`
returns that many rows and no link. A token from another snapshot (the world was
reseeded) or one that does not decode is a 400."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import urlencode

from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.tvm_source import WorldKey
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.domain.json_input import BadJson, parse_json
from mdekit.odata.errors import ODataQueryOptionError
from mdekit.odata.options import parse_query_options

DEFAULT_PAGE_SIZE = 50_000
MAX_PAGE_SIZE = 200_000
PART_ROWS = 500
"""Rows per part file of a small world; a part grows by this much per 250 devices."""
DEVICES_PER_PART_STEP = 250
MAX_PART_INDEX = 10**9
"""Far beyond any snapshot; larger indexes are not positions of this snapshot."""
_COUNT = re.compile(r"[+]?[0-9]{1,10}")
_OPTION_NAMES = {"$filter": "Filter", "$skip": "Skip", "$orderby": "OrderBy",
                 "$select": "Select", "$expand": "Expand", "$count": "Count"}  # fmt: skip


@dataclass(frozen=True)
class Snapshot:
    """When the export data was generated, and how many rows each part file holds."""

    generated: datetime
    part_rows: int

    @property
    def time_path(self) -> str:
        return self.generated.strftime("%Y-%m-%d/%H%M/")

    @property
    def generated_wire(self) -> str:
        return self.generated.strftime("%Y-%m-%dT%H:%M:%SZ")


def snapshot_of(key: WorldKey) -> Snapshot:
    """The snapshot of a stored world: generated at the world's time, to the minute."""
    moment = datetime.fromisoformat(key.now).astimezone(UTC).replace(second=0, microsecond=0)
    steps = max(1, math.ceil(key.machines / DEVICES_PER_PART_STEP))
    return Snapshot(moment, PART_ROWS * steps)


def encode_token(snapshot: Snapshot, offset: int) -> str:
    part, line = divmod(offset, snapshot.part_rows)
    position = {
        "ExportDefinition": {"TimePath": snapshot.time_path},
        "ExportFileIndex": part,
        "LineStoppedAt": line,
    }
    return base64.b64encode(json.dumps(position, separators=(",", ":")).encode()).decode()


def _bad_token(token: str) -> InvalidInput:
    return InvalidInput(f"Invalid $skiptoken '{token[:100]}'", code="InvalidInput")


def decode_token(snapshot: Snapshot, token: str) -> int:
    """The row offset a `$skiptoken` names; 400 when it is not one of this snapshot's."""
    text = token.strip().replace(" ", "+")  # a '+' sent unescaped arrives as a space
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=False)
        position = parse_json(raw)
    except (binascii.Error, BadJson) as exc:
        raise _bad_token(token) from exc
    if not isinstance(position, dict):
        raise _bad_token(token)
    definition = position.get("ExportDefinition")
    part = position.get("ExportFileIndex")
    line = position.get("LineStoppedAt")
    if (
        not isinstance(definition, dict)
        or definition.get("TimePath") != snapshot.time_path
        or type(part) is not int
        or type(line) is not int
        or not 0 <= part <= MAX_PART_INDEX
        or not 0 <= line < snapshot.part_rows
    ):
        raise _bad_token(token)
    return part * snapshot.part_rows + line


@dataclass(frozen=True)
class PageRequest:
    offset: int
    size: int
    """Rows in this page: `$top` if given, else `pageSize`."""
    top: bool
    """True when `$top` was given: no next link."""
    page_size: int


def _page_size(ctx: HandlerContext) -> int:
    text = ctx.param("pageSize")
    if text is None:
        return ctx.endpoint.default_page_size or DEFAULT_PAGE_SIZE
    cap = ctx.endpoint.page_cap or MAX_PAGE_SIZE
    text = text.strip()
    if not _COUNT.fullmatch(text) or not 1 <= int(text) <= cap:
        raise InvalidInput(
            f"Invalid input pageSize '{text}': an integer from 1 to {cap:,}", code="InvalidInput"
        )
    return int(text)


def page_request(ctx: HandlerContext, snapshot: Snapshot) -> PageRequest:
    """Read `pageSize`, `$top` and `$skiptoken`; other OData options are not allowed."""
    cap = ctx.endpoint.page_cap or MAX_PAGE_SIZE
    options = parse_query_options(list(ctx.params), page_cap=cap, default_top=cap)
    allowed = {*ctx.endpoint.odata, "$skiptoken"}
    for name, _ in ctx.params:
        folded = name.lower()
        if folded.startswith("$") and folded not in allowed:
            option = _OPTION_NAMES.get(folded, name)
            raise ODataQueryOptionError(
                f"Query option '{option}' is not allowed. To allow it, set the "
                "'AllowedQueryOptions' property on EnableQueryAttribute or "
                "QueryValidationSettings.",
                name,
            )
    size = _page_size(ctx)
    offset = decode_token(snapshot, options.skiptoken) if options.skiptoken else 0
    if options.top is not None:
        return PageRequest(offset, options.top, True, size)
    return PageRequest(offset, size, False, size)


def _dump(row: dict[str, Any]) -> str:
    return json.dumps(row, separators=(",", ":"))


def export_page(
    ctx: HandlerContext,
    rows: Iterator[dict[str, Any]],
    snapshot: Snapshot,
    request: PageRequest,
    keep: tuple[tuple[str, str], ...] = (),
) -> Reply:
    """One page of `rows` (an iterator over the whole snapshot, in its order). `keep`:
    query parameters the next link must repeat (the delta export's `sinceTime`)."""
    fetch = request.size if request.top else request.size + 1
    window = [_dump(row) for row in islice(rows, request.offset, request.offset + fetch)]
    more = not request.top and len(window) > request.size
    window = window[: request.size]
    context = json.dumps(f"{ctx.api_base}/$metadata#{ctx.endpoint.entity_set or ''}")
    text = '{"@odata.context":' + context + ',"value":[' + ",".join(window) + "]"
    if more:
        token = encode_token(snapshot, request.offset + request.size)
        pairs = [*keep, ("pagesize", str(request.page_size)), ("$skiptoken", token)]
        query = urlencode(pairs, safe="$")
        path = ctx.request_path[len("/api") :]
        text += ',"@odata.nextLink":' + json.dumps(f"{ctx.api_base}{path}?{query}")
    return Reply(json_text=text + "}")
