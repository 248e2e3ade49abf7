"""`mdekit demo`: Microsoft's "Create an app to access Microsoft Defender for Endpoint
without a user", end to end, against an emulator started in this process."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.panel import Panel

from mdekit.catalog.permissions import DEFENDER
from mdekit.cli.common import out
from mdekit.cli.output import Format, write_records
from mdekit.client import Client, Forbidden
from mdekit.client.graph import GraphClient, required_resource_access
from mdekit.client.jwt_info import decode
from mdekit.client.settings import Settings, load_settings
from mdekit.client.token_endpoint import request_token

if TYPE_CHECKING:
    from mdekit.emulator.bootstrap import DevCredentials


def _step(number: int, title: str, detail: str = "") -> None:
    out.print()
    out.print(f"[bold cyan]Step {number}.[/] [bold]{title}[/]")
    if detail:
        out.print(f"  [dim]{detail}[/]")


def _short(token: str) -> str:
    return f"{token[:24]}…({len(token)} characters)"


def _settings(url: str, bundle: str, tenant: str, client_id: str, secret: str) -> Settings:
    return load_settings(
        api_url=url,
        graph_url=url,
        authority=url,
        tenant_id=tenant,
        client_id=client_id,
        client_secret=secret,
        ca_bundle=bundle,
        environ={},
    )


def run_demo(machines: int = 25, alerts: int = 60) -> None:
    from mdekit.emulator.config import EmulatorConfig
    from mdekit.emulator.server import RunningEmulator

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mdekit-demo-") as tmp:
        config = EmulatorConfig(state_dir=Path(tmp), machines=machines, alerts=alerts)
        with RunningEmulator(config, record=False) as emulator:
            _narrate(emulator.url, str(emulator.tls.bundle), emulator.emulator.dev)
    out.print()
    out.print(f"[bold green]Done in {time.monotonic() - started:.1f} s.[/] Try it yourself:")
    out.print("  mdekit emulator serve                  # in one shell")
    out.print('  eval "$(mdekit emulator env)"          # in another')
    out.print("  mdekit alerts list")


def _narrate(url: str, bundle: str, dev: DevCredentials) -> None:
    out.print(
        Panel.fit(
            "Create an app to access Microsoft Defender for Endpoint without a user\n"
            f"[dim]against the mdekit emulator at {url}\n"
            "(Entra ID + Graph + Defender API, on HTTPS)[/]",
            border_style="cyan",
        )
    )
    admin = _settings(url, bundle, dev.tenant_id, dev.client_id, dev.client_secret)
    with GraphClient(settings=admin) as graph:
        _step(
            1,
            "Register an application",
            "POST /v1.0/applications (Entra ID > App registrations > New registration)",
        )
        app = graph.create_application("Defender alerts reader (demo)", [])
        out.print(f"  Application (client) ID: [bold]{app['appId']}[/]")
        out.print(f"  Directory (tenant) ID:   [bold]{dev.tenant_id}[/]")

        _step(
            2,
            "Add the application permission Alert.Read.All on WindowsDefenderATP",
            "PATCH requiredResourceAccess (API permissions > APIs my organization uses > "
            "WindowsDefenderATP)",
        )
        role = DEFENDER.role("Alert.Read.All")
        assert role is not None
        graph.update_application(
            app["id"], {"requiredResourceAccess": required_resource_access([(DEFENDER, role)])}
        )
        out.print(f"  requested {role.value} (app role {role.id})")

        _step(
            3,
            "Grant admin consent",
            "service principal + app role assignment (Grant admin consent for <tenant>)",
        )
        app = graph.application_by_app_id(app["appId"])
        granted = graph.grant_admin_consent(app)
        out.print(f"  granted {len(granted)} role(s) to the app's service principal")

        _step(
            4,
            "Add a client secret",
            "POST addPassword (Certificates & secrets > New client secret); "
            "the value is shown once",
        )
        password = graph.add_password(app["id"], "demo secret")
        secret = password["secretText"]
        out.print(f"  secret id {password['keyId']}, hint {password['hint']}…")
        out.print(f"  expires {password['endDateTime']}")

    settings = _settings(url, bundle, dev.tenant_id, app["appId"], secret)
    _step(
        5,
        "Get a token the v2 way",
        f"POST {url}/{{tenant}}/oauth2/v2.0/token\n"
        f"  grant_type=client_credentials scope={settings.defender_scope}",
    )
    v2 = request_token(settings, "v2")
    out.print(f"  token_type={v2['token_type']} expires_in={v2['expires_in']} (a number)")
    out.print(f"  access_token={_short(v2['access_token'])}")

    _step(
        6,
        "Get a token the v1 way (the guide's urllib sample)",
        f"POST {url}/{{tenant}}/oauth2/token\n"
        f"  resource={settings.defender_scope.removesuffix('/.default')}",
    )
    v1 = request_token(settings, "v1")
    out.print(f"  expires_in={v1['expires_in']!r} expires_on={v1['expires_on']!r}")
    out.print(f"  resource={v1['resource']!r} (v1 answers with strings)")

    _step(7, "Decode the token and check its roles claim")
    token = decode(v2["access_token"])
    for name in ("aud", "iss", "appid", "tid", "roles", "ver"):
        out.print(f"  {name:6} {token.claims.get(name)}")
    assert "Alert.Read.All" in token.roles, "the consented role is missing from the token"
    out.print("  [green]roles contains Alert.Read.All: the app may read alerts[/]")

    with Client(settings=settings) as client:
        _step(
            8,
            "Call the Defender API with Authorization: Bearer",
            "GET /api/alerts?$top=10 (the token is reused for its hour of life)",
        )
        write_records(
            client.alerts.list(top=10),
            Format.table,
            title="Alerts",
            columns=("id", "severity", "status", "title", "computerDnsName"),
            console=out,
        )

        _step(
            9,
            "Call an endpoint that needs a permission the app lacks",
            "GET /api/machines needs Machine.Read.All or Machine.ReadWrite.All",
        )
        try:
            next(iter(client.machines.list(top=1)))
        except Forbidden as exc:
            out.print(f"  [red]{exc.status} {exc.code}[/]: {exc.message}")
            out.print(f"  [yellow]what to do:[/] {exc.hint}")
        else:
            raise AssertionError("the machines call should have been forbidden")
