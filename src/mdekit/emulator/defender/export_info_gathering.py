"""Rows of the information gathering export (`GET /api/machines/InfoGatheringExport`):
one row per device with what the sensor reports about itself, `additionalFields` holding
the named facts (the `DeviceTvmInfoGathering` hunting table's `AdditionalFields`).

The world generator has no rows for this export, so they are assembled here from what
it does know about each device: its identity, last report and Defender Antivirus state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mdekit.emulator.world import Tvm

_AV_FIELDS = (
    ("AvMode", "avMode"),
    ("AvSignatureVersion", "avSignatureVersion"),
    ("AvEngineVersion", "avEngineVersion"),
    ("AvPlatformVersion", "avPlatformVersion"),
    ("AvSignatureUpdateTime", "avSignatureUpdateTime"),
    ("AvEngineUpdateTime", "avEngineUpdateTime"),
    ("AvPlatformUpdateTime", "avPlatformUpdateTime"),
    ("AvIsSignatureUptoDate", "avIsSignatureUpToDate"),
    ("AvIsEngineUptodate", "avIsEngineUpToDate"),
    ("AvIsPlatformUptodate", "avIsPlatformUpToDate"),
)


def info_gathering_rows(tvm: Tvm) -> Iterator[dict[str, Any]]:
    for machine in tvm.world.machines:
        state = tvm.machine_state(str(machine["id"]))
        if state is None:
            continue
        fields: dict[str, Any] = {
            "OsVersion": state.os_version,
            "IsVirtualMachine": state.virtual,
        }
        av = tvm.av_health(str(machine["id"]))
        if av is not None:
            fields.update({name: av.get(key) for name, key in _AV_FIELDS})
        seen = tvm.fmt.export(state.seen)
        yield {
            "deviceId": machine["id"],
            "deviceName": machine["computerDnsName"],
            "osPlatform": machine["osPlatform"],
            "rbacGroupId": machine["rbacGroupId"],
            "rbacGroupName": machine["rbacGroupName"],
            "timestamp": seen,
            "lastSeenTime": seen,
            "additionalFields": fields,
        }
