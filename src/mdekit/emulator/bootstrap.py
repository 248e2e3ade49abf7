"""First start of an emulator state: a tenant, a ready-to-use dev app holding every
WindowsDefenderATP application permission (and the Graph roles to manage apps and hunt),
consented, with a secret; and the tenant's synthetic world.

The dev app's secret is stored hashed like any other; its value is kept only in the state
directory's `dev-app.json` (mode 0600), which is what `mdekit emulator env` reads."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mdekit.catalog.permissions import DEFENDER, GRAPH
from mdekit.emulator.config import EmulatorConfig
from mdekit.emulator.identity.directory import Directory
from mdekit.emulator.store.records import Application, ResourceAccess, Tenant

DEV_APP_NAME = "mdekit-dev"
DEV_GRAPH_ROLES = (
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.Read.All",
    "ThreatHunting.Read.All",
)


@dataclass(frozen=True)
class DevCredentials:
    tenant_id: str
    tenant_domain: str
    client_id: str
    client_secret: str

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2)


def dev_credentials_path(state_dir: Path) -> Path:
    return state_dir / "dev-app.json"


def read_dev_credentials(state_dir: Path) -> DevCredentials | None:
    path = dev_credentials_path(state_dir)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return DevCredentials(**{k: data[k] for k in DevCredentials.__dataclass_fields__})


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _dev_access() -> tuple[ResourceAccess, ...]:
    defender = tuple(role.id for role in DEFENDER.application_roles)
    graph = tuple(role.id for value in DEV_GRAPH_ROLES if (role := GRAPH.role(value)) is not None)
    return (ResourceAccess(DEFENDER.app_id, defender), ResourceAccess(GRAPH.app_id, graph))


def bootstrap(
    config: EmulatorConfig, directory: Directory, seed: Callable[[Tenant], object]
) -> DevCredentials:
    """Make sure the first tenant and the dev app exist; return the dev credentials."""
    tenants = directory.repo.tenants()
    if tenants:
        tenant = tenants[0]
    else:
        tenant = directory.create_tenant(config.tenant_name, domain="contoso.onmicrosoft.com")
        seed(tenant)
    app = _dev_app(directory, tenant)
    saved = read_dev_credentials(config.state_dir)
    if saved is not None and saved.client_id == app.app_id and saved.tenant_id == tenant.id:
        return saved
    # A database without our credentials file (new state dir on a shared database):
    # give this state dir its own secret rather than reading anyone else's.
    secret = directory.add_secret(app, display_name=f"mdekit emulator ({config.state_dir.name})")
    credentials = DevCredentials(tenant.id, tenant.default_domain, app.app_id, secret.value)
    _write_private(dev_credentials_path(config.state_dir), credentials.to_json())
    return credentials


def _dev_app(directory: Directory, tenant: Tenant) -> Application:
    app_id = directory.repo.setting("dev_app_id")
    if app_id:
        found = directory.repo.application_by_app_id(app_id)
        if found is not None:
            return found
    app = directory.register_application(
        tenant.id,
        DEV_APP_NAME,
        sign_in_audience="AzureADMultipleOrgs",
        required_access=_dev_access(),
    )
    directory.grant_admin_consent(tenant.id, app)
    directory.repo.set_setting("dev_app_id", app.app_id)
    return app
