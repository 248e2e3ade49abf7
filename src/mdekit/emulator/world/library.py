"""The live response library: a few scripts the SOC uploaded, with their real bytes.

Each file's `sha256` is the hash of the content served for it, so a client that
downloads a script (or uploads the same bytes) can check it. Scripts name the tenant's
domain, so two tenants' libraries differ like real ones do."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from mdekit.emulator.world.catalog_hosts import ANALYSTS
from mdekit.emulator.world.ids import analyst_accounts
from mdekit.emulator.world.model import WireDict
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TickFormatter

LIBRARY_FILE_KEYS = (
    "fileName", "sha256", "description", "creationTime", "lastUpdatedTime", "createdBy",
    "hasParameters", "parametersDescription",
)  # fmt: skip


@dataclass(frozen=True)
class _Script:
    name: str
    description: str | None
    parameters: str | None
    body: str


SCRIPTS = (
    _Script(
        "Collect-Triage.ps1",
        "Collects running processes, services, autoruns and network connections",
        "-OutputPath <folder> (default C:\\ProgramData\\ir)",
        """param([string]$OutputPath = "C:\\ProgramData\\ir")
# Triage collection for {domain} incident response.
New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
Get-Process | Select-Object Id, ProcessName, Path, StartTime |
    Export-Csv (Join-Path $OutputPath "processes.csv") -NoTypeInformation
Get-Service | Export-Csv (Join-Path $OutputPath "services.csv") -NoTypeInformation
Get-NetTCPConnection | Export-Csv (Join-Path $OutputPath "connections.csv") -NoTypeInformation
Get-CimInstance Win32_StartupCommand |
    Export-Csv (Join-Path $OutputPath "autoruns.csv") -NoTypeInformation
$zip = Join-Path $OutputPath "triage.zip"
Compress-Archive -Path (Join-Path $OutputPath "*.csv") -DestinationPath $zip -Force
Write-Output "Triage written to $OutputPath\\triage.zip"
""",
    ),
    _Script(
        "Remove-RunKey.ps1",
        "Removes a persistence value from the Run keys",
        "-Name <value name>",
        """param([Parameter(Mandatory = $true)][string]$Name)
# Remove a Run-key persistence entry found during an {domain} investigation.
$keys = @(
    "HKLM:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run",
    "HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"
)
foreach ($key in $keys) {
    if (Get-ItemProperty -Path $key -Name $Name -ErrorAction SilentlyContinue) {
        Remove-ItemProperty -Path $key -Name $Name
        Write-Output "Removed $Name from $key"
    }
}
""",
    ),
    _Script(
        "Get-LocalAdmins.ps1",
        "Lists members of the local Administrators group",
        None,
        """# Local administrators, for the {domain} privileged access review.
Get-LocalGroupMember -Group "Administrators" |
    Select-Object Name, ObjectClass, PrincipalSource |
    Format-Table -AutoSize | Out-String -Width 200
""",
    ),
    _Script(
        "collect_linux_triage.sh",
        None,
        None,
        """#!/bin/sh
# Triage collection for {domain} Linux servers.
out=/var/tmp/ir-$(hostname)-$(date +%Y%m%d%H%M%S)
mkdir -p "$out"
ps -eo pid,ppid,user,lstart,cmd > "$out/processes.txt"
ss -tunap > "$out/sockets.txt"
last -n 50 > "$out/logins.txt"
crontab -l > "$out/crontab.txt" 2>/dev/null
tar -czf "$out.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo "$out.tar.gz"
""",
    ),
    _Script(
        "Isolate-Check.ps1",
        "Verifies the Defender firewall rules that network isolation adds",
        None,
        """# Check that isolation rules are in place (used by {domain} SOC).
Get-NetFirewallRule -PolicyStore ActiveStore |
    Where-Object { $_.DisplayName -like "*Defender*" } |
    Select-Object DisplayName, Enabled, Direction, Action
""",
    ),
)


def build_library(
    rng: random.Random, tenant_id: str, domain: str, now_ticks: int, fmt: TickFormatter
) -> tuple[list[WireDict], dict[str, bytes]]:
    """The LibraryFile entities and the bytes of each file, by file name."""
    analysts = analyst_accounts(tenant_id, domain, ANALYSTS)
    files: list[WireDict] = []
    contents: dict[str, bytes] = {}
    for script in SCRIPTS:
        body = script.body.replace("{domain}", domain).encode()
        created = now_ticks - int((20 + rng.random() * 500) * TICKS_PER_DAY)
        updated = created
        if rng.random() < 0.4:
            updated = created + int(rng.random() * (now_ticks - created - TICKS_PER_HOUR))
        files.append(
            {
                "fileName": script.name,
                "sha256": hashlib.sha256(body).hexdigest(),
                "description": script.description,
                "creationTime": fmt.iso(created),
                "lastUpdatedTime": fmt.iso(updated),
                "createdBy": analysts[int(rng.random() * len(analysts))][0],
                "hasParameters": script.parameters is not None,
                "parametersDescription": script.parameters,
            }
        )
        contents[script.name] = body
    return files, contents
