"""The dispatch tables: which handler compiles each tabular operator, and each scalar
function (every `fn_*` module's handlers under their KQL names)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mdekit.kql import tab_basic as B
from mdekit.kql import tab_expand as X
from mdekit.kql import tab_join as J
from mdekit.kql import tab_plugins as P
from mdekit.kql import tab_series as R
from mdekit.kql import tab_sources as Src
from mdekit.kql import tab_summarize as G
from mdekit.kql.fn_datetime import DATETIME_FUNCTIONS
from mdekit.kql.fn_dynamic import DYNAMIC_FUNCTIONS
from mdekit.kql.fn_extra import EXTRA_FUNCTIONS
from mdekit.kql.fn_format import FORMAT_FUNCTIONS
from mdekit.kql.fn_misc import MISC_FUNCTIONS
from mdekit.kql.fn_network import NETWORK_FUNCTIONS
from mdekit.kql.fn_parsing import PARSING_FUNCTIONS
from mdekit.kql.fn_series_multi import SERIES_FUNCTIONS
from mdekit.kql.fn_string import STRING_FUNCTIONS
from mdekit.kql.scalar import Handler
from mdekit.kql.syntax_ops import (
    AsOperator,
    CountRows,
    Distinct,
    Evaluate,
    Extend,
    GetSchema,
    Ignored,
    Invoke,
    Join,
    MakeSeries,
    MvApply,
    MvExpand,
    Operator,
    Parse,
    Partition,
    Project,
    ProjectAway,
    ProjectRename,
    ProjectReorder,
    Sample,
    Serialize,
    Sort,
    Summarize,
    Take,
    Top,
    TopNested,
    Union,
    Where,
)

if TYPE_CHECKING:
    from mdekit.kql.compiler import OperatorHandler

OPERATORS: dict[type[Operator], OperatorHandler] = {
    Where: B.where, Project: B.project, Extend: B.extend, ProjectAway: B.project_away,
    ProjectRename: B.project_rename, ProjectReorder: B.project_reorder, Sort: B.sort,
    Top: B.top, Take: B.take, Sample: B.take, Distinct: B.distinct, CountRows: B.count_rows,
    Serialize: B.serialize, AsOperator: B.unchanged, Summarize: G.summarize, Join: J.join,
    Union: Src.union_operator, MvExpand: X.mv_expand, Parse: X.parse, Invoke: Src.invoke,
    Evaluate: P.evaluate, Ignored: R.ignored, GetSchema: R.getschema, TopNested: R.top_nested,
    MakeSeries: R.make_series, MvApply: R.mv_apply, Partition: R.partition,
}  # fmt: skip


# ---------------------------------------------------------------- scalar functions


SCALAR_FUNCTIONS: dict[str, Handler] = {
    **STRING_FUNCTIONS,
    **DATETIME_FUNCTIONS,
    **DYNAMIC_FUNCTIONS,
    **FORMAT_FUNCTIONS,
    **MISC_FUNCTIONS,
    **NETWORK_FUNCTIONS,
    **PARSING_FUNCTIONS,
    **EXTRA_FUNCTIONS,
    **SERIES_FUNCTIONS,
}
