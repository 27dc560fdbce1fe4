"""Check a table, chunk by chunk, against a row schema and collect every violation.

Pure: it receives Arrow tables (one chunk at a time) and returns a report.
Table-level rules live under the ``x-mlvc`` extension keyword of the schema:
``min_rows`` (int), ``unique`` (list of key columns) and ``max_null_share``
(column → largest allowed share of nulls). jsonschema ignores ``x-mlvc``.

Over 400 lines for a reason: one class whose methods share its per-check state (tallies,
distinct values, keys seen); its parts live beside it (``findings``, ``plan``, ``keywords``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.core.arrow_np import one_array, to_numpy
from cli.core.schema.cells import ABSENT, NULL, CellIntegerTooLong, Cells, take
from cli.core.schema.columns import to_cells
from cli.core.schema.document import contained_registry, has_refs, patterns_in, strings_in
from cli.core.schema.findings import (
    EXAMPLES,
    ROW,
    Checked,
    Finding,
    TableRule,
    Tally,
    Violation,
    absent_rule,
    any_set,
    constant,
    expected_text,
    finding_of,
)
from cli.core.schema.keywords import PatternSearch, keyword_fails, search_in_process
from cli.core.schema.plan import Plan, compile_plan

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# Text columns with few distinct values are checked once per distinct value: the keywords run
# on the distinct values and their masks are gathered back to rows (exact: a cell's verdict
# depends on its text alone). Decided from the first DICTIONARY_SAMPLE rows of a chunk; a
# column whose sample held many values is not sampled again. Cells are looked up among the
# values seen so far (index_in, a lookup in a hash table built once, where dictionary_encode
# would build one per chunk); values not seen are added, and kept with their verdicts for
# the next chunk.
DICTIONARY_SAMPLE = 4096
DICTIONARY_MAX = DICTIONARY_SAMPLE // 2


class PatternTimedOut(Exception):
    """A pattern outlived the time budget of the search function on one column's values."""

    def __init__(self, pattern: str, column: str, seconds: float) -> None:
        super().__init__(f"pattern {pattern!r} of column {column!r}: over {seconds} s")
        self.pattern, self.column, self.seconds = pattern, column, seconds


def _few_distinct(data: Any, *, seen: bool) -> bool:
    """A text column (no nulls) whose first rows hold few distinct values, or ``seen`` so."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not isinstance(data, pa.Array | pa.ChunkedArray) or data.null_count:
        return False
    if seen:
        return True
    if len(data) <= DICTIONARY_SAMPLE:
        return False
    distinct: int = pc.count_distinct(data.slice(0, DICTIONARY_SAMPLE)).as_py()
    return distinct <= DICTIONARY_MAX


@dataclass
class _Distinct:
    """A column's distinct texts so far, as cells, with each vectorised keyword's verdict."""

    values: pa.Array
    cells: Cells
    masks: list[np.ndarray]


def _reachable_patterns(schema: Any, everywhere: set[str]) -> set[str]:
    """The patterns jsonschema may evaluate for ``schema``: its own, or with a ``$ref``
    (which may lead anywhere in the document) every pattern of the document."""
    if schema is None or isinstance(schema, bool):
        return set()
    return set(everywhere) if has_refs(schema) else patterns_in(schema)


# How a checker runs one function over a chunk's columns: the builtin ``map`` (serial, the
# default) or an executor's ``map`` (columns in parallel); results come back in input order.
ColumnMap = Callable[[Callable[[str], "Checked"], Iterable[str]], Iterator["Checked"]]


def _cost(data: Any, keywords: int) -> int:
    """A deterministic estimate of a column's check cost: its bytes times its keywords."""
    size = data.nbytes if hasattr(data, "nbytes") else len(data)
    return int(size) * (1 + keywords)


