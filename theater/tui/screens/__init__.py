"""Screens of the drama app: start, play, ending, branches and the dialogs."""

from theater.tui.screens.branches import BranchesScreen
from theater.tui.screens.dialogs import ErrorScreen, ExportScreen, PathScreen, RoleScreen
from theater.tui.screens.ending import EndingScreen
from theater.tui.screens.help import HelpScreen
from theater.tui.screens.play import PlayScreen
from theater.tui.screens.start import StartScreen

__all__ = ["BranchesScreen", "EndingScreen", "ErrorScreen", "ExportScreen", "HelpScreen",
           "PathScreen", "PlayScreen", "RoleScreen", "StartScreen"]
