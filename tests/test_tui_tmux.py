"""Smoke test: the real ``drama play`` in a real terminal (tmux), driven by keys."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("textual")

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (apt-get install tmux)")


class Tmux:
    """One tmux server of our own (its own socket), one window of ``size``."""

    def __init__(self, tmp: Path, size=(100, 32)) -> None:
        self.socket = f"drama-test-{os.getpid()}"
        self.size = size
        self.tmp = tmp

    def run(self, *args: str, check: bool = True) -> str:
        out = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                             text=True, timeout=30, check=check)
        return out.stdout

    def start(self, command: str) -> None:
        width, height = self.size
        self.run("new-session", "-d", "-s", "play", "-x", str(width), "-y", str(height),
                 f"{command}; echo DRAMA-EXIT=$?; sleep 30")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "play", *keys)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "play")

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return self.stable(screen, deadline)
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while text in self.screen():
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} did not go away:\n{self.screen()}")
            time.sleep(0.2)

    def stable(self, screen: str, deadline: float) -> str:
        """The screen once it stops changing (a frame may be captured half drawn)."""
        while time.monotonic() < deadline:
            time.sleep(0.3)
            again = self.screen()
            if again == screen:
                return screen
            screen = again
        return screen

    def close(self) -> None:
        self.run("kill-server", check=False)


def test_drama_play_in_tmux(tmp_path):
    term = Tmux(tmp_path)
    env = (f"cd {shlex.quote(str(tmp_path))} && unset COLUMNS LINES && "
           "TERM=xterm-256color OMP_NUM_THREADS=1 "
           f"XDG_DATA_HOME={shlex.quote(str(tmp_path / 'xdg'))} "
           f"PYTHONPATH={shlex.quote(str(ROOT))}")
    command = (f"{env} {shlex.quote(sys.executable)} -m theater.cli play the-orchard-letter "
               f"--as elena --seed 0")
    try:
        term.start(command)
        screen = term.wait_for("Your turn, Elena")
        assert "THE ORCHARD LETTER" in screen and "Cast" in screen
        term.keys("1")
        screen = term.wait_for("▸ Elena")                 # the player's beat in the script
        assert "beat 0/40" not in screen
        term.wait_for("Your turn, Elena")
        term.keys("?")
        term.wait_for("Keys — play")
        term.keys("Escape")          # (a key right after Escape would read as Alt+key)
        term.wait_gone("Keys — play")
        term.keys("+")
        term.wait_for("Rated this branch")
        term.keys("q")
        term.wait_for("DRAMA-EXIT=0", timeout=30)
    finally:
        term.close()
    ratings = (tmp_path / "xdg" / "drama-sim" / "ratings.jsonl").read_text().splitlines()
    assert len(ratings) == 1 and '"rating": 1' in ratings[0]
