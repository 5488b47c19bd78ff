"""``drama analyze``: network metrics, emotional arc and audience score of a play or a simulated drama.

    drama analyze FILE [--json] [--plot OUT.png] [--shuffle-test N --seed S]
    drama analyze --compare A B [--json]

``FILE`` is a DraCor TEI ``.xml``, a ``.fountain`` screenplay, a play ``.csv``
(:func:`stories.plays.load_play`) or a simulated drama's script (``drama run --format json``),
so the same metrics compare generated and real dramas:

- the character co-occurrence network, computed as DraCor computes it
  (:mod:`narrative_models.network`): ``size``, ``numEdges``, ``density``, ... and
  ``characters`` (for a script: characters linked by the scenes they share, a scene being a run
  of beats at one place);
- the emotional arc (:mod:`narrative_models.arcs`): per scene valence, arousal and emotion mix,
  the smoothed arc and its shape among Reagan et al.'s six;
- the audience score and its breakdown (:mod:`narrative_models.audience`; a script also gets
  ``audience_text``, the score of its text as if it were a play);
- with ``--shuffle-test N``, ``shuffle_share_beaten``: the share of N random orders of the
  scenes that the audience model scores below the true order.

``--json`` prints one object whose keys include DraCor's names; ``--plot`` writes a figure
(network and arc; tension against the target arc for a script); ``--emotion`` chooses the
emotion reader (``auto``: the emotion model when its weights are installed, else a word-level
lexicon — the report says which). ``--compare A B`` prints two analyses side by side
(``--json``: ``{"a": ..., "b": ...}``).

Examples::

    drama analyze gerdracor/tei/lessing-emilia-galotti.xml
    drama analyze macbeth.csv --shuffle-test 200 --seed 0 --plot macbeth.png
    drama run the-salt-senate --seed 2 --format json > salt.json
    drama analyze --compare salt.json macbeth.csv
"""

from __future__ import annotations

import argparse
import json
import sys

from theater.args import positive_int

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
    from narrative_models.audience.emotions import READERS

    parser = subparsers.add_parser(
        "analyze",
        help="network, emotional arc and audience score of a play or a simulated drama",
        description="Network metrics (as DraCor computes them), the emotional arc and the "
                    "audience score of a play (DraCor TEI, Fountain or CSV) or of a simulated "
                    "drama's script (drama run --format json).",
    )
    parser.add_argument("file", metavar="FILE", nargs="?",
                        help="a DraCor TEI .xml, a .fountain screenplay, a play .csv, or a "
                             "script .json from `drama run --format json`")
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"),
                        help="analyse two files and print them side by side")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of tables")
    parser.add_argument("--plot", metavar="OUT.png",
                        help="write a figure of the network and the arc (matplotlib)")
    parser.add_argument("--shuffle-test", type=positive_int, metavar="N", dest="shuffle_test",
                        help="also score N random scene orders (adds shuffle_share_beaten)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the random scene orders (default 0)")
    parser.add_argument("--emotion", choices=READERS, default="auto",
                        help="emotion reader: the model, the lexicon, or auto (default)")
    parser.add_argument("--story", metavar="STORY",
                        help="the story file of a script whose story is not a shipped one")
    parser.set_defaults(handler=analyze)


def report(path: str, emotion: str = "auto", shuffle: int | None = None, seed: int = 0,
           story: str | None = None) -> dict[str, object]:
    """The JSON-ready analysis of the file at ``path`` (raises a ``DramaError``)."""
    from narrative_models.audience.analysis import analyze_file

    return analyze_file(path, emotion, shuffle, seed, story).report


