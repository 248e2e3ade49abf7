"""KQL (the Advanced Hunting query language) parsed by our own parser, run on DuckDB.

`compile_query()` turns a query into DuckDB SQL with its output schema; `run()` executes
it on a connection (`CompiledQueries` keeps compiled queries for reuse); `create_tables()`
makes (empty) tables for a schema; `run_corpus()` measures how many queries of a corpus
parse and run; `api_type_name()` and `json_value()` shape results like the Advanced Hunting
API.
"""

from mdekit.kql.compiler import CompiledQuery, compile_query
from mdekit.kql.context import FileProfileHook
from mdekit.kql.corpus import CorpusReport, FailureGroup, QueryOutcome, run_corpus
from mdekit.kql.errors import KqlError, KqlRuntimeError, KqlSemanticError, KqlSyntaxError
from mdekit.kql.parser import parse
from mdekit.kql.plan_cache import CacheStats, CompiledQueries
from mdekit.kql.runtime import (
    Result,
    api_type_name,
    create_file_profile_table,
    create_tables,
    json_value,
    python_value,
    run,
)
from mdekit.kql.tab_sources import FILE_PROFILE_COLUMNS

__all__ = [
    "FILE_PROFILE_COLUMNS",
    "CacheStats",
    "CompiledQueries",
    "CompiledQuery",
    "CorpusReport",
    "FailureGroup",
    "FileProfileHook",
    "KqlError",
    "KqlRuntimeError",
    "KqlSemanticError",
    "KqlSyntaxError",
    "QueryOutcome",
    "Result",
    "api_type_name",
    "compile_query",
    "create_file_profile_table",
    "create_tables",
    "json_value",
    "parse",
    "python_value",
    "run",
    "run_corpus",
]
