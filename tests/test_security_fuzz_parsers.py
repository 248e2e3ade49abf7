"""The parsers behind the API, fuzzed through HTTP: OData query options on the Defender API
and Graph, KQL on both hunting endpoints, the token endpoint's form. Every input gets the
service's 400 with the parser's position in the message where the parser has one (the
same position the parser reports when called directly), never a 5xx, never a hang: deep
nesting (10,000 parentheses) and huge literals (10 MB) included. Nothing is stored.

`test_odata_parser.py`, `test_kql_properties.py` and `test_bad_input.py` fuzz the parsers as
functions and the token endpoint with random bytes; these go through the served stack."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from mdekit.emulator.store import schema
from mdekit.kql import KqlError, KqlSyntaxError, parse
from mdekit.odata.errors import ODataError, ODataSyntaxError
from mdekit.odata.parser import parse_filter, parse_orderby
from tests.support.emulators import GRAPH_SCOPE, InProcess, in_process

EXAMPLES = int(os.environ.get("MDE_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
)
HANG_GUARD = 60.0
"""Seconds a single call may take before the test calls it a hang (a guard, not a timing)."""
MB = 1024 * 1024
TALLY: dict[str, int] = {}


@pytest.fixture(scope="module")
def emu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    with in_process(
        tmp_path_factory.mktemp("parser-fuzz"), quotas=False, machines=6, alerts=8, events=1500
    ) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def tokens(emu: InProcess) -> dict[str, str]:
    return {"defender": emu.token(), "graph": emu.token(GRAPH_SCOPE)}


def _stored(emu: InProcess) -> tuple[int, ...]:
    with emu.emulator.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (
                schema.alerts,
                schema.machines,
                schema.entities,
                schema.machine_actions,
                schema.applications,
                schema.password_credentials,
                schema.tenants,
            )
        )


def _bounded(call: Callable[[], Any]) -> Any:
    """`call()` on a thread, failing the test if it has not returned within the guard."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed back to the test below
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(HANG_GUARD)
    assert not worker.is_alive(), "no answer: the parser hangs"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _count(target: str) -> None:
    TALLY[target] = TALLY.get(target, 0) + 1


# -- OData ---------------------------------------------------------------------------------

ODATA_WORDS = st.sampled_from(
    ["status", "severity", "alertCreationTime", "id", "eq", "ne", "gt", "lt", "and", "or",
     "not", "in", "(", ")", ",", "'New'", "'x''y'", "2024-01-01T00:00:00Z", "1", "-1", "1.5e9",
     "null", "true", "any", "all", "/", ":", "d", "contains", "startswith", "tolower", "desc",
     "asc", "evidence", "$", "'", "''", "\u00e9", "%", "%27", "\x00", " ", "  ", "9" * 40]
)  # fmt: skip
ODATA_TEXT = st.one_of(st.lists(ODATA_WORDS, max_size=25).map(" ".join), st.text(max_size=120))
ODATA_OPTIONS = st.sampled_from(["$filter", "$orderby", "$top", "$skip", "$expand", "$select"])


def _odata_position(option: str, text: str) -> int | None:
    """Where the parser itself puts the fault, for the options it parses."""
    try:
        if option == "$filter":
            parse_filter(text)
        elif option == "$orderby":
            parse_orderby(text)
    except ODataSyntaxError as error:
        return error.position
    except ODataError:
        return None
    return None


@FUZZ
@given(
    option=ODATA_OPTIONS,
    text=ODATA_TEXT,
    path=st.sampled_from(["/api/alerts", "/api/machines", "/api/alerts/$count", "/api/indicators"]),
)
def test_odata_options_get_400_with_the_parsers_position(
    emu: InProcess, tokens: dict[str, str], option: str, text: str, path: str
) -> None:
    response = emu.api("GET", f"{path}?{option}={quote(text, safe='')}", tokens["defender"])
    _count("odata (Defender API)")
    assert response.status_code in (200, 400), (option, text, response.text[:300])
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["code"] in ("ODataError", "InvalidInput", "BadRequest"), error
        position = _odata_position(option, text)
        if position is not None and error["code"] == "ODataError":
            assert f"position {position}" in error["message"], (text, error["message"])


