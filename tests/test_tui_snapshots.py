"""Snapshots (pytest-textual-snapshot) of the start, play and ending screens at 100×32, with
the template narrator and a fixed seed. Update them with ``pytest --snapshot-update``."""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_textual_snapshot")

from theater.tui import make_app  # noqa: E402
from theater.tui.pilot import settle, wait_for_screen  # noqa: E402
from theater.tui.session import Session  # noqa: E402

SIZE = (100, 32)
STORY = "the-orchard-letter"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def test_start_screen(snap_compare, tmp_path):
    app = make_app(folder=tmp_path, ratings=tmp_path / "r.jsonl")

    async def ready(pilot):
        await wait_for_screen(pilot, "StartScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_play_screen(snap_compare, tmp_path):
    app = make_app(STORY, seed=0, role="elena", narrator="template", folder=tmp_path,
                   ratings=tmp_path / "r.jsonl")

    async def two_choices(pilot):
        await wait_for_screen(pilot, "PlayScreen")
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=two_choices)


def test_ending_screen(snap_compare, tmp_path):
    session = Session.open(STORY, seed=0, role="elena", narrator="template")
    while not session.over:
        if session.waiting_for_player():
            session.choose(session.choices()[0].action)
        else:
            session.advance()
    app = make_app(session=session, folder=tmp_path, ratings=tmp_path / "r.jsonl")

    async def ending(pilot):
        await wait_for_screen(pilot, "EndingScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=ending)
