"""The live response library's entries: how one is described on the wire, and the few sample
scripts a fresh tenant starts with (so that `runliveresponse` has something to run before
anyone uploads)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from mdekit.emulator.store.library_repo import LibraryRepository
from mdekit.models import format_wire_datetime


def library_doc(
    file_name: str,
    content: bytes,
    *,
    description: str | None,
    parameters_description: str,
    has_parameters: bool,
    created_by: str,
    created: str,
    updated: str,
) -> dict[str, Any]:
    """A LibraryFile in the service's key order (list-library-files.md)."""
    return {
        "fileName": file_name,
        "sha256": hashlib.sha256(content).hexdigest(),
        "description": description,
        "creationTime": created,
        "lastUpdatedTime": updated,
        "createdBy": created_by,
        "hasParameters": has_parameters,
        "parametersDescription": parameters_description,
    }


@dataclass(frozen=True)
class SampleScript:
    file_name: str
    description: str
    parameters_description: str
    body: str
    age_days: int

    @property
    def has_parameters(self) -> bool:
        return bool(self.parameters_description)


SAMPLES = (
    SampleScript(
        "Get-ProcessSnapshot.ps1",
        "Lists running processes with their command lines and parent processes",
        "",
        "Get-CimInstance Win32_Process |\n"
        "    Select-Object ProcessId, ParentProcessId, Name, CommandLine, CreationDate |\n"
        "    Sort-Object CreationDate |\n"
        "    ConvertTo-Json -Depth 2\n",
        41,
    ),
    SampleScript(
        "Get-NetworkConnections.ps1",
        "Open TCP connections with the owning process",
        "",
        "Get-NetTCPConnection -State Established, Listen |\n"
        "    Select-Object LocalAddress, LocalPort, RemoteAddress, RemotePort, State,\n"
        "        @{n='Process'; e={(Get-Process -Id $_.OwningProcess).ProcessName}} |\n"
        "    ConvertTo-Json\n",
        38,
    ),
    SampleScript(
        "Remove-ScheduledTaskByName.ps1",
        "Deletes a scheduled task left behind by an intruder",
        "-TaskName <name of the task to remove> [-TaskPath <folder, default \\>]",
        "param([Parameter(Mandatory)][string]$TaskName, [string]$TaskPath = '\\')\n"
        "Unregister-ScheduledTask -TaskName $TaskName -TaskPath $TaskPath -Confirm:$false\n"
        'Write-Output "Removed scheduled task $TaskPath$TaskName"\n',
        23,
    ),
    SampleScript(
        "collect_auth_logs.sh",
        "Copies the authentication logs of a Linux device into one archive",
        "",
        "#!/bin/sh\nset -e\nout=/tmp/auth_logs_$(hostname).tar.gz\n"
        'tar -czf "$out" /var/log/auth.log* /var/log/secure* 2>/dev/null || true\n'
        'echo "$out"\n',
        12,
    ),
)


def seed_library(
    engine: Engine,
    tenant_id: str,
    now: datetime,
    *,
    files: Sequence[dict[str, Any]] | None = None,
    contents: Mapping[str, bytes] | None = None,
    created_by: str = "admin",
) -> int:
    """Fill an empty library: with the world's `files` (LibraryFile documents) and their
    `contents` by file name when given, else with the sample scripts. Returns how many were
    added; 0 when the tenant already has library files, so calling it twice changes nothing."""
    repo = LibraryRepository(engine)
    if repo.count(tenant_id):
        return 0
    if files is not None:
        for doc in files:
            name = str(doc["fileName"])
            repo.put(tenant_id, name, (contents or {}).get(name, b""), dict(doc))
        return len(files)
    for sample in SAMPLES:
        content = sample.body.encode()
        stamp = format_wire_datetime(now - timedelta(days=sample.age_days))
        repo.put(
            tenant_id,
            sample.file_name,
            content,
            library_doc(
                sample.file_name,
                content,
                description=sample.description,
                parameters_description=sample.parameters_description,
                has_parameters=sample.has_parameters,
                created_by=created_by,
                created=stamp,
                updated=stamp,
            ),
        )
    return len(SAMPLES)
