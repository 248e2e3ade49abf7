# ruff: noqa: E501  (SQL and JSON field names)
"""Device state tables: DeviceInfo and DeviceNetworkInfo snapshots, DeviceFileCertificateInfo.

Devices send a full state report regularly (hourly in the service); here the interval
grows with the tenant so snapshots stay a modest share of the volume (hourly for small
tenants, daily for ten thousand devices). The latest snapshot says what the Machine
entity says (platform, build, group, tags, exposure, value, join state, health, public
address); older network snapshots show the internal address the device held then, from
the world's address history. Certificate rows are derived in SQL from the signed binaries
the event tables name."""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mdekit.emulator.world.catalog_assets import HardwareModel
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_host import Context
from mdekit.emulator.world.events_load import Sinks
from mdekit.emulator.world.events_procs import DAY, HOUR, ticks_to_us
from mdekit.emulator.world.exports_assets import BOARD_MAKERS, hardware_model
from mdekit.emulator.world.ids import section_rng, stable_hex
from mdekit.emulator.world.model import World

if TYPE_CHECKING:
    from mdekit.emulator.world.inventory import MachineState

INFO = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ClientVersion",
    "PublicIP",
    "OSArchitecture",
    "OSPlatform",
    "OSBuild",
    "IsAzureADJoined",
    "JoinType",
    "AadDeviceId",
    "LoggedOnUsers",
    "OSVersion",
    "MachineGroup",
    "ReportId",
    "OnboardingStatus",
    "AdditionalFields",
    "DeviceCategory",
    "DeviceType",
    "Model",
    "Vendor",
    "OSDistribution",
    "OSVersionInfo",
    "IsInternetFacing",
    "SensorHealthState",
    "IsExcluded",
    "ExposureLevel",
    "AssetValue",
    "DeviceManualTags",
    "DeviceDynamicTags",
    "ConnectivityType",
    "AzureResourceId",
)
NETWORK_INFO = (
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "NetworkAdapterName",
    "MacAddress",
    "NetworkAdapterType",
    "NetworkAdapterStatus",
    "TunnelType",
    "ConnectedNetworks",
    "DnsAddresses",
    "IPv4Dhcp",
    "DefaultGateways",
    "IPAddresses",
    "ReportId",
    "NetworkAdapterVendor",
)
HEALTH = {
    "Active": "Active",
    "Inactive": "Inactive",
    "ImpairedCommunication": "ImpairedCommunication",
    "NoSensorData": "NoSensorData",
    "NoSensorDataImpairedCommunication": "NoSensorDataImpairedCommunication",
}
DISTRIBUTIONS = {"22.04": "Ubuntu", "9.4": "RedHatEnterpriseLinux"}


def snapshot_interval(devices: int, budget: int) -> int:
    """Microseconds between two snapshots: hourly when the budget allows, at most daily."""
    if devices == 0:
        return HOUR
    hours = math.ceil(devices * 720 / max(budget, 1))
    return min(24, max(1, hours)) * HOUR


def write(
    ctx: Context,
    world: World,
    sinks: Sinks,
    states: Mapping[str, MachineState] | None = None,
    *,
    budget: int = 0,
) -> None:
    """DeviceInfo and DeviceNetworkInfo snapshots; `states` are the devices' TVM states by
    device id (none: no hardware model and vendor)."""
    interval = snapshot_interval(len(ctx.devices), max(budget, 2_000))
    info = sinks.open("DeviceInfo", INFO)
    network = sinks.open("DeviceNetworkInfo", NETWORK_INFO)
    history: dict[str, list[tuple[int, str]]] = {}
    for lease in world.ip_history:
        history.setdefault(lease.machine_id, []).append(
            (ticks_to_us(lease.start_ticks), lease.ip_address)
        )
    dns = [d.local_ip for d in ctx.role("srv-dc")[:2]] or ["10.10.200.5"]
    for device, machine in zip(ctx.devices, world.machines, strict=True):
        if device.end <= device.start:
            continue
        fixed = _info_fixed(ctx, world, device, machine, (states or {}).get(device.id))
        leases = sorted(history.get(device.id, []))
        starts = [start for start, _ in leases]
        at = device.end
        first = True
        while at >= device.start:
            users = _logged_on(device, at)
            info.append(
                (
                    at,
                    device.id,
                    device.name,
                    *fixed[:8],
                    users,
                    *fixed[8:10],
                    device.next_rid(),
                    *fixed[10:],
                )
            )
            index = bisect.bisect_right(starts, at) - 1
            address = leases[index][1] if index >= 0 else device.local_ip
            if first or at % (2 * interval) < interval:
                network.append(_network_row(device, machine, at, address, dns))
            first = False
            at -= interval - int(device.rng.random() * 0.1 * interval)


