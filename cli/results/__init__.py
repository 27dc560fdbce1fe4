"""Frozen result objects returned by ``cli.api`` and rendered by ``cli.render``.

One module per feature, each type defined once, in its feature's module:

- :mod:`cli.results.params`: ``ParamsReport``
- :mod:`cli.results.pipeline`: ``OutputCheck``, ``ReproReport``
- :mod:`cli.results.card`: ``CardBuild``, ``CardReport``
- :mod:`cli.results.schema`: ``SchemaReport``, ``SchemaInferred``
- :mod:`cli.results.init`: ``ColumnDecision``, ``InitResult``
- :mod:`cli.results.registry` (the registry's reads): ``RegistryVersion``,
  ``RegistryModel``, ``RegistryView``, ``HistoryEvent``, ``RegistryHistory``
- :mod:`cli.results.release` (its writes): ``Gate``, ``Release``, ``Promotion``,
  ``CheckoutResult``
- :mod:`cli.results.drift`: ``Statistic``, ``ColumnDrift``, ``DriftReport`` and the
  status and method names
- :mod:`cli.results.report`: ``Side``, ``MetricDiff``, ``ParamDiff``, ``DataDiff``,
  ``SchemaSummary``, ``ConfusionDiff``, ``CurveDiff``, ``CardSummary``, ``MetricReport``
  and the status names

Import a type from its feature's module. This package re-exports nothing on purpose:
Python runs a package's ``__init__`` before any of its modules, so a re-export here would
build every family's dataclasses for a command that returns one (``mlvc registry`` would
pay for drift and report types). Every module is a leaf: it imports nothing from ``cli``
at run time (core types only for annotations).
"""
