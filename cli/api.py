"""The public Python API: typed keyword arguments in, frozen results out.

Commands, stages and tests call these functions. They never print and never
exit; failures raise :class:`cli.errors.ToolkitError` subclasses. The registry
functions (``release``, ``promote``, ``rollback``, ``registry``,
``registry_history``, ``checkout``) live in :mod:`cli.registry_api`,
``build_report`` in :mod:`cli.report_api` and ``check_drift`` in
:mod:`cli.drift_api`; all are reachable from here too (``api.release(...)``),
imported on first use.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.results import (
    CardBuild,
    CardReport,
    OutputCheck,
    ParamsReport,
    ReproReport,
    SchemaInferred,
    SchemaReport,
)

if TYPE_CHECKING:
    from cli.adapters.arrow_tables import Progress
    from cli.adapters.card_sources import CardSources
    from cli.core.drift import DriftPolicy
    from cli.params import Params


def check_params(*, params: Path = paths.PARAMS) -> ParamsReport:
    """Validate a params file against the JSON Schema; every problem is reported."""
    from cli.params import check_params_file

    return ParamsReport(path=str(params), problems=tuple(check_params_file(params)))


def verify_reproduction(*, repo: Path = Path(), keep: bool = False) -> ReproReport:
    """Rerun the committed pipeline in a clean clone and compare output hashes with ``dvc.lock``.

    The clone has no workspace outputs and its own empty DVC cache and site
    cache (neither the repository's ``.dvc/cache`` nor a ``cache.dir`` in its
    config is read), and every stage is forced without the run-cache, so each
    runs from raw inputs. With ``keep`` the clone is left on disk for inspection.
    """
    from cli.adapters import git, pipeline

    git.ensure_repo(repo)
    scratch = Path(tempfile.mkdtemp(prefix="mlvc-repro-"))
    clone = scratch / "clone"
    try:
        pipeline.clean_clone(repo, clone)
        committed = pipeline.locked_outputs(pipeline.read_lock(clone))
        pipeline.repro_from_scratch(
            clone, cache=scratch / "dvc-cache", site_cache=scratch / "site-cache"
        )
        actual = pipeline.locked_outputs(pipeline.read_lock(clone))
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    checks = tuple(
        OutputCheck(stage=stage, path=path, expected=md5, actual=actual.get((stage, path)))
        for (stage, path), md5 in sorted(committed.items())
    )
    return ReproReport(outputs=checks, workdir=str(clone) if keep else None)


def build_card(
    *,
    output: Path = paths.MODEL_CARD,
    params_file: Path = paths.PARAMS,
    params: Params | None = None,
    sources: CardSources | None = None,
) -> CardBuild:
    """Write the model card from the pipeline's outputs and models/card.yaml.

    Every number comes from a pipeline output; the card is written atomically,
    so on any error the previous card stays in place.
    """
    import json

    from cli.adapters.card_sources import CardSources, gather_facts
    from cli.adapters.files import output_target, refuse_input_as_output, write_text
    from cli.core.card import check_card, disparities, render_card
    from cli.params import load_params

    sources = sources or CardSources()
    output_target(output)  # a directory, FIFO or device is refused before any work
    refuse_input_as_output(output, [*sources.inputs(), (params_file, "params file")])
    params = params or load_params(params_file)
    facts = gather_facts(
        sources,
        params=params,
        target=params.data.target,
        test_size=params.split.test_size,
        max_slice_gap=params.card.max_slice_gap,
        confidence=params.card.confidence,
    )
    text = render_card(facts)
    problems = check_card(text, json.loads(paths.MODEL_CARD_SCHEMA.read_text(encoding="utf-8")))
    if problems:  # a bug in the renderer, never the user's input: refuse to write it
        raise AssertionError(f"generated card fails its own check: {problems}")
    write_text(output, text)
    gaps = [d for d in disparities(facts.slices, facts.max_slice_gap) if d.flagged]
    small = [
        f"{factor}={value} (n={group['n']})"
        for factor, groups in facts.slices.items()
        for value, group in groups.items()
        if group.get("small")
    ]
    return CardBuild(
        path=str(output),
        model=facts.name,
        flagged_gaps=tuple(f"{d.metric} by {d.factor} ({d.difference:.3f})" for d in gaps),
        small_slices=tuple(small),
    )


def check_card(*, card: Path = paths.MODEL_CARD) -> CardReport:
    """Check a card's front matter against our schema and its required sections."""
    import json

    import yaml

    from cli.adapters.files import raise_limit, require_file
    from cli.core.card import check_card as check_card_text
    from cli.core.documents import ParseLimitExceeded
    from cli.errors import DocumentInvalid

    require_file(card, what="model card", hint="run 'mlvc card build' or 'dvc repro'")
    try:
        text = card.read_text(encoding="utf-8")
        schema = json.loads(paths.MODEL_CARD_SCHEMA.read_text(encoding="utf-8"))
        problems = check_card_text(text, schema)
    except UnicodeDecodeError as exc:
        raise DocumentInvalid(str(card), f"not UTF-8 text ({exc.reason})") from None
    except ParseLimitExceeded as exc:
        raise_limit(exc, f"{card} (front matter)")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""
        raise DocumentInvalid(
            str(card),
            f"front matter is not valid YAML{where}: {getattr(exc, 'problem', exc)}",
            hint="fix the YAML between the '---' lines, or rebuild with 'mlvc card build'",
        ) from None
    return CardReport(path=str(card), problems=tuple(problems))


