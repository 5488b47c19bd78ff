"""Script trees built for the tests: random trees of N nodes, plain or full of nasty names.

``random_tree(n, seed)`` is deterministic. With ``nasty=True`` every text (titles, names,
places, lines, labels, emotions) comes from :data:`NASTY`: quotes, brackets, ``->``, ``::``,
``#``, ``{}``, ``|``, ``<>``, ``&``, comment and markup openers of every target format,
non-ASCII, tabs, newlines, and leading/trailing spaces. With ``nasty_ids=True`` node ids are
nasty too (and include names that the formats reserve: ``StoryTitle``, ``END``, ``Start``…).
"""

from __future__ import annotations

import random

from stories.script_tree import ScriptTree

NASTY = [
    'He said "no" — \'twice\'',
    "[[not a link]] and [brackets] ]] ][",
    "a -> b <- c --> d",
    ":: not a header",
    "# not a tag ## and #hash",
    "{curly} {{double}} $var $5 $& $$ $' end",
    "pipe | pipes || <angle> <<cmd>> </script> </title>",
    "amp & &amp; &lt; <b>bold</b> &#35;",
    "ünïcödé — Ελληνικά 日本語 🎭",
    "  leading and trailing spaces  ",
    "back\\slash \\n \\[ esc \\",
    "// comment? /* block */ */ /*",
    "*stars* _under_ **bold** ~tilde~ =eq +plus -minus",
    "line one\nline two\ttab\r\nthree",
    "TODO: INCLUDE VAR CONST === --- ->",
    "(paren) @at !bang .dot >gt< ^caret",
    "quote\" colon: semi; comma, 'apos'",
    "===",
    "-> END",
    "<<jump Start>> <<set $x to 1>>",
    "INT. NOT A SCENE",
    "CUT TO:",
    "%percent% `backtick` ~~~ \\\\double",
    "Title: not a key",
    "@ANN",
    "(whispers)",
    "[nomarkup] [/nomarkup] [b]x[/b] [/]",
    "x\\",
    "--- header? title: no",
    "{{STORY_DATA}} {{STORY_NAME}}",
]
NASTY_IDS = ["n0", 'node "1"', "a->b", " sp ", "StoryTitle", "StoryData", "END", "Start",
             "tension", "node_3", "ünï", "x[y]", "{z}", "#h", "a|b", "::c", "1st", "VAR",
             "node_3_1", "a b", "<a>", "&amp;", "back\\slash", "end", "start", "score"]
PLAIN_WORDS = ["the letter", "a quarrel", "the orchard", "a secret", "the gate", "a promise",
               "the debt", "an apology", "the storm", "a confession"]
EMOTIONS = ["joy", "anger", "fear", "distress", "hope", "shame", "love", "calm", "pride"]


def _text(rng: random.Random, nasty: bool) -> str:
    if nasty:
        return rng.choice(NASTY)
    return f"{rng.choice(PLAIN_WORDS).capitalize()} and {rng.choice(PLAIN_WORDS)}."


