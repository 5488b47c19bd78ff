"""The side panels: cast, relationships, tension against the target arc, secrets, score.

Each panel is a ``Static`` with a ``show(...)`` method taking the session's plain views
(``CastRow``, ``SecretRow``, arrays and numbers) and formatting them; nothing is computed
about the drama here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

SPARK = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[float], width: int) -> str:
    """Values in [0, 1] as a sparkline of at most ``width`` cells (averaged in buckets)."""
    if not len(values) or width <= 0:
        return ""
    data = np.clip(np.asarray(values, dtype=float), 0.0, 1.0)
    if data.size > width:      # average the values falling in each cell
        edges = np.linspace(0, data.size, width + 1).astype(int)
        data = np.array([data[a:max(b, a + 1)].mean() for a, b in zip(edges[:-1], edges[1:])])
    elif data.size < width:    # stretch: each value over its share of the cells
        data = data[(np.arange(width) * data.size) // width]
    return "".join(SPARK[min(len(SPARK) - 1, int(v * len(SPARK)))] for v in data)


def signed_bar(value: float, half: int = 2) -> Text:
    """A value in [-1, 1] as a bar growing left (negative, red) or right (positive, green)
    from the middle of ``2·half`` cells."""
    cells = int(round(min(1.0, abs(float(value))) * half))
    if value < 0:
        return Text.assemble((" " * (half - cells) + "█" * cells, "red"), " " * half)
    return Text.assemble(" " * half, ("█" * cells + " " * (half - cells), "green"))


TITLES = {"old", "young", "lady", "lord", "sir", "dame", "doctor", "dr", "father", "mother",
          "sister", "brother", "aunt", "uncle", "senator", "bishop", "general", "captain",
          "doge", "madame", "monsieur", "mr", "mrs", "miss", "ms", "don", "donna", "king",
          "queen", "prince", "princess", "count", "countess", "judge", "professor"}


def short_names(names: Sequence[str], width: int = 9) -> list[str]:
    """Names that fit ``width`` cells and stay distinct: the name itself, else its first word
    that is not a title (``Senator Corvin Drass`` → ``Corvin``), else the name cut short."""
    out = []
    for name in names:
        if len(name) <= width:
            out.append(name)
            continue
        words = [w for w in name.replace('"', " ").split() if w.lower().strip(".") not in TITLES]
        out.append((words[0] if words else name)[:width])
    if len(set(out)) < len(out):
        out = [n[:width] for n in names]
    return out


class CastPanel(Static):
    """Each character: dominant emotion (brighter when stronger), mood (pleasure, arousal,
    dominance) as bars; ``▸`` marks the player, ``•`` whose turn it is."""

    SHORT = {"admiration": "admires", "gratitude": "grateful", "reproach": "reproach",
             "distress": "distress"}

    def show(self, rows) -> None:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, width=10)
        table.add_column(no_wrap=True, width=10)
        table.add_column(no_wrap=True)
        table.add_row(Text("cast", style="bold"), Text("feeling", style="bold"),
                      Text("  P    A    D", style="bold"))
        for row, short in zip(rows, short_names([r.name for r in rows])):
            mark = "▸" if row.is_player else ("•" if row.is_next else " ")
            style = "dim strike" if row.status == "dead" else ("dim" if row.status == "departed"
                                                               else "")
            name = Text.assemble((mark, "bold green"), (short, style or "bold"))
            emotion = self.SHORT.get(row.emotion, row.emotion)[:9]
            strength = ("bold magenta" if row.intensity >= 0.5 else
                        "magenta" if row.intensity >= 0.25 else "")
            feeling = Text(emotion, style=strength)
            mood = Text()
            for k, value in enumerate(row.mood):
                mood += signed_bar(value)
                if k < 2:
                    mood += Text("│", style="dim")
            table.add_row(name, feeling, mood)
        self.update(table)


class RelationsPanel(Static):
    """Who feels what for whom: a matrix of affection (row toward column), coloured by
    trust."""

    LEGEND = "♥ love + like · - dislike ✗ hate\ngreen: trusts · red: distrusts"

    def show(self, names: Sequence[str], affection: np.ndarray, trust: np.ndarray) -> None:
        table = Table.grid(padding=(0, 0))
        table.add_column(no_wrap=True, max_width=9)
        for _ in names:
            table.add_column(no_wrap=True, width=3, justify="center")
        names = short_names(names, 8)
        table.add_row(Text(""), *[Text(n[:2], style="bold") for n in names])
        for a, name in enumerate(names):
            cells = []
            for b in range(len(names)):
                if a == b:
                    cells.append(Text("╲", style="dim"))
                    continue
                v, t = float(affection[a, b]), float(trust[a, b])
                glyph = ("♥" if v >= 0.5 else "+" if v >= 0.2 else "·" if v > -0.2
                         else "-" if v > -0.5 else "✗")
                colour = "green" if t >= 0.3 else "red" if t <= -0.3 else ""
                cells.append(Text(glyph, style=colour))
            table.add_row(Text(name[:8] + " ", style="bold"), *cells)
        self.update(Group(table, Text(self.LEGEND, style="dim")))


class TensionPanel(Static):
    """The tension so far (red) over the story's target arc (dim)."""

    LABEL = 8

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._data: tuple[Sequence[float], Sequence[float]] = ((), ())

    def show(self, tension: Sequence[float], target: Sequence[float]) -> None:
        self._data = (tension, target)
        width = max(8, (self.content_size.width or 34) - self.LABEL)
        total = max(1, len(target))
        done = max(1, round(width * len(tension) / total))
        now = tension[-1] if len(tension) else 0.0
        goal = target[min(len(tension), total) - 1] if len(target) else 0.0
        self.update(Group(
            Text.assemble(("tension ", "bold"), (spark(tension, done), "red")),
            Text.assemble(("target  ", "bold"), (spark(target, width), "dim")),
            Text(f"now {now:.2f} · target {goal:.2f} · beat {max(0, len(tension) - 1)}/"
                 f"{total - 1}", style="dim")))

    def on_resize(self) -> None:
        if self._data[1]:
            self.show(*self._data)


class SecretsPanel(Static):
    """The secrets the player's character knows (or believes a lie about); all secrets for
    a director or the audience, with who knows them."""

    def show(self, rows, whose: str | None) -> None:
        title = Text(f"Secrets {whose} knows" if whose else "Secrets", style="bold")
        lines: list[Text] = [title]
        if not rows:
            lines.append(Text("none yet", style="dim"))
        for row in rows:
            style = "yellow" if row.belief == "believes the lie" else ""
            line = Text.assemble("• ", (row.text, style))
            if row.belief == "believes the lie":
                line.append(" (believed, false)", style="dim")
            elif not whose:
                who = ", ".join(row.known_by) or "no one"
                line.append(f" — known to {who}", style="dim")
            lines.append(line)
        self.update(Group(*lines))


class ScorePanel(Static):
    """The audience score of the branch so far and the last beat's reward."""

    def show(self, score: float, total: float, beats: int, last: float | None) -> None:
        text = Text.assemble(("Audience ", "bold"), (f"{score:.2f}", "bold green"))
        text.append(f"  Σ {total:+.2f} over {beats} beats", style="dim")
        if last is not None:
            text.append(f"\nlast beat {last:+.2f}", style="dim")
        self.update(text)
