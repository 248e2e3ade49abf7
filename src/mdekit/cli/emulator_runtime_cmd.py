"""`mdekit emulator reset|seed|actions|quotas|fault`: the runtime switches of a running
emulator's control API, so that a test run or a demo can put the emulator into a known state
(a fresh world, instant machine actions, no quotas, injected errors) from the shell."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from mdekit.cli.common import out
from mdekit.cli.control_client import UrlOpt, control
from mdekit.cli.emulator_cmd import StateDirOpt, app
from mdekit.cli.errors import CliError, ExitCode
from mdekit.cli.output import Format, write_json, write_records

fault_app = typer.Typer(
    help="Inject errors and stalls into a running emulator's answers.", no_args_is_help=True
)
app.add_typer(fault_app, name="fault")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the control API's JSON answer.")]


class ActionMode(enum.StrEnum):
    auto = "auto"
    instant = "instant"
    manual = "manual"
    fail = "fail"


class QuotaSwitch(enum.StrEnum):
    on = "on"
    off = "off"
    scale = "scale"


def _world_line(world: dict[str, Any]) -> str:
    return (
        f"tenant {world['tenant']}: {world['machines']} machines, {world['alerts']} alerts "
        f"(seed {world['seed']})"
    )


@app.command("reset")
def reset(state_dir: StateDirOpt = None, url: UrlOpt = None, as_json: JsonOpt = False) -> None:
    """Every tenant back to its seeded world; faults and quota counters cleared."""
    result = control(state_dir, url, "POST", "/reset")
    if as_json:
        write_json(result)
        return
    for world in result["tenants"]:
        out.print(_world_line(world))
    out.print("faults and quota counters cleared")


@app.command("seed")
def seed(
    tenant: Annotated[
        str | None, typer.Option("--tenant", help="Tenant id or domain (default: the first).")
    ] = None,
    machines: Annotated[int | None, typer.Option("--machines", min=0)] = None,
    alerts: Annotated[int | None, typer.Option("--alerts", min=0)] = None,
    seed_value: Annotated[
        int | None, typer.Option("--seed", min=0, help="Seed of the synthetic world.")
    ] = None,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Regenerate a tenant's synthetic world (sizes and seed default to the emulator's)."""
    body: dict[str, Any] = {"tenant": tenant, "machines": machines, "alerts": alerts}
    body["seed"] = seed_value
    result = control(
        state_dir, url, "POST", "/seed", json={k: v for k, v in body.items() if v is not None}
    )
    if as_json:
        write_json(result)
        return
    for world in result["tenants"]:
        out.print(_world_line(world))


