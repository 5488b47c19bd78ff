"""Closing a screen exactly once."""

from __future__ import annotations


def close(screen, result=None) -> None:
    """Dismiss ``screen`` with ``result`` if it is still the top screen. ``Screen.dismiss``
    pops whatever is on top, so a second key press (or click) arriving while the screen is
    closing would otherwise pop the screen beneath it."""
    if screen.is_active:
        screen.dismiss(result)
