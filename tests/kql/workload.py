"""A synthetic DeviceProcessEvents workload and typical hunting queries with their hand-written
SQL twins: the tests check both give the same rows, a benchmark can time the two."""

from __future__ import annotations

from datetime import datetime

import duckdb

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.kql import create_tables

TABLES = {name: HUNTING_TABLES[name] for name in ("DeviceProcessEvents", "DeviceInfo")}
NOW = datetime(2024, 6, 1)

_PROCESS_VALUES = {
    "Timestamp": "TIMESTAMP '2024-06-01' - to_seconds(i % 2592000)",
    "DeviceId": "'dev' || (i % 500)",
    "DeviceName": "'host' || (i % 500) || '.contoso.com'",
    "ActionType": "'ProcessCreated'",
    "FileName": (
        "['cmd.exe','powershell.exe','svchost.exe','chrome.exe','rundll32.exe','certutil.exe',"
        "'conhost.exe','explorer.exe'][1 + i % 8]"
    ),
    "FolderPath": "'C:\\Windows\\System32\\' || (i % 97)",
    "ProcessCommandLine": (
        "CASE WHEN i % 8 = 1 THEN 'powershell.exe -nop -enc SQBFAFgA' || i"
        " ELSE 'cmd.exe /c echo hello ' || i END"
    ),
    "SHA1": "md5('x' || (i % 10000))",
    "InitiatingProcessFileName": "['explorer.exe','services.exe','cmd.exe'][1 + i % 3]",
    "AccountName": "'user' || (i % 50)",
    "ReportId": "i",
    "ProcessId": "i % 65536",
    "FileSize": "i % 100000",
    "AdditionalFields": "'{\"a\":' || (i % 10) || '}'",
}
_DEVICE_VALUES = {
    "Timestamp": "TIMESTAMP '2024-05-31'",
    "DeviceId": "'dev' || i",
    "DeviceName": "'host' || i",
    "OSPlatform": "CASE WHEN i % 3 = 0 THEN 'Windows10' ELSE 'Windows11' END",
}


def fill(conn: duckdb.DuckDBPyConnection, rows: int) -> None:
    """Create the two tables and fill DeviceProcessEvents with `rows` generated events."""
    create_tables(conn, TABLES)
    for table, values, count in (
        ("DeviceProcessEvents", _PROCESS_VALUES, rows),
        ("DeviceInfo", _DEVICE_VALUES, 500),
    ):
        columns = [name for name, _ in TABLES[table]]
        select = ", ".join(values.get(column, "NULL") for column in columns)
        conn.execute(f'INSERT INTO "{table}" SELECT {select} FROM range({count}) t(i)')


# (name, KQL, equivalent hand-written DuckDB SQL)
CASES: list[tuple[str, str, str]] = [
    (
        "filter",
        'DeviceProcessEvents | where FileName =~ "powershell.exe" and ProcessCommandLine has "-enc"'
        " | project Timestamp, DeviceName, ProcessCommandLine",
        "SELECT Timestamp, DeviceName, ProcessCommandLine FROM DeviceProcessEvents"
        " WHERE lower(FileName) = 'powershell.exe'"
        " AND regexp_matches(ProcessCommandLine, '(?i)-enc(?:$|[^0-9A-Za-z])')",
    ),
    (
        "summarize",
        "DeviceProcessEvents | where Timestamp > ago(7d)"
        " | summarize Count = count(), Devices = dcount(DeviceId) by FileName",
        "SELECT FileName, count(*), count(DISTINCT DeviceId) FROM DeviceProcessEvents"
        " WHERE Timestamp > TIMESTAMP '2024-05-25' GROUP BY FileName",
    ),
    (
        "bin",
        "DeviceProcessEvents | summarize count() by bin(Timestamp, 1h), DeviceName",
        "SELECT time_bucket(INTERVAL 1 HOUR, Timestamp), DeviceName, count(*)"
        " FROM DeviceProcessEvents GROUP BY 1, 2",
    ),
    (
        "join",
        'DeviceProcessEvents | where FileName == "cmd.exe"'
        " | join kind=inner (DeviceInfo | project DeviceId, OSPlatform) on DeviceId"
        " | summarize count() by OSPlatform",
        "SELECT i.OSPlatform, count(*) FROM DeviceProcessEvents p JOIN DeviceInfo i"
        " ON p.DeviceId = i.DeviceId WHERE p.FileName = 'cmd.exe' GROUP BY 1",
    ),
    (
        "top",
        'DeviceProcessEvents | where FileName == "certutil.exe" | top 100 by ReportId desc'
        " | project ReportId, DeviceName",
        "SELECT ReportId, DeviceName FROM DeviceProcessEvents WHERE FileName = 'certutil.exe'"
        " ORDER BY ReportId DESC LIMIT 100",
    ),
    (
        "arg_max",
        "DeviceProcessEvents | summarize arg_max(ReportId, FileName) by DeviceId",
        "SELECT DeviceId, max(ReportId), arg_max(FileName, ReportId) FROM DeviceProcessEvents"
        " GROUP BY DeviceId",
    ),
    (
        "contains",
        'DeviceProcessEvents | where ProcessCommandLine contains "HELLO 99"'
        " | project ReportId, DeviceName",
        "SELECT ReportId, DeviceName FROM DeviceProcessEvents"
        " WHERE ProcessCommandLine ILIKE '%hello 99%'",
    ),
    (
        "in~",
        'DeviceProcessEvents | where FileName in~ ("CMD.exe", "certutil.EXE") | count',
        "SELECT count(*) FROM DeviceProcessEvents"
        " WHERE lower(FileName) IN ('cmd.exe', 'certutil.exe')",
    ),
    (
        "make_set",
        "DeviceProcessEvents | summarize make_set(InitiatingProcessFileName) by DeviceId"
        " | extend n = array_length(set_InitiatingProcessFileName) | project DeviceId, n",
        "SELECT DeviceId, count(DISTINCT InitiatingProcessFileName) FROM DeviceProcessEvents"
        " GROUP BY DeviceId",
    ),
]