class SchemaChecker:
    """Feed chunks in order with :meth:`feed`; read the result with :meth:`violations`."""

    def __init__(
        self,
        schema: Mapping[str, Any] | bool,
        columns: list[str],
        *,
        as_text: bool,
        search: PatternSearch | None = None,
        map_columns: ColumnMap = map,
    ):
        """``search`` evaluates the ``pattern`` keywords; given one (a time-bounded search),
        the texts jsonschema will search in are first searched with it too, so that no
        pattern runs unbounded in this process. ``map_columns`` runs the check of each
        column of a chunk (an executor's ``map`` checks them in parallel)."""
        from jsonschema import Draft202012Validator

        self.schema = schema
        self.columns = columns
        self.as_text = as_text
        self.plan: Plan = compile_plan(schema, columns)
        self.validator = Draft202012Validator(
            schema,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
            registry=contained_registry(),  # retrieves nothing: no network, no other file
        )
        self.checker = Draft202012Validator.FORMAT_CHECKER
        required = schema.get("required", []) if isinstance(schema, Mapping) else []
        self._required = {c for c in required if c in columns}
        self.rows = 0
        self.failing_rows = 0
        self._tallies: dict[tuple[str, str], Tally] = {}
        self._nulls = dict.fromkeys(columns, 0)
        self._keys: set[int] = set()
        self._duplicate_keys = 0
        self._duplicate_rows: list[int] = []
        self._distinct: dict[str, _Distinct] = {}  # per column; one thread per column
        self._many: set[str] = set()  # columns whose sample held many distinct values
        self._map_columns = map_columns
        self._search = search or search_in_process
        self._screens: dict[str, set[str]] = {}  # per column: patterns jsonschema may run
        if search is not None:
            everywhere = patterns_in(schema)
            for column, plan in self.plan.columns.items():
                self._screens[column] = _reachable_patterns(plan.full, everywhere)
            self._screens[ROW] = _reachable_patterns(self.plan.row_residual, everywhere)

    # -- recording ---------------------------------------------------------

    def _record(self, finding: Finding | None) -> None:
        """Add one finding of the current chunk to its (column, keyword) tally."""
        if finding is None:
            return
        key = (finding.column, finding.keyword)
        tally = self._tallies.setdefault(key, Tally(expected_text(finding.expected)))
        tally.count += finding.count
        examples = [(self.rows + i + 1, value) for i, value in finding.examples]
        kept = sorted([*zip(tally.rows, tally.values, strict=True), *examples], key=lambda e: e[0])
        tally.rows = [row for row, _ in kept[:EXAMPLES]]
        tally.values = [value for _, value in kept[:EXAMPLES]]

    # -- per chunk ---------------------------------------------------------

    def feed(
        self, table: pa.Table | pa.RecordBatch | Mapping[str, list[Any]], *, rows: int | None = None
    ) -> np.ndarray:
        """Check one chunk (rows in file order); returns which of its rows fail.

        ``table`` is an Arrow table, or for JSON Lines a mapping of column to
        parsed values with ``ABSENT`` where a record lacks the key. ``rows`` is the
        mapping's row count: required when the records hold no key at all (no column
        to count them by); every one of them is checked.
        """
        import numpy as np

        if isinstance(table, Mapping):
            n = rows if rows is not None else len(next(iter(table.values()), []))
            columns = table
        else:
            n = table.num_rows
            columns = {c: table.column(c) for c in self.columns}
        failing = np.zeros(n, bool)
        everything = np.ones(n, bool)
        # Arrow and NumPy release the GIL, so map_columns may check columns in parallel: the
        # costliest first by estimate (so that no worker idles on the last column); only
        # the tallies are kept here, in column order.
        plans = self.plan.columns
        order = sorted(self.columns, key=lambda c: -_cost(columns[c], len(plans[c].vectorised)))
        results = self._map_columns(lambda c: self._check(c, columns[c]), order)
        checked = dict(zip(order, results, strict=True))
        for column in self.columns:
            result = checked[column]
            self._nulls[column] += result.nulls
            for finding in result.findings:
                self._record(finding)
            if result.failing is not None:
                failing |= result.failing
            absent = result.cells.absent
            if absent is not None and column in self._required:
                self._record(finding_of(ROW, "required", [column], absent, None))
                failing |= absent
        cells_by_column = {column: checked[column].cells for column in self.columns}
        plan = self.plan
        for column in plan.unexpected:
            cells = cells_by_column[column]
            present = everything if cells.absent is None else ~cells.absent
            try:
                self._record(finding_of(column, "additionalProperties", False, present, cells))
            except CellIntegerTooLong as exc:
                raise self._named(exc, column) from None
            failing |= present
        if plan.missing_required:
            self._record(finding_of(ROW, "required", list(plan.missing_required), everything, None))
            failing[:] = True
        if plan.root_type_fails:
            assert isinstance(self.schema, Mapping)  # a plan fails the root type of a mapping only
            root_type = self.schema.get("type")
            self._record(finding_of(ROW, "type", root_type, everything, None))
            failing[:] = True
        if plan.row_residual is not None:
            failing |= self._check_rows(cells_by_column, n)
        self._check_unique(columns)
        self.failing_rows += int(np.count_nonzero(failing))
        self.rows += n
        return failing

    def _check(self, column: str, data: Any) -> Checked:
        """One column of one chunk, checked (thread-safe: one call per column at a time)."""
        try:
            return self._check_column(column, *self._vectorised(column, data))
        except CellIntegerTooLong as exc:
            raise self._named(exc, column) from None

    def _named(self, exc: CellIntegerTooLong, column: str) -> CellIntegerTooLong:
        """``exc`` naming ``column`` and its 1-based data row (as the findings' examples)."""
        return CellIntegerTooLong(exc.digits, self.rows + exc.row + 1, column)

    def _vectorised(
        self, column: str, data: Any, *, by_value: bool = True
    ) -> tuple[Cells, list[np.ndarray]]:
        """Cells of one column and the failure mask of each vectorised keyword (thread-safe)."""
        if by_value and self.as_text and column not in self._many:
            seen = column in self._distinct
            if _few_distinct(data, seen=seen):
                return self._vectorised_by_value(column, data)
            if not seen and len(data) > DICTIONARY_SAMPLE:
                self._many.add(column)  # sampled, many values: do not sample it again
        cells = to_cells(data, as_text=self.as_text)
        plan = self.plan.columns[column]
        masks = []
        for keyword, value in plan.vectorised:
            try:
                mask = keyword_fails(cells, keyword, value, self.checker, search=self._search)
            except TimeoutError as exc:
                raise PatternTimedOut(value, column, *exc.args[:1]) from None
            masks.append(mask)
        if cells.absent is not None or any_set(cells.inexact):
            exact = ~cells.inexact  # inexact and absent cells are left to jsonschema
            if cells.absent is not None:
                exact &= ~cells.absent
            masks = [mask & exact for mask in masks]
        return cells, masks

    def _vectorised_by_value(self, column: str, data: Any) -> tuple[Cells, list[np.ndarray]]:
        """Like :meth:`_vectorised`, computed on the distinct values, then gathered to rows."""
        import pyarrow as pa
        import pyarrow.compute as pc

        data = one_array(data)
        known = self._distinct.get(column)
        values = known.values if known else pc.unique(data.slice(0, DICTIONARY_SAMPLE))
        index = pc.index_in(data, value_set=values)
        if index.null_count:  # values not seen yet: add them, look up again
            unseen = pc.unique(pc.filter(data, pc.is_null(index)))
            values = pa.concat_arrays([values, unseen])
            index = pc.index_in(data, value_set=values)
            known = None
        if known is None:
            known = _Distinct(values, *self._vectorised(column, values, by_value=False))
            if len(values) <= DICTIONARY_MAX:
                self._distinct[column] = known
            else:
                self._distinct.pop(column, None)
        rows = to_numpy(index)
        return known.cells.gather(rows), [take(mask, rows) for mask in known.masks]

    def _check_column(self, column: str, cells: Cells, masks: list[np.ndarray]) -> Checked:
        """The findings of one column's masks, and its cells that jsonschema must check
        one by one (inexact numbers, keywords not vectorised); thread-safe."""
        import numpy as np

        plan = self.plan.columns[column]
        n = len(cells)
        present = None if cells.absent is None else ~cells.absent
        if constant(cells.kind):  # one kind for every row: no pass over the rows
            nulls = n if cells.kind[0] == NULL else 0
            if nulls and present is not None:
                nulls = int(np.count_nonzero(present))
        else:
            is_null = cells.kind == NULL
            nulls = int(np.count_nonzero(is_null if present is None else is_null & present))
        findings: list[Finding] = []
        failing: np.ndarray | None = None
        for (keyword, value), mask in zip(plan.vectorised, masks, strict=True):
            finding = finding_of(column, keyword, value, mask, cells)
            if finding is not None:
                findings.append(finding)
                failing = mask.copy() if failing is None else failing | mask
        if plan.residual is False:
            everything = np.ones(n, bool) if present is None else present
            finding = finding_of(column, "false", False, everything, cells)
            return Checked(cells, everything, [*findings, *filter(None, [finding])], nulls)
        if plan.residual is not None:
            per_cell = np.arange(n)
        elif any_set(cells.inexact):
            per_cell = np.flatnonzero(cells.inexact)
        else:
            per_cell = np.zeros(0, np.intp)
        if present is not None:
            per_cell = per_cell[present[per_cell]]
        if self._screens.get(column):
            self._screen(column, [cells.value(int(i)) for i in per_cell])
        # per keyword: its value in the schema (the first error's), count, first examples
        by_keyword: dict[str, tuple[Any, list[int], list[tuple[int, Any]]]] = {}
        for i in per_cell:
            # with no residual, per_cell holds only the inexact cells, checked on the full schema
            schema = plan.full if cells.inexact[i] or plan.residual is None else plan.residual
            # descend, as jsonschema's "properties" does: a subschema's $id sets its base URI
            error = next(self.validator.descend(cells.value(int(i)), schema), None)
            if error is not None:
                value = error.validator_value if error.validator != "false" else False
                _, count, examples = by_keyword.setdefault(str(error.validator), (value, [0], []))
                count[0] += 1
                if len(examples) < EXAMPLES:
                    examples.append((int(i), cells.value(int(i))))
                if failing is None:
                    failing = np.zeros(n, bool)
                failing[i] = True
        for keyword, (value, count, examples) in by_keyword.items():
            findings.append(Finding(column, keyword, value, count[0], examples))
        return Checked(cells, failing, findings, nulls)

    def _check_rows(self, cells_by_column: dict[str, Cells], n: int) -> np.ndarray:
        import numpy as np

        validator = self.validator.evolve(schema=self.plan.row_residual)
        failing = np.zeros(n, bool)
        rows = []
        for i in range(n):
            row = {}
            for c, column_cells in cells_by_column.items():
                try:
                    row[c] = column_cells.value(i)
                except CellIntegerTooLong as exc:
                    raise self._named(exc, c) from None
            rows.append({c: v for c, v in row.items() if v is not ABSENT})
        self._screen(ROW, rows)
        for i, row in enumerate(rows):
            error = next(validator.iter_errors(row), None)
            if error is not None:
                failing[i] = True
                where = str(error.absolute_path[0]) if error.absolute_path else ROW
                cells = cells_by_column.get(where)
                value = cells.value(i) if cells is not None else None
                self._record(
                    Finding(where, str(error.validator), error.validator_value, 1, [(i, value)])
                )
        return failing

    def _screen(self, column: str, values: list[Any]) -> None:
        """Search every text of ``values`` with every pattern jsonschema may run on them,
        through the bounded search: a pattern too slow there stops the check before
        jsonschema would run it without a bound (thread-safe)."""
        patterns = self._screens.get(column)
        if not patterns or not values:
            return
        texts = list(dict.fromkeys(text for value in values for text in strings_in(value)))
        for pattern in sorted(patterns):
            try:
                self._search(pattern, texts)
            except TimeoutError as exc:
                raise PatternTimedOut(pattern, column, *exc.args[:1]) from None

    def _check_unique(self, columns: Mapping[str, Any]) -> None:
        key = self.plan.table_rules.get("unique") or []
        if not key or any(c not in self.columns for c in key):
            return
        import pandas as pd  # only for a unique key: other checks never pay pandas' import

        values = {c: v if isinstance(v, list) else v.to_pylist() for c, v in columns.items()}
        frame = pd.DataFrame({c: [repr(x) for x in values[c]] for c in key})
        for offset, digest in enumerate(pd.util.hash_pandas_object(frame, index=False).tolist()):
            if digest in self._keys:
                self._duplicate_keys += 1
                if len(self._duplicate_rows) < EXAMPLES:
                    self._duplicate_rows.append(self.rows + offset + 1)
            else:
                self._keys.add(digest)

    # -- results -----------------------------------------------------------

    def violations(self) -> list[Violation]:
        """Every (column, keyword) that failed, in column order then keyword."""
        order = {c: i for i, c in enumerate([ROW, *self.columns])}
        return [
            Violation(column, keyword, t.expected, t.count, tuple(t.rows), tuple(t.values))
            for (column, keyword), t in sorted(
                self._tallies.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
            )
        ]

    def table_rules(self) -> list[TableRule]:
        """Outcomes of the ``x-mlvc`` table-level rules."""
        rules = self.plan.table_rules
        out: list[TableRule] = []
        if "min_rows" in rules:
            want = int(rules["min_rows"])
            out.append(TableRule("min_rows", "", f">= {want}", str(self.rows), self.rows >= want))
        missing = [c for c in rules.get("unique") or [] if c not in self.columns]
        if missing:  # fails closed: a key the data lacks cannot be unique
            out.append(absent_rule("unique", ", ".join(rules["unique"]), missing))
        elif rules.get("unique"):
            key = ", ".join(rules["unique"])
            rows = (
                f" (first at rows {', '.join(map(str, self._duplicate_rows))})"
                if self._duplicate_rows
                else ""
            )
            out.append(
                TableRule(
                    "unique",
                    key,
                    "no duplicate keys",
                    f"{self._duplicate_keys} duplicates{rows}",
                    self._duplicate_keys == 0,
                )
            )
        for column, share in sorted((rules.get("max_null_share") or {}).items()):
            if column not in self.columns:
                out.append(absent_rule("max_null_share", column, [column], f"<= {share}"))
                continue
            found = self._nulls.get(column, 0) / self.rows if self.rows else 0.0
            out.append(
                TableRule("max_null_share", column, f"<= {share}", f"{found:.4f}", found <= share)
            )
        return out
