"""Per-device export rows of browser extensions, certificates and hardware/firmware.

Browser extension rows use the PascalCase keys of their docs' example; certificate rows
use the keys of the certificate example (`keyLength`, `notAfter`, `subjectObject`...),
which differ from the page's property table: the example is what the service sends.
Extensions exist only for browsers the device has installed; hardware follows whether
the device is virtual; certificates come from the tenant's own CA, Intune and, on web
servers, a public CA."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

from mdekit.emulator.world.baselines import iso_millis
from mdekit.emulator.world.catalog_assets import (
    EXTENSIONS,
    HARDWARE,
    INTUNE_ISSUER,
    MAC_HARDWARE,
    PERMISSION_RISK,
    PUBLIC_TLS_ISSUER,
    RISK_ORDER,
    SERVER_HARDWARE,
    HardwareModel,
)
from mdekit.emulator.world.exports import ExportContext
from mdekit.emulator.world.ids import section_rng, stable_hex
from mdekit.emulator.world.inventory import MachineState
from mdekit.emulator.world.model import WireDict
from mdekit.emulator.world.ticks import TICKS_PER_DAY

BROWSER_EXTENSION_KEYS = (
    "DeviceId", "DeviceName", "RbacGroupId", "RbacGroupName", "InstallationTime",
    "BrowserName", "ExtensionId", "ExtensionName", "ExtensionDescription", "ExtensionVersion",
    "ExtensionRisk", "IsActivated", "Permissions",
)  # fmt: skip
CERTIFICATE_KEYS = (
    "deviceId", "deviceName", "thumbprint", "path", "signatureAlgorithm", "keyLength",
    "notAfter", "notBefore", "subjectType", "serialNumber", "subjectObject", "issuerObject",
    "keyUsageArray", "extendedKeyUsageArray", "isSelfSigned", "rbacGroupId", "rbacGroupName",
)  # fmt: skip
HARDWARE_KEYS = (
    "deviceId", "rbacGroupId", "rbacGroupName", "deviceName", "componentType", "manufacturer",
    "componentName", "componentVersion", "additionalFields",
)  # fmt: skip
BROWSERS = {"chrome": "chrome", "edge": "edge", "firefox": "firefox"}
"""Product name -> BrowserName."""
YEAR_TICKS = 365 * TICKS_PER_DAY
BOARD_MAKERS = {
    "dell": "Dell Inc.",
    "lenovo": "LENOVO",
    "hp": "HP",
    "hpe": "HPE",
    "microsoft": "Microsoft Corporation",
    "microsoft_corporation": "Microsoft Corporation",
    "apple": "Apple Inc.",
}
"""SMBIOS spelling of the baseboard maker (the component fields use TVM's lower case)."""


def _rng(ctx: ExportContext, section: str, state: MachineState) -> random.Random:
    return section_rng(ctx.world.seed, ctx.world.tenant_id, f"{section}|{state.profile.machine_id}")


def browser_extension_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """BrowserExtensionsInventoryByMachine: extensions of the browsers a device runs."""
    for state in ctx.states():
        rng = _rng(ctx, "extensions", state)
        machine = state.machine
        for install in state.installs:
            browser = BROWSERS.get(ctx.catalogue.products[install.product].name)
            if browser is None:
                continue
            offered = [e for e in EXTENSIONS if e.browser == browser]
            count = min(len(offered), int(rng.random() * 4.5))
            picked: list[int] = []
            while len(picked) < count:
                choice = rng.choices(range(len(offered)), [e.weight for e in offered])[0]
                if choice not in picked:
                    picked.append(choice)
            for choice in picked:
                extension = offered[choice]
                earliest = max(state.profile.first_seen_ticks, install.since - 2 * YEAR_TICKS)
                installed = earliest + int(rng.random() * max(1, state.seen - earliest))
                permissions = [
                    {"Id": key, "IsRequired": rng.random() < 0.85, "Risk": PERMISSION_RISK[key]}
                    for key in extension.permissions
                ]
                risk = max((p["Risk"] for p in permissions), key=RISK_ORDER.index, default="None")
                yield {
                    "DeviceId": state.profile.machine_id,
                    "DeviceName": machine["computerDnsName"],
                    "RbacGroupId": machine["rbacGroupId"],
                    "RbacGroupName": machine["rbacGroupName"],
                    "InstallationTime": iso_millis(ctx.fmt, installed // 10_000_000 * 10_000_000),
                    "BrowserName": browser,
                    "ExtensionId": extension.id,
                    "ExtensionName": extension.name,
                    "ExtensionDescription": extension.description,
                    "ExtensionVersion": extension.version,
                    "ExtensionRisk": risk,
                    "IsActivated": rng.random() < 0.9,
                    "Permissions": permissions,
                }


def _subject(common_name: str, organization: str | None, country: str | None) -> WireDict:
    return {
        "CommonName": common_name,
        "Organization": organization,
        "OrganizationalUnit": None,
        "Country": country,
    }


@dataclass(frozen=True)
class _Certificate:
    store: str
    identity: str
    """What the thumbprint and serial number are derived from (one CA cert, one per tenant)."""
    key_length: int
    not_before: int
    not_after: int
    subject: WireDict
    issuer: WireDict
    usage: tuple[str, ...]
    extended_usage: tuple[str, ...]
    self_signed: bool = False


_TLS_USAGE = ("DigitalSignature", "KeyEncipherment")


def _certificates(ctx: ExportContext, state: MachineState, root_start: int) -> list[_Certificate]:
    world = ctx.world
    org = world.domain.split(".", 1)[0]
    org_name = org.capitalize()
    root = _subject(f"{org.upper()}-ROOT-CA", org_name, None)
    issuing = _subject(f"{org.upper()}-ISSUING-CA", org_name, None)
    rng = _rng(ctx, "certificates", state)
    machine = state.machine
    machine_id = state.profile.machine_id
    certificates = [
        _Certificate("Root", f"{world.tenant_id}|root", 4096, root_start,
                     root_start + 20 * YEAR_TICKS, root, root,
                     ("DigitalSignature", "CertSign", "CrlSign"), (), True),
    ]  # fmt: skip
    # Devices of poorly kept groups sometimes carry an expired device certificate.
    expired = machine.get("exposureLevel") == "High" and rng.random() < 0.15
    age_days = 370 + rng.random() * 200 if expired else rng.random() * 330
    start = max(state.seen - int(age_days * TICKS_PER_DAY), state.profile.first_seen_ticks)
    certificates.append(
        _Certificate("My", f"{machine_id}|device", 2048, start, start + YEAR_TICKS,
                     _subject(machine["computerDnsName"], None, None), issuing, _TLS_USAGE,
                     ("Client Authentication", "Server Authentication"))
    )  # fmt: skip
    if machine.get("managedBy") == "Intune":
        mdm = max(
            state.seen - int(rng.random() * 300 * TICKS_PER_DAY), state.profile.first_seen_ticks
        )
        name = str(machine.get("aadDeviceId") or machine_id)
        certificates.append(
            _Certificate("My", f"{machine_id}|intune", 2048, mdm, mdm + YEAR_TICKS,
                         _subject(name, None, None), _subject(*INTUNE_ISSUER), _TLS_USAGE,
                         ("Client Authentication",))
        )  # fmt: skip
    if state.profile.is_server and state.kinds[-1] in ("srv-web", "srv-exch"):
        tls = max(
            state.seen - int(rng.random() * 300 * TICKS_PER_DAY), state.profile.first_seen_ticks
        )
        wmsvc = _subject(f"WMSvc-SHA2-{state.profile.host_name.upper()}", None, None)
        first = state.profile.first_seen_ticks
        certificates += [
            _Certificate("My", f"{machine_id}|tls", 2048, tls, tls + YEAR_TICKS,
                         _subject(machine["computerDnsName"], org_name, "US"),
                         _subject(*PUBLIC_TLS_ISSUER), _TLS_USAGE, ("Server Authentication",)),
            _Certificate("My", f"{machine_id}|wmsvc", 2048, first, first + 10 * YEAR_TICKS,
                         wmsvc, wmsvc, _TLS_USAGE, ("Server Authentication",), True),
        ]  # fmt: skip
    return certificates


def certificate_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """CertificateAssessmentByMachine: certificates in the Windows machine stores."""
    world = ctx.world
    # The tenant's root CA was set up well before any device; it is one certificate.
    first_device = min(
        (p.first_seen_ticks for p in world.machine_profiles), default=world.now_ticks
    )
    root_start = first_device - 400 * TICKS_PER_DAY
    for state in ctx.states():
        if state.profile.family != "windows":
            continue
        machine = state.machine
        for cert in _certificates(ctx, state, root_start):
            thumbprint = stable_hex(cert.identity, "sha1").upper()
            yield {
                "deviceId": state.profile.machine_id,
                "deviceName": machine["computerDnsName"],
                "thumbprint": thumbprint,
                "path": f"LocalMachine\\{cert.store}\\{thumbprint}",
                "signatureAlgorithm": "sha256RSA",
                "keyLength": cert.key_length,
                "notAfter": ctx.fmt.iso_seconds(cert.not_after),
                "notBefore": ctx.fmt.iso_seconds(cert.not_before),
                "subjectType": "CA" if cert.store == "Root" else "End entity",
                "serialNumber": stable_hex(f"serial|{cert.identity}", "md5").upper(),
                "subjectObject": cert.subject,
                "issuerObject": cert.issuer,
                "keyUsageArray": list(cert.usage),
                "extendedKeyUsageArray": list(cert.extended_usage),
                "isSelfSigned": cert.self_signed,
                "rbacGroupId": machine["rbacGroupId"],
                "rbacGroupName": machine["rbacGroupName"],
            }


def hardware_model(rng: random.Random, state: MachineState) -> HardwareModel:
    """The device's model: virtual hardware for VMs, server or client models otherwise."""
    pool: tuple[HardwareModel, ...]
    if state.profile.family == "macos":
        pool = MAC_HARDWARE
    elif state.virtual:
        pool = tuple(m for m in SERVER_HARDWARE if m.family == "VirtualMachine")
    elif state.profile.is_server:
        pool = tuple(m for m in SERVER_HARDWARE if m.family == "Server")
    else:
        pool = HARDWARE
    return rng.choices(pool, [m.weight for m in pool])[0]


def hardware_rows(ctx: ExportContext) -> Iterator[WireDict]:
    """HardwareFirmwareInventoryByMachine: system, BIOS and processor of each device."""
    for state in ctx.states():
        rng = _rng(ctx, "hardware", state)
        model = hardware_model(rng, state)
        bios = model.bios_versions[int(rng.random() * len(model.bios_versions))]
        cpu_vendor, cpu, cores = model.processors[int(rng.random() * len(model.processors))]
        machine = state.machine
        device = {
            "deviceId": state.profile.machine_id,
            "rbacGroupId": machine["rbacGroupId"],
            "rbacGroupName": machine["rbacGroupName"],
            "deviceName": machine["computerDnsName"],
        }
        threads = cores if cpu_vendor == "apple" else cores * 2
        board_maker = BOARD_MAKERS.get(model.manufacturer, model.manufacturer)
        components: tuple[tuple[str, str, str, str | None, dict[str, object]], ...] = (
            ("Hardware", model.manufacturer, model.model, bios,
             {"SystemSKU": model.sku, "BaseBoardManufacturer": board_maker,
              "BaseBoardProduct": model.baseboard, "BaseBoardVersion": "A00",
              "DeviceFamily": model.family}),
            ("Bios", model.bios_vendor.replace(" ", "_").rstrip("."), "bios", bios,
             {"SmbiosVersion": "3.4", "IsUefi": True}),
            ("Processor", cpu_vendor, cpu, None,
             {"NumberOfCores": cores, "NumberOfLogicalProcessors": threads}),
        )  # fmt: skip
        for component_type, manufacturer, name, version, extra in components:
            yield {
                **device,
                "componentType": component_type,
                "manufacturer": manufacturer,
                "componentName": name,
                "componentVersion": version,
                "additionalFields": json.dumps(extra, separators=(",", ":")),
            }
