"""`mdekit app ...`: app registrations through Microsoft Graph (or the emulator's Graph).

Against the real cloud the caller needs the Graph application permissions
Application.ReadWrite.All (registrations, secrets, certificates) and
AppRoleAssignment.ReadWrite.All (admin consent), or a user with the Application
Administrator / Privileged Role Administrator role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from mdekit.cli.common import err, out, settings
from mdekit.cli.output import Format, write_json, write_records

if TYPE_CHECKING:
    from mdekit.client.graph import GraphClient

app = typer.Typer(
    help="Register and manage the Entra ID app that calls the Defender API.", no_args_is_help=True
)
permission_app = typer.Typer(help="Add or remove application permissions.", no_args_is_help=True)
consent_app = typer.Typer(help="Grant or revoke admin consent.", no_args_is_help=True)
app.add_typer(permission_app, name="permission")
app.add_typer(consent_app, name="consent")

TenantOpt = Annotated[
    str | None,
    typer.Option(
        "--tenant",
        help="Act in this tenant (default AZURE_TENANT_ID), with a credential valid there.",
    ),
]
OutputOpt = Annotated[str, typer.Option("--output", help="text or json.")]
ClientIdArg = Annotated[str, typer.Argument(help="The app's Application (client) ID.")]


def graph_client(tenant: str | None = None) -> GraphClient:
    from mdekit.client.graph import GraphClient

    return GraphClient(settings=settings(tenant))


@app.command("create")
def create(
    name: Annotated[str, typer.Option("--name", help="Display name of the new app.")],
    permission: Annotated[
        list[str] | None,
        typer.Option(
            "--permission", "-p", help="Application permission, e.g. Alert.Read.All (repeatable)."
        ),
    ] = None,
    grant_consent: Annotated[
        bool, typer.Option("--grant-consent", help="Grant admin consent for the permissions now.")
    ] = False,
    secret: Annotated[
        bool | None,
        typer.Option(
            "--secret/--no-secret", help="Add a client secret (default: yes, unless --certificate)."
        ),
    ] = None,
    certificate: Annotated[
        str | None,
        typer.Option(
            "--certificate", help="PEM file whose public certificate becomes the app's credential."
        ),
    ] = None,
    multi_tenant: Annotated[
        bool,
        typer.Option(
            "--multi-tenant", help="Accounts in any organizational directory (for partners)."
        ),
    ] = False,
    output: OutputOpt = "text",
    tenant: TenantOpt = None,
) -> None:
    """Register an app, add application permissions, optionally grant admin consent, and add
    a client secret or certificate: the guide's portal steps in one command.

    Example:
      mdekit app create --name soc-bot -p Alert.Read.All -p Machine.Isolate \\
        --grant-consent --output json
    """
    from mdekit.client.apps import create_app, resolve_permissions

    resolve_permissions(permission or [])  # fail on a typo before anything is created
    with graph_client(tenant) as graph:
        created = create_app(
            graph,
            name,
            permission or [],
            grant_consent=grant_consent,
            multi_tenant=multi_tenant,
            secret=secret if secret is not None else certificate is None,
            certificate_path=certificate,
        )
    if output == "json":
        write_json(created.as_dict())
        return
    out.print(f"[bold]Registered[/] {created.display_name}")
    out.print(f"  Application (client) ID  {created.client_id}")
    out.print(f"  Directory (tenant) ID    {created.tenant_id}")
    out.print(f"  Object ID                {created.object_id}")
    out.print(
        f"  Permissions              {', '.join(created.permissions) or '(none)'}"
        + (
            "  [green](admin consent granted)[/]"
            if created.consented
            else "  [yellow](not consented: mdekit app consent grant)[/]"
        )
    )
    if created.certificate_thumbprint:
        out.print(f"  Certificate thumbprint   {created.certificate_thumbprint}")
    if created.client_secret:
        out.print(f"  Client secret            {created.client_secret}")
        err.print("[yellow]The secret value is shown once; store it now (e.g. in a vault).[/]")


@app.command("list")
def list_apps(
    fmt: Annotated[Format, typer.Option("--format", "-o")] = Format.table, tenant: TenantOpt = None
) -> None:
    """App registrations of the tenant."""
    from mdekit.client.apps import app_summary

    with graph_client(tenant) as graph:
        rows = [app_summary(a) for a in graph.applications()]
    for row in rows:
        row["permissions"] = ", ".join(row["permissions"])
    write_records(
        rows,
        fmt,
        columns=("client_id", "display_name", "sign_in_audience", "permissions"),
        title="App registrations",
        console=out,
    )


@app.command("show")
def show(client_id: ClientIdArg, tenant: TenantOpt = None) -> None:
    """One registration: permissions, secrets (hints only), certificates, redirect URIs."""
    from mdekit.client.apps import app_summary

    with graph_client(tenant) as graph:
        write_json(app_summary(graph.application_by_app_id(client_id)))


@app.command("delete")
def delete(client_id: ClientIdArg, tenant: TenantOpt = None) -> None:
    """Delete a registration (its service principals and consent go with it)."""
    with graph_client(tenant) as graph:
        graph.delete_application(graph.application_by_app_id(client_id)["id"])
    out.print(f"deleted {client_id}")


@permission_app.command("add")
def permission_add(
    client_id: ClientIdArg,
    permission: Annotated[list[str], typer.Argument(help="Permissions, e.g. Machine.Isolate.")],
    tenant: TenantOpt = None,
) -> None:
    """Ask for more application permissions (then: mdekit app consent grant)."""
    from mdekit.client.apps import change_permissions

    with graph_client(tenant) as graph:
        now = change_permissions(graph, client_id, add=permission)
    out.print(f"permissions: {', '.join(now)}")
    err.print("[yellow]Grant admin consent for them: mdekit app consent grant " + client_id + "[/]")


@permission_app.command("remove")
def permission_remove(
    client_id: ClientIdArg,
    permission: Annotated[list[str], typer.Argument()],
    tenant: TenantOpt = None,
) -> None:
    """Stop asking for permissions (granted consent stays until revoked)."""
    from mdekit.client.apps import change_permissions

    with graph_client(tenant) as graph:
        now = change_permissions(graph, client_id, remove=permission)
    out.print(f"permissions: {', '.join(now) or '(none)'}")


@consent_app.command("grant")
def consent_grant(
    client_id: ClientIdArg,
    tenant: TenantOpt = None,
    permission: Annotated[
        list[str] | None,
        typer.Option(
            "--permission",
            "-p",
            help="Roles to grant when the registration cannot be read (a customer tenant).",
        ),
    ] = None,
) -> None:
    """Grant admin consent for the app's permissions, in its home tenant or in --tenant."""
    from mdekit.client.apps import grant_consent

    with graph_client() as home:
        if tenant is None:
            granted = grant_consent(home, client_id, permissions=permission or ())
        else:
            with graph_client(tenant) as target:
                granted = grant_consent(home, client_id, target, permissions=permission or ())
    out.print(f"granted: {', '.join(granted) or '(nothing requested)'}")
    err.print("[dim]New tokens carry the roles; tokens already issued do not.[/]")


