"""Would a token be allowed to call an operation? Read from the catalog, the same table the
emulator enforces, so the answer matches what the service will do."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from mdekit.catalog.endpoints import ENDPOINTS, Endpoint, find_operation, match, operations
from mdekit.catalog.permissions import DEFENDER, find_permission, suggest_permission
from mdekit.client.errors import ConfigurationError


def resolve_operation(text: str) -> Endpoint:
    """An operation name (`alerts.update`) or `METHOD /path` (`POST /api/machines/{id}/isolate`)."""
    spec = text.strip()
    method, _, path = spec.partition(" ")
    if path.strip().startswith("/"):
        found = match(method, path.strip())
        if found is None:
            raise ConfigurationError(
                f"no documented endpoint answers {method.upper()} {path.strip()}",
                hint="check the method and path, or name the operation "
                "(see `mdekit token check --help`)",
            )
        return found[0]
    endpoint = find_operation(spec)
    if endpoint is None:
        close = difflib.get_close_matches(spec, operations(), n=3, cutoff=0.5)
        raise ConfigurationError(
            f"unknown operation {spec!r}"
            + (f"; did you mean {', '.join(close)}?" if close else ""),
            hint="operations are named like alerts.list, machines.isolate, hunting.run",
        )
    return endpoint


def resolve_role(name: str) -> str:
    found = find_permission(name)
    if found is None:
        suggestion = suggest_permission(name)
        raise ConfigurationError(
            f"unknown permission {name!r}"
            + (f" -> did you mean {suggestion}?" if suggestion else "")
        )
    return found[1].value


@dataclass(frozen=True)
class Finding:
    subject: str
    """What was checked: an operation or a required role."""
    ok: bool
    needs_any: tuple[str, ...]

    def describe(self) -> str:
        wanted = " or ".join(self.needs_any)
        return (
            f"{self.subject} needs {wanted}" if self.needs_any else f"{self.subject} needs no role"
        )


@dataclass(frozen=True)
class AccessReport:
    token_roles: tuple[str, ...]
    audience_ok: bool
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return self.audience_ok and all(f.ok for f in self.findings)

    @property
    def missing(self) -> tuple[str, ...]:
        """One role per failed finding: the first it accepts (the least privileged first)."""
        return tuple(f.needs_any[0] for f in self.findings if not f.ok and f.needs_any)


def check_access(
    token_roles: Sequence[str],
    *,
    operations_: Sequence[str] = (),
    require: Sequence[str] = (),
    audience: str | None = None,
) -> AccessReport:
    have = {r.lower() for r in token_roles}
    findings = []
    for text in operations_:
        endpoint = resolve_operation(text)
        accepted = endpoint.roles
        ok = not accepted or any(role.lower() in have for role in accepted)
        findings.append(Finding(f"{endpoint.operation} ({endpoint.describe()})", ok, accepted))
    for name in require:
        role = resolve_role(name)
        findings.append(Finding(f"--require {role}", role.lower() in have, (role,)))
    audience_ok = audience is None or DEFENDER.matches(audience)
    return AccessReport(tuple(token_roles), audience_ok, tuple(findings))


def all_operations() -> tuple[Endpoint, ...]:
    return ENDPOINTS
