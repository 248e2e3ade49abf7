"""Property tests: the parser never fails with anything but KqlError, nesting stays bounded,
and generated queries either compile to SQL that DuckDB runs or are refused as KqlError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdekit.kql import KqlError, KqlSyntaxError, compile_query, parse, run
from tests.kql import EVENTS, NOW, database

KQL_WORDS = [
    "T", "Events", "where", "project", "extend", "summarize", "by", "join", "on", "kind", "=",
    "==", "!=", "=~", "!has", "has", "in~", "in", "!", "~", "|", "(", ")", "[", "]", "{", "}",
    ",", ";", ".", "..", "let", "dynamic", "datetime", "ago", "1d", "1.5h", "42", "3.14",
    '"s"', "'t'", '@"v\\w"', "h'x'", "```m```", "$left", "$right", "project-away", "mv-expand",
    "-", "*", "/", "+", "<", ">=", "and", "or", "not", "between", "matches", "regex", "typeof",
    "count", "()", "x", "y", "true", "null", "\u200b", "//c\n", "\n", "@", "?", ":", "#",
    "datatable", "union", "toscalar", "materialize", "invoke", "parse", "with", "*", "asc",
]  # fmt: skip

words = st.lists(st.sampled_from(KQL_WORDS), max_size=40).map(" ".join)
any_text = st.text(max_size=200)


@settings(max_examples=400, deadline=None)
@given(st.one_of(words, any_text))
def test_parser_only_raises_kql_errors(text: str) -> None:
    try:
        parse(text)
        outcome = "parsed"
    except KqlError as error:
        outcome = error.message
    assert outcome


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(words, any_text))
def test_compiler_only_raises_kql_errors(text: str) -> None:
    try:
        compile_query(text, EVENTS, now=NOW)
        outcome = "compiled"
    except KqlError as error:
        outcome = error.message
    assert outcome


@pytest.mark.parametrize(
    "text",
    [
        "T | where " + "(" * 5000 + "x" + ")" * 5000,
        "T | where " + "-" * 5000 + "1",
        "T | where " + "f(" * 3000 + "1" + ")" * 3000,
        "print " + "dynamic(" + "[" * 3000 + "]" * 3000 + ")",
        "T | where x in (" + "(" * 3000,
        "let a = " + "(" * 3000 + "T" + ")" * 3000 + "; a",
    ],
)
def test_deep_nesting_is_refused_quickly(text: str) -> None:
    with pytest.raises(KqlSyntaxError):
        parse(text)


def test_long_flat_expressions_are_fine() -> None:
    long_or = " or ".join(f'x == "{i}"' for i in range(3000))
    parse(f"T | where {long_or}")
    big_list = ", ".join(f'"{i}"' for i in range(5000))
    parse(f"T | where x in ({big_list})")


# ---------------------------------------------------------------- generated queries

COLUMNS = {
    "string": ["DeviceId", "FileName", "ProcessCommandLine", "AdditionalFields"],
    "long": ["ProcessId"],
    "int": ["Port"],
    "real": ["Score"],
    "datetime": ["Timestamp"],
    "bool": ["IsAdmin"],
    "dynamic": ["Tags"],
}
STRING_OPS = ["==", "!=", "=~", "!~", "has", "!has", "contains", "!contains", "startswith",
              "endswith", "has_cs", "hasprefix", "matches regex"]  # fmt: skip
NUMBER_OPS = ["==", "!=", "<", "<=", ">", ">="]


@st.composite
def predicates(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["string", "number", "time", "list", "logic", "func", "dyn"]))
    if kind == "logic" and depth < 3:
        left = draw(predicates(depth + 1))
        right = draw(predicates(depth + 1))
        return f"({left} {draw(st.sampled_from(['and', 'or']))} {right})"
    if kind == "number":
        column = draw(st.sampled_from(COLUMNS["long"] + COLUMNS["int"] + COLUMNS["real"]))
        value = draw(st.integers(-5, 600))
        return f"{column} {draw(st.sampled_from(NUMBER_OPS))} {value}"
    if kind == "time":
        return f"Timestamp {draw(st.sampled_from(['>', '<']))} ago({draw(st.integers(0, 10))}d)"
    if kind == "list":
        column = draw(st.sampled_from(COLUMNS["string"]))
        op = draw(st.sampled_from(["in", "!in", "in~", "!in~", "has_any", "has_all"]))
        items = draw(
            st.lists(st.sampled_from(["cmd.exe", "d1", "a", "", "x y"]), min_size=1, max_size=3)
        )
        return f"{column} {op} (" + ", ".join(f'"{i}"' for i in items) + ")"
    if kind == "func":
        fn = draw(st.sampled_from([
            "isempty(FileName)", "isnotempty(AdditionalFields)", "strlen(FileName) > 5",
            "tolower(FileName) == 'cmd.exe'", "array_length(Tags) > 0", "isnull(Score)",
            "not(IsAdmin)", "iff(IsAdmin, 1, 0) == 1", "bin(Timestamp, 1h) < now()",
            "toint(Port) > 100", "tostring(Score) == '1.5'", "dayofweek(Timestamp) > 1d",
        ]))  # fmt: skip
        return fn
    if kind == "dyn":
        path = draw(st.sampled_from(["a", "b", "nested.k", "['a']"]))
        sep = "" if path.startswith("[") else "."
        op = draw(st.sampled_from(["==", "!=", "has"]))
        value = draw(st.sampled_from(["1", "x", "v"]))
        return f'parse_json(AdditionalFields){sep}{path} {op} "{value}"'
    column = draw(st.sampled_from(COLUMNS["string"]))
    value = draw(st.sampled_from(["cmd.exe", "CMD", "", "whoami", "-enc", "a", "d2"]))
    return f'{column} {draw(st.sampled_from(STRING_OPS))} "{value}"'


@st.composite
def queries(draw: st.DrawFn) -> str:
    parts = ["Events"]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["where", "extend", "summarize", "project", "sort", "top", "distinct"])
        )
        if op == "where":
            parts.append(f"where {draw(predicates())}")
        elif op == "extend":
            parts.append(f"extend X{len(parts)} = {draw(predicates())}")
        elif op == "summarize":
            agg = draw(
                st.sampled_from(
                    [
                        "count()",
                        "dcount(DeviceId)",
                        "make_set(FileName)",
                        "max(Timestamp)",
                        "avg(Score)",
                    ]
                )
            )
            parts.append(f"summarize {agg} by DeviceId")
            break
        elif op == "project":
            # Later operators may use any column: reorder rather than drop.
            parts.append("project-reorder ProcessId, FileName")
        elif op == "sort":
            parts.append("sort by ProcessId asc")
        elif op == "top":
            parts.append("top 3 by Timestamp")
        else:
            parts.append("distinct DeviceId, FileName")
            break
    return " | ".join(parts)


@pytest.fixture(scope="module")
def connection() -> object:
    return database()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries())
def test_generated_queries_compile_and_run(connection: object, text: str) -> None:
    result = run(connection, text, EVENTS, now=NOW)  # type: ignore[arg-type]
    assert len(result.columns) >= 1
    assert all(len(row) == len(result.columns) for row in result.rows)


# ---------------------------------------------------------------- mutated queries

SEEDS = [
    'Events | where FileName =~ "cmd.exe" and ProcessCommandLine has "whoami" | project DeviceId',
    "Events | summarize n = count(), d = dcount(FileName) by DeviceId, bin(Timestamp, 1h)",
    "Events | join kind=leftouter (Devices | project DeviceId, OSPlatform) on DeviceId",
    "let x = dynamic(['cmd.exe']); Events | where FileName in~ (x) | top 2 by Timestamp desc",
    "Events | extend p = parse_json(AdditionalFields) | mv-expand Tags | extend a = tostring(p.a)",
    "Events | summarize arg_max(Timestamp, *) by DeviceId | sort by ProcessId asc | take 3",
    "Events | parse ProcessCommandLine with * '/c ' Rest | project Rest, Port",
    "union Events, Devices | summarize make_set(DeviceId, 5) by bin(Timestamp, 1d)",
    "Events | make-series c = count() default = 0 on Timestamp step 1d by DeviceId",
    "Events | extend (a, b) = (1, 2) | project-away Tags | project-rename F = FileName",
    "range i from 1 to 5 step 1 | extend s = strcat('x', i), t = ago(1d) + i * 1h",
    "datatable(a:string, b:long)['x', 1, 'y', 2] | where b between (1 .. 2) | count",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    from mdekit.kql.lexer import tokenize

    texts = [t.text for t in tokenize(draw(st.sampled_from(SEEDS))) if t.text]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(texts) - 1))
        action = draw(st.sampled_from(["drop", "copy", "swap"]))
        if action == "drop" and len(texts) > 1:
            del texts[i]
        elif action == "copy":
            texts.insert(i, draw(st.sampled_from(texts)))
        else:
            j = draw(st.integers(0, len(texts) - 1))
            texts[i], texts[j] = texts[j], texts[i]
    return " ".join(texts)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutated())
def test_mutated_queries_run_or_are_refused_as_kql_errors(connection: object, text: str) -> None:
    from mdekit.kql import KqlRuntimeError

    try:
        run(connection, text, EVENTS, now=NOW)  # type: ignore[arg-type]
    except KqlRuntimeError:  # DuckDB refused the SQL: the translator got the types wrong
        raise
    except KqlError:
        pass
