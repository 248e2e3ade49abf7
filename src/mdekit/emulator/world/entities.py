"""Files, IPs and domains that alert evidence mentions, with where and when they were seen.

The registries are filled while alerts are built and turned into entity dicts after:
one File per distinct file, one InOrgIPStats/InOrgDomainStats-shaped dict per address
or host. A file's hashes come from its catalog key, so they agree everywhere."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from mdekit.emulator.world.catalog_files import FILES_BY_KEY
from mdekit.emulator.world.ids import stable_hex
from mdekit.emulator.world.model import FileFacts, WireDict
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_MINUTE, TickFormatter


@dataclass
class Sighting:
    """First and last time something was seen, and on which devices."""

    first: int
    last: int
    machines: set[int] = field(default_factory=set)

    def add(self, ticks: int, machine_index: int) -> None:
        if ticks < self.first:
            self.first = ticks
        if ticks > self.last:
            self.last = ticks
        self.machines.add(machine_index)


class FileRegistry:
    """Hashes of catalog files (computed once) and where evidence showed each file."""

    def __init__(self) -> None:
        self.facts: dict[str, FileFacts] = {}
        self.sightings: dict[str, Sighting] = {}

    def get(self, key: str) -> FileFacts:
        """The file's hashes; the same key gives the same hashes in every world."""
        facts = self.facts.get(key)
        if facts is None:
            spec = FILES_BY_KEY[key]
            identity = f"{spec.key}|{spec.name}|{spec.size}"
            facts = FileFacts(
                key=key,
                sha1=stable_hex(identity, "sha1"),
                sha256=stable_hex(identity, "sha256"),
                md5=stable_hex(identity, "md5"),
                name=spec.name,
            )
            self.facts[key] = facts
        return facts

    def observe(self, key: str, ticks: int, machine_index: int) -> FileFacts:
        """Record that evidence showed the file on a device at a time."""
        facts = self.get(key)
        sighting = self.sightings.get(key)
        if sighting is None:
            self.sightings[key] = Sighting(ticks, ticks, {machine_index})
        else:
            sighting.add(ticks, machine_index)
        return facts


class NetworkRegistry:
    """Where evidence showed remote IP addresses and URL hosts."""

    def __init__(self) -> None:
        self.ips: dict[str, Sighting] = {}
        self.hosts: dict[str, Sighting] = {}

    @staticmethod
    def _observe(table: dict[str, Sighting], value: str, ticks: int, machine: int) -> None:
        sighting = table.get(value)
        if sighting is None:
            table[value] = Sighting(ticks, ticks, {machine})
        else:
            sighting.add(ticks, machine)

    def observe_ip(self, address: str, ticks: int, machine_index: int) -> None:
        self._observe(self.ips, address, ticks, machine_index)

    def observe_host(self, host: str, ticks: int, machine_index: int) -> None:
        self._observe(self.hosts, host, ticks, machine_index)


def build_file_dicts(
    rng: random.Random, registry: FileRegistry, now_ticks: int, fmt: TickFormatter
) -> list[WireDict]:
    """File entities (§6.6) for every file evidence showed, in first-seen order."""
    files: list[WireDict] = []
    order = sorted(registry.sightings.items(), key=lambda item: (item[1].first, item[0]))
    for key, sighting in order:
        spec = FILES_BY_KEY[key]
        facts = registry.get(key)
        known = spec.global_prevalence > 0
        if known:
            prevalence = spec.global_prevalence + int(rng.random() * 50_000)
            first_observed = now_ticks - int((400 + rng.random() * 2000) * TICKS_PER_DAY)
            last_observed = now_ticks - int(rng.random() * 30 * TICKS_PER_MINUTE)
        else:
            prevalence = len(sighting.machines) + int(rng.random() * 400)
            first_observed = sighting.first - int(rng.random() * 20 * TICKS_PER_DAY)
            last_observed = sighting.last
        files.append(
            {
                "sha1": facts.sha1,
                "sha256": facts.sha256,
                "md5": facts.md5,
                "globalPrevalence": prevalence,
                "globalFirstObserved": fmt.iso(first_observed),
                "globalLastObserved": fmt.iso(last_observed),
                "size": spec.size,
                "fileType": "APP" if spec.is_pe else None,
                "isPeFile": spec.is_pe,
                "filePublisher": spec.publisher,
                "fileProductName": spec.product,
                "signer": spec.signer,
                "issuer": spec.issuer,
                "signerHash": stable_hex(spec.signer, "sha1") if spec.signer else None,
                "isValidCertificate": spec.signer is not None,
                "determinationType": spec.determination_type,
                "determinationValue": spec.determination_value,
            }
        )
    return files


def build_stats_dicts(
    table: dict[str, Sighting], key_name: str, fmt: TickFormatter
) -> list[WireDict]:
    """InOrgIPStats / InOrgDomainStats-shaped dicts (`key_name` "ipAddress" or "host")."""
    return [
        {
            key_name: value,
            "organizationPrevalence": len(sighting.machines),
            "orgFirstSeen": fmt.iso_seconds(sighting.first),
            "orgLastSeen": fmt.iso_seconds(sighting.last),
        }
        for value, sighting in sorted(table.items(), key=lambda item: (item[1].first, item[0]))
    ]
