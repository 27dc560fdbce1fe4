"""Validate table rows against a JSON Schema, column by column, with exactly jsonschema's verdict.

A row passes if and only if ``jsonschema``'s Draft 2020-12 validator (with its
format checker) accepts the row as a JSON object, after this mapping of cells
to JSON values:

- CSV cells are text. An empty cell or one of ``NULL_TOKENS`` is ``null``; a
  cell matching the JSON number grammar (``-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?``)
  is that number (an integer when it has no fraction or exponent); anything
  else is the string itself. So ``007``, ``+1`` and ``true`` stay strings.
- Parquet and JSON Lines keep their own types; NaN is ``null``; dates and
  timestamps become ISO 8601 strings.

The supported keywords (type, enum, const, minimum, maximum, exclusiveMinimum,
exclusiveMaximum, multipleOf, minLength, maxLength, pattern, format, required,
properties, additionalProperties) compile to vectorised operations on Arrow and
NumPy arrays; ``pattern`` and ``format`` run the same Python checks as
jsonschema once per distinct value (``pattern`` through a :data:`PatternSearch`,
which the API bounds in time). Every other keyword is validated per cell
(inside a property, in the scope of that property's ``$id``) or per row (at the
top level) by jsonschema itself, for that part of the schema alone, so results
stay exact. Integers longer than 15
digits, which a float64 cannot hold exactly, also go through jsonschema.

Modules: ``cells`` (the cell mapping and the :class:`cells.Cells` type), ``text`` (CSV
text to cells), ``columns`` (any column to cells), ``keywords`` (one failure mask per
keyword), ``plan`` (which keywords are vectorised), ``checker`` (chunks in, violations
out), ``infer`` (a schema from data), ``document`` (the schema document: references,
patterns, table rules).
"""
