"""Where a tenant's vulnerability-management data comes from.

Seeding stores the small TVM collections that `$filter` must reach (software, CVEs,
recommendations, remediation tasks, baselines, machine-CVE rows, antivirus health) as
JSON entities, one kind each (`tvm_documents`). Everything else (per-device lists,
per-entity lookups, the large exports) is derived on demand from `generate_tvm(world)`,
the world being regenerated from the parameters seeding kept in the entity `meta/world`:
the generator is deterministic, so the same parameters give the same bytes.

The regenerated world and its TVM side are memoized per parameter set (`tenant_world`):
a pure function of immutable inputs, so the cache is not state in the sense of data
that could disagree with the store, only saved work. A reseed changes the parameters
(its `now` at least) and so the key."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.world import Tvm, World, generate_tvm, generate_world

KIND_SOFTWARE = "tvm_software"
KIND_VULNERABILITIES = "tvm_vulnerabilities"
KIND_RECOMMENDATIONS = "tvm_recommendations"
KIND_REMEDIATION_TASKS = "tvm_remediation_tasks"
KIND_MACHINE_VULNERABILITIES = "tvm_machine_vulnerabilities"
KIND_BASELINE_PROFILES = "tvm_baseline_profiles"
KIND_BASELINE_CONFIGURATIONS = "tvm_baseline_configurations"
KIND_EXTENSION_PERMISSIONS = "tvm_extension_permissions"
KIND_AV_HEALTH = "tvm_av_health"

CACHED_WORLDS = 4
"""Worlds kept in memory at once; each is a few MB per thousand devices."""

Triple = tuple[str, str, Any]
"""(parent, id, document) as `EntityRepository.add` takes them."""


@dataclass(frozen=True)
class WorldKey:
    """Everything `generate_world` needs to rebuild a tenant's world exactly."""

    tenant_id: str
    seed: int | str
    now: str
    """ISO 8601, as seeding wrote it (microseconds kept)."""
    machines: int
    alerts: int
    domain: str

    def fingerprint(self) -> str:
        """A short stable text naming this world (for the keys of export files)."""
        return json.dumps(
            [self.tenant_id, self.seed, self.now, self.machines, self.alerts, self.domain],
            separators=(",", ":"),
        )


def world_domain(default_domain: str) -> str:
    """The mail domain a tenant's world uses ("contoso.onmicrosoft.com" -> "contoso.com")."""
    return default_domain.split(".")[0] + ".com"


def world_meta(world: World) -> dict[str, Any]:
    """The `meta/world` document seeding stores."""
    return {
        "seed": world.seed,
        "now": world.now.isoformat(),
        "machines": len(world.machines),
        "alerts": len(world.alerts),
        "domain": world.domain,
    }


def world_key(services: DefenderServices, tenant_id: str) -> WorldKey:
    """The parameters of the tenant's stored world; an empty world when none was seeded."""
    stored = services.entities.get(tenant_id, "meta", "world")
    meta: dict[str, Any] = json.loads(stored) if stored else {}
    domain = meta.get("domain")
    if not isinstance(domain, str):
        # Worlds stored before the domain was kept used the tenant's default domain.
        tenant = services.identity.repo.tenant(tenant_id)
        domain = world_domain(tenant.default_domain) if tenant else "contoso.com"
    return WorldKey(
        tenant_id=tenant_id,
        seed=meta.get("seed", 1),
        now=str(meta.get("now") or datetime(2000, 1, 1, tzinfo=UTC).isoformat()),
        machines=int(meta.get("machines", 0)),
        alerts=int(meta.get("alerts", 0)),
        domain=domain,
    )


@lru_cache(maxsize=CACHED_WORLDS)
def _generated(key: WorldKey) -> tuple[World, Tvm]:
    world = generate_world(
        tenant_id=key.tenant_id,
        seed=key.seed,
        now=datetime.fromisoformat(key.now),
        machines=key.machines,
        alerts=key.alerts,
        domain=key.domain,
    )
    return world, generate_tvm(world)


def regenerate(key: WorldKey) -> tuple[World, Tvm]:
    """The world and TVM side of a parameter set (memoized: see the module's note)."""
    return _generated(key)


def tenant_world(services: DefenderServices, tenant_id: str) -> tuple[WorldKey, World, Tvm]:
    """The tenant's world and its TVM side, regenerated once per parameter set."""
    key = world_key(services, tenant_id)
    world, tvm = _generated(key)
    return key, world, tvm


def tenant_tvm(services: DefenderServices, tenant_id: str) -> Tvm:
    return tenant_world(services, tenant_id)[2]


# -- what seeding stores -------------------------------------------------------------------


def _numbered(items: Iterable[dict[str, Any]]) -> Iterator[Triple]:
    """Rows without a short unique id get their position (ids are at most 200 characters)."""
    for index, item in enumerate(items):
        yield "", f"{index:09d}", item


def _by_id(items: Iterable[dict[str, Any]]) -> Iterator[Triple]:
    for item in items:
        yield "", str(item["id"]), item


def tvm_documents(tvm: Tvm) -> Iterator[tuple[str, Iterable[Triple]]]:
    """(kind, entities) for every TVM collection the API filters and pages in SQL."""
    yield KIND_SOFTWARE, _by_id(tvm.software)
    yield KIND_VULNERABILITIES, _by_id(tvm.vulnerabilities)
    yield KIND_RECOMMENDATIONS, _by_id(tvm.recommendations)
    yield KIND_REMEDIATION_TASKS, _by_id(tvm.remediation_tasks)
    yield KIND_MACHINE_VULNERABILITIES, _numbered(tvm.machine_vulnerability_rows())
    yield KIND_BASELINE_PROFILES, _by_id(tvm.baseline_profiles)
    yield KIND_BASELINE_CONFIGURATIONS, _numbered(tvm.baseline_configurations)
    yield KIND_EXTENSION_PERMISSIONS, _numbered(tvm.browser_extension_permissions)
    yield KIND_AV_HEALTH, _numbered(tvm.av_health_rows())
