"""String operators and functions: case rules, `has` term semantics, empty strings."""

from __future__ import annotations

import pytest

from tests.kql import Kql, database


@pytest.fixture(scope="module")
def kql() -> Kql:
    return Kql(database())


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"North America" has "america"', True),
        ('"North America" has "amer"', False),
        ('"North America" contains "amer"', True),
        ('"North America" has_cs "america"', False),
        ('"North America" has_cs "America"', True),
        (r'@"C:\Windows\System32\cmd.exe" has "cmd.exe"', True),
        (r'@"C:\Windows\System32\cmd.exe" has "md.exe"', False),
        (r'@"C:\Windows\System32\cmd.exe" has @"system32\cmd"', True),
        ('"powershell -enc abc" has "-enc"', True),
        ('"powershell -encodedcommand" has "-enc"', False),
        ('"a_b c" has "a"', True),  # "_" is not alphanumeric: a term ends there
        ('"a1b c" has "a"', False),
        ('"Kusto: ad67d136-c1db" has "c1db"', True),
        ('"abc" has ""', True),
        ('"North America" hasprefix "amer"', True),
        ('"North America" hassuffix "rica"', True),
        ('"North America" hasprefix "rica"', False),
        ('"ABC" == "abc"', False),
        ('"ABC" =~ "abc"', True),
        ('"ABC" !~ "abc"', False),
        ('"ABC" != "abc"', True),
        ('"FabriKam" contains "BRik"', True),
        ('"FabriKam" contains_cs "BRik"', False),
        ('"FabriKam" !contains "xyz"', True),
        ('"Fabrikam" startswith "fab"', True),
        ('"Fabrikam" startswith_cs "fab"', False),
        ('"Fabrikam" endswith "KAM"', True),
        ('"Fabrikam" !endswith "brik"', True),
        (r'"abc123" matches regex @"^[a-z]+\d+$"', True),
        ('"a" in ("A", "b")', False),
        ('"a" in~ ("A", "b")', True),
        ('"a" !in~ ("A", "b")', False),
        ('"a" !in ("A", "b")', True),
        ('"x.exe" has_any (".dll", "x")', True),
        ('"x.exe" has_any ("xe", "y")', False),
        ('"a b c" has_all ("a", "c")', True),
        ('"a b c" has_all ("a", "d")', False),
        # LIKE wildcards in constants are plain characters.
        ('"50% off" contains "0%"', True),
        ('"axb" contains "a_b"', False),
        ('"a_b" contains "A_B"', True),
        ('"axb" =~ "a_b"', False),
        ('"ab" startswith "a%"', False),
        ('"a%b" startswith "A%"', True),
        ('"" =~ ""', True),
        (r'@"C:\Windows\x" contains @"\WIN"', True),
        ('"run_it now" has "run_it"', True),
        ('"runXit now" has "run_it"', False),
    ],
)
def test_string_operators(kql: Kql, expr: str, expected: bool) -> None:
    assert kql.value(f"print r = {expr}") is expected


def test_negated_operators_are_true_for_empty_strings(kql: Kql) -> None:
    # The certutil row has an empty AdditionalFields.
    assert kql.column('Events | where AdditionalFields !has "a" | project FileName') == [
        "PowerShell.EXE",
        "certutil.exe",
    ]
    assert kql.column('Events | where AdditionalFields !contains "a" | project FileName') == [
        "PowerShell.EXE",
        "certutil.exe",
    ]
    assert kql.value('Events | where AdditionalFields == "" | count') == 1
    assert kql.value("Events | where isempty(AdditionalFields) | count") == 1


def test_case_insensitive_filters_on_columns(kql: Kql) -> None:
    assert kql.column('Events | where FileName =~ "POWERSHELL.exe" | project ProcessId') == [
        200,
        300,
    ]
    assert kql.column('Events | where FileName == "powershell.exe" | project ProcessId') == [200]
    assert kql.column(
        'Events | where ProcessCommandLine has_any ("whoami", "-NOPROFILE") | project ProcessId'
    ) == [100, 300]
    assert kql.column('Events | where FileName in~ ("CMD.EXE") | project ProcessId') == [100, 500]


