"""Driving the app from tests and scripts: wait until it is idle, play until an ending.

>>> async with make_app("the-orchard-letter", role="elena").run_test() as pilot:  # doctest: +SKIP
...     await settle(pilot)
...     await pilot.press("1")
"""

from __future__ import annotations

import time


def _busy(app) -> bool:
    if any(worker.is_running for worker in app.workers):
        return True
    return any(getattr(screen, "busy", False) for screen in app.screen_stack)


async def settle(pilot, timeout: float = 30.0) -> None:
    """Wait until no worker runs and no screen is playing a turn (raises ``TimeoutError``)."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        quiet = quiet + 1 if not _busy(app) else 0
        if quiet >= 2:
            return
    raise TimeoutError(f"the app was still busy after {timeout} s")


async def wait_for_screen(pilot, name: str, timeout: float = 30.0):
    """Wait until the top screen's class is called ``name``; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await settle(pilot, timeout)
        if type(pilot.app.screen).__name__ == name:
            return pilot.app.screen
        await pilot.pause(0.02)
    raise TimeoutError(f"no {name} after {timeout} s (top screen: {pilot.app.screen!r})")


__all__ = ["settle", "wait_for_screen"]
