# ruff: noqa: E501  (data rows)
"""Identity tables (what Defender for Identity sees on the domain controllers) and a little
CloudAppEvents (what the SOC did in the Defender portal).

IdentityInfo describes every account (display name, department, groups, roles);
IdentityLogonEvents has the Kerberos and NTLM authentications of the users' devices
against the domain controllers, with some wrong passwords and an application server
binding over cleartext LDAP; IdentityDirectoryEvents and IdentityQueryEvents have the
directory changes and queries of ordinary administration plus those of the storylines
(reconnaissance, lateral movement). CloudAppEvents records analysts isolating devices,
scanning them and collecting files while they work the alerts."""

from __future__ import annotations

import random
from typing import Any

from mdekit.emulator.world.catalog_hosts import ANALYSTS, FIRST_NAMES, LAST_NAMES
from mdekit.emulator.world.events_attacks import wire_us
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_host import Context
from mdekit.emulator.world.events_load import Sinks
from mdekit.emulator.world.events_procs import DAY, HOUR, MINUTE, SECOND, Account
from mdekit.emulator.world.ids import analyst_accounts, guid_from_int, section_rng, stable_guid
from mdekit.emulator.world.model import UserProfile, World

DEPARTMENTS = (
    "Sales",
    "Marketing",
    "Human Resources",
    "Operations",
    "Legal",
    "Customer Support",
    "Product",
)
TITLES = {
    "Finance": "Financial Analyst",
    "Engineering": "Software Engineer",
    "IT": "Systems Administrator",
}
CITIES = (("Seattle", "US"), ("London", "GB"), ("Berlin", "DE"), ("Toronto", "CA"))
INFO = (
    "Timestamp",
    "ReportId",
    "AccountObjectId",
    "AccountUpn",
    "OnPremSid",
    "AccountDisplayName",
    "AccountName",
    "AccountDomain",
    "CriticalityLevel",
    "Type",
    "DistinguishedName",
    "GivenName",
    "Surname",
    "Department",
    "JobTitle",
    "EmailAddress",
    "City",
    "Country",
    "IsAccountEnabled",
    "CreatedDateTime",
    "Tags",
    "AssignedRoles",
    "GroupMembership",
    "SourceProviders",
    "TenantId",
)
LOGON = (
    "Timestamp",
    "ActionType",
    "Application",
    "LogonType",
    "Protocol",
    "FailureReason",
    "AccountName",
    "AccountDomain",
    "AccountUpn",
    "AccountSid",
    "AccountObjectId",
    "AccountDisplayName",
    "DeviceName",
    "DeviceType",
    "OSPlatform",
    "IPAddress",
    "Port",
    "DestinationDeviceName",
    "DestinationIPAddress",
    "DestinationPort",
    "TargetDeviceName",
    "ReportId",
    "AdditionalFields",
)
DIRECTORY = (
    "Timestamp",
    "ActionType",
    "Application",
    "TargetAccountUpn",
    "TargetAccountDisplayName",
    "TargetDeviceName",
    "DestinationDeviceName",
    "AccountName",
    "AccountDomain",
    "AccountUpn",
    "AccountSid",
    "AccountObjectId",
    "AccountDisplayName",
    "DeviceName",
    "IPAddress",
    "ReportId",
    "AdditionalFields",
)
QUERY = (
    "Timestamp",
    "ActionType",
    "Application",
    "QueryType",
    "QueryTarget",
    "Query",
    "Protocol",
    "AccountName",
    "AccountDomain",
    "AccountUpn",
    "AccountSid",
    "AccountObjectId",
    "DeviceName",
    "IPAddress",
    "DestinationDeviceName",
    "DestinationIPAddress",
    "DestinationPort",
    "ReportId",
)
CLOUD = (
    "Timestamp",
    "ActionType",
    "Application",
    "ApplicationId",
    "AccountObjectId",
    "AccountId",
    "AccountDisplayName",
    "IsAdminOperation",
    "IPAddress",
    "ActivityType",
    "ObjectName",
    "ObjectType",
    "ReportId",
    "AccountType",
    "RawEventData",
    "AuditSource",
)


def display_name(user: UserProfile) -> tuple[str, str]:
    """(given name, surname) behind an account name such as "abrown2"."""
    base = user.account_name.removeprefix("adm-").rstrip("0123456789")
    initial, rest = base[:1], base[1:]
    surname = next(
        (last for last in LAST_NAMES if last.lower() == rest), rest.capitalize() or "Service"
    )
    candidates = [first for first in FIRST_NAMES if first[0].lower() == initial] or list(
        FIRST_NAMES
    )
    given = candidates[sum(map(ord, user.account_name)) % len(candidates)]
    return given, surname


