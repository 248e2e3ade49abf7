"""Resolving the `{tenant}` segment of an identity URL: a GUID, a verified domain, or one
of the multi-tenant aliases."""

from __future__ import annotations

import re
from typing import Protocol

from mdekit.emulator.identity import aadsts
from mdekit.emulator.store.records import Tenant

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DNS_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
ALIASES = frozenset({"common", "organizations", "consumers"})


def is_guid(value: str) -> bool:
    return bool(GUID.match(value))


def is_dns_name(value: str) -> bool:
    labels = value.split(".")
    return len(value) <= 253 and len(labels) >= 2 and all(_DNS_LABEL.match(x) for x in labels)


class TenantReader(Protocol):
    """Where tenants are looked up: the repository, or the cached directory."""

    def tenant(self, tenant_id: str) -> Tenant | None: ...
    def tenant_by_domain(self, domain: str) -> Tenant | None: ...


def resolve_tenant(repo: TenantReader, segment: str) -> Tenant:
    """The tenant a path names, or the AADSTS error Entra gives for it."""
    if is_guid(segment):
        tenant = repo.tenant(segment.lower())
    elif segment.lower() in ALIASES:
        raise aadsts.tenant_required(segment.lower())
    elif is_dns_name(segment):
        tenant = repo.tenant_by_domain(segment)
    else:
        raise aadsts.malformed_tenant(segment)
    if tenant is None:
        raise aadsts.tenant_not_found(segment)
    return tenant
