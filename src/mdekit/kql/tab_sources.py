"""Sources other than tables: datatable, print, range, search, function calls, invoke.

Also the Advanced Hunting enrichment `invoke FileProfile()`, which left-joins the rows to
a table of file facts supplied by the caller (see `FileProfileHook`), and the few
`evaluate` plugins the hunting corpus uses.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import TYPE_CHECKING

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import Env, FunctionBinding, RelationBinding, RowScope, ScalarBinding
from mdekit.kql.errors import KqlSemanticError, unknown_function, unsupported
from mdekit.kql.naming import UniqueNames
from mdekit.kql.relation import Column, Output, Relation, SqlNames, Typed, select
from mdekit.kql.scalar import ExprTranslator, bind_let
from mdekit.kql.syntax import (
    Assign,
    Binary,
    Call,
    Datatable,
    Expr,
    ExternalData,
    FindSource,
    Let,
    Literal,
    Name,
    Paren,
    PrintSource,
    QueryStatement,
    RangeSource,
    SearchSource,
    Star,
    UnionSource,
)
from mdekit.kql.syntax_ops import Invoke, Operator, Union

if TYPE_CHECKING:
    from mdekit.kql.compiler import Compiler

FILE_PROFILE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("SHA1", T.STRING), ("SHA256", T.STRING), ("MD5", T.STRING), ("FileSize", T.INT),
    ("GlobalPrevalence", T.INT), ("GlobalFirstSeen", T.DATETIME), ("GlobalLastSeen", T.DATETIME),
    ("Signer", T.STRING), ("Issuer", T.STRING), ("SignerHash", T.STRING),
    ("IsCertificateValid", T.BOOL), ("IsRootSignerMicrosoft", T.BOOL),
    ("SignatureState", T.STRING), ("IsExecutable", T.BOOL), ("ThreatName", T.STRING),
    ("Publisher", T.STRING), ("SoftwareName", T.STRING), ("ProfileAvailability", T.STRING),
)  # fmt: skip


def constant_relation(rows: list[list[exp.Expression]], schema: list[tuple[str, str]]) -> Relation:
    names = SqlNames()
    columns = tuple(Column(n, t, names.pick(n)) for n, t in schema)
    if not rows:
        nulls = [
            S.alias(S.typed_null(t), S.ident(c.sql), quoted=True)
            for (_, t), c in zip(schema, columns, strict=True)
        ]
        return Relation(
            exp.Select().select(*nulls, copy=False).where(S.boolean(False), copy=False), columns
        )
    selects = [
        exp.Select().select(
            *(S.alias(v, S.ident(c.sql), quoted=True) for v, c in zip(row, columns, strict=True)),
            copy=False,
        )
        for row in rows
    ]
    query: exp.Expression = selects[0]
    for more in selects[1:]:
        query = exp.Union(this=query, expression=more, distinct=False)
    return Relation(query, columns)


def datatable(cp: Compiler, source: Datatable, env: Env) -> Relation:
    if not source.schema:
        raise KqlSemanticError("datatable: the table has no columns")
    width = len(source.schema)
    if len(source.values) % width:
        raise KqlSemanticError("datatable: the number of values is not a multiple of the columns.")
    tr = ExprTranslator(cp.ctx, env, RowScope(), "datatable")
    rows: list[list[exp.Expression]] = []
    for start in range(0, len(source.values), width):
        row = []
        for (_, kql_type), value in zip(
            source.schema, source.values[start : start + width], strict=True
        ):
            row.append(S.cast(C.coerce(tr.expr(value), kql_type), T.duckdb_type(kql_type)))
        rows.append(row)
    return constant_relation(rows, list(source.schema))


def print_relation(cp: Compiler, items: list[Expr] | tuple[Expr, ...], env: Env) -> Relation:
    tr = ExprTranslator(cp.ctx, env, RowScope(), "print")
    names = UniqueNames()
    values: list[exp.Expression] = []
    schema: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        target = item.expr if isinstance(item, Assign) else item
        value = tr.expr(target)
        name = item.names[0] if isinstance(item, Assign) else f"print_{i}"
        schema.append((names.add(name), value.type))
        values.append(value.sql)
    return constant_relation([values], schema)


def range_relation(cp: Compiler, source: RangeSource, env: Env) -> Relation:
    tr = ExprTranslator(cp.ctx, env, RowScope(), "range")
    start, stop, step = tr.expr(source.start), tr.expr(source.stop), tr.expr(source.step)
    value: exp.Expression | None = None
    if start.type == T.DATETIME:
        span = S.fn("to_microseconds", C.coerce(step, T.TIMESPAN))
        series = S.fn("generate_series", start.sql, C.coerce(stop, T.DATETIME), span)
        kind = T.DATETIME
    elif T.REAL in (start.type, stop.type, step.type):
        # DuckDB has no series of doubles: count the steps, then scale them.
        kind = T.REAL
        low, high, by = (C.coerce(x, T.REAL) for x in (start, stop, step))
        difference = exp.Paren(this=exp.Sub(this=high, expression=low))
        steps = exp.cast(exp.Floor(this=exp.Div(this=difference, expression=by)), "BIGINT")
        series = S.fn("generate_series", exp.Literal.number(0), steps)
        value = exp.Add(this=low, expression=exp.Mul(this=exp.column("k"), expression=by))
    else:
        kind = T.LONG
        series = S.fn(
            "generate_series", C.coerce(start, kind), C.coerce(stop, kind), C.coerce(step, kind)
        )
    names = SqlNames()
    column = Column(source.name, kind, names.pick(source.name))
    if _constant(series):
        # The table function streams its rows (and can be interrupted); unnest of the list
        # would first build the whole series in memory, billions of values for a big range.
        inner = "k" if value is not None else column.sql
        alias = exp.TableAlias(this=S.ident(cp.ctx.alias()), columns=[exp.to_identifier(inner)])
        projection = value if value is not None else S.ident(column.sql)
        query = (
            exp.Select()
            .select(S.alias(projection, S.ident(column.sql), quoted=True), copy=False)
            .from_(exp.Table(this=series, alias=alias), copy=False)
        )
        return Relation(query, (column,))
    unnested = S.fn("unnest", series)
    if value is not None:
        inner_query = exp.Select().select(S.alias(unnested, exp.to_identifier("k")), copy=False)
        query = (
            exp.Select()
            .select(S.alias(value, S.ident(column.sql), quoted=True), copy=False)
            .from_(inner_query.subquery(cp.ctx.alias()), copy=False)
        )
        return Relation(query, (column,))
    query = exp.Select().select(S.alias(unnested, S.ident(column.sql), quoted=True), copy=False)
    return Relation(query, (column,))


def _constant(expression: exp.Expression) -> bool:
    """No column and no subquery inside: a table function can take it as its argument."""
    return not any(
        isinstance(node, exp.Column | exp.Subquery | exp.Select) for node in expression.walk()
    )


def _search_predicate(expr: Expr) -> Expr:
    """In `search`, a bare string means "some column has this term"."""
    if isinstance(expr, Literal) and expr.type == T.STRING:
        return Call("$any_column_has", (expr,), at=expr.at)
    if isinstance(expr, Star):
        return Literal(True, T.BOOL, at=expr.at)
    if isinstance(expr, Binary) and expr.op in ("and", "or"):
        return Binary(
            expr.op, _search_predicate(expr.left), _search_predicate(expr.right), at=expr.at
        )
    if isinstance(expr, Paren):
        return Paren(_search_predicate(expr.inner), at=expr.at)
    if isinstance(expr, Call) and expr.name == "not" and expr.args:
        return Call("not", (_search_predicate(expr.args[0]),), at=expr.at)
    return expr


def search(cp: Compiler, source: SearchSource, env: Env) -> Relation:
    from mdekit.kql.tab_join import union_relations

    predicate = _search_predicate(source.predicate)
    legs: list[tuple[str, Relation]] = []
    for pattern in source.tables:
        for name in cp.table_names(pattern) if pattern != "*" else sorted(cp.ctx.tables):
            rel = cp.named(name, env)
            tr = cp.translator(rel, env, "search")
            legs.append((name, select(rel, cp.ctx.alias(), where=tr.predicate(predicate))))
    return union_relations(cp, legs, "outer", "$table")


def find(cp: Compiler, source: FindSource, env: Env) -> Relation:
    """Rows of every table where the predicate holds; tables lacking its columns are skipped."""
    from mdekit.kql.tab_join import union_relations

    predicate = _search_predicate(source.predicate)
    matches: list[tuple[str, Relation]] = []
    scope: list[Relation] = []
    for pattern in source.tables:
        for name in cp.table_names(pattern) if pattern != "*" else sorted(cp.ctx.tables):
            rel = cp.named(name, env)
            scope.append(rel)
            try:
                condition = cp.translator(rel, env, "find").predicate(predicate)
            except KqlSemanticError:
                continue
            matches.append((name, select(rel, cp.ctx.alias(), where=condition)))
    if not matches:
        raise KqlSemanticError("find: no table has the columns that the predicate uses.")
    shown = _find_columns(source, scope, [rel for _, rel in matches])
    legs: list[tuple[str, Relation]] = []
    for label, rel in matches:
        outputs = [Output(source.source_column, T.STRING, S.string(label))]
        for name, kql_type in shown:
            found = rel.find(name)
            present = found is not None and found.type == kql_type
            value = S.col(found.sql) if found is not None and present else S.typed_null(kql_type)
            outputs.append(Output(name, kql_type, value))
        if source.pack_rest:
            pairs: list[exp.Expression] = []
            for column in rel.columns:
                if (column.name, column.type) not in shown:
                    value_typed = Typed(S.col(column.sql), column.type)
                    pairs += [S.string(column.name), C.to_json(value_typed)]
            packed = S.fn("json_object", *pairs) if pairs else S.string("{}")
            bag = S.fn("json_merge_patch", S.string("{}"), packed)
            outputs.append(Output("pack_", T.DYNAMIC, bag))
        legs.append((label, select(rel, cp.ctx.alias(), outputs)))
    return union_relations(cp, legs, "outer", None)


def _find_columns(
    source: FindSource, scope: list[Relation], rels: list[Relation]
) -> list[tuple[str, str]]:
    if source.columns is None:
        # project-smart: the columns of the predicate and those every table in scope has.
        named = _names_in(source.predicate)
        return [
            (c.name, c.type)
            for c in rels[0].columns
            if c.name in named
            or all(any((o.name, o.type) == (c.name, c.type) for o in r.columns) for r in scope)
        ]
    shown: list[tuple[str, str]] = []
    for name, declared in source.columns:
        kinds = [c.type for r in rels if (c := r.find(name)) is not None]
        if declared is None and not kinds:
            raise KqlSemanticError(
                f"find: column '{name}' is in none of the tables; give its type as '{name}:string'."
            )
        shown.append((name, declared or kinds[0]))
    return shown


def _names_in(node: object) -> set[str]:
    """Every column name an expression mentions."""
    if isinstance(node, Name):
        return {node.name}
    found: set[str] = set()
    if isinstance(node, tuple):
        for item in node:
            found |= _names_in(item)
    elif is_dataclass(node) and not isinstance(node, type):
        for field in fields(node):
            found |= _names_in(getattr(node, field.name))
    return found


def other_source(cp: Compiler, source: object, env: Env) -> Relation:
    if isinstance(source, Datatable):
        return datatable(cp, source, env)
    if isinstance(source, PrintSource):
        return print_relation(cp, source.items, env)
    if isinstance(source, RangeSource):
        return range_relation(cp, source, env)
    if isinstance(source, UnionSource):
        from mdekit.kql.tab_join import union

        return union(cp, None, source.union, env)
    if isinstance(source, SearchSource):
        return search(cp, source, env)
    if isinstance(source, FindSource):
        return find(cp, source, env)
    if isinstance(source, ExternalData):
        raise unsupported("externaldata (it reads files from the network)")
    raise KqlSemanticError("This kind of tabular source is not supported.")


# ---------------------------------------------------------------- calls


def call_relation(cp: Compiler, call: Call, env: Env, piped: Relation | None = None) -> Relation:
    ctx = cp.ctx
    binding = env.lookup(call.name)
    if isinstance(binding, FunctionBinding):
        return user_function(cp, binding, call, env, piped)
    if call.name == "materialize" and len(call.args) == 1:
        relation = cp.tabular(call.args[0], env)
        name = f"_materialized{len(ctx.ctes) + 1}"
        ctx.ctes.append((name, relation.query))
        query = (
            exp.Select()
            .select(exp.Star(), copy=False)
            .from_(exp.Table(this=S.ident(name)), copy=False)
        )
        return Relation(query, relation.columns)
    if call.name in ("table", "view") and call.args:
        first = call.args[0]
        if isinstance(first, Literal) and isinstance(first.value, str):
            return cp.named(first.value, env)
    if call.name == "FileProfile":
        if piped is None:
            raise KqlSemanticError(
                "FileProfile() must be invoked on a table: T | invoke FileProfile()"
            )
        return file_profile(cp, piped, call, env)
    raise unknown_function(call.name)


def user_function(
    cp: Compiler, binding: FunctionBinding, call: Call, env: Env, piped: Relation | None
) -> Relation:
    params = binding.definition.params
    body_env = binding.env.child()
    args = list(call.args)
    tr = ExprTranslator(cp.ctx, env, RowScope(), "invoke")
    offset = 0
    if piped is not None:
        if not params or (params[0].tabular is None and params[0].type is not None):
            raise KqlSemanticError(f"The function '{binding.name}' has no tabular first parameter.")
        body_env.bind(params[0].name, RelationBinding(piped))
        offset = 1
    if len(args) > len(params) - offset:
        raise KqlSemanticError(
            f"The function '{binding.name}' expects {len(params) - offset} argument(s)."
        )
    for i, param in enumerate(params[offset:]):
        arg = args[i] if i < len(args) else param.default
        if arg is None:
            raise KqlSemanticError(f"The argument for parameter '{param.name}' is missing.")
        if param.tabular is not None or param.type is None:
            body_env.bind(param.name, RelationBinding(cp.tabular(arg, env)))
        else:
            value = tr.expr(arg)
            body_env.bind(
                param.name,
                ScalarBinding(Typed(C.coerce(value, param.type), param.type, value.const)),
            )
    *lets, last = binding.definition.body
    for statement in lets:
        if isinstance(statement, Let):
            bind_let(cp.ctx, body_env, statement, tr)
    if not isinstance(last, QueryStatement):
        raise KqlSemanticError(f"The function '{binding.name}' does not end with a query.")
    return cp.statement_relation(last.query, body_env)


def file_profile(cp: Compiler, rel: Relation, call: Call, env: Env) -> Relation:
    """Append the FileProfile columns, joined on the chosen hash column (SHA1 by default)."""
    ctx = cp.ctx
    key_name = "SHA1"
    if call.args:
        first = call.args[0]
        if isinstance(first, Literal) and isinstance(first.value, str):
            key_name = first.value
        elif hasattr(first, "name"):
            key_name = str(first.name)
    key = rel.find(key_name)
    if key is None:
        raise KqlSemanticError(f"FileProfile(): the input has no column '{key_name}'.")
    profile_key = "SHA256" if "SHA256" in key_name else ("MD5" if "MD5" in key_name else "SHA1")
    existing = {c.name for c in rel.columns}
    added = [(n, t) for n, t in FILE_PROFILE_COLUMNS if n not in existing]
    left, right = ctx.alias(), ctx.alias()
    names = SqlNames()
    columns: list[Column] = []
    projections: list[exp.Expression] = []
    for column in rel.columns:
        sql_name = names.pick(column.name)
        columns.append(Column(column.name, column.type, sql_name))
        projections.append(S.alias(S.col(column.sql, left), S.ident(sql_name), quoted=True))
    for name, kql_type in added:
        sql_name = names.pick(name)
        columns.append(Column(name, kql_type, sql_name))
        value = S.col(name, right) if ctx.file_profile is not None else S.typed_null(kql_type)
        projections.append(S.alias(value, S.ident(sql_name), quoted=True))
    query = (
        exp.Select().select(*projections, copy=False).from_(S.subquery(rel.query, left), copy=False)
    )
    if ctx.file_profile is not None:
        query = query.join(
            exp.Table(
                this=S.ident(ctx.file_profile.table), alias=exp.TableAlias(this=S.ident(right))
            ),
            on=S.binop(
                "=", S.fn("lower", S.col(key.sql, left)), S.fn("lower", S.col(profile_key, right))
            ),
            join_type="LEFT",
            copy=False,
        )
    return Relation(query, tuple(columns), rel.order)


def invoke(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    assert isinstance(op, Invoke)
    return call_relation(cp, op.call, env, piped=rel)


def union_operator(cp: Compiler, rel: Relation, op: Operator, env: Env) -> Relation:
    from mdekit.kql.tab_join import union

    assert isinstance(op, Union)
    return union(cp, rel, op, env)
