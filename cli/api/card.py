"""``build_card`` and ``check_card``: the Python API of ``mlvc card``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths
from cli.paths import CardSources

if TYPE_CHECKING:
    from cli.params import Params
    from cli.results.card import CardBuild, CardReport

__all__ = ["CardSources", "build_card", "check_card"]


def build_card(
    *,
    output: Path = paths.MODEL_CARD,
    params_file: Path = paths.PARAMS,
    params: Params | None = None,
    sources: CardSources | None = None,
    version: str | None = None,
) -> CardBuild:
    """Write the model card from the pipeline's outputs and models/card.yaml.

    Every number comes from a pipeline output; the card is written atomically,
    so on any error the previous card stays in place. ``version`` (``vX.Y.Z``) is the
    registry version the card describes: the ``card`` stage never passes one, so its
    output does not depend on git tags; ``mlvc card build --version`` writes a card for
    publishing a released version. NotAVersion (exit 2) for anything else.
    """
    import json

    from cli.adapters.card_sources import gather_facts
    from cli.adapters.files import output_target, refuse_input_as_output, write_text
    from cli.core.card import check_card, disparities, render_card
    from cli.params import load_params
    from cli.results.card import CardBuild

    params = params or load_params(params_file)
    sources = sources or CardSources(raw=paths.raw_data(params.data.name))
    if version is not None:
        from cli.core.registry.tags import Version
        from cli.errors import NotAVersion

        try:
            version = str(Version.parse(version))
        except ValueError:
            raise NotAVersion(version) from None
    output_target(output)  # a directory, FIFO or device is refused before any work
    refuse_input_as_output(output, [*sources.inputs(), (params_file, "params file")])
    facts = gather_facts(
        sources,
        params=params,
        target=params.data.target,
        test_size=params.split.test_size,
        max_slice_gap=params.card.max_slice_gap,
        confidence=params.card.confidence,
        version=version,
    )
    text = render_card(facts)
    problems = check_card(text, json.loads(paths.MODEL_CARD_SCHEMA.read_text(encoding="utf-8")))
    if problems:  # a bug in the renderer, never the user's input: refuse to write it
        raise AssertionError(f"generated card fails its own check: {problems}")
    write_text(output, text)
    gaps = [d for d in disparities(facts.slices, facts.max_slice_gap, facts.task) if d.flagged]
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


def check_card(
    *, card: Path = paths.MODEL_CARD, card_input: Path | None = paths.CARD_INPUT
) -> CardReport:
    """Check a card's front matter, its required sections, and the TODOs of its text.

    Each value of ``card_input`` (models/card.yaml) that starts with ``TODO`` is a problem
    named by its key, so a release cannot ship a template card. ``None``, or the default
    ``models/card.yaml`` when it does not exist, skips that part (a card checked on its
    own); any other ``card_input`` must exist (a path typed wrong is an error, never a pass).
    ``card_input`` is validated against its schema first, as ``build_card`` validates it:
    a file ``build_card`` refuses (e.g. a list, not a mapping) is the same DocumentInvalid.
    """
    import json

    import yaml

    from cli.adapters.files import raise_limit, read_text
    from cli.core.card import check_card as check_card_text
    from cli.core.documents import ParseLimitExceeded
    from cli.errors import DocumentInvalid
    from cli.results.card import CardReport

    text = read_text(card, what="model card", hint="run 'mlvc card build' or 'dvc repro'")
    try:
        schema = json.loads(paths.MODEL_CARD_SCHEMA.read_text(encoding="utf-8"))
        problems = check_card_text(text, schema)
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
    if card_input is not None and (card_input != paths.CARD_INPUT or card_input.is_file()):
        from cli.adapters.card_sources import read_human_parts
        from cli.adapters.files import require_file
        from cli.core.card_todos import todo_findings

        require_file(
            card_input,
            what="card text file",
            hint=f"check the path given to --input (by default {paths.CARD_INPUT})",
        )
        document = read_human_parts(card_input)
        problems += todo_findings(document, paths.shown(card_input))
    return CardReport(path=str(card), problems=tuple(problems))
