"""Translation of KQL scalar expressions to typed SQL.

`ExprTranslator.expr()` resolves names (columns first, then `let` variables, as Kusto
does), walks operators and member access on dynamic values, and dispatches calls to the
function tables of the `fn_*` modules and, inside summarize, to the aggregates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from sqlglot import exp

from mdekit.kql import convert as C
from mdekit.kql import sql as S
from mdekit.kql import types as T
from mdekit.kql.context import (
    Context,
    Env,
    FunctionBinding,
    RelationBinding,
    RowScope,
    ScalarBinding,
    TabularBinding,
)
from mdekit.kql.errors import KqlSemanticError, unknown_column, unknown_function
from mdekit.kql.relation import NO_CONST, Relation, Typed
from mdekit.kql.syntax import (
    Assign,
    Between,
    Binary,
    Call,
    Expr,
    Index,
    InList,
    Let,
    Literal,
    Member,
    Name,
    Paren,
    Query,
    QueryStatement,
    Star,
    SubQuery,
    TypeRef,
    Unary,
)

Handler = Callable[["ExprTranslator", Call], Typed]
TYPE = "type"  # pseudo-type of `typeof(x)` arguments
_SIMPLE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ExprTranslator:
    """Translates expressions against one row scope; one instance per operator."""

    def __init__(
        self,
        ctx: Context,
        env: Env,
        scope: RowScope,
        operator: str,
        *,
        aggregate: bool = False,
    ) -> None:
        self.ctx = ctx
        self.env = env
        self.scope = scope
        self.operator = operator
        self.aggregate = aggregate

    # -- entry ---------------------------------------------------------------------

    def expr(self, node: Expr) -> Typed:
        match node:
            case Literal(value=value, type=kql_type):
                return C.literal(value, kql_type)
            case Name(name=name):
                return self.name(name)
            case Paren(inner=inner):
                return self.expr(inner)
            case Unary():
                return self.unary(node)
            case Binary() | InList() | Between():
                from mdekit.kql import operators

                return operators.translate(self, node)
            case Member() | Index():
                return self.member(node)
            case Call():
                return self.call(node)
            case TypeRef(name=type_name):
                canonical = T.canonical_type(type_name)
                if canonical is None:
                    raise KqlSemanticError(f"'{type_name}' is not a type name.")
                return Typed(S.null(), TYPE, canonical)
            case SubQuery():
                raise KqlSemanticError(
                    f"'{self.operator}' operator: a tabular expression is not allowed here;"
                    " use toscalar() to turn it into a scalar."
                )
            case Star():
                raise KqlSemanticError(f"'{self.operator}' operator: '*' is not allowed here.")
            case Assign(names=names):
                raise KqlSemanticError(
                    f"'{self.operator}' operator: unexpected assignment to '{names[0]}'."
                )
        raise KqlSemanticError(f"'{self.operator}' operator: unsupported expression.")

    def predicate(self, node: Expr) -> exp.Expression:
        return C.as_bool(self.expr(node))

    def sub(
        self, *, aggregate: bool | None = None, scope: RowScope | None = None
    ) -> ExprTranslator:
        return ExprTranslator(
            self.ctx,
            self.env,
            self.scope if scope is None else scope,
            self.operator,
            aggregate=self.aggregate if aggregate is None else aggregate,
        )

    # -- names ---------------------------------------------------------------------

    def name(self, name: str) -> Typed:
        if name in self.scope.overrides:
            return self.scope.overrides[name]
        column = self.scope.find(name)
        if column is not None:
            if self.aggregate:
                raise KqlSemanticError(
                    f"'{self.operator}' operator: the column '{name}' is used outside an"
                    f" aggregation function; use an aggregate such as take_any({name})."
                )
            return Typed(self.scope.ref(column), column.type)
        binding = self.env.lookup(name)
        if isinstance(binding, ScalarBinding):
            return binding.value
        if isinstance(binding, FunctionBinding) and not binding.definition.params:
            return self.user_call(binding, Call(name, ()))
        if isinstance(binding, TabularBinding | RelationBinding) or self.ctx.has_table(name):
            raise KqlSemanticError(
                f"'{self.operator}' operator: '{name}' is a tabular value; a scalar is expected."
            )
        if name in ("$left", "$right"):
            raise KqlSemanticError(f"'{name}' can only be used in join conditions.")
        raise unknown_column(name, self.operator)

    def tabular_operand(self, node: Expr) -> Relation | None:
        """The relation behind a list item like `in (T)` or `has_any (T)`, if it is tabular."""
        while isinstance(node, Paren):
            node = node.inner
        if isinstance(node, SubQuery):
            return self.ctx.tabular(node.query, self.env)
        if isinstance(node, Name) and self.scope.find(node.name) is None:
            binding = self.env.lookup(node.name)
            if isinstance(binding, TabularBinding | RelationBinding) or (
                binding is None and self.ctx.has_table(node.name)
            ):
                return self.ctx.tabular(node, self.env)
        if isinstance(node, Call) and node.name in ("materialize", "toscalar"):
            return self.ctx.tabular(node, self.env) if node.name == "materialize" else None
        return None

    # -- operators on single values -------------------------------------------------

    def unary(self, node: Unary) -> Typed:
        value = self.expr(node.operand)
        if node.op == "+":
            return value
        if value.type in T.NUMERIC or value.type == T.TIMESPAN:
            const = -value.const if isinstance(value.const, int | float) else NO_CONST
            return Typed(exp.Neg(this=S.paren(value.sql)), value.type, const)
        if value.type == T.DYNAMIC:
            return Typed(exp.Neg(this=C.from_dynamic(value, T.REAL)), T.REAL)
        raise KqlSemanticError(
            f"The operator '-' is not defined for the operand type {value.type}."
        )

    def member(self, node: Member | Index) -> Typed:
        target = node.target
        if (
            isinstance(node, Member)
            and isinstance(target, Name)
            and target.name
            in (
                "$left",
                "$right",
            )
        ):
            side = self.scope.left if target.name == "$left" else self.scope.right
            column = side.find(node.name) if side is not None else None
            if side is None or column is None:
                raise unknown_column(f"{target.name}.{node.name}", self.operator)
            return Typed(side.ref(column), column.type)
        base = self.expr(target)
        if base.type not in (T.DYNAMIC, T.STRING):
            raise KqlSemanticError(
                f"'{self.operator}' operator: member access needs a dynamic value, not {base.type}."
            )
        if isinstance(node, Member):
            return self.json_step(base, node.name, None)
        index = self.expr(node.index)
        if index.is_const and isinstance(index.const, int | str):
            return self.json_step(base, index.const, None)
        return self.json_step(base, None, index)

    def json_step(self, base: Typed, key: str | int | None, index: Typed | None) -> Typed:
        """`base.key`, `base[n]` or `base[expr]` on a dynamic (or JSON text) value."""
        if base.is_const and key is not None:
            value = base.const
            if base.type == T.STRING and isinstance(value, str):
                value = _parse_json_constant(value)
            return C.literal(_step_constant(value, key), T.DYNAMIC)
        if base.json_base is not None and base.json_path is not None:
            root, path = base.json_base, base.json_path
        else:
            root = base.sql if base.type == T.DYNAMIC else parse_json_sql(base.sql)
            path = "$"
        if key is not None:
            new_path = path + _path_segment(key)
            return Typed(
                S.fn("json_extract", root, S.string(new_path)),
                T.DYNAMIC,
                json_base=root,
                json_path=new_path,
            )
        assert index is not None
        if index.type in T.NUMERIC:
            step = S.fn(
                "concat",
                S.string(path + "["),
                S.case([(S.binop("<", index.sql, S.number(0)), S.string("#"))], S.string("")),
                S.cast(index.sql, "VARCHAR"),
                S.string("]"),
            )
        else:
            step = S.fn("concat", S.string(path + '."'), C.to_string(index), S.string('"'))
        return Typed(S.fn("json_extract", root, step), T.DYNAMIC)

    # -- calls ---------------------------------------------------------------------

    def call(self, node: Call) -> Typed:
        from mdekit.kql import aggregates, registry

        binding = self.env.lookup(node.name)
        if isinstance(binding, FunctionBinding):
            return self.user_call(binding, node)
        scalar = registry.SCALAR_FUNCTIONS.get(node.name)
        if node.name in aggregates.AGGREGATES and not (scalar and not self.aggregate):
            if not self.aggregate:
                raise KqlSemanticError(
                    f"'{self.operator}' operator: the aggregate function '{node.name}'"
                    " is not allowed in this context."
                )
            return aggregates.AGGREGATES[node.name](self.sub(aggregate=False), node)
        if scalar is None:
            raise unknown_function(node.name)
        return scalar(self, node)

    def args(self, node: Call, least: int, most: int | None = None) -> list[Typed]:
        """Translate all arguments after checking their count."""
        check_arity(node, least, least if most is None else most)
        return [self.expr(arg) for arg in node.args]

    def user_call(self, binding: FunctionBinding, node: Call) -> Typed:
        env = self.bind_arguments(binding, node)
        *lets, last = binding.definition.body
        body = ExprTranslator(self.ctx, env, self.scope, self.operator, aggregate=self.aggregate)
        for statement in lets:
            if isinstance(statement, Let):
                bind_let(self.ctx, env, statement, body)
        if not isinstance(last, QueryStatement) or isinstance(last.query, Query):
            raise KqlSemanticError(
                f"'{self.operator}' operator: the function '{binding.name}' returns a table;"
                " a scalar is expected."
            )
        return body.expr(last.query)

    def bind_arguments(self, binding: FunctionBinding, node: Call) -> Env:
        params = binding.definition.params
        if len(node.args) > len(params):
            raise KqlSemanticError(
                f"The function '{binding.name}' expects {len(params)} argument(s)."
            )
        env = binding.env.child()
        for i, param in enumerate(params):
            if i < len(node.args):
                arg = node.args[i]
            elif param.default is not None:
                arg = param.default
            else:
                raise KqlSemanticError(f"The argument for parameter '{param.name}' is missing.")
            if param.tabular is not None or param.type is None:
                relation = self.tabular_operand(arg) or self.ctx.tabular(arg, self.env)
                env.bind(param.name, RelationBinding(relation))
            else:
                value = self.expr(arg)
                if param.type != value.type and value.type != T.DYNAMIC:
                    value = Typed(C.coerce(value, param.type), param.type)
                env.bind(param.name, ScalarBinding(value))
        return env


def check_arity(node: Call, least: int, most: int) -> None:
    count = len(node.args)
    if least <= count <= most:
        return
    if least == most:
        expected = f"{least} argument{'s' if least != 1 else ''}"
    else:
        expected = f"between {least} and {most} arguments"
    raise KqlSemanticError(f"The function '{node.name}' expects {expected}.")


def bind_let(ctx: Context, env: Env, statement: Let, tr: ExprTranslator) -> None:
    """Bind one `let`: functions and tabular values lazily, scalars translated now (in the
    row scope of `tr`, so a `let` inside a scalar function body may use the row's columns)."""
    from mdekit.kql.syntax import FunctionDef

    value = statement.value
    if isinstance(value, FunctionDef):
        env.bind(statement.name, FunctionBinding(statement.name, value, env))
    elif is_tabular(value, env, ctx):
        if isinstance(value, Call) and value.name == "materialize":
            env.bind(statement.name, RelationBinding(ctx.tabular(value, env)))
        else:
            env.bind(statement.name, TabularBinding(value, env))
    else:
        assert not isinstance(value, Query)
        # The names of `env`, the row (if any) that `tr` translates for.
        translator = ExprTranslator(ctx, env, tr.scope, "let")
        env.bind(statement.name, ScalarBinding(translator.expr(value)))


def is_tabular(value: Expr | Query, env: Env, ctx: Context) -> bool:
    """Whether a `let` value or argument denotes a table rather than a scalar."""
    if isinstance(value, Query | SubQuery):
        return True
    if isinstance(value, Paren):
        return is_tabular(value.inner, env, ctx)
    if isinstance(value, Name):
        binding = env.lookup(value.name)
        if binding is None:
            return ctx.has_table(value.name)
        if isinstance(binding, FunctionBinding) and not binding.definition.params:
            return returns_table(binding, ctx)
        return isinstance(binding, TabularBinding | RelationBinding)
    if isinstance(value, Call):
        if value.name in ("materialize", "view", "table", "datatable"):
            return True
        binding = env.lookup(value.name)
        if isinstance(binding, FunctionBinding):
            return returns_table(binding, ctx)
    return False


def returns_table(binding: FunctionBinding, ctx: Context) -> bool:
    """Whether a user function's body ends with a tabular expression."""
    last = binding.definition.body[-1]
    if not isinstance(last, QueryStatement):
        return False
    if isinstance(last.query, Query):
        return True
    tables = {p.name for p in binding.definition.params if p.tabular is not None or p.type is None}
    if isinstance(last.query, Name) and last.query.name in tables:
        return True
    return is_tabular(last.query, binding.env, ctx)


def parse_json_sql(sql: exp.Expression) -> exp.Expression:
    """`parse_json()` of text: JSON when it parses, otherwise the text as a JSON string."""
    return S.case([(S.fn("json_valid", sql), S.cast(sql, "JSON"))], S.fn("to_json", sql))


def _path_segment(key: str | int) -> str:
    if isinstance(key, int):
        return f"[{key}]" if key >= 0 else f"[#{key}]"
    if _SIMPLE_KEY.match(key):
        return f".{key}"
    return '."' + key.replace('"', '\\"') + '"'


def _parse_json_constant(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _step_constant(value: object, key: str | int) -> object:
    if isinstance(key, int) and isinstance(value, list):
        return value[key] if -len(value) <= key < len(value) else None
    if isinstance(key, str) and isinstance(value, dict):
        return value.get(key)
    return None
