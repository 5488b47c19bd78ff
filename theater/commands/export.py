"""``drama export TREE --format F [--path best|N|all] [-o OUT] [--force]``: a script tree to
Ink, Twee 3, HTML, Fountain, Yarn Spinner 2, JSON, Graphviz DOT or Mermaid.

Prints the result, or writes it to OUT atomically (a temporary file in the same folder, then a
rename: ``stories.files.write_atomic``), never over an existing file unless ``--force`` is
given — checked before the tree is read, and again at the rename. Without ``--format`` the
format comes from OUT's extension. ``docs/export.md`` describes every format.
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    from stories.export import FORMATS

    parser = subparsers.add_parser(
        "export", help="export a script tree to Ink, Twee, HTML, Fountain, Yarn, JSON, DOT, Mermaid",
        description="Export a branching script (a tree written by `drama explore -o tree.json`) "
                    "to the format of another tool.")
    parser.add_argument("tree", metavar="TREE", help="a script-tree JSON file")
    parser.add_argument("--format", "-f", choices=list(FORMATS), default=None,
                        help="the format (default: from the extension of -o OUT)")
    parser.add_argument("--path", default=None, metavar="best|N|all",
                        help="what to export: all (the whole tree; the default, except for "
                             "fountain), best (the best path; fountain's default) or N (the "
                             "N-th path, from 0)")
    parser.add_argument("-o", "--output", metavar="OUT", default=None,
                        help="write to OUT instead of printing")
    parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    parser.set_defaults(handler=run)


def _format(args) -> str:
    from stories.errors import UsageError
    from stories.export import EXTENSIONS, FORMATS

    if args.format:
        return args.format
    if args.output:
        suffix = Path(args.output).suffix.lower()
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
        raise UsageError(f"cannot tell the format from {args.output!r} — pass --format, one "
                         f"of {', '.join(FORMATS)}")
    raise UsageError(f"no format — pass --format, one of {', '.join(FORMATS)}")


def run(args) -> int:
    from stories.errors import UsageError
    from stories.export import export
    from stories.files import refuse_overwrite, write_atomic
    from stories.script_tree import ScriptTree

    fmt = _format(args)
    out = Path(args.output) if args.output else None
    if out is not None:
        if out.is_dir():
            raise UsageError(f"{out} is a folder — give a file name, e.g. -o {out / ('tree' + '.' + fmt)}")
        refuse_overwrite(out, args.force)
    tree = ScriptTree.load(args.tree)
    path = args.path if args.path is not None else ("best" if fmt == "fountain" else "all")
    text = export(tree, fmt, path=path)
    if out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_atomic(out, text, force=args.force)
    except OSError as error:
        raise UsageError(f"cannot write {out}: {error.strerror} — check the folder and its "
                         "permissions, or choose another -o OUT") from None
    print(f"wrote {out} ({fmt}, {len(text.encode('utf-8')):,} bytes)")
    return 0