def random_tree(n: int, seed: int = 0, nasty: bool = False, nasty_ids: bool = False,
                max_children: int = 3, with_best_path: bool = False,
                bushy: bool = False) -> ScriptTree:
    """A random tree of ``n`` nodes (see the module docstring). A node's parent is drawn among
    the six nodes made before it, which makes deep trees; ``bushy=True`` fills the tree
    breadth first instead (1 to ``max_children`` children a node, depth about log n), the
    shape of an explorer's tree."""
    rng = random.Random(seed)
    if nasty:
        cast = [{"id": "ann", "name": 'Ann "the" [Bold]'},
                {"id": "bob", "name": "Bób: #1 <&> {x}"},
                {"id": "cy", "name": "  -> Cy | ::  "},
                {"id": "dee", "name": "Dee"}]
        places = [("hall", "the Hall [east] # 1", True), ("yard", "yärd: <out> & 'about'", False),
                  ("loft", "/* loft */ -> up", True)]
        title = 'The "Nasty" [[Tree]] :: #1 {x} | <a> & ü  '
    else:
        cast = [{"id": "ann", "name": "Ann"}, {"id": "bob", "name": "Bob"},
                {"id": "cy", "name": "Cy"}]
        places = [("hall", "the hall", True), ("yard", "the yard", False)]
        title = "A Plain Tree"
    if nasty_ids:
        ids = [NASTY_IDS[k] if k < len(NASTY_IDS) else f"n{k}" for k in range(n)]
    else:
        ids = [f"n{k}" for k in range(n)]
    parents: list[int | None] = [None]
    children: list[list[int]] = [[]]
    depth = [0]
    wanted = [rng.randint(1, max_children) for _ in range(n)]
    frontier = 0
    for k in range(1, n):
        if bushy:
            while len(children[frontier]) >= wanted[frontier]:
                frontier += 1
            parent = frontier
        else:
            open_nodes = [j for j in range(max(0, k - 6), k) if len(children[j]) < max_children]
            if not open_nodes:
                open_nodes = [j for j in range(k) if len(children[j]) < max_children]
            parent = rng.choice(open_nodes)
        parents.append(parent)
        children.append([])
        children[parent].append(k)
        depth.append(depth[parent] + 1)
    nodes = {}
    for k in range(n):
        lines = []
        for _ in range(rng.choice([1, 1, 2])):
            speaker = rng.choice(cast + [None])
            has_direction = speaker is None or rng.random() < 0.4
            lines.append({
                "direction": _text(rng, nasty) if has_direction else "",
                "speaker": speaker["id"] if speaker else None,
                "speaker_name": speaker["name"] if speaker and rng.random() < 0.8 else None,
                "text": _text(rng, nasty) if speaker else "",
                "emotion": rng.choice(EMOTIONS + ([" fear (mild) #x"] if nasty else [])),
                "parenthetical": (rng.choice(["coldly", "softly", "(aside) [x]"] if nasty
                                             else ["coldly", "softly"])
                                  if rng.random() < 0.3 else ""),
            })
        place = rng.choice(places + [None]) if k else places[0]
        leaf = not children[k]
        ending = None
        if leaf and rng.random() < 0.7:
            ending = {"id": rng.choice(["caught", "fled", "wed"]) if not nasty
                      else rng.choice(["caught", "fl ed#1", "w[e]d"]),
                      "title": _text(rng, nasty), "tone": "tragic",
                      "text": _text(rng, nasty) if rng.random() < 0.5 else ""}
        nodes[ids[k]] = {
            "id": ids[k], "parent": ids[parents[k]] if parents[k] is not None else None,
            "step": depth[k],
            "beat": None if k == 0 else f"{rng.choice(cast)['id']}:{rng.choice(['accuse', 'confide', 'flee'])}",
            "place": place[0] if place else None,
            "place_name": place[1] if place else None,
            "interior": place[2] if place else True,
            "lines": lines,
            "choices": [{"label": _text(rng, nasty) if rng.random() < 0.95 else "",
                         "target": ids[c], "chooser": rng.choice(["director", "ann", "narrator"])}
                        for c in children[k]],
            "state": {"tension": round(rng.random(), 4), "target_tension": 0.5,
                      "characters": {c["id"]: {"emotion": rng.choice(EMOTIONS),
                                               "intensity": round(rng.random(), 3),
                                               "mood": [0.1, -0.2, 0.3]} for c in cast}},
            "score": None if rng.random() < 0.05 else round(rng.random(), 6),
            "ending": ending,
        }
    data = {"format": "drama-script-tree", "version": 1,
            "story": {"id": "nasty-tree" if nasty else "plain-tree", "title": title,
                      "genre": "drama", "premise": "A test.", "author": "Tests & \"co\"" if nasty else "Tests",
                      "cast": [{"id": c["id"], "name": c["name"]} for c in cast]},
            "seed": seed, "root": ids[0], "nodes": nodes, "best_path": []}
    tree = ScriptTree.model_validate(data)
    if with_best_path:
        tree = tree.model_copy(update={"best_path": tree.paths()[-1]})
    return tree


def chain_tree(n: int, seed: int = 0, nasty: bool = False) -> ScriptTree:
    """A tree that is one path of ``n`` nodes."""
    return random_tree(n, seed, nasty=nasty, max_children=1)


def sample_trees() -> dict[str, ScriptTree]:
    """The trees most tests run on, by name."""
    return {
        "single": random_tree(1, 1),
        "plain": random_tree(14, 2),
        "chain": chain_tree(6, 3, nasty=True),
        "nasty": random_tree(24, 4, nasty=True),
        "nasty-ids": random_tree(30, 5, nasty=True, nasty_ids=True, with_best_path=True),
    }
