"""Widgets of the drama app: the script log, the choice list and the side panels. They only
format what the session's views give them; no story logic lives here."""

from theater.tui.widgets.choices import ChoiceList
from theater.tui.widgets.panels import CastPanel, RelationsPanel, ScorePanel, SecretsPanel, TensionPanel
from theater.tui.widgets.script import ScriptLog

__all__ = ["CastPanel", "ChoiceList", "RelationsPanel", "ScorePanel", "ScriptLog", "SecretsPanel",
           "TensionPanel"]
