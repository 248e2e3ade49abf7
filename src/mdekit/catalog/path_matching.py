"""Path templates of the Defender API as regular expressions, and the rules that decide which
template a concrete request path belongs to.

The service treats paths case-insensitively, accepts `/api/v1.0/...` for `/api/...`, and mixes
plain segments (`/api/machines/{id}`) with OData function calls
(`/api/machines/findbyip(ip='{ip}',timestamp={timestamp})`), so matching is more than
string comparison."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import unquote

_PARAM = re.compile(r"{(\w+)}")
_FUNCTION_PUNCTUATION = frozenset("(),='")
COUNT_SEGMENT = "/$count"


@cache
def compile_template(template: str) -> re.Pattern[str]:
    """A case-insensitive, anchored regex for `template` with one named group per parameter.

    A parameter fills one path segment; inside an OData function call (a segment with
    parentheses, commas, `=` or quotes) it stops at that punctuation instead, so
    `findbyip(ip='{ip}',timestamp={timestamp})` captures the bare IP and timestamp."""
    out: list[str] = []
    for index, segment in enumerate(template.split("/")):
        if index:
            out.append("/")
        literal = _PARAM.sub("", segment)
        value = "[^/,()']+" if _FUNCTION_PUNCTUATION & set(literal) else "[^/]+"
        pos = 0
        for found in _PARAM.finditer(segment):
            out.append(re.escape(segment[pos : found.start()]))
            out.append(f"(?P<{found.group(1)}>{value})")
            pos = found.end()
        out.append(re.escape(segment[pos:]))
    return re.compile("^" + "".join(out) + "$", re.IGNORECASE)


@cache
def specificity(template: str) -> tuple[tuple[int, ...], int]:
    """How specific a template is, for choosing between templates that match the same path.

    Segment by segment from the left, a literal segment (2) beats one that mixes literal
    text and parameters (1), which beats a bare parameter (0); ties go to the template
    with more literal characters. So `/api/machines/findbytag` and
    `/api/machines/findbyip(...)` both win over `/api/machines/{id}`."""
    scores = []
    for segment in template.split("/"):
        literal = _PARAM.sub("", segment)
        if literal == segment:
            scores.append(2)
        elif literal:
            scores.append(1)
        else:
            scores.append(0)
    return tuple(scores), len(_PARAM.sub("", template))


def normalize_path(path: str) -> str:
    """The form of a request path that templates are matched against.

    Drops the query string and trailing slashes, decodes percent-escapes (except an encoded
    slash, which stays inside its segment), collapses repeated slashes and maps the pinned
    version `/api/v1.0/...` to `/api/...`."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    path = re.sub("%2f", "%252F", path, flags=re.IGNORECASE)
    path = unquote(path)
    path = re.sub("/{2,}", "/", path).rstrip("/") or "/"
    return re.sub(r"^/api/v1\.0(?=/|$)", "/api", path, flags=re.IGNORECASE)


def split_count(path: str) -> tuple[str, bool]:
    """`(path without a trailing /$count, whether there was one)`; expects a normalized path."""
    if path.lower().endswith(COUNT_SEGMENT):
        return path[: -len(COUNT_SEGMENT)] or "/", True
    return path, False