def _read_schema(path: Path) -> Any:
    """A JSON Schema file, checked against the Draft 2020-12 metaschema, its references
    contained in the document and its ``x-mlvc`` rules against their own schema."""
    import json

    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    from cli.adapters.files import require_file
    from cli.core.schema_document import (
        MAX_DEPTH,
        dangling_refs,
        foreign_refs,
        nesting_depth,
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
    if nesting_depth(text) > MAX_DEPTH:
        raise SchemaTooDeep(str(path), MAX_DEPTH)
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SchemaInvalid(str(path), f"not JSON: {exc.msg} at line {exc.lineno}") from None
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise SchemaInvalid(str(path), f"at {where}: {exc.message}") from None
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

    from cli.core.schema_document import table_rules_problems
    from cli.errors import TableRulesInvalid

    rules_schema = json.loads(paths.TABLE_RULES_SCHEMA.read_text(encoding="utf-8"))
    problems = table_rules_problems(schema, rules_schema)
    if problems:
        raise TableRulesInvalid(
            str(path), problems, rules_schema=f"cli/schemas/{paths.TABLE_RULES_SCHEMA.name}"
        )


def check_schema(*, data: Path, schema: Path, progress: Progress | None = None) -> SchemaReport:
    """Validate every row of ``data`` (CSV, Parquet or JSON Lines) against ``schema``.

    Reads the file in chunks (bounded memory); collects every violation with
    counts, example rows and values; evaluates the ``x-mlvc`` table rules.
    """
    from cli.adapters.arrow_tables import open_stream
    from cli.adapters.memory import keep_freed_memory
    from cli.errors import ToolkitError

    keep_freed_memory()  # chunks reuse freed memory: ~10% less CPU
    try:
        stream = open_stream(data, progress=progress)  # starts reading the first chunks
    except ToolkitError:
        _read_schema(schema)  # a broken schema is reported first
        raise
    document = _read_schema(schema)
    from referencing.exceptions import PointerToNowhere, Unresolvable

    from cli.adapters.pattern_worker import PatternWorker
    from cli.core.schema_check import PatternTimedOut, SchemaChecker
    from cli.errors import PatternTooSlow, SchemaRefLoop, SchemaRefUnresolvable

    try:
        with PatternWorker() as patterns:  # starts a process only for a schema with patterns
            checker = SchemaChecker(
                document, stream.columns, as_text=stream.as_text, search=patterns.failing
            )
            for chunk in stream.chunks:
                checker.feed(chunk)
    except PatternTimedOut as exc:
        raise PatternTooSlow(str(data), exc.pattern, exc.column, exc.seconds) from None
    except Unresolvable as exc:  # a reference the static check could not see (e.g. via "#/x")
        cause = exc.__cause__ or exc
        ref = str(getattr(cause, "ref", "?"))
        if isinstance(cause, PointerToNowhere):  # it holds the fragment alone
            ref = f"#{ref}"
        raise SchemaRefUnresolvable(str(schema), ref) from None
    except RecursionError:
        raise SchemaRefLoop(str(schema)) from None
    return SchemaReport(
        data=str(data),
        schema=str(schema),
        rows=checker.rows,
        failing_rows=checker.failing_rows,
        missing_columns=checker.plan.missing_required,
        unexpected_columns=checker.plan.unexpected,
        violations=tuple(checker.violations()),
        table_rules=tuple(checker.table_rules()),
    )


def infer_schema(
    *, data: Path, output: Path, title: str | None = None, progress: Progress | None = None
) -> SchemaInferred:
    """Infer a row schema from ``data`` and write it to ``output`` (atomically)."""
    from cli.adapters.arrow_tables import open_stream
    from cli.adapters.files import output_target, refuse_input_as_output, write_text
    from cli.adapters.memory import keep_freed_memory
    from cli.core.schema_infer import SchemaInferrer, pretty_json

    output_target(output)  # a directory, FIFO or device is refused before reading the data
    refuse_input_as_output(output, [(data, "data file")])
    keep_freed_memory()
    stream = open_stream(data, progress=progress)
    inferrer = SchemaInferrer(stream.columns, as_text=stream.as_text)
    for chunk in stream.chunks:
        inferrer.feed(chunk)
    document = inferrer.schema(title=title or f"One row of {data.name}")
    write_text(output, pretty_json(document))
    return SchemaInferred(
        data=str(data), schema=str(output), rows=inferrer.rows, columns=tuple(stream.columns)
    )


def drift_policy(*, params: Path = paths.PARAMS) -> DriftPolicy:
    """The ``drift:`` thresholds of a params file (the defaults when the file does not exist).

    A directory, or a path below a file, is an error (one line), not a missing file.
    """
    from cli.core.drift import DriftPolicy
    from cli.errors import ParamsInvalid
    from cli.params import load_params, to_document

    try:
        params.stat()
    except FileNotFoundError:
        return DriftPolicy()
    except OSError:
        pass  # read by load_params, which names the failure
    try:
        return DriftPolicy(**to_document(load_params(params).drift))
    except ValueError as exc:  # a rule JSON Schema cannot express, e.g. psi_drift >= psi_warning
        raise ParamsInvalid(str(params), [f"drift: {exc}"]) from None


_ELSEWHERE = {
    "release": "cli.registry_api",
    "promote": "cli.registry_api",
    "rollback": "cli.registry_api",
    "registry": "cli.registry_api",
    "registry_history": "cli.registry_api",
    "checkout": "cli.registry_api",
    "build_report": "cli.report_api",
    "check_drift": "cli.drift_api",
}


def __getattr__(name: str) -> Any:
    """The registry, report and drift functions, imported only when first used."""
    if name in _ELSEWHERE:
        import importlib

        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module 'cli.api' has no attribute '{name}'")
