"""`generate_world`: one tenant's deterministic synthetic world, as wire-format dicts.

Each part (users, machines, alerts, files) draws from its own seeded generator, so
the output depends only on (seed, tenant_id, sizes, now, domain) and is byte-identical
across runs and machines. Pure Python on purpose: no database, no pydantic."""

from __future__ import annotations

from datetime import datetime

from mdekit.emulator.world.alerts import AlertBuilder
from mdekit.emulator.world.entities import (
    FileRegistry,
    NetworkRegistry,
    build_file_dicts,
    build_stats_dicts,
)
from mdekit.emulator.world.evidence import EvidenceBuilder
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.library import build_library
from mdekit.emulator.world.logons import build_ip_history, build_logon_users
from mdekit.emulator.world.machines import build_machines, build_rbac_groups
from mdekit.emulator.world.model import World
from mdekit.emulator.world.ticks import TickFormatter, datetime_to_ticks
from mdekit.emulator.world.users import build_user_dicts, build_user_profiles

RISK_BY_RANK = ("None", "Informational", "Low", "Medium", "High")
"""A device's risk follows its worst unresolved alert (0 = none ... 4 = High)."""


def default_user_count(machines: int) -> int:
    """About one account per device, never fewer than three."""
    return max(3, round(machines * 0.9))


def generate_world(
    *,
    tenant_id: str,
    seed: int | str,
    now: datetime,
    machines: int = 25,
    alerts: int = 60,
    domain: str = "contoso.com",
    users: int | None = None,
) -> World:
    """Build the world of one tenant.

    `now` is the moment the world is observed (all times are at or before it); a naive
    `now` is taken as UTC. `users` defaults to about one account per device."""
    if machines < 0 or alerts < 0 or (users is not None and users < 0):
        raise ValueError("sizes must not be negative")
    if alerts and not machines:
        raise ValueError("alerts need at least one machine")
    now_ticks = datetime_to_ticks(now)
    fmt = TickFormatter()
    user_count = default_user_count(machines) if users is None else users

    user_profiles = build_user_profiles(section_rng(seed, tenant_id, "users"), user_count, domain)
    groups = build_rbac_groups(section_rng(seed, tenant_id, "groups"))
    machine_profiles, machine_dicts = build_machines(
        section_rng(seed, tenant_id, "machines"),
        machines,
        domain,
        user_profiles,
        groups,
        now_ticks,
        fmt,
    )
    user_dicts = build_user_dicts(
        section_rng(seed, tenant_id, "user-activity"),
        user_profiles,
        machine_profiles,
        now_ticks,
        fmt,
    )
    files, network = FileRegistry(), NetworkRegistry()
    evidence = EvidenceBuilder(
        section_rng(seed, tenant_id, "evidence"), fmt, files, network, machine_profiles
    )
    builder = AlertBuilder(
        section_rng(seed, tenant_id, "alerts"),
        fmt,
        tenant_id,
        domain,
        now_ticks,
        machine_profiles,
        user_profiles,
        evidence,
    )
    alert_set = builder.build(alerts)
    for machine_index, rank in alert_set.open_severity.items():
        machine_dicts[machine_index]["riskScore"] = RISK_BY_RANK[rank]
    # Later sections have their own generators, so adding them changed nothing above.
    library_files, library_contents = build_library(
        section_rng(seed, tenant_id, "library"), tenant_id, domain, now_ticks, fmt
    )
    return World(
        tenant_id=tenant_id,
        seed=seed,
        domain=domain,
        now=now,
        now_ticks=now_ticks,
        machines=machine_dicts,
        users=user_dicts,
        alerts=alert_set.alerts,
        files=build_file_dicts(section_rng(seed, tenant_id, "files"), files, now_ticks, fmt),
        ips=build_stats_dicts(network.ips, "ipAddress", fmt),
        domains=build_stats_dicts(network.hosts, "host", fmt),
        investigations=alert_set.investigations,
        machine_actions=[],
        machine_profiles=machine_profiles,
        user_profiles=user_profiles,
        file_facts=dict(files.facts),
        rbac_groups=groups,
        logon_users=build_logon_users(
            section_rng(seed, tenant_id, "logons"), user_profiles, user_dicts, machine_profiles, fmt
        ),
        ip_history=build_ip_history(
            section_rng(seed, tenant_id, "ip-history"), machine_profiles, now_ticks
        ),
        library_files=library_files,
        library_file_contents=library_contents,
    )
