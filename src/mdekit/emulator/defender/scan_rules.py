"""What makes an authenticated scan definition valid (add-a-new-scan-definition.md,
get-authenticated-scan-properties.md): the fields, the targets as their `targetType` says,
and `scanAuthenticationParams` of the kind the scan type needs, with the fields its `type`
needs (or a Key Vault secret instead of the credentials).

Choices where the docs are silent: authentication parameter names are matched without
regard to case (the table spells them `Username`, `IsGMSAUser`, the examples `username`,
`isGmsaUser`) and stored in camelCase; unknown ones are refused, so that a misspelt secret
is not silently dropped; IP targets may be single addresses or CIDR ranges."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from mdekit.emulator.defender.toolkit import value
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.models.scans import SCAN_TYPES, TARGET_TYPES

SNMP = "#microsoft.windowsDefenderATP.api.SnmpAuthParams"
WINDOWS = "#microsoft.windowsDefenderATP.api.WindowsAuthParams"
PARAMS_OF_SCAN = {"Windows": WINDOWS, "Network": SNMP}
AUTH_TYPES = {
    WINDOWS: ("Kerberos", "Negotiate"),
    SNMP: ("CommunityString", "NoAuthNoPriv", "AuthNoPriv", "AuthPriv"),
}
AUTH_PROTOCOLS = ("MD5", "SHA1")
PRIV_PROTOCOLS = ("DES", "3DES", "AES")
AUTH_FIELDS = (
    "type",
    "username",
    "domain",
    "isGMSAUser",
    "communityString",
    "authProtocol",
    "authPassword",
    "privProtocol",
    "privPassword",
    "keyVaultUrl",
    "keyVaultSecretName",
)
SECRETS = frozenset({"communityString", "authPassword", "privPassword"})
"""Never stored nor returned: the service answers them as null."""
NEEDS = {
    "Kerberos": ("username",),
    "Negotiate": ("username",),
    "CommunityString": ("communityString",),
    "NoAuthNoPriv": ("username",),
    "AuthNoPriv": ("username", "authProtocol", "authPassword"),
    "AuthPriv": ("username", "authProtocol", "authPassword", "privProtocol", "privPassword"),
}
DEFINITION_FIELDS = (
    "scanType",
    "scanName",
    "isActive",
    "target",
    "intervalInHours",
    "targetType",
    "scannerAgent",
    "scanAuthenticationParams",
)
READ_ONLY = ("id", "orgId", "createdBy", "latestScan")
MAX_INTERVAL_HOURS = 24 * 30
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$", re.IGNORECASE)


def _bad(message: str) -> InvalidInput:
    return InvalidInput(f"Invalid input {message}", code="InvalidInput")


def _is_host(text: str) -> bool:
    labels = text.rstrip(".").split(".")
    return len(text) <= 253 and all(_LABEL.match(label) for label in labels)


def _is_ip_target(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def target_list(target: str) -> list[str]:
    return [part.strip() for part in target.split(",") if part.strip()]


def check_targets(target: str, target_type: str) -> None:
    entries = target_list(target)
    if not entries:
        raise _bad("target: a comma-separated list of IP addresses or host names")
    ip_targets = target_type != "Hostname"
    for entry in entries:
        if not (_is_ip_target(entry) if ip_targets else _is_host(entry)):
            kind = "an IP address or CIDR range" if ip_targets else "a host name"
            raise _bad(f"target: '{entry}' is not {kind} (targetType {target_type})")


def _canonical_auth(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters under their camelCase names; `@odata.type` first."""
    names = {name.lower(): name for name in AUTH_FIELDS}
    params: dict[str, Any] = {}
    for key, item in raw.items():
        if key.lower() == "@odata.type":
            params["@odata.type"] = item
            continue
        name = names.get(key.lower())
        if name is None:
            raise _bad(f"scanAuthenticationParams: unknown property '{key}'")
        if name == "isGMSAUser":
            if not isinstance(item, bool):
                raise _bad("scanAuthenticationParams.isGMSAUser: expected true or false")
        elif item is not None and not isinstance(item, str):
            raise _bad(f"scanAuthenticationParams.{name}: expected a string")
        params[name] = item
    return params


def _odata_type(params: Mapping[str, Any], scan_type: str) -> str:
    found = params.get("@odata.type")
    if not isinstance(found, str) or not found:
        raise InvalidInput(
            "Parameter scanAuthenticationParams.@odata.type is missing",
            code="MissingRequiredParameter",
        )
    spelled = found if found.startswith("#") else f"#{found}"
    odata_type = next((t for t in AUTH_TYPES if t.lower() == spelled.lower()), None)
    if odata_type is None:
        raise _bad(f"scanAuthenticationParams.@odata.type: '{found}' is not {SNMP} or {WINDOWS}")
    if odata_type != PARAMS_OF_SCAN[scan_type]:
        raise _bad(
            f"scanAuthenticationParams.@odata.type: a {scan_type} scan takes "
            f"{PARAMS_OF_SCAN[scan_type]}"
        )
    return odata_type


