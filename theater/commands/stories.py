"""``drama stories [--json]``: the shipped dramas."""

from __future__ import annotations

import json


def register(subparsers) -> None:
    parser = subparsers.add_parser("stories", help="list the shipped dramas")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.set_defaults(handler=run)


def summaries() -> list[dict]:
    from stories import load_story, shipped_story_names

    out = []
    for name in shipped_story_names():
        story = load_story(name)
        out.append({"name": name, "title": story.title, "genre": story.genre,
                    "premise": story.premise, "cast": [c.name for c in story.cast],
                    "places": [p.name for p in story.places], "length": story.length,
                    "endings": [e.title for e in story.endings]})
    return out


def run(args) -> int:
    items = summaries()
    if args.json:
        print(json.dumps(items, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Shipped dramas", show_lines=True)
    for column in ("name", "title", "genre", "cast", "premise"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(item["name"], item["title"], item["genre"],
                      f"{len(item['cast'])}: " + ", ".join(item["cast"]), item["premise"])
    Console().print(table)
    return 0