def analyze(args: argparse.Namespace) -> int:
    """Handler of ``drama analyze``: print the analysis; return the exit status."""
    from narrative_models.audience.analysis import analyze_file, plot_analysis
    from stories.errors import UsageError

    if (args.file is None) == (args.compare is None):
        raise UsageError("give one FILE, or --compare A B")
    if args.compare is not None:
        if args.plot:
            raise UsageError("--plot draws one file; run `drama analyze FILE --plot OUT.png` "
                             "for each")
        results = [analyze_file(path, args.emotion, args.shuffle_test, args.seed, args.story)
                   .report for path in args.compare]
        if args.json:
            _dump({"a": results[0], "b": results[1]})
        else:
            _print_comparison(results)
        return 0
    analysis = analyze_file(args.file, args.emotion, args.shuffle_test, args.seed, args.story)
    if args.plot:
        plot_analysis(analysis, args.plot)
    if args.json:
        _dump(analysis.report)
        return 0
    _print_tables(analysis.report)
    if args.plot:
        print(f"figure written to {args.plot}")
    return 0


def _dump(data: dict) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _print_tables(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    byline = f" by {', '.join(result['authors'])}" if result.get("authors") else ""
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

    arc = result.get("arc")
    if arc:
        arc_table = Table(title=f"Emotional arc ({result['emotions']['reader']})",
                          title_justify="left")
        arc_table.add_column("Shape")
        arc_table.add_column("Correlation", justify="right")
        for shape, r in sorted(arc["correlations"].items(), key=lambda kv: -kv[1]):
            mark = " ◀" if shape == arc["shape"] else ""
            arc_table.add_row(shape.replace("_", " ") + mark, f"{r:+.3f}")
        console.print(arc_table)
    audience = result.get("audience")
    if audience:
        table = Table(title=f"Audience score {audience['score']:.3f} ({audience['kind']})",
                      title_justify="left")
        table.add_column("Term")
        table.add_column("Value", justify="right")
        table.add_column("Weight", justify="right")
        for term, value in audience["breakdown"].items():
            table.add_row(term.replace("_", " "), f"{value:.3f}",
                          f"{audience['weights'][term]:.3f}")
        console.print(table)
    if "shuffle_share_beaten" in result:
        shuffle = result["shuffle"]
        console.print(f"Shuffle test: the true scene order beats "
                      f"{100 * result['shuffle_share_beaten']:.1f} % of {shuffle['shuffle_n']} "
                      f"random orders (score {shuffle['true_score']:.3f} against "
                      f"{shuffle['shuffled_mean']:.3f} ± {shuffle['shuffled_std']:.3f}).")


def _print_comparison(results: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    a, b = results
    table = Table(title="Comparison", title_justify="left")
    table.add_column("Metric")
    table.add_column(f"A: {a['title']} ({a['kind']})", justify="right")
    table.add_column(f"B: {b['title']} ({b['kind']})", justify="right")

    def cell(value, number="{}"):
        if value is None:
            return "—"
        return number.format(value) if isinstance(value, (int, float)) else str(value)

    for key, label, number in _ROWS:
        table.add_row(label, cell(a.get(key), number), cell(b.get(key), number))
    table.add_row("Arc shape", cell(a["arc"]["shape"]), cell(b["arc"]["shape"]))
    for side in (a, b):
        side["_text"] = side.get("audience_text") or side["audience"]
    table.add_row("Audience score (text)", cell(a["_text"]["score"], "{:.3f}"),
                  cell(b["_text"]["score"], "{:.3f}"))
    for term in a["_text"]["breakdown"]:
        table.add_row(f"  {term.replace('_', ' ')}", cell(a["_text"]["breakdown"].get(term), "{:.3f}"),
                      cell(b["_text"]["breakdown"].get(term), "{:.3f}"))
    simulated = [s["audience"]["score"] if s["kind"] == "simulated" else None for s in (a, b)]
    if any(v is not None for v in simulated):
        table.add_row("Audience score (simulator)", cell(simulated[0], "{:.3f}"),
                      cell(simulated[1], "{:.3f}"))
    if "shuffle_share_beaten" in a:
        table.add_row("shuffle_share_beaten", cell(a["shuffle_share_beaten"], "{:.3f}"),
                      cell(b["shuffle_share_beaten"], "{:.3f}"))
    for side in (a, b):
        del side["_text"]
    Console().print(table)