def write(ctx: Context, world: World, sinks: Sinks, *, volume: int = 0) -> None:
    rng = section_rng(world.seed, world.tenant_id, "events|identity")
    people = _people(ctx, world)
    _info(ctx, world, sinks, people)
    _logons(ctx, world, sinks, people, rng, max(volume, len(people)))
    _directory(ctx, world, sinks, people, rng)
    _queries(ctx, sinks, rng, max(volume // 4, len(ctx.devices)))
    _portal(ctx, world, sinks, rng)
    _portal_admin(ctx, world, sinks, rng)


def domain_controllers(ctx: Context) -> list[Device]:
    """The tenant's domain controllers; when none is onboarded to Defender for Endpoint,
    the one Defender for Identity still watches (the directory has one either way)."""
    onboarded = ctx.role("srv-dc")
    if onboarded:
        return onboarded
    return [
        Device(
            -1, "", f"dc01.{ctx.domain}", "dc01", "windows", "srv-dc", True, "10.10.200.4", "", 0, 0
        )
    ]


def _people(ctx: Context, world: World) -> list[tuple[UserProfile, Account, Device | None, str]]:
    """(profile, account, main device, department) of every account."""
    devices = {d.index: d for d in ctx.devices}
    rows = []
    for profile in world.user_profiles:
        account = Account(
            profile.netbios_domain.lower(),
            profile.account_name,
            profile.sid,
            profile.upn,
            profile.aad_user_id,
            profile.kind,
        )
        device = devices.get(profile.machine_indices[0]) if profile.machine_indices else None
        if profile.kind == "admin":
            department = "IT"
        elif profile.kind == "service":
            department = ""
        elif device is not None and device.group.startswith("Workstations - "):
            department = device.group.removeprefix("Workstations - ")
        else:
            department = DEPARTMENTS[sum(map(ord, profile.account_name)) % len(DEPARTMENTS)]
        rows.append((profile, account, device, department))
    return rows


def _info(
    ctx: Context,
    world: World,
    sinks: Sinks,
    people: list[tuple[UserProfile, Account, Device | None, str]],
) -> None:
    table = sinks.open("IdentityInfo", INFO)
    dc_path = ",".join(f"DC={part}" for part in ctx.domain.split("."))
    for profile, _, _, department in people:
        given, surname = display_name(profile)
        name = f"{given} {surname}" if profile.kind == "user" else profile.account_name
        city, country = CITIES[len(profile.account_name) % len(CITIES)]
        groups = ["Domain Users"]
        roles: list[str] = []
        if profile.kind == "admin":
            groups += ["Domain Admins", "Server Operators"]
            roles = ["Security Reader", "Helpdesk Administrator"]
        elif profile.kind == "service":
            groups.append("Service Accounts")
        elif department:
            groups.append(f"{department} Team")
        created = ctx.now - (400 + sum(map(ord, profile.sid[-6:])) % 900) * DAY
        for week in range(5):
            at = ctx.now - week * 7 * DAY - (sum(map(ord, profile.upn)) % 20) * HOUR
            if at < ctx.window_start:
                break
            table.append(
                (
                    at,
                    stable_guid(f"identity-info|{profile.sid}|{week}"),
                    profile.aad_user_id,
                    profile.upn,
                    profile.sid,
                    name,
                    profile.account_name,
                    profile.dns_domain,
                    4 if profile.kind == "admin" else 0,
                    "User" if profile.kind != "service" else "ServiceAccount",
                    f"CN={name},OU={'Admins' if profile.kind == 'admin' else 'Users'},OU=Corp,{dc_path}",
                    given if profile.kind == "user" else None,
                    surname if profile.kind == "user" else None,
                    department or None,
                    TITLES.get(department, "Specialist") if department else None,
                    profile.upn,
                    city,
                    country,
                    True,
                    created,
                    "[]",
                    compact_json(roles),
                    compact_json(groups),
                    compact_json(["ActiveDirectory", "AzureActiveDirectory"]),
                    world.tenant_id,
                )
            )


def _logons(
    ctx: Context, world: World, sinks: Sinks, people: list[Any], rng: random.Random, count: int
) -> None:
    dcs = domain_controllers(ctx)
    table = sinks.open("IdentityLogonEvents", LOGON)
    active = [p for p in people if p[2] is not None and p[2].family == "windows"]
    servers = [d for d in ctx.devices if d.is_server and d.family == "windows"] or dcs
    if not active:
        return
    span = ctx.now - ctx.window_start
    for _ in range(count):
        profile, account, device, _ = active[int(rng.random() * len(active))]
        at = ctx.window_start + int(rng.random() * span)
        if not device.start <= at <= device.end:
            continue
        dc = dcs[int(rng.random() * len(dcs))]
        roll = rng.random()
        action, failure, protocol, logon_type, target = (
            "LogonSuccess",
            None,
            "Kerberos",
            "Resource access",
            servers[int(rng.random() * len(servers))].name,
        )
        if roll < 0.15:
            logon_type, target = "Interactive", device.name
        elif roll < 0.22:
            protocol, logon_type = "Ntlm", "Credentials validation"
        elif roll < 0.27:
            action, failure, logon_type = "LogonFailed", "WrongPassword", "Interactive"
        given, surname = display_name(profile)
        table.append(
            (
                at,
                action,
                "Active Directory",
                logon_type,
                protocol,
                failure,
                account.name,
                ctx.domain,
                account.upn,
                account.sid,
                account.object_id,
                f"{given} {surname}",
                device.name,
                "Server" if device.is_server else "Desktop",
                "Windows",
                device.local_ip,
                49_152 + int(rng.random() * 16_000),
                dc.name,
                dc.local_ip,
                88 if protocol == "Kerberos" else 445,
                target,
                guid_from_int(rng.getrandbits(128)),
                compact_json(
                    {
                        "Spns": f"krbtgt/{ctx.domain.upper()}"
                        if logon_type != "Resource access"
                        else f"cifs/{target}"
                    }
                ),
            )
        )
    for note, device, at, _ in ctx.notes:
        if note != "spray":
            continue
        dc = dcs[0]
        targets = [p for p in people if p[0].kind != "service"][:28]
        for index, (_, account, _, _) in enumerate(targets):
            table.append(
                (
                    at + index * 7 * SECOND,
                    "LogonFailed",
                    "Active Directory",
                    "Credentials validation",
                    "Ntlm",
                    "WrongPassword",
                    account.name,
                    ctx.domain,
                    account.upn,
                    account.sid,
                    account.object_id,
                    account.name,
                    device.name,
                    "Server",
                    "Windows",
                    device.local_ip,
                    49_152 + index,
                    dc.name,
                    dc.local_ip,
                    445,
                    device.name,
                    guid_from_int(rng.getrandbits(128)),
                    "{}",
                )
            )
    apps = ctx.role("srv-app") + ctx.role("srv-web")
    service = next((p for p in people if p[0].kind == "service"), None)
    if apps and service is not None:
        for index in range(min(40, count // 20 + 1)):
            app = apps[index % len(apps)]
            dc = dcs[index % len(dcs)]
            at = ctx.now - int(rng.random() * span)
            table.append(
                (
                    at,
                    "LogonSuccess",
                    "Active Directory",
                    "LDAP cleartext",
                    "Ldap",
                    None,
                    service[1].name,
                    ctx.domain,
                    service[1].upn,
                    service[1].sid,
                    service[1].object_id,
                    service[1].name,
                    app.name,
                    "Server",
                    "Windows",
                    app.local_ip,
                    49_152 + index,
                    dc.name,
                    dc.local_ip,
                    389,
                    dc.name,
                    guid_from_int(rng.getrandbits(128)),
                    "{}",
                )
            )


def _directory(
    ctx: Context, world: World, sinks: Sinks, people: list[Any], rng: random.Random
) -> None:
    dcs = domain_controllers(ctx)
    table = sinks.open("IdentityDirectoryEvents", DIRECTORY)
    admins = [p for p in people if p[0].kind == "admin"]
    dc_name = dcs[0].name if dcs else None
    span = ctx.now - ctx.window_start
    for profile, account, device, _ in people:
        if rng.random() > 0.45:
            continue
        at = ctx.window_start + int(rng.random() * span)
        given, surname = display_name(profile)
        table.append(
            (
                at,
                "Account Password changed",
                "Active Directory",
                profile.upn,
                f"{given} {surname}",
                None,
                dc_name,
                account.name,
                ctx.domain,
                profile.upn,
                profile.sid,
                profile.aad_user_id,
                f"{given} {surname}",
                device.name if device is not None else None,
                device.local_ip if device is not None else None,
                guid_from_int(rng.getrandbits(128)),
                compact_json({"TARGET_OBJECT.USER": profile.account_name}),
            )
        )
        if admins and rng.random() < 0.08:
            admin = admins[int(rng.random() * len(admins))]
            group = rng.choice(
                (
                    "Finance Team",
                    "VPN Users",
                    "Remote Desktop Users",
                    "Engineering Team",
                    "Domain Admins",
                )
            )
            table.append(
                (
                    at + HOUR,
                    "Group Membership changed",
                    "Active Directory",
                    profile.upn,
                    f"{given} {surname}",
                    None,
                    dc_name,
                    admin[1].name,
                    ctx.domain,
                    admin[1].upn,
                    admin[1].sid,
                    admin[1].object_id,
                    admin[1].name,
                    None,
                    None,
                    guid_from_int(rng.getrandbits(128)),
                    compact_json(
                        {
                            "TO.GROUP": group,
                            "ACTOR.ACCOUNT": admin[1].name,
                            "TARGET_OBJECT.USER": profile.account_name,
                        }
                    ),
                )
            )
        if profile.kind == "service" and admins:
            admin = admins[0]
            table.append(
                (
                    at,
                    "Account Password Never Expires changed",
                    "Active Directory",
                    profile.upn,
                    profile.account_name,
                    None,
                    dc_name,
                    admin[1].name,
                    ctx.domain,
                    admin[1].upn,
                    admin[1].sid,
                    admin[1].object_id,
                    admin[1].name,
                    None,
                    None,
                    guid_from_int(rng.getrandbits(128)),
                    compact_json(
                        {
                            "FROM Account Password Never Expires": False,
                            "TO Account Password Never Expires": True,
                            "TargetAccountSid": profile.sid,
                        }
                    ),
                )
            )
    if admins and len(people) > 3:
        for _ in range(max(1, len(people) // 50)):
            profile, account, device, _ = people[int(rng.random() * len(people))]
            admin = admins[int(rng.random() * len(admins))]
            at = ctx.window_start + int(rng.random() * span)
            table.append(
                (
                    at,
                    "Potential lateral movement path identified",
                    "Active Directory",
                    admin[1].upn,
                    admin[1].name,
                    device.name if device is not None else None,
                    None,
                    account.name,
                    ctx.domain,
                    account.upn,
                    account.sid,
                    account.object_id,
                    account.name,
                    device.name if device is not None else None,
                    None,
                    guid_from_int(rng.getrandbits(128)),
                    compact_json(
                        {
                            "ACTOR.ACCOUNT": admin[1].name,
                            "FROM.ACCOUNT": account.name,
                            "FROM.DEVICE": device.name if device else None,
                        }
                    ),
                )
            )
    for note, device, at, account in ctx.notes:
        if note == "group-add":
            for index, group in enumerate(("Domain Admins", "Enterprise Admins")):
                table.append(
                    (
                        at + (index * 30 + 1) * SECOND,
                        "Group Membership changed",
                        "Active Directory",
                        account.upn,
                        account.name,
                        None,
                        dc_name,
                        account.name,
                        ctx.domain,
                        account.upn,
                        account.sid,
                        account.object_id,
                        account.name,
                        device.name,
                        device.local_ip,
                        guid_from_int(rng.getrandbits(128)),
                        compact_json(
                            {
                                "TO.GROUP": group,
                                "ACTOR.ACCOUNT": account.name,
                                "TARGET_OBJECT.USER": account.name,
                            }
                        ),
                    )
                )
        if note == "lateral" and dc_name is not None:
            table.append(
                (
                    at,
                    "SMB file copy",
                    "Active Directory",
                    None,
                    None,
                    device.name,
                    device.name,
                    account.name,
                    ctx.domain,
                    account.upn,
                    account.sid,
                    account.object_id,
                    account.name,
                    None,
                    None,
                    guid_from_int(rng.getrandbits(128)),
                    compact_json(
                        {"FilePath": "ADMIN$\\PSEXESVC.exe", "FileName": "PSEXESVC.exe", "Count": 1}
                    ),
                )
            )


def _queries(ctx: Context, sinks: Sinks, rng: random.Random, count: int) -> None:
    dcs = domain_controllers(ctx)
    table = sinks.open("IdentityQueryEvents", QUERY)
    clients = [d for d in ctx.devices if d.family == "windows" and d.users]
    span = ctx.now - ctx.window_start
    for _ in range(count if clients else 0):
        device = clients[int(rng.random() * len(clients))]
        at = ctx.window_start + int(rng.random() * span)
        if not device.start <= at <= device.end:
            continue
        dc = dcs[int(rng.random() * len(dcs))]
        account = device.users[0]
        table.append(
            (
                at,
                "LDAP query",
                "Active Directory",
                "AllGroupPolicies",
                None,
                "(objectCategory=groupPolicyContainer)",
                "Ldap",
                account.name,
                ctx.domain,
                account.upn,
                account.sid,
                account.object_id,
                device.name,
                device.local_ip,
                dc.name,
                dc.local_ip,
                389,
                guid_from_int(rng.getrandbits(128)),
            )
        )
    for note, device, at, account in ctx.notes:
        dc = dcs[0]
        queries = {
            "recon": (
                ("SAMR query", "QueryGroup", "Domain Admins", "Samr"),
                (
                    "LDAP query",
                    "AllSecurityPrincipals, AllDomains",
                    "(&(objectCategory=person)(objectClass=user))",
                    "Ldap",
                ),
                ("LDAP query", "AllTrustDomains", "(objectClass=trustedDomain)", "Ldap"),
            ),
            "kerberoast": (
                (
                    "LDAP query",
                    "AllServicePrincipalNames",
                    "(&(samAccountType=805306368)(servicePrincipalName=*))",
                    "Ldap",
                ),
            ),
        }.get(note, ())
        for index, (action, kind, query, protocol) in enumerate(queries):
            table.append(
                (
                    at + index * SECOND,
                    action,
                    "Active Directory",
                    kind,
                    None,
                    query,
                    protocol,
                    account.name,
                    ctx.domain,
                    account.upn,
                    account.sid,
                    account.object_id,
                    device.name,
                    device.local_ip,
                    dc.name,
                    dc.local_ip,
                    389 if protocol == "Ldap" else 445,
                    guid_from_int(rng.getrandbits(128)),
                )
            )


def _portal(ctx: Context, world: World, sinks: Sinks, rng: random.Random) -> None:
    """Analysts' actions in the Defender portal while they work the alerts."""
    table = sinks.open("CloudAppEvents", CLOUD)
    analysts = analyst_accounts(world.tenant_id, world.domain, ANALYSTS)
    for alert in world.alerts:
        if alert["assignedTo"] in (None, "Automation") or rng.random() > 0.25:
            continue
        created = wire_us(alert["alertCreationTime"])
        at = created + int((5 + rng.random() * 120) * MINUTE)
        if not ctx.window_start <= at <= ctx.now:
            continue
        upn, object_id = next(
            ((u, o) for u, o in analysts if u == alert["assignedTo"]), analysts[0]
        )
        device = alert["computerDnsName"]
        data: dict[str, Any]
        if alert["severity"] == "High":
            action, data = (
                "IsolateDevice",
                {
                    "ActionComment": f"Isolating while we investigate {alert['id']}",
                    "ActionScope": "Full",
                },
            )
        elif alert["detectionSource"] == "WindowsDefenderAv":
            action, data = (
                "RunAntiVirusScan",
                {"ActionComment": "Full scan after detection", "ActionScope": "Full"},
            )
        else:
            action, data = (
                "LiveResponseGetFile",
                {
                    "FileName": alert["evidence"][-1].get("fileName") or "memory.dmp",
                    "FileSHA256": alert["evidence"][-1].get("sha256"),
                    "FileSize": 0,
                },
            )
        _portal_row(table, at, action, upn, object_id, device, data, rng)
        if action == "IsolateDevice" and alert["status"] == "Resolved":
            release = min(
                ctx.now, wire_us(alert["resolvedTime"]) if alert["resolvedTime"] else at + 4 * HOUR
            )
            if release > at:
                _portal_row(
                    table,
                    release,
                    "ReleaseFromIsolation",
                    upn,
                    object_id,
                    device,
                    {"ActionComment": "Remediated, releasing"},
                    rng,
                )


DETECTION_RULES = (
    (
        "Certutil download",
        'DeviceProcessEvents | where FileName =~ "certutil.exe" and ProcessCommandLine has "urlcache"',
        "CommandAndControl",
        "Medium",
        ["T1105"],
    ),
    (
        "Shadow copy deletion",
        'DeviceProcessEvents | where ProcessCommandLine has_all ("shadows", "delete")',
        "Impact",
        "High",
        ["T1490"],
    ),
    (
        "New local administrator",
        'DeviceEvents | where ActionType == "UserAccountAddedToLocalGroup" and AdditionalFields has "S-1-5-32-544"',
        "Persistence",
        "Medium",
        ["T1136.001"],
    ),
    (
        "Encoded PowerShell from Office",
        'DeviceProcessEvents | where InitiatingProcessFileName in~ ("winword.exe", "excel.exe") and ProcessCommandLine has "-enc"',
        "Execution",
        "High",
        ["T1059.001"],
    ),
)
SETTINGS = (
    "Live Response unsigned script execution",
    "Allow or block file",
    "Custom network indicators",
    "Tamper protection",
    "Automatically resolve alerts",
    "Web content filtering",
)


def _portal_admin(ctx: Context, world: World, sinks: Sinks, rng: random.Random) -> None:
    """Security administrators tuning the tenant: custom detections, advanced features,
    suppression rules, roles (a couple of changes a day)."""
    table = sinks.open("CloudAppEvents", CLOUD)
    analysts = analyst_accounts(world.tenant_id, world.domain, ANALYSTS)
    days = (ctx.now - ctx.window_start) // DAY
    rules: dict[int, tuple[str, str, str, str, list[str]]] = {}
    for day in range(days):
        for _ in range(1 + int(rng.random() * 3)):
            at = ctx.window_start + day * DAY + int((7 + rng.random() * 10) * HOUR)
            upn, object_id = analysts[int(rng.random() * len(analysts))]
            roll = rng.random()
            data: dict[str, Any]
            if roll < 0.4:
                if rules and rng.random() < 0.6:
                    rule_id = rng.choice(sorted(rules))
                    name, query, category, severity, techniques = rules[rule_id]
                    action = rng.choice(
                        (
                            "EditCustomDetection",
                            "ChangeCustomDetectionRuleStatus",
                            "DeleteCustomDetection",
                        )
                    )
                    if action == "DeleteCustomDetection":
                        del rules[rule_id]
                else:
                    rule_id = 100 + len(rules) + day
                    name, query, category, severity, techniques = DETECTION_RULES[
                        int(rng.random() * len(DETECTION_RULES))
                    ]
                    rules[rule_id] = (name, query, category, severity, techniques)
                    action = "CreateCustomDetection"
                data = {"RuleName": name, "RuleId": rule_id, "Query": query, "AlertTitle": name, "AlertCategory": category,
                        "AlertSeverity": severity, "MitreTechniques": techniques, "RuleFrequency": "24h",
                        "IsEnabled": action != "ChangeCustomDetectionRuleStatus" or rng.random() < 0.5}  # fmt: skip
            elif roll < 0.65:
                action = "SetAdvancedFeatures"
                data = {"SettingName": rng.choice(SETTINGS), "SettingsNewValue": rng.random() < 0.7}
            elif roll < 0.85:
                action = "ExclusionConfigurationAdded"
                data = {
                    "ResultStatus": "Success",
                    "ResultDescription": f"Suppression rule for {rng.choice(('IT inventory script', 'backup agent', 'scanner service account'))}",
                }
            elif roll < 0.97:
                action = rng.choice(("EditRole", "AddRole"))
                data = {"RoleName": rng.choice(("SOC Tier 1", "SOC Tier 2", "Helpdesk", "Vulnerability management")),
                        "RolePermissions": "View data, Alerts investigation", "AssignedGroups": "SG-SOC-Analysts"}  # fmt: skip
            else:
                action = "DownloadOffboardingPkg"
                data = {"ClientIP": "203.0.113.24"}
            _portal_row(table, at, action, upn, object_id, "", data, rng)


def _portal_row(
    table: Any,
    at: int,
    action: str,
    upn: str,
    object_id: str,
    device: str,
    data: dict[str, Any],
    rng: random.Random,
) -> None:
    raw: dict[str, Any] = {
        "Workload": "Microsoft365Defender",
        "UserId": upn,
        "ResultStatus": "Succeeded",
        "Operation": action,
        **data,
    }
    if device:
        raw["DeviceName"] = device
    table.append(
        (
            at,
            action,
            "Microsoft 365 Defender",
            11161,
            object_id,
            object_id,
            upn.split("@")[0],
            True,
            f"203.0.113.{24 + int(rng.random() * 2)}",
            "Run" if device else "Edit",
            device or data.get("RuleName") or data.get("SettingName") or data.get("RoleName"),
            "Machine" if device else "Configuration",
            guid_from_int(rng.getrandbits(128)),
            "Regular",
            compact_json(raw),
            "Defender for Cloud Apps",
        )
    )
