"""Pieces every command group shares: consoles, settings, clients."""

from __future__ import annotations

import sys

from rich.console import Console

from mdekit.client.settings import Settings, load_settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def settings(tenant: str | None = None) -> Settings:
    """Settings from the environment; `--tenant` acts in another tenant with the same app."""
    return load_settings(tenant_id=tenant)


def read_stdin_or(value: str | None) -> str:
    """A value given as an argument, or read from stdin when it is `-` or absent and piped."""
    if value and value != "-":
        return value
    if value == "-" or not sys.stdin.isatty():
        return sys.stdin.read().strip()
    return ""