DISCOVERED = (
    # (name stem, DeviceCategory, DeviceType, OSPlatform, vendor, model, onboarding status)
    (
        "desktop",
        "Endpoint",
        "Workstation",
        "Windows10",
        "Dell Inc.",
        "OptiPlex 7090",
        "Can be onboarded",
    ),
    (
        "laptop",
        "Endpoint",
        "Workstation",
        "Windows11",
        "LENOVO",
        "ThinkPad E14",
        "Can be onboarded",
    ),
    (
        "srv-legacy",
        "Endpoint",
        "Server",
        "WindowsServer2012R2",
        "VMware, Inc.",
        "VMware Virtual Platform",
        "Can be onboarded",
    ),
    ("npi", "IoT", "Printer", None, "HP", "LaserJet Pro M404dn", "Unsupported"),
    ("iphone", "Endpoint", "Smartphone", "iOS", "Apple", "iPhone 15", "Insufficient info"),
    ("ap", "NetworkDevice", "NetworkDevice", None, "Cisco", "Catalyst 9120AX", "Unsupported"),
)
"""Devices the sensors discovered on the network but that run no sensor themselves."""


def write_discovered(ctx: Context, world: World, sinks: Sinks) -> None:
    """DeviceInfo rows of discovered, unmanaged devices (one in 25 of the onboarded ones),
    seen daily over the last week. They are in Advanced Hunting only: the Machine API
    lists onboarded devices."""
    info = sinks.open("DeviceInfo", INFO)
    rng = section_rng(world.seed, world.tenant_id, "events|discovered")
    for index in range(max(2, len(ctx.devices) // 25) if ctx.devices else 0):
        stem, category, kind, platform, vendor, model, status = DISCOVERED[
            int(rng.random() * len(DISCOVERED))
        ]
        device_id = stable_hex(f"{world.tenant_id}|discovered|{index}", "sha1")
        suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))
        name = f"{stem}-{suffix}.{ctx.domain}" if category == "Endpoint" else f"{stem}-{suffix}"
        for day in range(7):
            at = ctx.now - day * DAY - int(rng.random() * 20 * HOUR)
            row = dict.fromkeys(INFO)
            row.update(
                {
                    "Timestamp": at,
                    "DeviceId": device_id,
                    "DeviceName": name,
                    "OSPlatform": platform,
                    "OnboardingStatus": status,
                    "DeviceCategory": category,
                    "DeviceType": kind,
                    "Model": model,
                    "Vendor": vendor,
                    "LoggedOnUsers": "[]",
                    "ReportId": 1 + index * 10 + day,
                    "IsInternetFacing": False,
                    "IsExcluded": False,
                    "DeviceManualTags": "[]",
                    "DeviceDynamicTags": "[]",
                    "MachineGroup": "UnassignedGroup",
                }
            )
            info.append(tuple(row[column] for column in INFO))


def _info_fixed(
    ctx: Context,
    world: World,
    device: Device,
    machine: dict[str, Any],
    state: MachineState | None,
) -> tuple[Any, ...]:
    windows = device.family == "windows"
    aad = bool(machine.get("isAadJoined"))
    join = ("Hybrid Azure AD Join" if aad else "Domain Joined") if windows else None
    version = str(machine.get("version") or "")
    os_version = "10.0" if windows else version
    distribution = machine["osPlatform"] if windows else DISTRIBUTIONS.get(version, "macOS")
    internet = "Internet facing" in device.tags
    additional = None
    if internet:
        port = 22 if device.family == "linux" else 443
        additional = compact_json(
            {
                "InternetFacingReason": "PublicScan",
                "InternetFacingLocalPort": port,
                "InternetFacingScannedPublicPort": port,
                "InternetFacingScannedPublicIp": device.public_ip,
                "InternetFacingLocalIp": device.local_ip,
                "InternetFacingTransportProtocol": "Tcp",
                "InternetFacingLastSeen": "",
            }
        )
    model, vendor = _hardware(world, device, state)
    vm = machine.get("vmMetadata") or {}
    return (
        machine.get("agentVersion"),
        machine.get("lastExternalIpAddress"),
        "64-bit",
        machine["osPlatform"],
        machine.get("osBuild"),
        aad,
        join,
        machine.get("aadDeviceId"),
        os_version,
        machine.get("rbacGroupName"),
        machine.get("onboardingStatus") or "Onboarded",
        additional,
        "Endpoint",
        "Server" if device.is_server else "Workstation",
        model,
        vendor,
        distribution,
        version,
        internet,
        HEALTH.get(str(machine.get("healthStatus")), "Active"),
        False,
        machine.get("exposureLevel"),
        machine.get("deviceValue"),
        compact_json(list(machine.get("machineTags") or [])),
        "[]",
        "Standard",
        vm.get("resourceId"),
    )


def _hardware(
    world: World, device: Device, state: MachineState | None
) -> tuple[str | None, str | None]:
    """Model and vendor as the hardware inventory of the same device names them."""
    if state is None:
        return None, None
    rng = section_rng(world.seed, world.tenant_id, f"hardware|{device.id}")
    model: HardwareModel = hardware_model(rng, state)
    vendor = BOARD_MAKERS.get(model.manufacturer, model.manufacturer)
    return model.model.replace("_", " ").title(), vendor


