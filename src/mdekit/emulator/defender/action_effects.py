"""What a finished machine action leaves behind: the machine's new state, the investigation
package, live response results. Contents are synthetic but real files."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.store.action_repo import ActionRepository


def package_key(action_id: str) -> str:
    return f"package/{action_id}"


def live_response_key(action_id: str, index: int) -> str:
    return f"liveresponse/{action_id}/{index}"


def _package(machine: dict[str, Any], action: dict[str, Any]) -> bytes:
    name = machine.get("computerDnsName", machine["id"])
    address = machine.get("lastIpAddress", "10.0.0.5")
    files = {
        "Autoruns/Run.txt": (
            "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\n"
            "  SecurityHealth  %windir%\\system32\\SecurityHealthSystray.exe\n"
        ),
        "Installed programs/programs.csv": (
            "Name,Version,Publisher\nMicrosoft Edge,120.0.2210.91,Microsoft Corporation\n"
        ),
        "Network connections/ActiveNetConnections.txt": (
            "Proto  Local Address  Foreign Address  State\n"
            f"TCP    {address}:49712  20.190.128.1:443  ESTABLISHED\n"
        ),
        "Processes/processes.csv": "Name,Pid,Path\nexplorer.exe,4120,C:\\Windows\\explorer.exe\n",
        "System Information/SystemInfo.txt": (
            f"Host Name: {name}\nOS Name: {machine.get('osPlatform')}\n"
        ),
        "Summary.txt": (
            f"Investigation package for {name}\nAction {action['id']}\n"
            f"Requested {action['creationDateTimeUtc']} by {action.get('requestor')}\n"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def _command_result(machine: dict[str, Any], command: dict[str, Any]) -> tuple[str, bytes, str]:
    """(file name, content, content type) of one live response command's result."""
    params = {p.get("key"): p.get("value") for p in command.get("params", [])}
    kind = command.get("type")
    if kind == "GetFile":
        path = str(params.get("Path", "file"))
        leaf = path.replace("/", "\\").rsplit("\\", 1)[-1] or "file"
        content = f"Collected from {machine.get('computerDnsName')}: {path}\n".encode()
        return leaf, content, "application/octet-stream"
    if kind == "RunScript":
        script = str(params.get("ScriptName", "script.ps1"))
        transcript = {
            "script_name": script,
            "exit_code": 0,
            "script_output": f"Ran {script} {params.get('Args') or ''}".strip() + "\n",
            "script_errors": "",
        }
        return f"{script}.json", json.dumps(transcript).encode(), "application/json"
    name = str(params.get("FileName", "file"))
    return f"{name}.log", f"Put {name} on the device\n".encode(), "text/plain"


def apply_effect(services: DefenderServices, tenant_id: str, action: dict[str, Any]) -> None:
    """Carry out a Succeeded action's consequences."""
    repo = services.repo
    doc = repo.machine(tenant_id, action["machineId"])
    machine: dict[str, Any] = json.loads(doc) if doc else {"id": action["machineId"]}
    files = ActionRepository(repo.engine)
    kind = action["type"]
    if kind in ("Isolate", "Unisolate"):
        repo.set_isolated(tenant_id, action["machineId"], kind == "Isolate")
    elif kind == "Offboard" and doc:
        machine["healthStatus"] = "Inactive"
        repo.replace_machine(tenant_id, machine)
    elif kind == "CollectInvestigationPackage":
        files.put_file(
            tenant_id,
            package_key(action["id"]),
            f"{action['id']}.zip",
            _package(machine, action),
            "application/zip",
        )
    elif kind == "LiveResponse":
        for index, command in enumerate(action.get("commands", [])):
            name, content, content_type = _command_result(machine, command.get("command", {}))
            files.put_file(
                tenant_id, live_response_key(action["id"], index), name, content, content_type
            )
