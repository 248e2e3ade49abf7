"""Reaching a running emulator's control API from the CLI.

Two ways to name the emulator: its state directory (URL and CA from `endpoint.json`, admin
key from `admin-key`), or `--url` for one elsewhere (another user's, a container), with the
admin key from `$MDE_EMULATOR_ADMIN_KEY` only, trusting the state directory's CA bundle and
the files `$SSL_CERT_FILE` / `$REQUESTS_CA_BUNDLE` name (what `mdekit emulator env` exports).
An emulator on loopback needs no key from local callers."""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from mdekit.cli.errors import CliError, ExitCode

ADMIN_KEY_ENV = "MDE_EMULATOR_ADMIN_KEY"
URL_ENV = "MDE_EMULATOR_URL"

UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url",
        envvar=URL_ENV,
        help="An emulator's origin (https://HOST:PORT) instead of the one running for "
        f"--state-dir; the admin key then comes from ${ADMIN_KEY_ENV}.",
    ),
]
"""The `--url` option every control command takes."""


@dataclass(frozen=True)
class ControlTarget:
    """Where a control request goes and with what credentials."""

    url: str
    """The emulator's origin, e.g. `https://localhost:8443`."""
    ca_bundles: tuple[str, ...]
    """CA files to trust (all of them); none means the system's."""
    admin_key: str | None


def _cas_for_url(state_dir: Path) -> tuple[str, ...]:
    """The state directory's bundle and whatever `$SSL_CERT_FILE`/`$REQUESTS_CA_BUNDLE` name:
    the emulator at `--url` may be this state directory's or one whose env was exported."""
    from mdekit.emulator.tls import tls_files

    candidates = [str(tls_files(state_dir).bundle)]
    candidates += [os.environ.get(name, "") for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")]
    return tuple(dict.fromkeys(c for c in candidates if c and Path(c).is_file()))


def _running_endpoint(state_dir: Path) -> tuple[str, str] | None:
    """(URL, CA bundle) from the state directory's `endpoint.json` while its process lives.

    The same record `mdekit.emulator.server.read_endpoint` reads, read here without
    importing the server (and the whole app with it): these commands start twice as fast."""
    import json

    try:
        data = json.loads((state_dir / "endpoint.json").read_text())
        url, bundle, pid = str(data["url"]), str(data["ca_bundle"]), int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, someone else's
    return url, bundle


def resolve_target(state_dir: Path, url: str | None = None) -> ControlTarget:
    """The emulator named by `url`, else the one running for `state_dir`."""
    from mdekit.emulator.admin import read_admin_key

    key = os.environ.get(ADMIN_KEY_ENV) or None
    if url:
        # Never the state directory's key: it would go to whatever server `url` names.
        return ControlTarget(url.rstrip("/"), _cas_for_url(state_dir), key)
    endpoint = _running_endpoint(state_dir)
    if endpoint is None:
        raise CliError(
            f"no emulator is running for {state_dir}",
            hint=f"start one: mdekit emulator serve --state-dir {state_dir}, or name a running "
            f"one with --url (and ${ADMIN_KEY_ENV})",
        )
    running_url, bundle = endpoint
    return ControlTarget(running_url, (bundle,), key or read_admin_key(state_dir))


def _verify(target: ControlTarget) -> ssl.SSLContext | bool:
    if not target.ca_bundles:
        return True
    context = ssl.create_default_context(cafile=target.ca_bundles[0])
    for extra in target.ca_bundles[1:]:
        context.load_verify_locations(cafile=extra)
    return context


def control_call(target: ControlTarget, method: str, path: str, **kwargs: Any) -> Any:
    """One control API request; the JSON answer, None for an empty one. Errors become one
    clear CliError (403 says how to pass the admin key)."""
    headers = dict(kwargs.pop("headers", {}))
    if target.admin_key:
        headers["X-Emulator-Admin-Key"] = target.admin_key
    try:
        response = httpx.request(
            method,
            f"{target.url}/_emulator{path}",
            headers=headers,
            timeout=kwargs.pop("timeout", 60),
            verify=_verify(target),
            **kwargs,
        )
    except httpx.TransportError as exc:
        raise CliError(
            f"cannot reach the emulator at {target.url}: {exc}", code=ExitCode.TRANSPORT
        ) from None
    if response.status_code >= 400:
        try:
            message = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = response.text[:300]
        codes = {404: ExitCode.NOT_FOUND, 403: ExitCode.FORBIDDEN, 400: ExitCode.USAGE}
        raise CliError(
            f"{response.status_code}: {message}",
            code=codes.get(response.status_code, ExitCode.FAILURE),
            hint=f"set {ADMIN_KEY_ENV} to the emulator's admin key"
            if response.status_code == 403
            else None,
        )
    return response.json() if response.content else None


def control_request(
    state_dir: Path, method: str, path: str, *, url: str | None = None, **kwargs: Any
) -> Any:
    """`control_call` against the emulator named by `url` or running for `state_dir`."""
    return control_call(resolve_target(state_dir, url), method, path, **kwargs)


def control(state_dir: Path | None, url: str | None, method: str, path: str, **kwargs: Any) -> Any:
    """What the commands call: their `--state-dir` (default applied here) and `--url`."""
    from mdekit.emulator.config import default_state_dir

    resolved = (state_dir or default_state_dir()).expanduser().resolve()
    return control_request(resolved, method, path, url=url, **kwargs)