@consent_app.command("revoke")
def consent_revoke(
    client_id: ClientIdArg,
    tenant: TenantOpt = None,
    permission: Annotated[
        list[str] | None,
        typer.Option("--permission", "-p", help="Only these roles (default: all)."),
    ] = None,
) -> None:
    """Revoke the app's role assignments (all, or the named ones) in a tenant."""
    from mdekit.client.apps import revoke_consent

    with graph_client(tenant) as graph:
        revoked = revoke_consent(graph, client_id, permission or ())
    out.print(f"revoked {len(revoked)} role assignment(s)")


@app.command("consent-url")
def consent_url_cmd(
    client_id: Annotated[str, typer.Option("--client-id", help="The app's client ID.")],
    tenant: Annotated[
        str | None,
        typer.Option(
            "--tenant",
            help="One customer tenant (v2 adminconsent); default: the guide's link for any tenant.",
        ),
    ] = None,
    redirect_uri: Annotated[
        str | None, typer.Option("--redirect-uri", help="A reply URL registered on the app.")
    ] = None,
) -> None:
    """The link a customer's admin opens to consent to a multi-tenant app (partners)."""
    from mdekit.client.apps import consent_url

    current = settings()
    typer.echo(
        consent_url(current.authority, client_id, tenant, current.defender_scope, redirect_uri)
    )
