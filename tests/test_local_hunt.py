"""Local hunting: KQL over exported Parquet, NDJSON and CSV files, with no service."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from mdekit.export.local_hunt import LocalHuntError, find_tables, hunt_local

ALERTS = [
    {"id": "a1", "severity": "High", "alertCreationTime": "2026-11-01T10:00:00.1234567Z",
     "evidence": [{"sha1": "x"}], "riskScore": 3},
    {"id": "a2", "severity": "Low", "alertCreationTime": "2026-11-02T10:00:00Z",
     "evidence": [], "riskScore": 5},
    {"id": "a3", "severity": "High", "alertCreationTime": "2026-11-03T10:00:00Z",
     "evidence": [{"sha1": "y"}, {"sha1": "z"}], "riskScore": 8},
]  # fmt: skip


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    (tmp_path / "alerts.ndjson").write_text("".join(json.dumps(a) + "\n" for a in ALERTS))
    (tmp_path / "machines.csv").write_text(
        "id,osPlatform,riskScore\nm1,Windows11,High\nm2,Linux,Low\n"
    )
    parts = tmp_path / "events"
    parts.mkdir()
    for number, rows in enumerate(([1, 2], [3]), 1):
        duckdb.sql(
            f"COPY (SELECT unnest({rows}) AS n, TIMESTAMP '2026-11-01' AS Timestamp) "
            f"TO '{parts / f'part-{number:06d}.parquet'}' (FORMAT PARQUET)"
        )
    return tmp_path


def test_each_file_is_a_table_and_part_files_make_one(export_dir: Path) -> None:
    tables = {table.name: len(table.files) for table in find_tables([export_dir])}
    assert tables == {"alerts": 1, "events": 2, "machines": 1}


def test_queries_see_typed_columns(export_dir: Path) -> None:
    result = hunt_local(
        [export_dir],
        "alerts | where severity == 'High' | extend n = array_length(evidence) "
        "| project id, alertCreationTime, n, riskScore | order by id asc",
    )
    assert result.columns == (
        ("id", "string"), ("alertCreationTime", "datetime"), ("n", "long"), ("riskScore", "long")
    )  # fmt: skip
    rows = result.to_api()["Results"]
    assert rows == [
        {"id": "a1", "alertCreationTime": "2026-11-01T10:00:00.1234560Z", "n": 1, "riskScore": 3},
        {"id": "a3", "alertCreationTime": "2026-11-03T10:00:00.0000000Z", "n": 2, "riskScore": 8},
    ]


def test_tables_join_across_formats(export_dir: Path) -> None:
    result = hunt_local(
        [export_dir / "events", export_dir / "machines.csv"],
        "events | summarize total = sum(n) | extend machines = toscalar(machines | count)",
    )
    assert result.to_api()["Results"] == [{"total": 6, "machines": 2}]


def test_unreadable_inputs_get_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LocalHuntError, match="does not exist"):
        find_tables([tmp_path / "missing"])
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(LocalHuntError, match="not a Parquet"):
        find_tables([tmp_path / "notes.txt"])
    with pytest.raises(LocalHuntError, match="No Parquet"):
        find_tables([tmp_path])
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(LocalHuntError, match="Cannot read"):
        hunt_local([tmp_path / "broken.parquet"], "broken | take 1")


def _mdekit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mdekit", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_cli_local_hunt_writes_every_format(export_dir: Path, tmp_path: Path) -> None:
    done = _mdekit(
        "hunt",
        "--local",
        ".",
        "-o",
        "json",
        "alerts | summarize n=count() by severity | order by severity asc",
        cwd=export_dir,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"severity": "High", "n": 2}, {"severity": "Low", "n": 1}]

    done = _mdekit(
        "hunt",
        "--local",
        "alerts.ndjson",
        "-o",
        "csv",
        "alerts | project id, evidence | take 1",
        cwd=export_dir,
    )
    assert done.stdout.splitlines() == ["id,evidence", 'a1,"[{""sha1"":""x""}]"']

    target = tmp_path / "out.parquet"
    done = _mdekit(
        "hunt",
        "--local",
        ".",
        "-o",
        "parquet",
        "--output",
        str(target),
        "alerts | project id, alertCreationTime, evidence",
        cwd=export_dir,
    )
    assert done.returncode == 0, done.stderr
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{target}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types == {"id": "VARCHAR", "alertCreationTime": "TIMESTAMP", "evidence": "JSON"}


def test_cli_local_hunt_errors_are_one_line(export_dir: Path) -> None:
    done = _mdekit("hunt", "--local", ".", "alerts | where", cwd=export_dir)
    assert done.returncode == 1
    assert done.stderr.startswith("error: Syntax error: Query could not be parsed")
    assert "Traceback" not in done.stderr
    done = _mdekit("hunt", "--local", ".", "--since", "1d", "alerts", cwd=export_dir)
    assert done.returncode == 2
    assert "--local runs over files" in done.stderr
    done = _mdekit("hunt", "-o", "parquet", "DeviceEvents", cwd=export_dir)
    assert done.returncode == 2
    assert "needs --output" in done.stderr
    done = _mdekit("hunt", "--window", "1d", "DeviceEvents", cwd=export_dir)
    assert done.returncode == 2
    assert "--window needs --since" in done.stderr
