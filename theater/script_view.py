"""Printing a played drama as a styled script (rich): scene headings, names, dialogue, arc."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values) -> str:
    return "".join(SPARK[min(len(SPARK) - 1, int(max(0.0, min(1.0, v)) * len(SPARK)))] for v in values)


def print_script(result, lines, console: Console | None = None) -> None:
    console = console or Console(highlight=False)
    story = result.compiled.story
    places = {p.id: p for p in story.places}
    console.print(Text(story.title.upper(), style="bold"), justify="center")
    console.print(Text(f"{story.genre} · seed {result.seed}", style="dim"), justify="center")
    console.print(Text(story.premise, style="italic"), justify="center")
    current_place = None
    for line in lines:
        if line.place and line.place != current_place:
            current_place = line.place
            place = places[line.place]
            heading = f"{'INT.' if place.interior else 'EXT.'} {place.name.upper()} — BEAT {line.step}"
            console.print()
            console.print(Text(heading, style="bold underline"))
        console.print(Text(line.direction, style="italic dim"))
        if line.speaker:
            name = Text(f"{line.speaker_name.upper()}", style="bold cyan")
            name.append(f" ({line.parenthetical})", style="magenta")
            console.print(name)
            console.print(Text("    " + line.text))
    console.print()
    state = result.state
    if state.ending >= 0:
        ending = story.endings[state.ending]
        console.print(Text(f"THE END — {ending.title} ({ending.tone})", style="bold"))
        if ending.text:
            console.print(Text(ending.text, style="italic"))
    else:
        console.print(Text(f"CURTAIN — no ending reached after {state.step} beats", style="bold"))
    tension = result.tension
    target = result.compiled.target_arc[: len(tension)]
    console.print(Text("tension  " + sparkline(tension), style="red"))
    console.print(Text("target   " + sparkline(target), style="dim"))
    console.print(Text("tension values: " + " ".join(f"{t:.2f}" for t in tension), style="dim"))


def print_audience_score(score, console: Console | None = None) -> None:
    """The audience score and its breakdown (each term in [0, 1], with its weight)."""
    console = console or Console(highlight=False)
    console.print(Text(f"audience score {score.value:.3f}", style="bold"))
    for name, value in score.breakdown.items():
        weight = score.weights.get(name, 0.0)
        bar = "█" * round(10 * value)
        console.print(Text(f"  {name:<18} {value:.3f}  {bar:<10}  weight {weight:g}", style="dim"))
    source = score.notes.get("emotions")
    if source:
        console.print(Text(f"  (emotions: {source})", style="dim"))
