"""Pure authorization rules: does a token's `roles` claim grant an endpoint?"""

from __future__ import annotations

from collections.abc import Iterable

from mdekit.emulator.domain.errors import Forbidden


def granted(required_any: Iterable[str], roles: Iterable[str]) -> bool:
    """True when the token carries at least one of the accepted roles (case-insensitive,
    as Entra compares role values)."""
    have = {role.lower() for role in roles}
    return any(role.lower() in have for role in required_any)


def authorize(required_any: tuple[str, ...], roles: tuple[str, ...]) -> None:
    """Raise Forbidden, worded like the Defender API, unless one accepted role is present.

    An endpoint with no listed roles is open to any valid token of the tenant."""
    if not required_any or granted(required_any, roles):
        return
    needed = ", ".join(required_any)
    raise Forbidden(
        "The application does not have any of the required application permissions "
        f"({needed}) to access the resource.",
        required=required_any,
        present=roles,
    )
