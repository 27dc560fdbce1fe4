"""The one loader of row-schema files (JSON Schema of one row, with ``x-mlvc`` table rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli import paths


def read_schema(path: Path) -> Any:
    """A JSON Schema file, checked against the Draft 2020-12 metaschema, its references
    contained in the document and its ``x-mlvc`` rules against their own schema.

    Every command that reads a row schema (``schema check``, ``drift --schema``) loads it
    here, so each refuses the same files with the same errors.
    """
    import json

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    from cli.adapters.files import require_file
    from cli.core.documents import MAX_DEPTH, IntegerTooLong, ParseLimitExceeded, load_json
    from cli.core.schema.document import (
        dangling_refs,
        foreign_refs,
        invalid_uris,
        ref_kind,
    )
    from cli.errors import (
        SchemaInvalid,
        SchemaRefRefused,
        SchemaRefUnresolvable,
        SchemaTooDeep,
    )

    require_file(path, what="schema file", hint="create one with 'mlvc schema infer'")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaInvalid(str(path), f"not UTF-8 text ({exc.reason})") from None
    try:
        schema = load_json(text)
    except json.JSONDecodeError as exc:
        raise SchemaInvalid(str(path), f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except IntegerTooLong as exc:
        raise SchemaInvalid(str(path), exc.detail) from None
    except ParseLimitExceeded:  # nested past MAX_DEPTH, as every document mlvc reads
        raise SchemaTooDeep(str(path), MAX_DEPTH) from None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise SchemaInvalid(str(path), f"at {where}: {exc.message}") from None
    malformed = invalid_uris(schema)
    if malformed:
        pointer, value = malformed[0]
        raise SchemaInvalid(str(path), f"at {pointer}: '{value}' is not a valid URI reference")
    refused = foreign_refs(schema)
    if refused:
        pointer, ref = refused[0]
        raise SchemaRefRefused(str(path), ref, pointer, kind=ref_kind(ref))
    dangling = dangling_refs(schema)
    if dangling:
        pointer, ref = dangling[0]
        raise SchemaRefUnresolvable(str(path), ref, pointer)
    _check_table_rules(path, schema)
    return schema


def _check_table_rules(path: Path, schema: Any) -> None:
    """Refuse ``x-mlvc`` rules that break ``x-mlvc.schema.json`` or name unknown columns."""
    import json

    from cli.core.schema.document import table_rules_problems
    from cli.errors import TableRulesInvalid

    rules_schema = json.loads(paths.TABLE_RULES_SCHEMA.read_text(encoding="utf-8"))
    problems = table_rules_problems(schema, rules_schema)
    if problems:
        raise TableRulesInvalid(
            str(path), problems, rules_schema=f"cli/schemas/{paths.TABLE_RULES_SCHEMA.name}"
        )
