"""Kusto's rules for the names of computed columns, and for making names unique.

`project tolower(x)` gives `Column1`, `summarize count()` gives `count_`, `dcount(x)` gives
`dcount_x`, `bin(Timestamp, 1h)` keeps `Timestamp`, `x.y` on a dynamic gives `x_y`, and a
second column called `A` becomes `A1`. The tables below list, per function, how the name
is derived (the same facts Kusto's own binder uses).

`Projection` builds the column list of project, extend, summarize and friends with these
rules: explicit `Name = expr` declarations must be unique; unnamed expressions are named
after their content or get `Column1`, `Column2`, …; a name that is already taken gets a
numeric suffix, except in `extend`, where a computed column replaces the input column of
the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mdekit.kql.context import Context
from mdekit.kql.errors import KqlSemanticError
from mdekit.kql.relation import Output, Typed
from mdekit.kql.syntax import Assign, Call, Expr, Index, Literal, Member, Name, OrderKey, Paren

# Scalar functions named after their first argument (`tostring(x)` -> `x`).
_FIRST_ARGUMENT = frozenset(
    {
        "split", "tostring", "tohex", "todynamic", "toobject", "tolong", "toint", "toreal",
        "todouble", "todatetime", "totimespan", "totime", "tobool", "toboolean", "todecimal",
        "toguid", "parse_csv", "parsejson", "parse_json", "parse_xml", "format_datetime",
        "format_timespan", "startofday", "bin", "floor", "bin_at", "bin_auto", "binary_and",
        "binary_or", "binary_xor", "binary_not", "binary_shift_right", "binary_shift_left",
        "bitset_count_ones", "series_fir", "series_outliers", "series_iir", "series_fill_backward",
        "series_fill_forward", "series_fill_const", "series_fill_linear", "round", "ceiling", "pow",
        "sqrt", "log", "log2", "log10", "exp", "exp2", "exp10", "cos", "sin", "tan", "acos", "asin",
        "atan", "atan2", "abs", "rand", "gamma", "loggamma", "erf", "erfc", "format_bytes",
        "take_anyif", "passthrough", "binary_all_or", "binary_all_and", "binary_all_xor"
    }
)  # fmt: skip
# Named `<function>_<first argument>` (`strlen(x)` -> `strlen_x`).
_NAME_AND_FIRST = frozenset({"strlen", "string_size", "percentile_tdigest", "dcount_hll"})
# Named `<prefix>_<first argument>`; mostly aggregates (`make_set(x)` -> `set_x`).
PREFIX_AND_FIRST: dict[str, str] = {
    "gettype": "type", "treepath": "tree", "repeat": "repeat",
    "percentiles_array_tdigest": "percentile_tdigest",
    **{
        name: name
        for name in (
            "sum", "sumif", "cnt", "count", "countif", "dcount", "dcountif", "tdigest", "hll",
            "hll_if", "hll_merge", "min", "minif", "max", "maxif", "avg", "avgif", "stdev",
            "stdevif", "stdevp", "variance", "varianceif", "variancep", "variancepif",
            "covariance", "covarianceif", "covariancep", "covariancepif", "count_distinct",
            "count_distinctif", "any", "anyif"
        )
    },
    "tdigest_merge": "merge_tdigests", "merge_tdigest": "merge_tdigests",
    "makelist": "list", "make_list": "list", "make_list_if": "list",
    "make_list_with_nulls": "list", "makeset": "set", "make_set": "set", "make_set_if": "set",
    "make_dictionary": "dictionary", "make_bag": "bag", "make_bag_if": "bag",
    "buildschema": "schema",
}  # fmt: skip
_ONLY_ARGUMENT = frozenset({"make_datetime", "make_timespan"})
_PREFIX_ONLY = {"ingestion_time": "$IngestionTime"}


def result_name(expr: Expr, default: str | None = "", dynamic_paths: bool = True) -> str | None:
    """The column name an expression gets in a projection, or `default` when it has none.

    `dynamic_paths` says whether a member access is on a dynamic value (then `x.y` is
    named `x_y`) rather than on a record (then just `y`); the translator knows which.
    """
    match expr:
        case Paren(inner=inner):
            return result_name(inner, default, dynamic_paths)
        case Name(name=name):
            return name
        case Assign(names=names):
            return names[0]
        case OrderKey(expr=inner):
            return result_name(inner, default, dynamic_paths)
        case Member(target=target, name=name):
            left = result_name(target, None, dynamic_paths)
            return f"{left}_{name}" if left and left.strip() else name
        case Index(target=target, index=index):
            right = (
                str(index.value)
                if isinstance(index, Literal) and isinstance(index.value, str | int)
                else None
            )
            if right is None:
                return default
            left = result_name(target, None, dynamic_paths)
            return f"{left}_{right}" if left and left.strip() else right
        case Call():
            return function_result_name(expr, default)
    return default


def function_result_name(call: Call, default: str | None = "") -> str | None:
    """The name a call contributes (`count()` -> `count_`, `bin(T, 1h)` -> `T`)."""
    name, args = call.name, call.args
    if name in _NAME_AND_FIRST or name in PREFIX_AND_FIRST:
        prefix = name if name in _NAME_AND_FIRST else PREFIX_AND_FIRST[name]
        if not args:
            return prefix + "_"
        return f"{prefix}_{result_name(args[0], default) or ''}"
    if name in _FIRST_ARGUMENT:
        return result_name(args[0], default) if args else None
    if name in _ONLY_ARGUMENT:
        return result_name(args[0], default) if len(args) == 1 else default
    if name in _PREFIX_ONLY:
        return _PREFIX_ONLY[name]
    if name == "percentile" and len(args) == 2 and isinstance(args[1], Literal):
        rank = str(args[1].value).replace(".", "_")
        return f"percentile_{result_name(args[0], default) or ''}_{rank}"
    if name == "take_any" and len(args) == 1:
        return result_name(args[0], None) or "any_arg0"
    if name in ("column_ifexists", "columnifexists") and args:
        first = args[0]
        if isinstance(first, Literal) and isinstance(first.value, str):
            return first.value
    return default


class UniqueNames:
    """Kusto's unique-name table: the second `A` becomes `A1`, the next `A2`, and so on."""

    def __init__(self, names: list[str] | None = None) -> None:
        self._last: dict[str, int] = {}
        for name in names or []:
            self._last.setdefault(name, 0)

    def add(self, name: str) -> str:
        if name not in self._last:
            self._last[name] = 0
            return name
        suffix = self._last[name] + 1
        while f"{name}{suffix}" in self._last:
            suffix += 1
        self._last[name] = suffix
        self._last[f"{name}{suffix}"] = 0
        return f"{name}{suffix}"

    def __contains__(self, name: str) -> bool:
        return name in self._last


