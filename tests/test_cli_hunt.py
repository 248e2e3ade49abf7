"""`mdekit hunt` as a user runs it against a served emulator: the Defender API and Graph give
the same rows, time windows return every row once, every output format, clear one-line
errors, and the corpus report over a small query file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.support.emulators import Served, served
from tests.test_cli import mdekit

COUNT_BY_DEVICE = "DeviceNetworkEvents | summarize Events = count() by DeviceId | order by DeviceId"
ROWS = "DeviceNetworkEvents | project Timestamp, DeviceId, ReportId, RemoteIP"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    state = tmp_path_factory.mktemp("cli-hunt")
    with served(state, quotas=False, machines=10, alerts=15, events=20_000) as running:
        yield running


@pytest.fixture(scope="module")
def env(own: Served) -> dict[str, str]:
    return {**own.env(), "MDE_PACING": "off", "MDE_PROFILE": "none"}


def hunt_json(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    result = mdekit("hunt", *args, "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_hunt_is_short_for_hunt_run(env: dict[str, str]) -> None:
    short = hunt_json(env, COUNT_BY_DEVICE)
    long = mdekit("hunt", "run", COUNT_BY_DEVICE, "--format", "json", env=env)
    assert long.returncode == 0, long.stderr
    assert json.loads(long.stdout) == short
    assert short
    assert all(int(str(row["Events"])) > 0 for row in short)


def test_graph_and_the_defender_api_agree(env: dict[str, str]) -> None:
    assert hunt_json(env, "--api", "graph", COUNT_BY_DEVICE) == hunt_json(env, COUNT_BY_DEVICE)


def test_the_table_names_the_columns(env: dict[str, str]) -> None:
    result = mdekit("hunt", COUNT_BY_DEVICE, env=env)
    assert result.returncode == 0, result.stderr
    assert "DeviceId" in result.stdout
    assert "Events" in result.stdout


def test_windows_return_every_row_exactly_once(env: dict[str, str]) -> None:
    whole = hunt_json(env, "--since", "10d", ROWS)
    windowed = hunt_json(env, "--since", "10d", "--window", "12h", ROWS)

    def keys(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return sorted((r["DeviceId"], r["ReportId"], r["Timestamp"]) for r in rows)

    assert whole
    assert keys(windowed) == keys(whole)
    assert len(set(keys(windowed))) == len(windowed), "no row twice"


def test_the_query_comes_from_a_file_or_stdin(env: dict[str, str], tmp_path: Path) -> None:
    query_file = tmp_path / "q.kql"
    query_file.write_text(COUNT_BY_DEVICE + "\n")
    from_file = hunt_json(env, "--file", str(query_file))
    piped = mdekit("hunt", "-", "--format", "json", env=env, stdin=COUNT_BY_DEVICE)
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout) == from_file


@pytest.mark.parametrize("kind", ["ndjson", "csv", "parquet", "json"])
def test_every_format_writes_the_same_rows(env: dict[str, str], tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"rows.{kind}"
    result = mdekit("hunt", COUNT_BY_DEVICE, "-o", kind, "--output", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob("*.partial")), "the partial file was renamed"
    expected = {str(r["DeviceId"]): int(str(r["Events"])) for r in hunt_json(env, COUNT_BY_DEVICE)}
    if kind == "ndjson":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif kind == "json":
        rows = json.loads(out.read_text())
    elif kind == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
    else:
        rows = pq.read_table(out).to_pylist()
    assert {str(r["DeviceId"]): int(r["Events"]) for r in rows} == expected


def test_a_syntax_error_is_one_line(env: dict[str, str]) -> None:
    result = mdekit("hunt", "DeviceProcessEvents | whre x", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) <= 3


def test_parquet_needs_an_output_file(env: dict[str, str]) -> None:
    result = mdekit("hunt", COUNT_BY_DEVICE, "-o", "parquet", env=env)
    assert result.returncode == 2
    assert "--output" in result.stderr


def test_corpus_report_counts_and_groups(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    queries = [
        {"query": "DeviceProcessEvents | take 5", "label": "runs"},
        {"query": "DeviceProcessEvents | summarize count() by DeviceId"},
        {"query": "DeviceProcessEvents | whre", "label": "broken"},
        {"query": "NoSuchTable | take 1", "label": "unknown table"},
    ]
    corpus.write_text("\n".join(json.dumps(q) for q in queries) + "\n")
    result = mdekit("hunt", "corpus", str(corpus), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"] == 4
    assert report["parsed"] == 3
    assert report["ran"] == 2
    assert report["returned_rows"] == 2
    statuses = [q["status"] for q in report["queries"]]
    assert statuses == ["ran", "ran", "syntax-error", "failed"]
    assert sum(group["count"] for group in report["failures"]) == 2
