"""Reading JSON that a caller sent: request bodies, paging tokens.

`json.loads` alone lets two kinds of input through that break things later: nesting deeper
than Python's recursion limit raises `RecursionError` (not `ValueError`, so it escaped the
handlers' `except ValueError` as a 500), and a lone UTF-16 surrogate (`"\\ud800"`, or its
raw bytes) decodes to a string that cannot be encoded as UTF-8 again, so storing it, or
journaling an error message that quotes it, failed. Both are refused here as bad input."""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""A `\\uD800`-`\\uDFFF` escape or the raw bytes of one: only then is the slow check made."""


class BadJson(ValueError):
    """The text is not JSON this service can keep (see the module doc)."""


def parse_json(raw: bytes | str) -> Any:
    """The decoded value; `BadJson` for anything that is not well-formed, storable JSON."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    try:
        value = json.loads(data)
    except RecursionError as exc:
        raise BadJson("the JSON is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadJson(str(exc)) from exc
    if _SURROGATE_HINT.search(data):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadJson("the JSON has a lone UTF-16 surrogate") from exc
        except RecursionError as exc:  # pragma: no cover - loads would have refused first
            raise BadJson("the JSON is nested too deeply") from exc
    return value
