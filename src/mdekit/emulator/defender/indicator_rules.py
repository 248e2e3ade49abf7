"""What makes an indicator body valid (post-ti-indicator.md, ti-indicator.md, common-errors.md):
required fields, enums, the value checked against its type with the service's error codes
(`InvalidHashValue`, `InvalidIpAddress`, `InvalidDomainName`, `InvalidUrl`), Audit only with
`generateAlert`, and the retired `Alert`/`AlertAndBlock` actions refused.

Choices where the docs are silent: `BlockAndRemediate` only for file and certificate
indicators (as in the portal); an `expirationTime` must lie in the future; `rbacGroupNames`
may be an array (as the examples send) or a comma-separated string (as the table says)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from mdekit.emulator.defender.toolkit import value
from mdekit.emulator.domain.errors import InvalidInput
from mdekit.models import format_wire_datetime
from mdekit.models.indicators import INDICATOR_ACTIONS, INDICATOR_SEVERITIES, INDICATOR_TYPES

HASH_LENGTHS = {"FileSha1": 40, "FileSha256": 64, "FileMd5": 32, "CertificateThumbprint": 40}
RETIRED_ACTIONS = ("Alert", "AlertAndBlock")
FILE_TYPES = tuple(HASH_LENGTHS)
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)


@dataclass(frozen=True)
class IndicatorInput:
    """A checked submit body (one item of an import)."""

    indicator_value: str
    indicator_type: str
    action: str
    title: str
    description: str
    application: str | None
    expiration_time: str | None
    severity: str | None
    recommended_actions: str | None
    rbac_group_names: tuple[str, ...]
    generate_alert: bool

    @property
    def key(self) -> str:
        """What makes two submissions the same indicator: its type and its value, compared
        without regard to case except for a URL's path."""
        return f"{self.indicator_type}|{match_form(self.indicator_type, self.indicator_value)}"


def match_form(indicator_type: str, text: str) -> str:
    if indicator_type == "IpAddress":
        return ipaddress.ip_address(text).compressed
    if indicator_type == "Url":
        return text
    return text.lower().rstrip(".") if indicator_type == "DomainName" else text.lower()


def valid_domain(text: str) -> bool:
    name = text[:-1] if text.endswith(".") else text
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_name.split(".")
    return (
        len(ascii_name) <= 253
        and len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and not labels[-1].isdigit()
    )


def valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def valid_url(text: str) -> bool:
    """http(s) URLs, with or without the scheme, whose host is a domain or an IP address."""
    if not text or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text if "://" in text else f"http://{text}")
        host = parts.hostname or ""
        _ = parts.port  # a malformed port raises here
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and (valid_domain(host) or valid_ip(host))


def check_value(indicator_type: str, text: str) -> None:
    """Raise the service's error for a value that does not fit its type."""
    if indicator_type in HASH_LENGTHS:
        if len(text) != HASH_LENGTHS[indicator_type] or not _HEX.match(text):
            raise InvalidInput(f"Hash value {text} is invalid", code="InvalidHashValue")
    elif indicator_type == "IpAddress":
        if not valid_ip(text):
            raise InvalidInput(
                f"IP address {text} is invalid (single addresses only, no CIDR ranges)",
                code="InvalidIpAddress",
            )
    elif indicator_type == "DomainName":
        if not valid_domain(text):
            raise InvalidInput(f"Domain name {text} is invalid", code="InvalidDomainName")
    elif not valid_url(text):
        raise InvalidInput(f"URL {text} is invalid", code="InvalidUrl")


def _flag(body: Mapping[str, Any], name: str) -> bool:
    """`generateAlert`: a JSON boolean, or "true"/"false" as the docs call it an enum."""
    found = body.get(name)
    if found is None:
        return False
    if isinstance(found, bool):
        return found
    if isinstance(found, str) and found.strip().lower() in ("true", "false"):
        return found.strip().lower() == "true"
    raise InvalidInput(f"Invalid input {name}: expected true or false", code="InvalidInput")


def _group_names(body: Mapping[str, Any]) -> tuple[str, ...]:
    found = body.get("rbacGroupNames")
    if found is None:
        return ()
    if isinstance(found, str):
        found = found.split(",")
    if not isinstance(found, list) or not all(isinstance(name, str) for name in found):
        raise InvalidInput(
            "Invalid input rbacGroupNames: a list of device group names", code="InvalidInput"
        )
    return tuple(dict.fromkeys(name.strip() for name in found if name.strip()))


def _expiration(body: Mapping[str, Any], now: datetime) -> str | None:
    found = value(body, "expirationTime", required=False)
    if found is None:
        return None
    try:
        moment = datetime.fromisoformat(found)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # an offset can push year 9999 past the end
        raise InvalidInput(
            f"Invalid input expirationTime: '{found}' is not a date and time", code="InvalidInput"
        ) from exc
    if moment <= now:
        raise InvalidInput(
            f"Invalid input expirationTime: {found} is not in the future", code="InvalidInput"
        )
    return format_wire_datetime(moment)


def _action(body: Mapping[str, Any], indicator_type: str, generate_alert: bool) -> str:
    action: str = value(body, "action", choices=INDICATOR_ACTIONS)
    if action in RETIRED_ACTIONS:
        raise InvalidInput(
            f"Invalid input action: {action} is no longer supported; use Audit with "
            "generateAlert, Block, BlockAndRemediate, Warn or Allowed",
            code="InvalidInput",
        )
    if action == "Audit" and not generate_alert:
        raise InvalidInput(
            "Invalid input generateAlert: it must be true for an indicator with action Audit",
            code="InvalidInput",
        )
    if action == "BlockAndRemediate" and indicator_type not in FILE_TYPES:
        raise InvalidInput(
            f"Invalid input action: BlockAndRemediate does not apply to {indicator_type} "
            "indicators",
            code="InvalidInput",
        )
    return action


def _educate_url(body: Mapping[str, Any]) -> None:
    found = value(body, "educateUrl", required=False)
    if found is not None and not valid_url(found):
        raise InvalidInput(f"URL {found} is invalid", code="InvalidUrl")


def parse_indicator(body: Mapping[str, Any], now: datetime) -> IndicatorInput:
    """A checked indicator, or InvalidInput with the service's code."""
    indicator_value: str = value(body, "indicatorValue").strip()
    indicator_type: str = value(body, "indicatorType", choices=INDICATOR_TYPES)
    check_value(indicator_type, indicator_value)
    generate_alert = _flag(body, "generateAlert")
    action = _action(body, indicator_type, generate_alert)
    _educate_url(body)
    return IndicatorInput(
        indicator_value=indicator_value,
        indicator_type=indicator_type,
        action=action,
        title=value(body, "title"),
        description=value(body, "description"),
        application=value(body, "application", required=False),
        expiration_time=_expiration(body, now),
        severity=value(body, "severity", required=False, choices=INDICATOR_SEVERITIES),
        recommended_actions=value(body, "recommendedActions", required=False),
        rbac_group_names=_group_names(body),
        generate_alert=generate_alert,
    )
