"""Deterministic seeds and identifier formats of the synthetic world.

Every random draw comes from a `random.Random` seeded here from (seed, tenant,
section), never from the global generator, so one section's size does not shift
another section's values and two tenants never share a stream."""

from __future__ import annotations

import hashlib
import random

from mdekit.emulator.world.ticks import TICKS_PER_SECOND


def derive_seed(seed: int | str, tenant_id: str, section: str) -> int:
    """A 64-bit seed for one section of one tenant's world."""
    digest = hashlib.sha256(f"{seed}|{tenant_id.lower()}|{section}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def section_rng(seed: int | str, tenant_id: str, section: str) -> random.Random:
    """A private random generator for one section (machines, users, alerts, events...)."""
    return random.Random(derive_seed(seed, tenant_id, section))


def stable_hex(identity: str, algorithm: str) -> str:
    """A hash-shaped hex string fixed by `identity`, the same in every world.

    Used for file hashes (so powershell.exe has one SHA-1 everywhere, as in real
    tenants) and for detector ids."""
    return hashlib.new(algorithm, f"mdekit-world|{identity}".encode()).hexdigest()


def stable_guid(identity: str) -> str:
    """A GUID-shaped string fixed by `identity` (e.g. a detector id per alert type)."""
    return guid_from_int(int(stable_hex(identity, "md5"), 16))


def guid_from_int(value: int) -> str:
    """Format 128 bits as a lowercase version-4 GUID."""
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def random_guid(rng: random.Random) -> str:
    """A random version-4 GUID from the section's generator."""
    return guid_from_int(rng.getrandbits(128))


def machine_id(rng: random.Random) -> str:
    """A device id: 40 lowercase hex characters (a SHA-1-sized value)."""
    return f"{rng.getrandbits(160):040x}"


def edr_alert_id(rng: random.Random, creation_ticks: int, prefix: str = "da") -> str:
    """An alert id such as "da637472900382838869_1364969609".

    The 18 digits are .NET ticks within about half a second of the alert's creation time
    (the docs' example is 0.56 s after it, a live one 17 µs before); the suffix is a
    signed 32-bit integer. `prefix` "ar" marks automated-investigation alerts."""
    ticks = creation_ticks + int((rng.random() - 0.5) * 1.2 * TICKS_PER_SECOND)
    suffix = rng.getrandbits(32) - (1 << 31)
    return f"{prefix}{ticks:018d}_{suffix}"


def av_alert_id(rng: random.Random) -> str:
    """An antivirus alert id such as "da0c7e089d-5ff6-4e04-8000-17f4e35fa783_1"."""
    return f"da{random_guid(rng)}_1"


def mac_address(rng: random.Random) -> str:
    """A MAC address as the service prints it: 12 uppercase hex digits, no separators."""
    # Locally administered unicast, so it never names a real vendor.
    value = (rng.getrandbits(48) & ~(1 << 40)) | (1 << 41)
    return f"{value:012X}"


def ipv6_link_local(rng: random.Random) -> str:
    """An fe80:: address with a random interface id."""
    groups = [f"{rng.getrandbits(16):x}" for _ in range(4)]
    return "fe80::" + ":".join(groups)


def account_sid(domain_sid: str, rid: int) -> str:
    """A domain account SID: "S-1-5-21-a-b-c-rid"."""
    return f"{domain_sid}-{rid}"


def domain_sid(rng: random.Random) -> str:
    """The "S-1-5-21-a-b-c" prefix of a tenant's Active Directory domain."""
    parts = [str(rng.randrange(100_000_000, 4_294_967_295)) for _ in range(3)]
    return "S-1-5-21-" + "-".join(parts)


def analyst_accounts(tenant_id: str, domain: str, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(UPN, Entra object id) of the tenant's SOC analysts, stable per tenant."""
    return [
        (f"{name}@{domain}", stable_guid(f"{tenant_id.lower()}|analyst|{name}")) for name in names
    ]