@FUZZ
@given(text=ODATA_TEXT, path=st.sampled_from(["/v1.0/applications", "/v1.0/servicePrincipals"]))
def test_graph_filters_get_400_never_500(
    emu: InProcess, tokens: dict[str, str], text: str, path: str
) -> None:
    response = emu.api("GET", f"{path}?$filter={quote(text, safe='')}", tokens["graph"])
    _count("odata (Graph)")
    assert response.status_code in (200, 400), (text, response.text[:300])


ODATA_EXTREMES = {
    "10k parens": "(" * 10_000 + "status eq 'New'" + ")" * 10_000,
    "10k nots": "not " * 10_000 + "true",
    "10 MB literal": "status eq '" + "a" * (10 * MB) + "'",
    "200k-item in": "status in (" + ",".join(["'x'"] * 200_000) + ")",
    "5k lambdas": "evidence/any(e:" * 5_000 + "true" + ")" * 5_000,
    "100k quotes": "'" * 100_000,
    "100k digits": "1" * 100_000,
}
URL_ROOM = 20_000
"""httpx refuses a query string over 64 KB (and uvicorn's h11 a head over 16 KB): the HTTP
cases are cut to this, the parser gets the whole text."""


@pytest.mark.parametrize("name", list(ODATA_EXTREMES))
def test_odata_extremes_are_refused_in_bounded_time(
    emu: InProcess, tokens: dict[str, str], name: str
) -> None:
    text = ODATA_EXTREMES[name]
    with pytest.raises(ODataError):
        _bounded(lambda: parse_filter(text))
    before = _stored(emu)
    cut = text[:URL_ROOM]
    response = _bounded(
        lambda: emu.api("GET", "/api/alerts", tokens["defender"], params={"$filter": cut})
    )
    assert response.status_code == 400, response.text[:300]
    assert response.json()["error"]["code"] == "ODataError"
    # The .NET wording quotes the query ("... at position 7 in '<text>'"), as the service
    # does; bounded by the URL's own limit, and never blown up.
    assert len(response.text) < 3 * len(cut) + 1_000
    assert _stored(emu) == before


# -- KQL -------------------------------------------------------------------------------------

KQL_WORDS = st.sampled_from(
    ["DeviceInfo", "DeviceProcessEvents", "|", "where", "project", "summarize", "count()", "by",
     "take", "10", "==", "=~", "has", "(", ")", "[", "]", "{", "}", "'x'", '"y"', "let", "=",
     ";", "ago(1d)", "Timestamp", "DeviceId", "join", "kind=inner", "on", "$left", "$right",
     "datatable", "dynamic", "mv-expand", "parse", "with", "*", "extend", "x", "//", "\n", "@",
     "h'hidden'", "```", "externaldata", "evaluate", "invoke", "materialize", "range", "1e308"]
)  # fmt: skip
KQL_TEXT = st.one_of(st.lists(KQL_WORDS, max_size=30).map(" ".join), st.text(max_size=150))


