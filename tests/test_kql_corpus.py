"""The community hunting queries, run against empty Advanced Hunting tables.

The counts are floors: the engine may only get better. Queries that fail do so for
reasons outside the engine's reach (externaldata needs the network, Sentinel-only tables
and columns, invalid text); the report groups them.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from mdekit.catalog.hunting_schema import HUNTING_TABLES
from mdekit.kql import create_tables, run_corpus

CORPUS = Path(
    os.environ.get(
        "MDE_KQL_CORPUS",
        Path(__file__).resolve().parents[2] / "shared/data/hunting-queries/community.jsonl",
    )
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.exists(), reason=f"community corpus not found at {CORPUS}"),
]


def test_community_corpus_parses_and_runs() -> None:
    queries = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    conn = duckdb.connect()
    create_tables(conn, HUNTING_TABLES)
    report = run_corpus(queries, conn, HUNTING_TABLES, datetime(2024, 6, 1))
    assert report.total == 502
    # 13 of the texts are not valid KQL (prose, fragments starting with '|', two
    # queries run together); every other one parses.
    assert report.parsed >= 489
    assert report.ran >= 363, report.summary()
    reasons = {reason: group.count for reason, group in report.failures.items()}
    assert reasons["Syntax error"] <= 13
    assert any("externaldata" in reason for reason in reasons)
