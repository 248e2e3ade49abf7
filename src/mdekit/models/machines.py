"""Machine (device) entity and the machine request bodies (defender-api.md §6.2)."""

from __future__ import annotations

from pydantic import Field

from mdekit.models._base import PascalWireModel, WireDateTime, WireModel

__all__ = [
    "DEVICE_VALUES",
    "EXPOSURE_LEVELS",
    "HEALTH_STATUSES",
    "ONBOARDING_STATUSES",
    "OS_ARCHITECTURES",
    "OS_PLATFORMS",
    "RISK_SCORES",
    "TAG_ACTIONS",
    "DeviceValueRequest",
    "IpAddress",
    "Machine",
    "MachineTagRequest",
    "MachineUpdate",
    "MultipleMachinesTagRequest",
    "VmMetadata",
]

HEALTH_STATUSES = (
    "Active",
    "Inactive",
    "ImpairedCommunication",
    "NoSensorData",
    "NoSensorDataImpairedCommunication",
    "Unknown",
)
RISK_SCORES = ("None", "Informational", "Low", "Medium", "High")
EXPOSURE_LEVELS = ("None", "Low", "Medium", "High")
DEVICE_VALUES = ("Normal", "Low", "High")
ONBOARDING_STATUSES = (
    "Onboarded",
    "onboarded",
    "CanBeOnboarded",
    "Unsupported",
    "InsufficientInfo",
)
"""The table writes `onboarded`; live responses send `Onboarded`."""
OS_PLATFORMS = (
    "Windows10",
    "Windows11",
    "WindowsServer2012R2",
    "WindowsServer2016",
    "WindowsServer2019",
    "WindowsServer2022",
    "WindowsServer2025",
    "Linux",
    "Ubuntu",
    "RedHatEnterpriseLinux",
    "macOS",
)
"""Common values; the service names many more platforms."""
OS_ARCHITECTURES = ("32-bit", "64-bit")
TAG_ACTIONS = ("Add", "Remove")


class IpAddress(WireModel):
    """One item of `ipAddresses` (an interface address with its MAC)."""

    ip_address: str | None = None
    mac_address: str | None = None
    type: str | None = None
    """Seen live (`Ethernet`, `SoftwareLoopback`, ...), not in the docs."""
    operational_status: str | None = None


class VmMetadata(WireModel):
    """`vmMetadata` of a cloud VM (seen live; null on physical devices)."""

    vm_id: str | None = None
    cloud_provider: str | None = None
    resource_id: str | None = None
    subscription_id: str | None = None


class Machine(WireModel):
    """A device (`GET /api/machines`, `/api/machines/{id}`).

    Fields after `ip_addresses` are returned by the live service but not in the
    documentation table; they are declared so code can read them typed."""

    id: str
    computer_dns_name: str | None = None
    first_seen: WireDateTime | None = None
    last_seen: WireDateTime | None = None
    os_platform: str | None = None
    onboarding_status: str | None = None
    os_processor: str | None = None
    version: str | None = None
    os_build: int | None = None
    last_ip_address: str | None = None
    last_external_ip_address: str | None = None
    health_status: str | None = None
    rbac_group_name: str | None = None
    rbac_group_id: int | str | None = None
    """A number in every example, "String" in the table (§9.5): both are accepted."""
    risk_score: str | None = None
    aad_device_id: str | None = None
    machine_tags: list[str] = Field(default_factory=list)
    exposure_level: str | None = None
    device_value: str | None = None
    ip_addresses: list[IpAddress] = Field(default_factory=list)
    os_architecture: str | None = None
    is_aad_joined: bool | None = None
    merged_into_machine_id: str | None = None
    is_potential_duplication: bool | None = None
    is_excluded: bool | None = None
    exclusion_reason: str | None = None
    os_version: str | None = None
    agent_version: str | None = None
    defender_av_status: str | None = None
    managed_by: str | None = None
    managed_by_status: str | None = None
    vm_metadata: VmMetadata | None = None


class MachineTagRequest(PascalWireModel):
    """Body of `POST /api/machines/{id}/tags`: `{"Value": ..., "Action": "Add"|"Remove"}`."""

    value: str
    action: str


class MultipleMachinesTagRequest(MachineTagRequest):
    """Body of `POST /api/machines/AddOrRemoveTagForMultipleMachines` (≤500 machines)."""

    machine_ids: list[str]


class DeviceValueRequest(PascalWireModel):
    """Body of `POST /api/machines/{id}/setDeviceValue`."""

    device_value: str


class MachineUpdate(WireModel):
    """Body of `PATCH /api/machines/{id}` (camelCase, unlike the other machine bodies)."""

    machine_tags: list[str] | None = None
    device_value: str | None = None
