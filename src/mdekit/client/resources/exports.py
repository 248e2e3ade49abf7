"""Assessment exports ("JSON" paged rows, or "via files" download links), device antivirus
health, browser-extension permissions and security baselines. Rows are plain dicts in the
service's keys: the export schemas are wide and change often."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mdekit.client.ops import Group, Invocation, M, model, operation, paged
from mdekit.client.resources.base import cap, list_params, wire_time
from mdekit.models import ExportFilesResponse

Row = dict[str, Any]


def _rows(
    operation_name: str,
    *,
    page_size: int | None,
    top: int | None,
    since_time: datetime | str | None = None,
) -> Invocation[Row]:
    params = {"sinceTime": wire_time(since_time)} if since_time is not None else {}
    return Invocation(operation_name, params=params, decode=dict, limit=top, page_size=page_size)


def _files(operation_name: str, sas_valid_hours: int | None) -> Invocation[ExportFilesResponse]:
    params = {"sasValidHours": sas_valid_hours} if sas_valid_hours is not None else {}
    return Invocation(operation_name, params=params, decode=model(ExportFilesResponse))


class Exports(Group[M]):
    """`*_rows` follow the `$skiptoken` next links; `*_files` answer gzip download links."""

    @paged
    def secure_configurations(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.secure_configurations", page_size=page_size, top=cap(top, limit))

    @operation
    def secure_configurations_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.secure_configurations_files", sas_valid_hours)

    @paged
    def software_inventory(
        self,
        *,
        page_size: int | None = None,
        top: int | None = None,
        limit: int | None = None,
        since_time: datetime | str | None = None,
    ) -> Invocation[Row]:
        return _rows(
            "exports.software_inventory",
            page_size=page_size,
            top=cap(top, limit),
            since_time=since_time,
        )

    @operation
    def software_inventory_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.software_inventory_files", sas_valid_hours)

    @paged
    def software_inventory_non_cpe(
        self,
        *,
        page_size: int | None = None,
        top: int | None = None,
        limit: int | None = None,
        since_time: datetime | str | None = None,
    ) -> Invocation[Row]:
        return _rows(
            "exports.software_inventory_non_cpe",
            page_size=page_size,
            top=cap(top, limit),
            since_time=since_time,
        )

    @operation
    def software_inventory_non_cpe_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.software_inventory_non_cpe_files", sas_valid_hours)

    @paged
    def software_vulnerabilities(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.software_vulnerabilities", page_size=page_size, top=cap(top, limit))

    @operation
    def software_vulnerabilities_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.software_vulnerabilities_files", sas_valid_hours)

    @paged
    def software_vulnerability_changes(
        self,
        since_time: datetime | str,
        *,
        page_size: int | None = None,
        top: int | None = None,
        limit: int | None = None,
    ) -> Invocation[Row]:
        """What changed since `since_time` (at most 14 days back)."""
        return _rows(
            "exports.software_vulnerability_changes",
            page_size=page_size,
            top=cap(top, limit),
            since_time=since_time,
        )

    @paged
    def browser_extensions(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.browser_extensions", page_size=page_size, top=cap(top, limit))

    @operation
    def browser_extensions_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.browser_extensions_files", sas_valid_hours)

    @paged
    def certificates(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.certificates", page_size=page_size, top=cap(top, limit))

    @operation
    def certificates_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.certificates_files", sas_valid_hours)

    @paged
    def hardware_firmware(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.hardware_firmware", page_size=page_size, top=cap(top, limit))

    @operation
    def hardware_firmware_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.hardware_firmware_files", sas_valid_hours)

    @operation
    def information_gathering_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.information_gathering_files", sas_valid_hours)

    @paged
    def security_baselines(
        self, *, page_size: int | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return _rows("exports.security_baselines", page_size=page_size, top=cap(top, limit))

    @operation
    def security_baselines_files(
        self, *, sas_valid_hours: int | None = None
    ) -> Invocation[ExportFilesResponse]:
        return _files("exports.security_baselines_files", sas_valid_hours)


class Health(Group[M]):
    """Device antivirus health, browser-extension permissions, security baselines."""

    @paged
    def antivirus(
        self,
        *,
        filter: object | None = None,
        top: int | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> Invocation[Row]:
        return Invocation(
            "device_av_info.list",
            params=list_params(filter),
            decode=dict,
            limit=cap(top, limit),
            page_size=page_size,
        )

    @paged
    def browser_extension_permissions(
        self, *, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return Invocation("browser_extensions.permissions_info", decode=dict, limit=cap(top, limit))

    @paged
    def baseline_profiles(
        self, *, filter: object | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return Invocation(
            "security_baselines.profiles",
            params=list_params(filter),
            decode=dict,
            limit=cap(top, limit),
        )

    @paged
    def baseline_configurations(
        self, *, filter: object | None = None, top: int | None = None, limit: int | None = None
    ) -> Invocation[Row]:
        return Invocation(
            "security_baselines.configurations",
            params=list_params(filter),
            decode=dict,
            limit=cap(top, limit),
        )