def check_auth(raw: Any, scan_type: str) -> dict[str, Any]:
    """The parameters as stored and listed: checked, camelCase, secrets set to null."""
    if not isinstance(raw, dict):
        raise _bad("scanAuthenticationParams: expected an object")
    params = _canonical_auth(raw)
    odata_type = _odata_type(params, scan_type)
    auth_type = value(
        {"scanAuthenticationParams.type": params.get("type")},
        "scanAuthenticationParams.type",
        choices=AUTH_TYPES[odata_type],
    )
    vault = params.get("keyVaultUrl"), params.get("keyVaultSecretName")
    if any(vault) and not all(vault):
        raise _bad("scanAuthenticationParams: keyVaultUrl and keyVaultSecretName go together")
    if vault[0] and not str(vault[0]).lower().startswith("https://"):
        raise _bad(f"scanAuthenticationParams.keyVaultUrl: '{vault[0]}' is not an https URL")
    for name in NEEDS[auth_type]:
        if not params.get(name) and not (name in SECRETS and all(vault)):
            raise InvalidInput(
                f"Parameter scanAuthenticationParams.{name} is missing for type {auth_type}",
                code="MissingRequiredParameter",
            )
    for name, allowed in (("authProtocol", AUTH_PROTOCOLS), ("privProtocol", PRIV_PROTOCOLS)):
        if params.get(name) and str(params[name]).upper() not in allowed:
            raise _bad(f"scanAuthenticationParams.{name}: one of {', '.join(allowed)}")
    stored: dict[str, Any] = {"@odata.type": odata_type, "type": auth_type}
    for name in AUTH_FIELDS[1:]:
        if name in params:
            stored[name] = None if name in SECRETS else params[name]
    return stored


def _check_unknown(body: Mapping[str, Any]) -> None:
    unknown = [k for k in body if k not in DEFINITION_FIELDS and k not in READ_ONLY]
    if unknown:
        raise InvalidInput(
            f"Request body is incorrect: unknown property '{unknown[0]}' (names are "
            f"case-sensitive: {', '.join(DEFINITION_FIELDS)})",
            code="InvalidRequestBody",
        )


def parse_fields(body: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    """The definition fields present in `body`, type-checked (all of them unless `partial`);
    `scannerAgent` comes back as the machine id it names. Cross-field rules are left to
    `check_definition`, which sees the merged result of an update."""
    _check_unknown(body)
    required = not partial
    fields: dict[str, Any] = {
        "scanType": value(body, "scanType", required=required, choices=SCAN_TYPES),
        "scanName": value(body, "scanName", required=required),
        "isActive": value(body, "isActive", bool, required=required),
        "target": value(body, "target", required=required),
        "intervalInHours": value(body, "intervalInHours", int, required=required),
        "targetType": value(body, "targetType", required=required, choices=TARGET_TYPES),
    }
    agent = value(body, "scannerAgent", dict, required=required)
    if agent is not None:
        fields["scannerAgent"] = value(agent, "machineId")
    if "scanAuthenticationParams" in body or required:
        fields["scanAuthenticationParams"] = value(body, "scanAuthenticationParams", dict)
    interval = fields["intervalInHours"]
    if interval is not None and not 1 <= interval <= MAX_INTERVAL_HOURS:
        raise _bad(f"intervalInHours: {interval} is not between 1 and {MAX_INTERVAL_HOURS}")
    if fields["scanName"] is not None and not fields["scanName"].strip():
        raise _bad("scanName: it is empty")
    return {k: v for k, v in fields.items() if v is not None}


def check_definition(definition: Mapping[str, Any], new_params: Any) -> dict[str, Any] | None:
    """Rules across fields of the (merged) definition; the stored form of new parameters."""
    check_targets(definition["target"], definition["targetType"])
    if new_params is not None:
        return check_auth(new_params, definition["scanType"])
    stored = definition.get("scanAuthenticationParams") or {}
    if stored.get("@odata.type") not in (None, PARAMS_OF_SCAN[definition["scanType"]]):
        raise _bad(
            f"scanAuthenticationParams: a {definition['scanType']} scan takes "
            f"{PARAMS_OF_SCAN[definition['scanType']]}; send new parameters with scanType"
        )
    return None
