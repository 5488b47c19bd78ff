"""``drama analyze FILE [--json]``: the DraCor-style character network of a play.

Reads a DraCor TEI play, a Fountain screenplay or a play CSV
(:func:`stories.plays.load_play`) and prints its co-occurrence network metrics
(:func:`narrative_models.network.network_metrics`): a table of the play-level numbers and one
of the characters, or, with ``--json``, one JSON object with the play's ``title``, DraCor's
metric names (``size``, ``numEdges``, ``density``, ...) and ``characters``, a list of
per-character metrics.

Examples::

    drama analyze gerdracor/tei/lessing-emilia-galotti.xml
    drama analyze screenplay.fountain --json | jq .density
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["analyze", "register", "report"]

#: Play-level rows of the table: DraCor name, label, number format.
_ROWS = (
    ("size", "Characters (size)", "{}"),
    ("numEdges", "Edges (numEdges)", "{}"),
    ("density", "Density", "{:.4f}"),
    ("averageDegree", "Average degree", "{:.3f}"),
    ("averageClustering", "Average clustering", "{:.4f}"),
    ("averagePathLength", "Average path length", "{:.4f}"),
    ("diameter", "Diameter", "{}"),
    ("numConnectedComponents", "Connected components", "{}"),
    ("maxDegree", "Max degree", "{}"),
    ("numOfSegments", "Segments (scenes)", "{}"),
    ("numOfActs", "Acts", "{}"),
    ("numOfSpeakers", "Speakers", "{}"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``analyze`` sub-command to the ``drama`` parser."""
    parser = subparsers.add_parser(
        "analyze",
        help="network metrics of a play (DraCor TEI, Fountain or CSV)",
        description="Print the character co-occurrence network metrics of a play, computed "
                    "as DraCor (dracor.org) computes them.",
    )
    parser.add_argument("file", metavar="FILE",
                        help="a DraCor TEI .xml, a .fountain screenplay or a play .csv")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of tables")
    parser.set_defaults(handler=analyze)


def report(path: str) -> dict[str, object]:
    """The JSON-ready analysis of the play at ``path`` (raises ``PlayError``)."""
    from narrative_models.network import network_metrics
    from stories.plays import load_play

    play = load_play(path)
    return {"title": play.title, "authors": list(play.authors), "format": play.format,
            "source": play.source, **network_metrics(play).to_dict()}


def analyze(args: argparse.Namespace) -> int:
    """Handler of ``drama analyze``: print the metrics; return the exit status."""
    result = report(args.file)
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_tables(result)
    return 0


def _print_tables(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    byline = f" by {', '.join(result['authors'])}" if result["authors"] else ""
    play_table = Table(title=f"{result['title']}{byline}", title_justify="left")
    play_table.add_column("Metric")
    play_table.add_column("Value", justify="right")
    for key, label, number in _ROWS:
        if result.get(key) is not None:
            play_table.add_row(label, number.format(result[key]))
    console.print(play_table)

    characters = sorted(result["characters"],
                        key=lambda c: (-c["weightedDegree"], -c["degree"], c["name"]))
    cast_table = Table(title="Characters", title_justify="left")
    for header in ("Character", "Degree", "Weighted", "Betweenness", "Closeness", "Eigenvector"):
        cast_table.add_column(header, justify="left" if header == "Character" else "right")
    for c in characters:
        eigenvector = "—" if c["eigenvector"] is None else f"{c['eigenvector']:.3f}"
        cast_table.add_row(c["name"], str(c["degree"]), str(c["weightedDegree"]),
                           f"{c['betweenness']:.3f}", f"{c['closeness']:.3f}", eigenvector)
    console.print(cast_table)
