"""Defender Antivirus health rows (`GET /api/deviceavinfo`, §6.9): one per Windows device.

Versions follow the update times: security intelligence moves about one minor version
every 18 days from 1.371.1279.0 (2 Aug 2022, the docs' example), the engine and the
platform once a month, so an out-of-date device also shows older version numbers. The
up-to-date flags agree with the Machine entity's `defenderAvStatus`."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from mdekit.emulator.world.baselines import iso_millis
from mdekit.emulator.world.ids import section_rng
from mdekit.emulator.world.inventory import MachineState
from mdekit.emulator.world.model import WireDict, World
from mdekit.emulator.world.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_HOUR,
    TickFormatter,
    datetime_to_ticks,
    ticks_to_datetime,
)

AV_HEALTH_KEYS = (
    "id", "machineId", "computerDnsName", "osKind", "osPlatform", "osVersion", "avMode",
    "avSignatureVersion", "avEngineVersion", "avPlatformVersion", "lastSeenTime",
    "quickScanResult", "quickScanError", "quickScanTime", "fullScanResult", "fullScanError",
    "fullScanTime", "dataRefreshTimestamp", "avEngineUpdateTime", "avSignatureUpdateTime",
    "avPlatformUpdateTime", "avIsSignatureUpToDate", "avIsEngineUpToDate",
    "avIsPlatformUpToDate", "avSignaturePublishTime", "rbacGroupName", "rbacGroupId",
)  # fmt: skip
"""Keys in the order of the docs' example."""
_SIGNATURE_EPOCH = datetime_to_ticks(datetime(2022, 8, 2, tzinfo=UTC))
SCAN_ERROR = "0x80508023"


def signature_version(ticks: int) -> str:
    """Security intelligence version published at `ticks`."""
    days = max(0, (ticks - _SIGNATURE_EPOCH) // TICKS_PER_DAY)
    minor, day_in_cycle = divmod(days, 18)
    hour = (ticks // TICKS_PER_HOUR) % 24
    return f"1.{371 + minor}.{1279 if days == 0 else 1 + day_in_cycle * 70 + hour * 2}.0"


def engine_version(ticks: int) -> str:
    """Antivirus engine version released in the month of `ticks`."""
    moment = ticks_to_datetime(ticks)
    months = max(0, (moment.year - 2022) * 12 + moment.month - 7)
    return f"1.1.{19400 + months * 170}.{1 + months % 4}"


def platform_version(ticks: int) -> str:
    """Antimalware platform version of the month of `ticks` ("4.18.24090.11" since 2023)."""
    moment = ticks_to_datetime(ticks)
    stamp = f"{moment.year % 100:02d}{moment.month:02d}"
    if (moment.year, moment.month) >= (2023, 5):
        return f"4.18.{stamp}0.{3 + moment.month % 9}"
    return f"4.18.{stamp}.{100 + moment.month}"


def av_health_row(world: World, state: MachineState, fmt: TickFormatter) -> WireDict:
    """The AV health row of a Windows device."""
    av = state.av
    if av is None:
        raise ValueError("AV health rows exist for Windows devices only")
    rng = section_rng(world.seed, world.tenant_id, f"av|{state.profile.machine_id}")
    seen = state.seen
    signature_age = {"True": rng.random() * 20, "False": 8 * 24 + rng.random() * 32 * 24}.get(
        av.signatures, 24 + rng.random() * 30 * 24
    )
    signature_update = max(
        state.profile.first_seen_ticks, seen - int(signature_age * TICKS_PER_HOUR)
    )
    published = signature_update - int((1 + rng.random() * 5) * TICKS_PER_HOUR)
    engine_update = _component_update(rng, seen, av.engine, state.profile.first_seen_ticks)
    platform_update = _component_update(rng, seen, av.platform, state.profile.first_seen_ticks)
    first = state.profile.first_seen_ticks
    quick, quick_error, quick_time = _scan(rng, seen, first, (0.85, 0.03, 0.02), 7)
    full, full_error, full_time = _scan(rng, seen, first, (0.22, 0.02, 0.01), 30)
    refreshed = world.now_ticks - int(rng.random() * 6 * TICKS_PER_HOUR)
    machine = state.machine
    return {
        "id": state.profile.machine_id,
        "machineId": state.profile.machine_id,
        "computerDnsName": machine["computerDnsName"],
        "osKind": "windows",
        "osPlatform": machine["osPlatform"],
        "osVersion": state.os_version,
        "avMode": av.mode,
        "avSignatureVersion": signature_version(published),
        "avEngineVersion": engine_version(engine_update),
        "avPlatformVersion": platform_version(platform_update),
        "lastSeenTime": fmt.iso_seconds(state.profile.last_seen_ticks),
        "quickScanResult": quick,
        "quickScanError": quick_error,
        "quickScanTime": None if quick_time is None else iso_millis(fmt, quick_time),
        "fullScanResult": full,
        "fullScanError": full_error,
        "fullScanTime": None if full_time is None else iso_millis(fmt, full_time),
        "dataRefreshTimestamp": fmt.iso_seconds(refreshed),
        "avEngineUpdateTime": fmt.iso_seconds(engine_update),
        "avSignatureUpdateTime": fmt.iso_seconds(signature_update),
        "avPlatformUpdateTime": fmt.iso_seconds(platform_update),
        "avIsSignatureUpToDate": av.signatures,
        "avIsEngineUpToDate": av.engine,
        "avIsPlatformUpToDate": av.platform,
        "avSignaturePublishTime": fmt.iso_seconds(published),
        "rbacGroupName": machine["rbacGroupName"],
        "rbacGroupId": machine["rbacGroupId"],
    }


def _component_update(rng: random.Random, seen: int, flag: str, first_seen: int) -> int:
    """When the engine or platform last updated: within a month when current."""
    roll = rng.random()
    days = 1 + roll * 29 if flag == "True" else 45 + roll * 90
    return max(first_seen, seen - int(days * TICKS_PER_DAY))


def _scan(
    rng: random.Random,
    seen: int,
    first_seen: int,
    chances: tuple[float, float, float],
    max_days: int,
) -> tuple[str, str, int | None]:
    """(result, error, completion time) of the last quick or full scan."""
    roll = rng.random()
    completed, failed, canceled = chances
    when = max(first_seen, seen - int(rng.random() * max_days * TICKS_PER_DAY))
    if roll < completed:
        return "Completed", "", when
    if roll < completed + failed:
        return "Failed", SCAN_ERROR, when
    if roll < completed + failed + canceled:
        return "Canceled", "", when
    return "", "", None