@app.command("actions")
def actions(
    mode: Annotated[
        ActionMode | None,
        typer.Argument(
            help="auto: Pending, InProgress, then Succeeded on the clock; instant: Succeeded "
            "at once; manual: stays Pending; fail: like auto but ends Failed. Omit to show."
        ),
    ] = None,
    pending_seconds: Annotated[
        float | None, typer.Option("--pending-seconds", min=0, help="Seconds in Pending.")
    ] = None,
    done_seconds: Annotated[
        float | None,
        typer.Option("--done-seconds", min=0, help="Seconds after creation it is done."),
    ] = None,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or set how machine actions progress."""
    body: dict[str, Any] = {}
    if mode is not None:
        body["mode"] = mode.value
    if pending_seconds is not None:
        body["pendingSeconds"] = pending_seconds
    if done_seconds is not None:
        body["doneSeconds"] = done_seconds
    if body:
        result = control(state_dir, url, "PUT", "/actions", json=body)
    else:
        result = control(state_dir, url, "GET", "/actions")
    if as_json:
        write_json(result)
        return
    out.print(
        f"machine actions: {result['mode']} (pending {result['pendingSeconds']:g} s, "
        f"done after {result['doneSeconds']:g} s)"
    )


@app.command("quotas")
def quotas(
    switch: Annotated[
        QuotaSwitch | None,
        typer.Argument(help="on, off, or scale FACTOR (2 doubles every limit). Omit to show."),
    ] = None,
    factor: Annotated[float | None, typer.Argument(help="The scale factor.")] = None,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change the rate limits the emulator enforces (the catalog's, scaled)."""
    if switch is QuotaSwitch.scale and factor is None:
        raise CliError("quotas scale needs a FACTOR, e.g. 0.1 or 10", code=ExitCode.USAGE)
    if switch is not QuotaSwitch.scale and factor is not None:
        raise CliError("a FACTOR goes with `quotas scale`", code=ExitCode.USAGE)
    if switch is None:
        result = control(state_dir, url, "GET", "/quotas")
    else:
        body: dict[str, Any] = {"enabled": switch is QuotaSwitch.on}
        if switch is QuotaSwitch.scale:
            body = {"scale": factor}
        result = control(state_dir, url, "PUT", "/quotas", json=body)
    if as_json:
        write_json(result)
        return
    state = "on" if result["enabled"] else "off"
    out.print(f"quotas {state}, scale {result['scale']:g}")


def _describe_fault(rule: dict[str, Any]) -> str:
    answer = f"answers {rule['status']}" if rule["status"] is not None else "answers normally"
    stall = f" after a {rule['stallSeconds']:g} s stall" if rule["stallSeconds"] else ""
    times = "until cleared" if rule["count"] is None else f"{rule['count']} time(s)"
    retry = f", Retry-After {rule['retryAfter']}" if rule["retryAfter"] is not None else ""
    return (
        f"fault {rule['id']}: {rule['method'] or 'any method'} {rule['path']} {answer}{stall}"
        f"{retry}, {times}"
    )


@fault_app.command("add")
def fault_add(
    path: Annotated[
        str, typer.Option("--path", help="Glob over request paths, e.g. '/api/alerts*'.")
    ],
    status: Annotated[
        int | None,
        typer.Option("--status", min=400, max=599, help="Status to answer (400-599)."),
    ] = None,
    count: Annotated[
        int, typer.Option("--count", min=1, help="How many matching requests it applies to.")
    ] = 1,
    forever: Annotated[
        bool, typer.Option("--forever", help="Apply until `mdekit emulator fault clear`.")
    ] = False,
    retry_after: Annotated[
        int | None, typer.Option("--retry-after", min=0, help="Retry-After seconds to send.")
    ] = None,
    stall: Annotated[
        float | None,
        typer.Option("--stall", min=0, max=600, help="Seconds to wait before answering."),
    ] = None,
    method: Annotated[
        str | None, typer.Option("--method", help="Only this HTTP method (default: any).")
    ] = None,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Make the next matching requests fail with a status, or stall. Without --status the
    rule only delays the real answer by --stall seconds."""
    if status is None and not stall:
        raise CliError("give --status CODE, --stall SECONDS, or both", code=ExitCode.USAGE)
    body: dict[str, Any] = {"path": path, "status": status, "count": None if forever else count}
    if retry_after is not None:
        body["retryAfter"] = retry_after
    if stall:
        body["stallSeconds"] = stall
    if method:
        body["method"] = method.upper()
    rule = control(state_dir, url, "POST", "/faults", json=body)
    if as_json:
        write_json(rule)
    else:
        out.print(_describe_fault(rule))


@fault_app.command("list")
def fault_list(
    fmt: Annotated[Format, typer.Option("--format", "-o")] = Format.table,
    state_dir: StateDirOpt = None,
    url: UrlOpt = None,
) -> None:
    """The active fault rules, in the order they are tried."""
    rules = control(state_dir, url, "GET", "/faults")
    write_records(
        rules,
        fmt,
        columns=("id", "method", "path", "status", "count", "retryAfter", "stallSeconds"),
        title="Faults",
        console=out,
    )


@fault_app.command("clear")
def fault_clear(state_dir: StateDirOpt = None, url: UrlOpt = None) -> None:
    """Remove every fault rule."""
    control(state_dir, url, "DELETE", "/faults")
    out.print("faults cleared")
