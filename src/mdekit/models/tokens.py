"""Token-endpoint success bodies: v1 sends every value as a string, v2 sends numbers.

v1 (`/{tenant}/oauth2/token`):
`{"token_type":"Bearer","expires_in":"3599","ext_expires_in":"3599","expires_on":"1622089429",
"not_before":"1622085529","resource":"https://...","access_token":"..."}`.
v2 (`/{tenant}/oauth2/v2.0/token`): `{"token_type":"Bearer","expires_in":3599,
"ext_expires_in":3599,"access_token":"..."}`. The models keep the wire types (strict
strings for v1, ints for v2) so a dump reproduces the body byte for byte."""

from __future__ import annotations

from pydantic import StrictInt, StrictStr

from mdekit.models._base import SnakeWireModel

__all__ = ["TokenResponse", "TokenResponseV1", "TokenResponseV2", "parse_token_response"]


class TokenResponseV1(SnakeWireModel):
    """A v1 token response; numeric values travel as strings."""

    token_type: StrictStr = "Bearer"
    expires_in: StrictStr
    ext_expires_in: StrictStr | None = None
    expires_on: StrictStr
    not_before: StrictStr | None = None
    resource: StrictStr
    access_token: StrictStr
    refresh_in: StrictStr | None = None

    @property
    def expires_in_seconds(self) -> int:
        """`expires_in` as a number."""
        return int(self.expires_in)

    @property
    def expires_on_epoch(self) -> int:
        """`expires_on` as a Unix time."""
        return int(self.expires_on)


class TokenResponseV2(SnakeWireModel):
    """A v2 token response; numbers are numbers, no `resource`, no `scope` for app tokens."""

    token_type: StrictStr = "Bearer"
    expires_in: StrictInt
    ext_expires_in: StrictInt | None = None
    access_token: StrictStr
    refresh_in: StrictInt | None = None
    scope: StrictStr | None = None

    @property
    def expires_in_seconds(self) -> int:
        """`expires_in` as a number."""
        return self.expires_in


TokenResponse = TokenResponseV1 | TokenResponseV2


def parse_token_response(body: dict[str, object]) -> TokenResponse:
    """Pick the v1 or v2 model by the type of `expires_in` (string means v1)."""
    if isinstance(body.get("expires_in"), str):
        return TokenResponseV1.model_validate(body)
    return TokenResponseV2.model_validate(body)
