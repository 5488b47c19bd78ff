"""``drama emotion``: score lines of text with the emotion model.

    drama emotion "I am furious at you" "What a lovely surprise!"
    drama emotion --file lines.txt --json        # one JSON object per line, in order
    echo "I miss her so much" | drama emotion    # reads standard input when given no text

Each line gets a label (anger, disgust, fear, joy, sadness, surprise or neutral), the
probability of every label, and valence and arousal on [-1, 1].
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from stories.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "emotion",
        help="score lines of text: Ekman emotion, valence and arousal",
        description=__doc__.split("\n\n")[0] + " Lines come from TEXT arguments, --file, or standard input.",
    )
    parser.add_argument("text", nargs="*", metavar="TEXT", help="lines to score (each argument is one line)")
    parser.add_argument("--file", "-f", type=Path, metavar="F", help="score each non-empty line of this file ('-' = stdin)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per line instead of a table")
    parser.add_argument("--model", type=Path, metavar="DIR", help="weights folder (default: the shipped weights)")
    parser.add_argument("--batch-size", type=int, default=64, metavar="N", help="lines per batch (default 64)")
    parser.set_defaults(handler=run)


def read_lines(args: argparse.Namespace, stdin=None) -> list[str]:
    """The lines to score, in order: TEXT arguments, then the file's non-empty lines, else stdin."""
    stdin = stdin if stdin is not None else sys.stdin
    lines = list(args.text)
    if args.file is not None:
        if str(args.file) == "-":
            lines += _non_empty(stdin.read())
        else:
            try:
                content = args.file.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise UsageError(f"{args.file}: no such file — give a text file with one line to score per line") from None
            except IsADirectoryError:
                raise UsageError(f"{args.file}: is a folder — give a text file with one line to score per line") from None
            except UnicodeDecodeError as error:
                raise UsageError(f"{args.file}: not UTF-8 text ({error.reason} at byte {error.start}) — save it as UTF-8") from None
            except OSError as error:
                raise UsageError(f"{args.file}: cannot be read ({error.strerror}) — check the path and permissions") from None
            lines += _non_empty(content)
    elif not lines:
        if stdin is None or stdin.isatty():
            raise UsageError("no text given — pass TEXT arguments, --file F, or pipe lines into standard input")
        lines = _non_empty(stdin.read())
    if args.batch_size < 1:
        raise UsageError(f"--batch-size {args.batch_size}: must be at least 1")
    return lines


def _non_empty(content: str) -> list[str]:
    return [line.strip() for line in content.splitlines() if line.strip()]


def run(args: argparse.Namespace) -> int:
    lines = read_lines(args)
    if not lines:
        return 0
    from narrative_models.emotion import LABELS, EmotionModel

    model = EmotionModel.load(args.model)
    scores = model.predict(lines, batch_size=args.batch_size)
    if args.json:
        out = sys.stdout
        for text, score in zip(lines, scores):
            record = {"text": text, "label": score.label,
                      "probs": {label: round(score.probs[label], 6) for label in LABELS},
                      "valence": round(score.valence, 6), "arousal": round(score.arousal, 6)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()
        return 0
    _print_table(lines, scores, LABELS)
    return 0


def _print_table(lines: list[str], scores, labels) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Emotion (valence, arousal on -1..+1)")
    table.add_column("text", overflow="fold", ratio=1)
    table.add_column("label", style="bold", no_wrap=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("next", no_wrap=True)
    table.add_column("val", justify="right", no_wrap=True)
    table.add_column("aro", justify="right", no_wrap=True)
    for text, score in zip(lines, scores):
        ranked = sorted(labels, key=lambda label: -score.probs[label])
        runner_up = ranked[1]
        table.add_row(text, score.label, f"{score.probs[score.label]:.2f}",
                      f"{runner_up} {score.probs[runner_up]:.2f}", f"{score.valence:+.2f}", f"{score.arousal:+.2f}")
    Console().print(table)
