"""``check_schema`` and ``infer_schema``: the Python API of ``mlvc schema``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.adapters.arrow_tables import Progress
    from cli.adapters.runtime import Pools
    from cli.results.schema import SchemaInferred, SchemaReport


def check_schema(
    *,
    data: Path,
    schema: Path,
    progress: Progress | None = None,
    pools: Pools | None = None,
) -> SchemaReport:
    """Validate every row of ``data`` (CSV, Parquet or JSON Lines) against ``schema``.

    Reads the file in chunks (bounded memory); collects every violation with
    counts, example rows and values; evaluates the ``x-mlvc`` table rules.
    ``pools`` (:class:`cli.adapters.runtime.Pools`) parse and check in parallel;
    without them the check runs serially in the calling thread and starts no thread.
    """
    from cli.adapters.arrow_tables import open_stream
    from cli.adapters.schema_file import read_schema
    from cli.errors import ToolkitError

    parse = pools.parse if pools else None
    check = pools.check if pools else None
    try:
        stream = open_stream(data, progress=progress, parse=parse)  # starts reading chunks
    except ToolkitError:
        read_schema(schema)  # a broken schema is reported first
        raise
    document = read_schema(schema)
    from cli.adapters.pattern_worker import PatternWorker
    from cli.api.schema_engine import engine_errors, schema_report
    from cli.core.schema.checker import SchemaChecker

    with engine_errors(str(data), str(schema)), PatternWorker() as patterns:
        # PatternWorker starts a process only for a schema with patterns
        checker = SchemaChecker(
            document,
            stream.columns,
            as_text=stream.as_text,
            search=patterns.failing,
            map_columns=check.map if check else map,
        )
        for chunk in stream.chunks:
            checker.feed(chunk)
    return schema_report(checker, data=str(data), schema=str(schema))


def infer_schema(
    *,
    data: Path,
    output: Path | None,
    title: str | None = None,
    progress: Progress | None = None,
    pools: Pools | None = None,
) -> SchemaInferred:
    """Infer a row schema from ``data`` and write it to ``output`` (atomically).

    With ``output`` None nothing is written: the result's ``document`` holds the
    schema's JSON text (``mlvc schema infer -o -`` prints it on standard output).
    ``pools.parse`` parses CSV ranges ahead; without it nothing runs on another thread.
    """
    from cli.adapters.arrow_tables import open_stream
    from cli.adapters.files import output_target, refuse_input_as_output, write_text
    from cli.core.schema.infer import SchemaInferrer, pretty_json
    from cli.errors import DataFileEmpty
    from cli.results.schema import SchemaInferred

    if output is not None:
        output_target(output)  # a directory, FIFO or device is refused before reading the data
        refuse_input_as_output(output, [(data, "data file")])
    stream = open_stream(data, progress=progress, parse=pools.parse if pools else None)
    inferrer = SchemaInferrer(stream.columns, as_text=stream.as_text)
    for chunk in stream.chunks:
        inferrer.feed(chunk)
    if inferrer.rows == 0:  # a header alone: every column would accept anything
        raise DataFileEmpty(str(data), hint="infer from a file with at least one row of data")
    text = pretty_json(inferrer.schema(title=title or f"One row of {data.name}"))
    columns = tuple(stream.columns)
    if output is None:
        return SchemaInferred(str(data), "-", inferrer.rows, columns, document=text)
    write_text(output, text)
    return SchemaInferred(str(data), str(output), inferrer.rows, columns)
