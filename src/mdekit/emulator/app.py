"""`create_app(config)`: the emulator as one ASGI app. Nothing happens at import time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine

from mdekit.emulator import openapi, seeding
from mdekit.emulator.admin import ensure_admin_key
from mdekit.emulator.bootstrap import DevCredentials, bootstrap
from mdekit.emulator.config import EmulatorConfig
from mdekit.emulator.console import consent_routes
from mdekit.emulator.console import routes as console_routes
from mdekit.emulator.console.consent_routes import ConsoleServices
from mdekit.emulator.control import routes as control_routes
from mdekit.emulator.control.routes import ControlServices
from mdekit.emulator.control.runtime import Runtime
from mdekit.emulator.control.service import Control
from mdekit.emulator.control.shared_faults import SharedFaults
from mdekit.emulator.control.shared_state import SharedState, quota_switch
from mdekit.emulator.defender import downloads as download_routes
from mdekit.emulator.defender import routes as defender_routes
from mdekit.emulator.defender.context import DefenderServices
from mdekit.emulator.defender.hunting_source import build_hunting_tables, hunting_meta
from mdekit.emulator.domain.clock import Clock
from mdekit.emulator.domain.throttle import CounterStore, Limiter
from mdekit.emulator.faults import FaultMiddleware
from mdekit.emulator.graph import routes as graph_routes
from mdekit.emulator.graph.routes import GraphServices
from mdekit.emulator.graph.service import GraphDirectory
from mdekit.emulator.hunting.service import HuntingService
from mdekit.emulator.hunting.store import HuntingStore
from mdekit.emulator.identity import routes as identity_routes
from mdekit.emulator.identity.consent import ConsentService
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.identity.keys import KeyRing
from mdekit.emulator.identity.services import IdentityServices
from mdekit.emulator.identity.token_service import TokenService, TokenSettings
from mdekit.emulator.journal import JournalMiddleware, JournalWriter
from mdekit.emulator.limits import BodyLimit
from mdekit.emulator.middleware import CollapseSlashes, FastLane
from mdekit.emulator.store.counters import RedisCounters, SqlCounters
from mdekit.emulator.store.db import ensure_schema, open_engine
from mdekit.emulator.store.defender_repo import DefenderRepository
from mdekit.emulator.store.entity_repo import EntityRepository
from mdekit.emulator.store.identity_repo import IdentityRepository
from mdekit.emulator.store.locks import startup_lock
from mdekit.emulator.store.records import Tenant
from mdekit.emulator.store.runtime_repo import RuntimeRepository


@dataclass
class Emulator:
    """Everything one emulator process holds, for the CLI, tests and the control API."""

    config: EmulatorConfig
    engine: Engine
    clock: Clock
    identity: IdentityServices
    defender: DefenderServices
    dev: DevCredentials
    control: Control
    runtime: Runtime
    admin_key: str

    def close(self) -> None:
        self.runtime.shared.close()
        if self.defender.hunting is not None:
            self.defender.hunting.store.close()
        self.runtime.journal.close()
        store = self.defender.limiter.store
        if isinstance(store, RedisCounters):
            store.close()
        self.engine.dispose()


def _identity(config: EmulatorConfig, engine: Engine) -> IdentityServices:
    clock = Clock()
    repo = IdentityRepository(engine)
    keys = KeyRing(repo)
    keys.ensure(clock.now())
    directory = Directory(repo, clock)
    tokens = TokenService(
        directory, keys, clock, TokenSettings(lifetime_seconds=config.token_lifetime_seconds)
    )
    return IdentityServices(repo, clock, keys, directory, tokens)


def _counters(config: EmulatorConfig, engine: Engine) -> CounterStore:
    """Quota counters every process on the database shares: Redis when given, else the
    database itself."""
    if config.redis_url:
        instance = IdentityRepository(engine).setting("instance_id") or "default"
        return RedisCounters.from_url(config.redis_url, instance)
    return SqlCounters(engine)


def build(config: EmulatorConfig) -> Emulator:
    config.state_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(config.database_url, migrate_now=False)
    # Processes starting at once on one database take turns to migrate it and make the
    # first tenant, the dev app and the first signing key. Migrating inside the turn
    # matters on SQLite: outside it, a process's migration waited on SQLite's 10 s busy
    # timeout while another seeded in many short transactions, and lost (seen once under
    # load: "database is locked" at start-up).
    with startup_lock(engine):
        ensure_schema(engine)
        identity = _identity(config, engine)
        admin_key = ensure_admin_key(config.state_dir)
        clock = identity.clock
        runtime_repo = RuntimeRepository(engine)
        faults = SharedFaults(runtime_repo)
        counters = _counters(config, engine)
        defender = DefenderServices(
            identity,
            DefenderRepository(engine),
            EntityRepository(engine),
            clock,
            limiter=Limiter(counters, enabled=config.quotas is not False),
            file_secret=hashlib.sha256(f"files|{admin_key}".encode()).hexdigest(),
        )
        shared = SharedState(
            runtime_repo,
            clock=clock,
            limiter=defender.limiter,
            actions=defender.actions,
            tokens=identity.tokens,
            keys=identity.keys,
            reload_faults=faults.reload,
            default_lifetime=config.token_lifetime_seconds,
            sync_seconds=config.sync_seconds,
            housekeeping=counters.prune if isinstance(counters, SqlCounters) else None,
        )
        shared.refresh()
        if config.quotas is not None:
            shared.change("quotas", quota_switch(defender.limiter, config.quotas, None))

        def reseed(tenant: Tenant, overrides: dict[str, int]) -> dict[str, Any]:
            sizes = {"seed": config.seed, "machines": config.machines, "alerts": config.alerts}
            sizes.update(overrides)
            world = seeding.seed_tenant(engine, tenant, now=clock.now(), **sizes)
            return {
                "tenant": tenant.id,
                "machines": len(world.machines),
                "alerts": len(world.alerts),
                "seed": sizes["seed"],
            }

        dev = bootstrap(config, identity.directory, lambda tenant: reseed(tenant, {}))
    defender.hunting = HuntingService(
        HuntingStore(config.state_dir / "hunting", build_hunting_tables),
        defender.limiter,
        meta=lambda tenant_id: hunting_meta(defender, tenant_id, config.events),
    )
    control = Control(
        identity,
        seed_tenant=lambda tenant: reseed(tenant, {}),
        dev_app_id=dev.client_id,
        shared=shared,
    )
    runtime = Runtime(
        defender=defender,
        shared=shared,
        faults=faults,
        journal=JournalWriter(engine),
        reseed=reseed,
        tenants=identity.repo.tenants,
        tenant=control.tenant,
    )
    shared.start()
    return Emulator(config, engine, clock, identity, defender, dev, control, runtime, admin_key)


def create_app(config: EmulatorConfig, emulator: Emulator | None = None) -> FastAPI:
    emulator = emulator or build(config)
    app = FastAPI(
        title="mdekit emulator",
        description="Entra ID token service, Microsoft Graph subset and Defender for Endpoint API",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # No OpenTelemetry here: without this FastAPI asks the providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.emulator = emulator
    app.state.identity = emulator.identity
    app.state.defender = emulator.defender
    app.state.graph = GraphServices(
        emulator.identity,
        GraphDirectory(emulator.identity.directory),
        hunting=emulator.defender.hunting,
        limiter=emulator.defender.limiter,
    )
    app.state.control = ControlServices(
        emulator.control, emulator.runtime, emulator.admin_key, config.loopback_admin
    )
    app.state.console = ConsoleServices(
        ConsentService(emulator.identity.directory),
        emulator.admin_key,
        config.loopback_admin,
        defender=emulator.defender,
        graph=app.state.graph.directory,
        journal=lambda: emulator.runtime.journal,
    )
    app.include_router(control_routes.router)
    app.include_router(openapi.router)
    app.include_router(consent_routes.router)
    app.include_router(console_routes.router)
    app.include_router(defender_routes.router)
    app.include_router(download_routes.router)
    app.include_router(graph_routes.router)
    app.include_router(identity_routes.router)
    # Added innermost first: slashes are collapsed before the journal and faults see the path,
    # and the fast lane sits under both, so they still see every request it serves.
    app.add_middleware(
        FastLane,
        fastapi_app=app,
        fast_endpoints=(
            defender_routes.defender_api,
            identity_routes.token_v1,
            identity_routes.token_v2,
        ),
    )
    # Bodies over the path's limit get 413 before any handler reads them.
    app.add_middleware(BodyLimit)
    app.add_middleware(FaultMiddleware, registry=emulator.runtime.faults)
    app.add_middleware(
        JournalMiddleware, writer=lambda: emulator.runtime.journal, clock=emulator.clock.timestamp
    )
    app.add_middleware(CollapseSlashes)
    return app
