"""Assessment exports and the other bulk TVM endpoints (defender-api.md §5.14-§5.16): the
"JSON" exports paged by `$skiptoken` next links, the "via files" exports answering signed
links to gzip'd JSON lines, browser extension permissions, security baseline profiles and
configurations, and Defender Antivirus health per device (both of its paths).

The delta export (`SoftwareVulnerabilityChangesByMachine`) requires `sinceTime`, at most
14 days back from now; the service answers changes from the start of the 6-hour period
`sinceTime` falls in, which the generator applies. `sinceTime` on the other JSON exports
is accepted (the docs' examples send it) and, as those exports are full snapshots, not
used; it must still be a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from mdekit.emulator.defender.collections import Collection
from mdekit.emulator.defender.context import HandlerContext, Reply
from mdekit.emulator.defender.export_files import Rows, export_files_reply
from mdekit.emulator.defender.export_info_gathering import info_gathering_rows
from mdekit.emulator.defender.export_paging import export_page, page_request, snapshot_of
from mdekit.emulator.defender.toolkit import entities_of, list_reply
from mdekit.emulator.defender.tvm_collections import (
    AV_HEALTH,
    BASELINE_CONFIGURATIONS,
    BASELINE_PROFILES,
    EXTENSION_PERMISSIONS,
)
from mdekit.emulator.defender.tvm_source import (
    KIND_AV_HEALTH,
    KIND_BASELINE_CONFIGURATIONS,
    KIND_BASELINE_PROFILES,
    KIND_EXTENSION_PERMISSIONS,
    tenant_world,
)
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.emulator.world import Tvm

Handler = Callable[[HandlerContext], Reply]

DELTA_MAX_AGE = timedelta(days=14)


def _since_time(ctx: HandlerContext, *, required: bool) -> datetime | None:
    text = ctx.param("sinceTime")
    if text is None or not text.strip():
        if required:
            raise InvalidInput("Parameter sinceTime is missing", code="MissingRequiredParameter")
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(
            f"Invalid input sinceTime '{text}': an ISO 8601 time such as 2021-05-19T18:35:49.924Z",
            code="InvalidInput",
        ) from exc
    return moment


def _json_export(rows: Rows) -> Handler:
    def handler(ctx: HandlerContext) -> Reply:
        _since_time(ctx, required=False)
        key, _world, tvm = tenant_world(ctx.services, ctx.tenant)
        snapshot = snapshot_of(key)
        return export_page(ctx, rows(tvm), snapshot, page_request(ctx, snapshot))

    return handler


def vulnerability_changes(ctx: HandlerContext) -> Reply:
    since = _since_time(ctx, required=True)
    assert since is not None
    if ctx.services.clock.now() - since > DELTA_MAX_AGE:
        raise InvalidInput(
            f"Invalid input sinceTime '{ctx.param('sinceTime')}': the delta export reaches "
            "at most 14 days back",
            code="InvalidInput",
        )
    key, _world, tvm = tenant_world(ctx.services, ctx.tenant)
    snapshot = snapshot_of(key)
    request = page_request(ctx, snapshot)
    rows = tvm.export_software_vulnerability_changes(since)
    return export_page(ctx, rows, snapshot, request, keep=(("sinceTime", since_text(since)),))


def since_text(moment: datetime) -> str:
    """`sinceTime` as the next link repeats it (ISO 8601 UTC, milliseconds)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _files_export(label: str, rows: Rows) -> Handler:
    def handler(ctx: HandlerContext) -> Reply:
        return export_files_reply(ctx, label, rows)

    return handler


def _stored(collection: Collection, kind: str) -> Handler:
    def handler(ctx: HandlerContext) -> Reply:
        return list_reply(ctx, collection, entities_of(kind))

    return handler


def _baseline_rows(tvm: Tvm) -> Iterator[dict[str, Any]]:
    return tvm.export_baseline_compliance()


HANDLERS: dict[str, Handler] = {
    "exports.secure_configurations": _json_export(Tvm.export_secure_configurations),
    "exports.software_inventory": _json_export(Tvm.export_software_inventory),
    "exports.software_inventory_non_cpe": _json_export(Tvm.export_non_cpe_software),
    "exports.software_vulnerabilities": _json_export(Tvm.export_software_vulnerabilities),
    "exports.software_vulnerability_changes": vulnerability_changes,
    "exports.browser_extensions": _json_export(Tvm.export_browser_extensions),
    "exports.certificates": _json_export(Tvm.export_certificates),
    "exports.hardware_firmware": _json_export(Tvm.export_hardware_firmware),
    "exports.security_baselines": _json_export(_baseline_rows),
    "exports.secure_configurations_files": _files_export(
        "SecureConfigurationsAssessmentExport", Tvm.export_secure_configurations
    ),
    "exports.software_inventory_files": _files_export(
        "SoftwareInventoryExport", Tvm.export_software_inventory
    ),
    "exports.software_inventory_non_cpe_files": _files_export(
        "SoftwareInventoryNonCpeExport", Tvm.export_non_cpe_software
    ),
    "exports.software_vulnerabilities_files": _files_export(
        "SoftwareVulnerabilitiesExport", Tvm.export_software_vulnerabilities
    ),
    "exports.browser_extensions_files": _files_export(
        "BrowserExtensionsInventoryExport", Tvm.export_browser_extensions
    ),
    "exports.certificates_files": _files_export(
        "CertificateAssessmentExport", Tvm.export_certificates
    ),
    "exports.hardware_firmware_files": _files_export(
        "HardwareFirmwareInventoryExport", Tvm.export_hardware_firmware
    ),
    "exports.information_gathering_files": _files_export(
        "InfoGatheringExport", info_gathering_rows
    ),
    "exports.security_baselines_files": _files_export(
        "BaselineComplianceAssessmentExport", _baseline_rows
    ),
    "browser_extensions.permissions_info": _stored(
        EXTENSION_PERMISSIONS, KIND_EXTENSION_PERMISSIONS
    ),
    "security_baselines.profiles": _stored(BASELINE_PROFILES, KIND_BASELINE_PROFILES),
    "security_baselines.configurations": _stored(
        BASELINE_CONFIGURATIONS, KIND_BASELINE_CONFIGURATIONS
    ),
    "device_av_info.list": _stored(AV_HEALTH, KIND_AV_HEALTH),
}
