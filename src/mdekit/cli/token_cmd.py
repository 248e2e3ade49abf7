"""`mdekit token ...`: get a token, decode and explain one."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from mdekit.cli.common import err, out, read_stdin_or, settings
from mdekit.cli.errors import CliError, ExitCode
from mdekit.client.jwt_info import (
    CLAIM_MEANINGS,
    HEADER_MEANINGS,
    DecodedToken,
    decode,
    explain_value,
)

app = typer.Typer(help="Get access tokens and look inside them.", no_args_is_help=True)


@app.command("get")
def get(
    v1: Annotated[
        bool,
        typer.Option(
            "--v1",
            help="Use the v1 endpoint with resource= (the guide's urllib sample) "
            "instead of v2 with scope=.",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the token endpoint's JSON answer instead of the bare token."
        ),
    ] = False,
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", help="Tenant to get the token in (default AZURE_TENANT_ID)."),
    ] = None,
) -> None:
    """Get an app-only token for the Defender API with the client-credentials grant and print
    it to stdout (nothing else goes to stdout, so it can be piped).

    Example: mdekit token get | mdekit token decode -
    """
    from mdekit.client.token_endpoint import request_token

    body = request_token(settings(tenant), "v1" if v1 else "v2")
    if as_json:
        out.print_json(json.dumps(body))
    else:
        typer.echo(body["access_token"])


def _print_explained(token: DecodedToken) -> None:
    summary = token.summary()
    roles = summary["roles"]
    out.print(f"[bold]App[/]       {summary['app'] or '?'} (client id {summary['client_id']})")
    out.print(f"[bold]Tenant[/]    {summary['tenant_id']}")
    api = f" ({summary['api']})" if summary["api"] else ""
    out.print(f"[bold]Audience[/]  {summary['audience']}{api}")
    out.print(
        "[bold]Roles[/]     "
        + (
            ", ".join(roles)
            if roles
            else "[yellow]none: no application permission is consented for this API[/]"
        )
    )
    if summary["authenticated_with"]:
        out.print(f"[bold]Signed in[/] with a {summary['authenticated_with']}")
    left = summary["seconds_left"]
    if left is not None:
        state = "[red]expired[/]" if left <= 0 else f"valid for {left // 60} min {left % 60} s"
        out.print(f"[bold]Expires[/]   {summary['expires']} ({state})")
    for title, values, meanings in (
        ("Header", token.header, HEADER_MEANINGS),
        ("Claims", token.claims, CLAIM_MEANINGS),
    ):
        table = Table(title=title, title_justify="left", header_style="bold")
        table.add_column("name")
        table.add_column("value", overflow="fold")
        table.add_column("meaning", style="dim")
        for name, value in values.items():
            style = "bold green" if name == "roles" else ""
            table.add_row(
                name,
                f"[{style}]{explain_value(name, value)}[/]"
                if style
                else explain_value(name, value),
                meanings.get(name, ""),
            )
        out.print(table)


@app.command("decode")
def decode_cmd(
    token: Annotated[
        str | None, typer.Argument(help="The token, or - to read it from stdin.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print header, claims and summary as JSON.")
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Also verify signature, audience, issuer and lifetime against the "
            "issuer's published keys (exit 1 if invalid).",
        ),
    ] = False,
) -> None:
    """Show a token's header and claims, explained: who, which tenant, which roles, when it
    expires. Decoding alone does not prove the token is genuine; add --verify for that."""
    text = read_stdin_or(token)
    if not text:
        raise CliError(
            "no token given",
            code=ExitCode.USAGE,
            hint="pass it as an argument, or pipe it: mdekit token get | mdekit token decode -",
        )
    decoded = decode(text)
    verdict = None
    if verify:
        from mdekit.client.verify import verify_token

        verdict = verify_token(text, settings())
    if as_json:
        payload = {"header": decoded.header, "claims": decoded.claims, "summary": decoded.summary()}
        if verdict is not None:
            payload["verification"] = verdict.as_dict()
        out.print_json(json.dumps(payload))
    else:
        _print_explained(decoded)
        if verdict is not None:
            colour = "green" if verdict.valid else "red"
            out.print(
                f"[bold {colour}]{'valid' if verdict.valid else 'INVALID'}[/]: {verdict.detail}"
            )
    if verdict is not None and not verdict.valid:
        err.print(f"[red]token is not valid:[/] {verdict.detail}")
        raise typer.Exit(ExitCode.FAILURE)


@app.command("check")
def check(
    operation: Annotated[
        list[str] | None,
        typer.Option(
            "--for",
            help='Operation (alerts.update, machines.isolate) or "METHOD /api/path"; repeatable.',
        ),
    ] = None,
    require: Annotated[
        list[str] | None, typer.Option("--require", help="A role the token must carry; repeatable.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="The token to check (default: get one with the current credentials; "
            "- reads stdin).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Would this token be allowed? Exit 0 if it carries a role every named operation accepts
    (and every --require role); otherwise exit 1 with the missing roles and how to fix it.

    Examples:
      mdekit token check --for alerts.update
      mdekit token check --for "POST /api/machines/{id}/isolate" --require Alert.Read.All
    """
    from mdekit.client.access import check_access

    if not operation and not require:
        raise CliError("name at least one --for OPERATION or --require ROLE", code=ExitCode.USAGE)
    if token is None:
        from mdekit.client.token_endpoint import request_token

        current = settings()
        text = request_token(current, "v2")["access_token"]
        client_id = current.client_id or "<client-id>"
    else:
        text = read_stdin_or(token)
        client_id = None
    decoded = decode(text)
    client_id = client_id or str(decoded.claims.get("appid") or "<client-id>")
    report = check_access(
        decoded.roles,
        operations_=operation or [],
        require=require or [],
        audience=str(decoded.claims.get("aud", "")),
    )
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "ok": report.ok,
                    "token_roles": list(report.token_roles),
                    "audience_ok": report.audience_ok,
                    "missing": list(report.missing),
                    "checks": [
                        {"check": f.subject, "ok": f.ok, "accepts": list(f.needs_any)}
                        for f in report.findings
                    ],
                }
            )
        )
    else:
        if not report.audience_ok:
            out.print(
                f"[red]✗[/] the token is for {decoded.claims.get('aud')!r}, not the Defender API"
            )
        for finding in report.findings:
            mark = "[green]✓[/]" if finding.ok else "[red]✗[/]"
            out.print(f"{mark} {finding.describe()}")
        out.print(f"  token roles: {', '.join(report.token_roles) or '(none)'}")
        if report.missing:
            roles = " ".join(dict.fromkeys(report.missing))
            out.print("[yellow]to fix:[/]")
            out.print(f"  1. mdekit app permission add {client_id} {roles}")
            out.print(f"  2. mdekit app consent grant {client_id}")
            out.print(
                "  3. get a new token (mdekit token get): a token keeps the roles it was "
                "issued with"
            )
    if not report.ok:
        raise typer.Exit(ExitCode.FAILURE)