def _logged_on(device: Device, at: int) -> str:
    """LoggedOnUsers: the primary user during the day on workstations, none at night."""
    if not device.users or device.family != "windows":
        return "[]"
    hour = (at % DAY) // HOUR
    if device.role == "workstation" and not 7 <= hour <= 19:
        return "[]"
    user = device.users[0]
    return compact_json(
        [{"UserName": user.name, "DomainName": (user.domain or "").upper(), "Sid": user.sid}]
    )


def _network_row(
    device: Device, machine: dict[str, Any], at: int, address: str, dns: list[str]
) -> tuple[Any, ...]:
    interfaces = [i for i in machine.get("ipAddresses") or [] if i.get("macAddress")]
    mac = interfaces[0]["macAddress"] if interfaces else "000000000000"
    kind = interfaces[0]["type"] if interfaces else "Ethernet"
    ipv6 = [i["ipAddress"] for i in interfaces if ":" in i["ipAddress"]]
    gateway = ".".join([*address.split(".")[:3], "1"])
    addresses = [{"IPAddress": address, "SubnetPrefix": 24, "AddressType": "Private"}]
    addresses += [{"IPAddress": v6, "SubnetPrefix": 64, "AddressType": "Private"} for v6 in ipv6]
    name = (
        "Wi-Fi" if kind == "Wireless80211" else "Ethernet" if device.family == "windows" else "eth0"
    )
    vendor = "Microsoft" if "virtual" in device.tags else "Intel Corporation"
    networks = [
        {
            "Name": device.name.split(".", 1)[-1],
            "Description": device.name.split(".", 1)[-1],
            "IsConnectedToInternet": True,
            "Category": "Domain",
        }
    ]
    return (
        at,
        device.id,
        device.name,
        name,
        ":".join(mac[i : i + 2] for i in range(0, 12, 2)),
        kind,
        "Up",
        "None",
        compact_json(networks),
        json.dumps(dns),
        gateway if not device.is_server else None,
        json.dumps([gateway]),
        compact_json(addresses),
        device.next_rid(),
        vendor,
    )


def write_certificates(ctx: Context, sinks: Sinks) -> int:
    """One DeviceFileCertificateInfo row per device and signed binary its events ran or
    loaded; returns the rows written."""
    conn = sinks.conn
    if conn is None:
        return 0
    rows = []
    for image in ctx.images.all_signed():
        serial = stable_hex(f"serial|{image.signer}|{image.key}", "md5").upper()
        microsoft = (image.signer or "").startswith("Microsoft")
        crl = (
            "http://www.microsoft.com/pkiops/crl/MicWinProPCA2011_2011-10-19.crl"
            if microsoft
            else "http://crl3.digicert.com/DigiCertTrustedG4CodeSigningRSA4096SHA3842021CA1.crl"
        )
        rows.append(
            (
                image.sha1,
                "Catalog" if image.signer == "Microsoft Windows" else "Embedded",
                image.signer,
                stable_hex(image.signer or "", "sha1"),
                image.issuer,
                stable_hex(image.issuer or "", "sha1"),
                serial,
                json.dumps([crl]),
                microsoft,
            )
        )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE _mdekit_certs (SHA1 VARCHAR, SignatureType VARCHAR, Signer VARCHAR,"
        " SignerHash VARCHAR, Issuer VARCHAR, IssuerHash VARCHAR, CertificateSerialNumber VARCHAR,"
        " CrlDistributionPointUrls VARCHAR, IsRootSignerMicrosoft BOOLEAN)"
    )
    conn.executemany("INSERT INTO _mdekit_certs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("""
        INSERT INTO DeviceFileCertificateInfo BY NAME
        SELECT s.Timestamp, s.DeviceId, s.DeviceName, c.SHA1, true AS IsSigned, c.SignatureType,
               c.Signer, c.SignerHash, c.Issuer, c.IssuerHash, c.CertificateSerialNumber,
               c.CrlDistributionPointUrls,
               TIMESTAMP '2024-03-01 00:00:00' AS CertificateCreationTime,
               TIMESTAMP '2026-03-01 00:00:00' AS CertificateExpirationTime,
               TIMESTAMP '2024-06-11 17:42:00' AS CertificateCountersignatureTime,
               true AS IsTrusted, c.IsRootSignerMicrosoft,
               900000000 + row_number() OVER (PARTITION BY s.DeviceId ORDER BY s.Timestamp, c.SHA1) AS ReportId
        FROM (
            SELECT DeviceId, any_value(DeviceName) AS DeviceName, SHA1, min(Timestamp) AS Timestamp
            FROM (SELECT DeviceId, DeviceName, SHA1, Timestamp FROM DeviceProcessEvents
                  UNION ALL SELECT DeviceId, DeviceName, SHA1, Timestamp FROM DeviceImageLoadEvents)
            GROUP BY DeviceId, SHA1
        ) s JOIN _mdekit_certs c ON c.SHA1 = s.SHA1
    """)
    conn.execute("DROP TABLE _mdekit_certs")
    written = conn.execute("SELECT count(*) FROM DeviceFileCertificateInfo").fetchall()
    return int(written[0][0])