def test_list_operators_with_let_arrays_and_subqueries(kql: Kql) -> None:
    assert kql.column(
        'let names = dynamic(["cmd.exe", "certutil.exe"]); '
        "Events | where FileName in (names) | project ProcessId"
    ) == [100, 400, 500]
    assert kql.column(
        "Events | where DeviceId in "
        '((Devices | where OSPlatform == "Windows11" | project DeviceId)) | project ProcessId'
    ) == [300, 500]
    assert kql.column(
        "let ids = Devices | summarize make_set(DeviceId); "
        "Events | where DeviceId !in (ids) | project ProcessId"
    ) == [400]
    assert kql.column(
        'let words = datatable(w:string)["whoami", "hello"]; '
        "Events | where ProcessCommandLine has_any (words) | project ProcessId"
    ) == [100, 500]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('strcat("a", 1, "b", 2.5)', "a1b2.5"),
        ('strcat_delim("-", "a", "b", "c")', "a-b-c"),
        ('strlen("hello")', 5),
        ('substring("abcdef", 2, 3)', "cde"),
        ('substring("abcdef", 4)', "ef"),
        ('tolower("AbC")', "abc"),
        ('toupper("AbC")', "ABC"),
        ('trim(" ", "  x  ")', "x"),
        ('trim_start("a", "aaxa")', "xa"),
        (r'trim_end(@"\d", "ab12")', "ab"),
        ('replace_string("a.b.c", ".", "/")', "a/b/c"),
        (r'replace_regex("abc123", @"\d", "#")', "abc###"),
        (r'replace(@"(\w+)@(\w+)", @"\2 at \1", "me@home")', "home at me"),
        ('indexof("abcdef", "cd")', 2),
        ('indexof("abcdef", "zz")', -1),
        ('countof("aaa", "a")', 3),
        ('countof("abab", "a.", "regex")', 2),
        (r'extract(@"(\d+)", 1, "id=42;")', "42"),
        (r'extract(@"(\d+)", 1, "none")', ""),
        (r'extract(@"id=(\d+)", 1, "id=42;", typeof(long))', 42),
        ('base64_decode_tostring("aGVsbG8=")', "hello"),
        ('base64_encode_tostring("hello")', "aGVsbG8="),
        ('url_decode("a%20b")', "a b"),
        ('reverse("abc")', "cba"),
        ('strrep("ab", 3)', "ababab"),
        ('tostring(split("a_b_c", "_")[1])', "b"),
        ('array_length(split("a_b_c", "_"))', 3),
        ('strcat_array(dynamic(["a", 1, "c"]), "-")', "a-1-c"),
        ('coalesce("", "x", "y")', "x"),
        ('iff(1 > 2, "yes", "no")', "no"),
        ('case(1 > 2, "a", 2 > 1, "b", "c")', "b"),
        ('isempty("")', True),
        ('isnotempty(" ")', True),
    ],
)
def test_string_functions(kql: Kql, expr: str, expected: object) -> None:
    assert kql.value(f"print r = {expr}") == expected


def test_dynamic_results_of_string_functions(kql: Kql) -> None:
    assert kql.value('print split("a,b", ",")') == ["a", "b"]
    assert kql.value('print split("a,b", ",", 1)') == ["b"]
    assert kql.value(r'print extract_all(@"(\d+)", "a1b22c333")') == ["1", "22", "333"]
    assert kql.value(r'print extract_all(@"(\w)(\d)", "a1b2")') == [["a", "1"], ["b", "2"]]
    assert kql.value('print parse_command_line(@"cmd.exe /c ""a b"" c", "windows")') == [
        "cmd.exe",
        "/c",
        "a b",
        "c",
    ]


def test_parse_url(kql: Kql) -> None:
    url = kql.value('print parse_url("https://user:pw@host.com:8443/p/a?x=1&y=two#frag")')
    assert url == {
        "Scheme": "https",
        "Host": "host.com",
        "Port": "8443",
        "Path": "/p/a",
        "Username": "user",
        "Password": "pw",
        "Query Parameters": {"x": "1", "y": "two"},
        "Fragment": "frag",
    }


def test_tostring_of_every_type(kql: Kql) -> None:
    row = kql.rows(
        "print a = tostring(1), b = tostring(1.0), c = tostring(2.5), d = tostring(true),"
        " e = tostring(datetime(2024-01-02 03:04:05)), f = tostring(90m),"
        ' g = tostring(dynamic({"k": [1, "x"]})), h = tostring(dynamic("s")),'
        " i = tostring(datetime(2024-01-02 03:04:05.25)), j = tostring(-1d)"
    )[0]
    assert row == (
        "1",
        "1",
        "2.5",
        "true",
        "2024-01-02T03:04:05Z",
        "01:30:00",
        '{"k":[1,"x"]}',
        "s",
        "2024-01-02T03:04:05.2500000Z",
        "-1.00:00:00",
    )
