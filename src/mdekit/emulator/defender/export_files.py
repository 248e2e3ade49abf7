"""The "via files" assessment exports (defender-api.md §1.4, §5.14, §5.15): the snapshot
cut into gzip-compressed multiline JSON files (one row object per line), kept in the
`files` table, and handed out as signed links that expire after `sasValidHours`.

The answer is `{"@odata.context": ".../$metadata#...ExportFilesResponse",
"exportFiles": [urls], "generatedTime": ...}`. The links are valid 1 hour by default
(3 hours on the pages that allow up to 24); `sasValidHours` may raise that up to the
endpoint's maximum (6 where the page gives none). The files of one snapshot are written
once and reused by later calls (a manifest entity remembers them); a reseed clears both."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from contextlib import suppress
from itertools import islice
from typing import Any

from sqlalchemy.exc import IntegrityError

from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.downloads import signed_url
from mdekit.emulator.defender.export_paging import Snapshot, snapshot_of
from mdekit.emulator.defender.tvm_source import WorldKey, tenant_world
from mdekit.emulator.defender.typed_replies import type_reply
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.store.action_repo import ActionRepository
from mdekit.emulator.world import Tvm

Rows = Callable[[Tvm], Iterator[dict[str, Any]]]

MANIFEST_KIND = "exportfiles"
UNDOCUMENTED_MAX_HOURS = 6
"""Pages that give no maximum: the common rule of the assessment exports (6 hours)."""
LONG_LINKS_MAX_HOURS = 24
"""Pages allowing 24 hours also give 3 hours as the default."""
GZIP_TYPE = "application/octet-stream"
"""Blob storage serves the parts as plain bytes: no Content-Encoding, the client unzips."""
_HOURS = re.compile(r"[+]?[0-9]{1,10}")


def sas_valid_hours(ctx: HandlerContext) -> int:
    """`sasValidHours` (the docs also print `$sasValidHours`): 1 up to the endpoint's max."""
    most = ctx.endpoint.sas_valid_hours_max or UNDOCUMENTED_MAX_HOURS
    text = ctx.param("sasValidHours")
    if text is None:
        text = next((v for k, v in ctx.params if k.lower() == "$sasvalidhours"), None)
    if text is None:
        return 3 if most == LONG_LINKS_MAX_HOURS else 1
    text = text.strip()
    if not _HOURS.fullmatch(text) or not 1 <= int(text) <= most:
        raise InvalidInput(
            f"Invalid input sasValidHours '{text}': an integer from 1 to {most}",
            code="InvalidInput",
        )
    return int(text)


def _file_key(key: WorldKey, label: str, index: int) -> str:
    digest = hashlib.sha256(f"{key.fingerprint()}|{label}".encode()).hexdigest()[:32]
    return f"{label[:8].lower()}-{digest}-part-{index:05d}.json.gz"


def gzip_lines(rows: list[dict[str, Any]]) -> bytes:
    """Multiline JSON (one object per line), gzip'd with a fixed header time so that the
    same rows give the same bytes."""
    text = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows)
    return gzip.compress(text.encode(), mtime=0)


def _write_parts(
    ctx: HandlerContext, key: WorldKey, label: str, rows: Iterator[dict[str, Any]], part_rows: int
) -> list[str]:
    files = ActionRepository(ctx.services.repo.engine)
    keys: list[str] = []
    while chunk := list(islice(rows, part_rows)):
        file_key = _file_key(key, label, len(keys))
        # A concurrent first call may store the same part (same key, same bytes).
        with suppress(IntegrityError):
            files.put_file(ctx.tenant, file_key, file_key, gzip_lines(chunk), GZIP_TYPE)
        keys.append(file_key)
    return keys


def _part_keys(ctx: HandlerContext, label: str, rows: Rows) -> tuple[list[str], Snapshot]:
    """The keys of the snapshot's part files, written on the first call."""
    key, _world, tvm = tenant_world(ctx.services, ctx.tenant)
    snapshot = snapshot_of(key)
    entities = ctx.services.entities
    stored = entities.get(ctx.tenant, MANIFEST_KIND, label)
    manifest: dict[str, Any] = json.loads(stored) if stored else {}
    if manifest.get("world") == key.fingerprint():
        return [str(k) for k in manifest.get("files", [])], snapshot
    keys = _write_parts(ctx, key, label, rows(tvm), snapshot.part_rows)
    # A concurrent first call may write the same manifest (same files, same keys).
    with suppress(IntegrityError):
        entities.put(ctx.tenant, MANIFEST_KIND, label, {"world": key.fingerprint(), "files": keys})
    return keys, snapshot


def export_files_reply(ctx: HandlerContext, label: str, rows: Rows) -> Reply:
    hours = sas_valid_hours(ctx)
    keys, snapshot = _part_keys(ctx, label, rows)
    urls = [signed_url(ctx.services, ctx.origin, k, hours * 3600) for k in keys]
    return type_reply(ctx, {"exportFiles": urls, "generatedTime": snapshot.generated_wire})
