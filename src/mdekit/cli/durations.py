"""Durations people type: `90s`, `30m`, `2h`, `1d`, `1w`, or a plain number of seconds."""

from __future__ import annotations

import re

from mdekit.cli.errors import CliError, ExitCode

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    found = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*([smhdw]?)\s*", text.lower())
    if found is None:
        raise CliError(
            f"not a duration: {text!r}", code=ExitCode.USAGE, hint="use e.g. 90s, 30m, 2h, 1d or 1w"
        )
    return float(found.group(1)) * _UNITS[found.group(2) or "s"]
