"""Pure decisions of ``mlvc init``: adopt a user's table as the project's dataset.

``columns``: each column's role (target, numeric, categorical, datetime, excluded with
the reason), the task for ``--task auto``, the slices and the default names.
``texts``: the ``params.yaml`` sections, ``models/card.yaml`` and the ``dvc.yaml``
artifact written from those decisions (text in, text out).
"""
