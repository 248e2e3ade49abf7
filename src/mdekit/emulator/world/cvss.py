"""CVSS v3.1 base scores computed from vectors, and the severity bands TVM shows.

The CVE catalogue stores vectors only; scores and severities are derived here, so a
CVE's `cvssV3`, `cvssVector` and `severity` can never disagree."""

from __future__ import annotations

import math

_ATTACK_VECTOR = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_ATTACK_COMPLEXITY = {"L": 0.77, "H": 0.44}
_PRIVILEGES = {"N": (0.85, 0.85), "L": (0.62, 0.68), "H": (0.27, 0.5)}
"""Privileges required: (scope unchanged, scope changed)."""
_USER_INTERACTION = {"N": 0.85, "R": 0.62}
_IMPACT = {"H": 0.56, "L": 0.22, "N": 0.0}
BASE_METRICS = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")


def parse_vector(vector: str) -> dict[str, str]:
    """The metrics of a "CVSS:3.1/AV:N/..." vector (temporal metrics kept, prefix dropped)."""
    parts = vector.split("/")
    if not parts[0].startswith("CVSS:3"):
        raise ValueError(f"not a CVSS v3 vector: {vector}")
    metrics = dict(part.split(":", 1) for part in parts[1:])
    missing = [name for name in BASE_METRICS if name not in metrics]
    if missing:
        raise ValueError(f"vector lacks {', '.join(missing)}: {vector}")
    return metrics


def _round_up(value: float) -> float:
    """The specification's Roundup: the smallest one-decimal number >= value."""
    scaled = round(value * 100_000)
    if scaled % 10_000 == 0:
        return scaled / 100_000
    return (math.floor(scaled / 10_000) + 1) / 10.0


def base_score(vector: str) -> float:
    """The CVSS v3.1 base score of a vector (0.0 to 10.0)."""
    m = parse_vector(vector)
    changed = m["S"] == "C"
    iss = 1 - (1 - _IMPACT[m["C"]]) * (1 - _IMPACT[m["I"]]) * (1 - _IMPACT[m["A"]])
    # Impact sub-score; a changed scope weighs impact on other components more.
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    privileges = _PRIVILEGES[m["PR"]][1 if changed else 0]
    exploitability = (
        8.22
        * _ATTACK_VECTOR[m["AV"]]
        * _ATTACK_COMPLEXITY[m["AC"]]
        * privileges
        * _USER_INTERACTION[m["UI"]]
    )
    if impact <= 0:
        return 0.0
    if changed:
        return _round_up(min(1.08 * (impact + exploitability), 10.0))
    return _round_up(min(impact + exploitability, 10.0))


def severity(score: float) -> str:
    """TVM's severity for a score: Low, Medium, High or Critical (NVD v3 bands).

    A score of 0 has no TVM severity; "Low" is returned so the field is never empty."""
    if score >= 9.0:
        return "Critical"
    if score >= 7.0:
        return "High"
    if score >= 4.0:
        return "Medium"
    return "Low"