def make_unique(names: list[str]) -> list[str]:
    """Rename later duplicates as join and union do: `[c, c, c1]` -> `[c, c2, c1]`."""
    first_index: dict[str, int] = {}
    for i, name in enumerate(names):
        first_index.setdefault(name, i)
    table = UniqueNames(list(first_index))
    return [name if first_index[name] == i else table.add(name) for i, name in enumerate(names)]


# ---------------------------------------------------------------- projections


@dataclass
class Projection:
    """An ordered, named list of outputs under construction."""

    ctx: Context
    outputs: list[Output] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)
    unique: UniqueNames = field(default_factory=UniqueNames)

    @classmethod
    def starting_with(cls, ctx: Context, outputs: list[Output]) -> Projection:
        projection = cls(ctx, list(outputs))
        for out in outputs:
            projection.unique.add(out.name)
        return projection

    def position(self, name: str) -> int | None:
        for i, out in enumerate(self.outputs):
            if out.name == name:
                return i
        return None

    def declare(self, name: str, value: Typed, *, replace: bool = True) -> str:
        if name in self.declared:
            raise KqlSemanticError(f"A column with the name '{name}' is already declared.")
        self.declared.add(name)
        return self._put(name, value, replace=replace)

    def add(self, name: str, value: Typed, *, replace: bool = False) -> str:
        return self._put(name, value, replace=replace)

    def _put(self, name: str, value: Typed, *, replace: bool) -> str:
        index = self.position(name)
        if replace and index is not None:
            self.outputs[index] = Output(name, value.type, value.sql)
            return name
        final = self.unique.add(name)
        self.outputs.append(Output(final, value.type, value.sql))
        return final

    def default_name(self, expr: Expr, taken: set[str] | None = None) -> str:
        named = result_name(expr, None)
        if named:
            return named
        names = {out.name for out in self.outputs} | (taken or set())
        return self.ctx.default_column_name(lambda n: n in names)


def is_column_ref(expr: Expr) -> bool:
    """A plain column reference, possibly parenthesized or through a no-op conversion."""
    while isinstance(expr, Paren):
        expr = expr.inner
    return isinstance(expr, Name)
