"""Small SQL constructs that compile differently on SQLite and PostgreSQL.

They let :func:`mdekit.odata.to_sql` return one expression that means the same on both:

* :class:`fold_case` - ASCII-only lower-casing compared byte-wise.  SQLite's ``lower()`` folds
  only ASCII, PostgreSQL's folds per locale and compares per collation, so PostgreSQL gets
  ``translate(x, 'A..Z', 'a..z') COLLATE "C"`` instead.
* :class:`binary_text` - text compared byte-wise (``COLLATE "C"`` on PostgreSQL; SQLite's
  default BINARY collation already is).
* :class:`json_string_elements` - the elements of a JSON array of strings as a table with
  one column ``value``: ``json_each(x)`` on SQLite, ``json_array_elements_text(CAST(x AS
  JSON))`` on PostgreSQL.
"""

from __future__ import annotations

import string
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement, GenericFunction

_UPPER = string.ascii_uppercase
_LOWER = string.ascii_lowercase


class fold_case(FunctionElement[str]):
    """ASCII lower case, compared byte-wise: the key for case-insensitive comparison."""

    type = String()
    inherit_cache = True
    name = "fold_case"


class ascii_lower(FunctionElement[str]):
    """ASCII-only ``tolower`` (no collation change)."""

    type = String()
    inherit_cache = True
    name = "ascii_lower"


class ascii_upper(FunctionElement[str]):
    """ASCII-only ``toupper`` (no collation change)."""

    type = String()
    inherit_cache = True
    name = "ascii_upper"


class binary_text(FunctionElement[str]):
    """The argument unchanged, but compared byte-wise."""

    type = String()
    inherit_cache = True
    name = "binary_text"


class json_string_elements(GenericFunction[Any]):
    """Table-valued: one row per element of a JSON array of strings, column ``value``."""

    inherit_cache = True
    name = "json_each"


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(fold_case)
@compiles(ascii_lower)
def _lower_default(element: FunctionElement[str], compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({_argument(element, compiler, **kw)})"


@compiles(ascii_upper)
def _upper_default(element: ascii_upper, compiler: SQLCompiler, **kw: Any) -> str:
    return f"upper({_argument(element, compiler, **kw)})"


@compiles(binary_text)
def _binary_default(element: binary_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({_argument(element, compiler, **kw)})"


@compiles(fold_case, "postgresql")
def _fold_postgresql(element: fold_case, compiler: SQLCompiler, **kw: Any) -> str:
    folded = f"translate({_argument(element, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"
    return f'({folded} COLLATE "C")'


@compiles(ascii_lower, "postgresql")
def _lower_postgresql(element: ascii_lower, compiler: SQLCompiler, **kw: Any) -> str:
    return f"translate({_argument(element, compiler, **kw)}, '{_UPPER}', '{_LOWER}')"


@compiles(ascii_upper, "postgresql")
def _upper_postgresql(element: ascii_upper, compiler: SQLCompiler, **kw: Any) -> str:
    return f"translate({_argument(element, compiler, **kw)}, '{_LOWER}', '{_UPPER}')"


@compiles(binary_text, "postgresql")
def _binary_postgresql(element: binary_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({_argument(element, compiler, **kw)} COLLATE "C")'


@compiles(json_string_elements, "postgresql")
def _elements_postgresql(element: json_string_elements, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_array_elements_text(CAST({_argument(element, compiler, **kw)} AS JSON))"