def _kql_position(text: str) -> tuple[int, int] | None:
    try:
        parse(text)
    except KqlSyntaxError as error:
        return error.line, error.column
    except KqlError:
        return None
    return None


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
@given(text=KQL_TEXT, graph=st.booleans())
def test_kql_gets_400_with_the_parsers_line_and_column(
    emu: InProcess, tokens: dict[str, str], text: str, graph: bool
) -> None:
    before = _stored(emu)
    if graph:
        response = emu.api(
            "POST", "/v1.0/security/runHuntingQuery", tokens["graph"], json={"Query": text}
        )
    else:
        response = emu.api(
            "POST", "/api/advancedqueries/run", tokens["defender"], json={"Query": text}
        )
    _count("kql (Graph)" if graph else "kql (Defender API)")
    assert response.status_code in (200, 400), (text, response.text[:300])
    if response.status_code == 400:
        message = response.json()["error"]["message"]
        position = _kql_position(text)
        if position is not None and text.strip():
            assert f"[{position[0]},{position[1]}]" in message, (text, message)
    assert _stored(emu) == before


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("DeviceInfo | where " + "(" * 10_000 + "true" + ")" * 10_000, 400),
        ("print " + "-" * 10_000 + "1", 400),
        ("print " + "dynamic(" + "[" * 10_000 + "]" * 10_000 + ")", 400),
        ("let a = " + "(" * 10_000 + "DeviceInfo" + ")" * 10_000 + "; a", 400),
        ("print s = '" + "a" * (3 * MB) + "'", 200),
        ("print s = '" + "a" * (10 * MB) + "'", 413),
        # ~40 µs a token: 100,000 items take some 16 s (docs/security.md), 20,000 some 3 s.
        ("DeviceInfo | where DeviceName in (" + ",".join(["'x'"] * 20_000) + ") | count", 200),
    ],
    ids=["10k parens", "10k minus", "10k dynamic", "10k let", "3 MB literal", "10 MB literal",
         "20k-item in"],
)  # fmt: skip
def test_kql_extremes_answer_in_bounded_time(
    emu: InProcess, tokens: dict[str, str], text: str, status: int
) -> None:
    response = _bounded(
        lambda: emu.api(
            "POST", "/api/advancedqueries/run", tokens["defender"], json={"Query": text}
        )
    )
    assert response.status_code == status, response.text[:300]
    if status == 400:
        assert response.json()["error"]["message"].startswith("Syntax error")


# -- the token endpoint's form ------------------------------------------------------------------

FORM_PIECES = st.sampled_from(
    ["grant_type", "client_credentials", "client_id", "client_secret", "scope", "resource",
     "=", "&", "&&", "==", "+", "%", "%2", "%ZZ", "%00", "%C3%28", "%ED%A0%80", "%FF", ";",
     "https://api.securitycenter.microsoft.com/.default", ".default", "x" * 300, "\u00e9",
     "client_assertion", "client_assertion_type", "urn:ietf:params", "[]", "{}", " "]
)  # fmt: skip


@FUZZ
@given(
    body=st.lists(FORM_PIECES, max_size=30).map("".join),
    version=st.sampled_from(["oauth2/token", "oauth2/v2.0/token"]),
)
def test_token_forms_get_entra_errors(emu: InProcess, body: str, version: str) -> None:
    before = _stored(emu)
    response = emu.http.post(
        f"/{emu.dev.tenant_id}/{version}",
        content=body.encode("utf-8", "surrogatepass"),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    _count("token endpoint form")
    assert response.status_code in (400, 401), (body, response.text[:300])
    answer = response.json()
    assert answer["error"]
    assert answer["error_codes"]
    assert answer["error_description"].startswith(f"AADSTS{answer['error_codes'][0]}:")
    assert _stored(emu) == before


@pytest.mark.parametrize(
    "body",
    [
        b"&" * 60_000,
        b"scope=" + b"%" * 60_000,
        b"a=" * 30_000,
        b"grant_type=client_credentials&" * 2_000,
        b"scope=" + b"x" * (10 * MB),
    ],
    ids=["60k ampersands", "60k percents", "30k fields", "2k repeats", "10 MB field"],
)
def test_token_form_extremes(emu: InProcess, body: bytes) -> None:
    response = _bounded(
        lambda: emu.http.post(
            f"/{emu.dev.tenant_id}/oauth2/v2.0/token",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    )
    assert response.status_code in (400, 413), response.text[:300]


def test_tally(emu: InProcess) -> None:
    """Prints what was tried (for docs/security.md); runs last in this module."""
    assert _stored(emu)
    print("parser fuzz:", ", ".join(f"{name} {count}" for name, count in sorted(TALLY.items())))
