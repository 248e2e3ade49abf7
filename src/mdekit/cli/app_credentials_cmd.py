"""`mdekit app secret ...` and `mdekit app certificate ...`: an app's credentials."""

from __future__ import annotations

from typing import Annotated

import typer

from mdekit.cli.app_cmd import ClientIdArg, OutputOpt, TenantOpt, graph_client
from mdekit.cli.common import err, out
from mdekit.cli.output import Format, write_json, write_records

secret_app = typer.Typer(
    help="Client secrets: add, list, remove (rotation without downtime).", no_args_is_help=True
)
certificate_app = typer.Typer(help="Certificates: add, list, remove.", no_args_is_help=True)


@secret_app.command("add")
def secret_add(
    client_id: ClientIdArg,
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            help="Lifetime (90d, 12w, 6m, 1y) or end date (2027-01-31); default 2 years.",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Description shown beside the hint.")
    ] = None,
    output: OutputOpt = "text",
    tenant: TenantOpt = None,
) -> None:
    """Add a secret; its value is shown once. Rotate by adding a new one, switching to it,
    then removing the old one."""
    from mdekit.client.apps import parse_expiry

    end = parse_expiry(expires) if expires else None
    with graph_client(tenant) as graph:
        app_object = graph.application_by_app_id(client_id)
        added = graph.add_password(app_object["id"], name, end)
    result = {
        "secret_id": added["keyId"],
        "client_secret": added["secretText"],
        "end_date": added["endDateTime"],
        "hint": added.get("hint"),
    }
    if output == "json":
        write_json(result)
        return
    out.print(f"secret id  {result['secret_id']}")
    out.print(f"value      {result['client_secret']}")
    out.print(f"expires    {result['end_date']}")
    err.print("[yellow]The value is shown once; store it now.[/]")


@secret_app.command("list")
def secret_list(
    client_id: ClientIdArg,
    fmt: Annotated[Format, typer.Option("--format", "-o")] = Format.table,
    tenant: TenantOpt = None,
) -> None:
    """The app's secrets: id, hint (first characters), end date. Never the values."""
    from mdekit.client.apps import app_summary

    with graph_client(tenant) as graph:
        rows = app_summary(graph.application_by_app_id(client_id))["secrets"]
    write_records(
        rows,
        fmt,
        columns=("secret_id", "hint", "display_name", "end_date"),
        title="Client secrets",
        console=out,
    )


@secret_app.command("remove")
def secret_remove(
    client_id: ClientIdArg,
    secret_id: Annotated[str, typer.Argument(help="The secret's id (from list).")],
    tenant: TenantOpt = None,
) -> None:
    """Remove a secret: tokens can no longer be requested with it."""
    with graph_client(tenant) as graph:
        graph.remove_password(graph.application_by_app_id(client_id)["id"], secret_id)
    out.print(f"removed secret {secret_id}")


@certificate_app.command("add")
def certificate_add(
    client_id: ClientIdArg,
    pem: Annotated[
        str,
        typer.Argument(help="PEM file with the certificate (a private key in it is not uploaded)."),
    ],
    name: Annotated[str | None, typer.Option("--name")] = None,
    output: OutputOpt = "text",
    tenant: TenantOpt = None,
) -> None:
    """Upload a certificate's public part as a credential of the app."""
    from mdekit.client.apps import add_certificate

    with graph_client(tenant) as graph:
        added = add_certificate(graph, client_id, pem, name)
    result = {
        "key_id": added["keyId"],
        "thumbprint": added.get("customKeyIdentifier"),
        "end_date": added.get("endDateTime"),
    }
    if output == "json":
        write_json(result)
    else:
        out.print(f"added certificate {result['thumbprint']} (key id {result['key_id']})")


@certificate_app.command("list")
def certificate_list(
    client_id: ClientIdArg,
    fmt: Annotated[Format, typer.Option("--format", "-o")] = Format.table,
    tenant: TenantOpt = None,
) -> None:
    from mdekit.client.apps import app_summary

    with graph_client(tenant) as graph:
        rows = app_summary(graph.application_by_app_id(client_id))["certificates"]
    write_records(
        rows,
        fmt,
        columns=("key_id", "thumbprint", "display_name", "end_date"),
        title="Certificates",
        console=out,
    )


@certificate_app.command("remove")
def certificate_remove(
    client_id: ClientIdArg, key_id: Annotated[str, typer.Argument()], tenant: TenantOpt = None
) -> None:
    from mdekit.client.apps import remove_certificate

    with graph_client(tenant) as graph:
        remove_certificate(graph, client_id, key_id)
    out.print(f"removed certificate {key_id}")
