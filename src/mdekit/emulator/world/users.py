"""Directory accounts: profiles first (machines need them), User dicts once devices exist."""

from __future__ import annotations

import random

from mdekit.emulator.world.catalog_hosts import FIRST_NAMES, LAST_NAMES, SERVICE_ACCOUNTS
from mdekit.emulator.world.ids import account_sid, domain_sid, random_guid
from mdekit.emulator.world.model import MachineProfile, UserProfile, WireDict
from mdekit.emulator.world.ticks import TICKS_PER_DAY, TICKS_PER_HOUR, TickFormatter

ADMIN_FRACTION = 0.04
SERVICE_FRACTION = 0.02


def netbios_name(domain: str) -> str:
    """ "contoso.com" -> "CONTOSO" (first label, upper case, at most 15 characters)."""
    return domain.split(".", 1)[0].upper()[:15]


def build_user_profiles(rng: random.Random, count: int, domain: str) -> list[UserProfile]:
    """`count` accounts: mostly people, a few admins (adm-*) and service accounts (svc-*)."""
    netbios = netbios_name(domain)
    sid_prefix = domain_sid(rng)
    admins = max(1, round(count * ADMIN_FRACTION)) if count >= 3 else 0
    services = max(1, round(count * SERVICE_FRACTION)) if count >= 3 else 0
    people = count - admins - services
    taken: set[str] = set()
    profiles: list[UserProfile] = []
    rid = 1100 + rng.randrange(400)

    def add(name: str, kind: str) -> None:
        nonlocal rid
        rid += 1 + int(rng.random() * 3)
        profiles.append(
            UserProfile(
                index=len(profiles),
                account_name=name,
                netbios_domain=netbios,
                dns_domain=domain,
                sid=account_sid(sid_prefix, rid),
                aad_user_id=random_guid(rng),
                upn=f"{name}@{domain}",
                kind=kind,
            )
        )

    people_names: list[str] = []
    for _ in range(people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = _unique(f"{first[0]}{last}".lower(), taken)
        people_names.append(name)
        add(name, "user")
    for position in range(admins):
        base = people_names[position % len(people_names)] if people_names else "admin"
        add(_unique(f"adm-{base}", taken), "admin")
    for position in range(services):
        add(_unique(SERVICE_ACCOUNTS[position % len(SERVICE_ACCOUNTS)], taken), "service")
    return profiles


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name}{number}"
    taken.add(candidate)
    return candidate


def build_user_dicts(
    rng: random.Random,
    profiles: list[UserProfile],
    machines: list[MachineProfile],
    now_ticks: int,
    fmt: TickFormatter,
) -> list[WireDict]:
    """User entities (`/api/alerts/{id}/user`, `/api/machines/{id}/logonusers`)."""
    users: list[WireDict] = []
    for profile in profiles:
        seen_on = [machines[i] for i in profile.machine_indices]
        if seen_on:
            first = min(m.first_seen_ticks for m in seen_on) + int(rng.random() * TICKS_PER_DAY)
            last = max(m.active_until_ticks for m in seen_on) - int(
                rng.random() * 8 * TICKS_PER_HOUR
            )
            first = min(first, last)
        else:
            last = now_ticks - int((1 + rng.random() * 20) * TICKS_PER_DAY)
            first = last - int(rng.random() * 200 * TICKS_PER_DAY)
        most = seen_on[0].machine_id if seen_on else None
        least = seen_on[-1].machine_id if seen_on else None
        users.append(
            {
                "id": f"{profile.dns_domain.split('.', 1)[0].lower()}\\{profile.account_name}",
                "accountName": profile.account_name,
                "accountDomain": profile.dns_domain.split(".", 1)[0].lower(),
                "accountSid": profile.sid,
                "firstSeen": fmt.iso_seconds(first),
                "lastSeen": fmt.iso_seconds(last),
                "mostPrevalentMachineId": most,
                "leastPrevalentMachineId": least,
                "logonTypes": _logon_types(profile.kind),
                "logOnMachinesCount": len(seen_on),
                "isDomainAdmin": profile.kind == "admin",
                "isOnlyNetworkUser": profile.kind == "service",
            }
        )
    return users


def _logon_types(kind: str) -> str:
    if kind == "service":
        return "Network"
    if kind == "admin":
        return "RemoteInteractive"
    return "Interactive"
