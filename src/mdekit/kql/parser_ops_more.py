"""Parsers for the operators with richer syntax: join, union, mv-expand, parse, make-series…"""

from __future__ import annotations

from mdekit.kql import types as T
from mdekit.kql.lexer import TokenKind
from mdekit.kql.parser_ops import STOPS, BasicOperatorParser, any_column_has
from mdekit.kql.syntax import Call, Expr, Literal, Name, OrderKey, Query, TableRef
from mdekit.kql.syntax_ops import (
    AsOperator,
    Distinct,
    Evaluate,
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
    Sample,
    Serialize,
    TopNested,
    Union,
    Where,
)


class OperatorParser(BasicOperatorParser):
    """All operators; the statement parser supplies sources and subqueries."""

    def parse_source_query(self) -> Query:  # pragma: no cover - overridden
        raise NotImplementedError

    def parse_union_items(self) -> tuple[Query, ...]:  # pragma: no cover - overridden
        raise NotImplementedError

    def parse_query_or_expr(self) -> Query | Expr:  # pragma: no cover - overridden
        raise NotImplementedError

    def op_join(self, lookup: bool = False) -> Operator:
        params = self.parse_params(frozenset({"kind", "withsource"}))
        right = self.parse_source_query()
        on: list[Expr] = []
        if self.accept("on"):
            on.append(self.parse_expr())
            while self.accept(","):
                on.append(self.parse_expr())
        elif self.accept("where"):
            on.append(self.parse_expr())
        else:
            raise self.error("'on' and the join keys")
        kind = params.get("kind")
        return Join(str(kind) if kind is not None else None, right, tuple(on), lookup)

    def op_lookup(self) -> Operator:
        return self.op_join(lookup=True)

    def op_union(self) -> Operator:
        params = self.parse_params(frozenset({"kind", "withsource", "isfuzzy"}))
        items = self.parse_union_items()
        source = params.get("withsource")
        return Union(
            items,
            str(params.get("kind", "outer")),
            str(source) if source is not None else None,
            str(params.get("isfuzzy", "")).lower() == "true",
        )

    def _expand_items(self) -> tuple[tuple[Expr, ...], tuple[str | None, ...], str | None]:
        params = self.parse_params(frozenset({"bagexpansion", "with_itemindex", "kind"}))
        self.bag_as_array = "array" in (params.get("kind"), params.get("bagexpansion"))
        items: list[Expr] = []
        types: list[str | None] = []
        while True:
            items.append(self.parse_named_item())
            kql_type = None
            if self.at("to") and self.word_at(1) == "typeof":
                self.advance(2)
                self.expect("(")
                kql_type = self.parse_type_name()
                self.expect(")")
            types.append(kql_type)
            if not self.accept(","):
                break
        index = params.get("with_itemindex")
        return tuple(items), tuple(types), str(index) if index is not None else None

    def op_mv_expand(self) -> Operator:
        items, types, index = self._expand_items()
        limit = self.parse_expr() if self.accept("limit") else None
        return MvExpand(items, types, index, limit, self.bag_as_array)

    def op_mv_apply(self) -> Operator:
        items, types, index = self._expand_items()
        if self.accept("limit"):
            self.parse_expr()
        self.expect("on", "'on' and the subquery")
        self.expect("(", "'(' opening the subquery")
        at = self.tok.offset
        ops = [self.parse_operator()]
        while self.accept("|"):
            ops.append(self.parse_operator())
        self.expect(")", "')' closing the subquery")
        sub = Query(TableRef("$mv_apply_rows", at=at), tuple(ops), at=at)
        return MvApply(items, types, index, sub)

    def op_parse(self, where: bool = False) -> Operator:
        params = self.parse_params(frozenset({"kind", "flags"}))
        source = self.parse_expr()
        self.expect("with", "'with' and the pattern")
        parts: list[str | tuple[str, str]] = []
        while not (self.at_end() or self.at(*STOPS)):
            if self.accept("*"):
                parts.append("*")
            elif self.at_kind(TokenKind.STRING):
                parts.append("\0" + str(self.advance().value))
            else:
                name = self.parse_column_name()
                kql_type = T.STRING
                if self.accept(":"):
                    kql_type = self.parse_type_name()
                parts.append((name, kql_type))
        if not parts:
            raise self.error("the pattern after 'with': strings, '*' and column names")
        return Parse(source, tuple(parts), str(params.get("kind", "simple")), where)

    def op_parse_where(self) -> Operator:
        return self.op_parse(where=True)

    def op_render(self) -> Operator:
        self.skip_balanced_until(STOPS)
        return Ignored("render")

    def op_serialize(self) -> Operator:
        if self.at_end() or self.at(*STOPS):
            return Serialize(())
        return Serialize(self.parse_items())

    def op_top_nested(self) -> Operator:
        levels = []
        while True:
            count = None if self.at("of") else self.parse_expr()
            self.expect("of", "'of' after top-nested")
            of = self.parse_named_item()
            others = False
            if self.accept("with"):
                self.expect("others")
                self.expect("=")
                self.parse_expr()
                others = True
            self.expect("by", "'by' and the aggregate")
            at = self.tok.offset
            aggregate = self.parse_named_item()
            descending = not self.accept("asc")
            self.accept("desc")
            agg = OrderKey(aggregate, descending, None, at=at)
            levels.append((count, of, agg, others))
            if not (self.at(",") and self.glued_word_after_comma()):
                return TopNested(tuple(levels))
            self.advance(4)

    def glued_word_after_comma(self) -> bool:
        save = self.i
        self.advance()
        found = self.glued_word(frozenset({"top-nested"})) == "top-nested"
        self.i = save
        return found

    def op_make_series(self) -> Operator:
        self.parse_params(frozenset({"kind"}))
        aggregates: list[tuple[Expr, Expr | None]] = []
        while True:
            agg = self.parse_named_item()
            default = None
            if self.at("default") and self.peek(1).text == "=":
                self.advance(2)
                default = self.parse_expr()
            aggregates.append((agg, default))
            if not self.accept(","):
                break
        self.expect("on", "'on' and the axis column")
        axis = self.parse_expr()
        start = end = None
        if self.accept("in"):
            self.expect("range")
            self.expect("(")
            start = self.parse_expr()
            self.expect(",")
            end = self.parse_expr()
            self.expect(",")
            step = self.parse_expr()
            self.expect(")")
        else:
            if self.accept("from"):
                start = self.parse_expr()
            if self.accept("to"):
                end = self.parse_expr()
            self.expect("step", "'step' and the bin size")
            step = self.parse_expr()
        by: tuple[Expr, ...] = ()
        if self.accept("by"):
            by = self.parse_items()
        return MakeSeries(tuple(aggregates), axis, start, end, step, by)

    def _call_operand(self) -> Call:
        self.parse_params(frozenset())
        expr = self.parse_postfix(self.parse_primary())
        if not isinstance(expr, Call):
            raise self.error("a function call")
        return expr

    def op_evaluate(self) -> Operator:
        call = self._call_operand()
        schema = self.parse_schema(allow_star=True) if self.accept(":") else None
        return Evaluate(call, schema)

    def parse_schema(self, allow_star: bool = False) -> tuple[tuple[str, str], ...]:
        self.expect("(", "'(' and the column list")
        columns: list[tuple[str, str]] = []
        while not self.at(")"):
            if allow_star and self.accept("*"):
                continue
            name = self.parse_column_name()
            self.expect(":", "':' and the column type")
            columns.append((name, self.parse_type_name()))
            if not self.accept(","):
                break
        self.expect(")", "')' or ',' in the column list")
        return tuple(columns)

    def op_partition(self) -> Operator:
        self.parse_params(frozenset())
        self.expect("by", "'by' and the partition column")
        key = self.parse_column_name()
        at = self.tok.offset
        if self.accept("{"):
            inner = self.parse_query_or_expr()
            if isinstance(inner, Name):
                inner = Query(TableRef(inner.name, at=inner.at), (), at=inner.at)
            if not isinstance(inner, Query):
                raise self.error("a tabular subquery inside '{ }'")
            self.expect("}", "'}' closing the subquery")
            return Partition(key, inner, own_source=True)
        self.expect("(", "'(' opening the subquery")
        ops = [self.parse_operator()]
        while self.accept("|"):
            ops.append(self.parse_operator())
        self.expect(")", "')' closing the subquery")
        return Partition(key, Query(TableRef("$partition_rows", at=at), tuple(ops), at=at))

    def op_invoke(self) -> Operator:
        return Invoke(self._call_operand())

    def op_as(self) -> Operator:
        self.parse_params(frozenset())
        return AsOperator(self.parse_column_name())

    def op_sample(self) -> Operator:
        return Sample(self.parse_expr())

    def op_sample_distinct(self) -> Operator:
        count = self.parse_expr()
        self.expect("of")
        column = self.parse_expr()
        return Distinct((column,), limit=count)

    def op_getschema(self) -> Operator:
        return GetSchema()

    def op_search(self) -> Operator:
        self.parse_params(frozenset({"kind"}))
        predicate = self.parse_expr()
        if isinstance(predicate, Literal) and predicate.type == T.STRING:
            predicate = any_column_has(predicate)
        return Where(predicate)
