"""The Textual front end of ``drama play``.

- :mod:`theater.tui.session` — the game (turns, choices, branches, ratings, saves); plain
  Python, no Textual, so it is unit-testable and importable without the ``textual`` package.
- :mod:`theater.tui.tree` — a session's branch tree as a ``ScriptTree`` for the exporters.
- :mod:`theater.tui.app` — the ``App`` and its factory :func:`make_app`; screens in
  :mod:`theater.tui.screens`, widgets in :mod:`theater.tui.widgets`, layout in ``.tcss`` files.
"""


def make_app(*args, **kwargs):
    """Build the Textual app (see :func:`theater.tui.app.make_app`); imports Textual lazily."""
    from theater.tui.app import make_app as factory

    return factory(*args, **kwargs)


__all__ = ["make_app"]
