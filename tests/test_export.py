"""The exporters, checked by the real tool of each format (docs/export.md, "Validators").

Ink compiles with inkjs's compiler (no error, no warning) and every path plays through the
inkjs runtime with the tree's lines and choices; Twee passes the project's link checker,
compiles with Extwee to Twine 2 HTML in the shipped story format and decompiles to the same
passages; the HTML page is played in headless Chromium (Playwright) to every leaf; Fountain
parses with screenplain (HTML, FDX, PDF) and fountain-js with the path's dialogue blocks and
scene headings; Yarn passes the project's Yarn 2 parser; DOT renders with Graphviz.

Trees come from ``tests/tree_fixtures.py``, several of them full of names special to each
format. The tools are installed by ``scripts/setup_validators.sh``; without them a test is
skipped here and fails in CI.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tree_fixtures import NASTY, random_tree, sample_trees  # noqa: E402

from stories.export import EXTENSIONS, FORMATS, ExportError, export, select_paths  # noqa: E402
from stories.export import (dot, fountain, ink, mermaid, twee, twee_check, yarn,  # noqa: E402
                            yarn_check)
from stories.export._common import (Item, choice_label, clean, node_items,  # noqa: E402
                                    number)
from stories.export.html import FORMAT_JS, to_html  # noqa: E402
from stories.script_tree import ScriptTree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "tests" / "js"
TREES = sample_trees()
TREE_NAMES = list(TREES)
CHROMIUM = "/usr/bin/chromium"


def need(ok: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a validator is missing."""
    if ok:
        return
    message = f"{what} is not installed — run bash scripts/setup_validators.sh"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def need_node(package: str) -> None:
    need(shutil.which("node") is not None and (ROOT / "node_modules" / package).is_dir(),
         f"node and the npm package {package}")


def need_module(name: str) -> None:
    import importlib.util

    need(importlib.util.find_spec(name) is not None, f"the Python package {name}")


def node(script: str, *args: str, timeout: int = 120) -> dict:
    result = subprocess.run(["node", str(JS / script), *args], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def choice_indexes(tree: ScriptTree, path: list[str]) -> list[int]:
    return [[c.target for c in tree.nodes[a].choices].index(b) for a, b in zip(path, path[1:])]


# --- every format ---------------------------------------------------------------------------
def test_formats_are_registered():
    assert list(FORMATS) == ["ink", "twee", "html", "fountain", "yarn", "json", "dot", "mermaid"]
    for fmt in FORMATS.values():
        assert EXTENSIONS[fmt.extension] == fmt.name


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", TREE_NAMES)
def test_export_is_a_deterministic_string(fmt, name):
    tree = TREES[name]
    text = export(tree, fmt)
    assert isinstance(text, str) and text
    assert export(tree, fmt) == text
    assert export(ScriptTree.from_json(tree.to_json()), fmt) == text


def test_bad_format_and_path():
    tree = TREES["plain"]
    with pytest.raises(ExportError, match="unknown format"):
        export(tree, "docx")
    n = len(tree.paths())
    with pytest.raises(ExportError, match=f"the tree has {n} paths"):
        export(tree, "ink", path=n)
    for bad in ("worst", -1, "1.5", True):
        with pytest.raises(ExportError):
            export(tree, "fountain", path=bad)
    assert export(tree, "ink", path="0") == export(tree, "ink", path=0)


def test_a_path_restricts_the_tree():
    tree = TREES["nasty"]
    best = tree.best()
    text = export(tree, "twee", path="best")
    names = twee.passage_names(tree)
    passages = [p.name for p in twee_check.parse(text)]
    assert passages == ["StoryTitle", "StoryData"] + [names[n] for n in best]
    assert twee_check.check(text) == []


# --- Ink ------------------------------------------------------------------------------------
def ink_tags(item: Item) -> list[str]:
    if item.kind == "direction":
        return ["direction"]
    if item.kind == "ending":
        return [f"ending: {item.ending_id or 'end'}"]
    tags = [f"speaker: {item.speaker}"]
    if item.emotion:
        tags.append(f"emotion: {item.emotion}")
    if item.parenthetical:
        tags.append(f"parenthetical: {item.parenthetical}")
    return tags


def ink_expected(tree: ScriptTree, path: list[str]) -> list[dict]:
    events: list[dict] = []
    score = 0.0
    for k, node_id in enumerate(path):
        node = tree.nodes[node_id]
        if node.score is not None:
            score = float(number(node.score))
        events += [{"line": item.text, "tags": ink_tags(item)} for item in node_items(tree, node)]
        if node.choices:
            events.append({"choices": [choice_label(c.label) for c in node.choices],
                           "picked": choice_indexes(tree, path)[k]})
    events.append({"end": True, "tension": float(number(tree.nodes[path[-1]].state.tension)),
                   "score": score})
    return events


@pytest.mark.parametrize("name", TREE_NAMES)
def test_ink_compiles_without_warnings_and_plays_every_path(name, tmp_path):
    need_node("inkjs")
    tree = TREES[name]
    source = ink.to_ink(tree)
    paths = tree.paths()
    (tmp_path / "in.json").write_text(json.dumps(
        {"source": source, "paths": [choice_indexes(tree, p) for p in paths]}))
    out = node("ink_check.js", str(tmp_path / "in.json"))
    assert out["errors"] == [] and out["warnings"] == []
    assert len(out["plays"]) == len(paths)
    for path, play in zip(paths, out["plays"]):
        expected = ink_expected(tree, path)
        assert play[-1].pop("tension") == pytest.approx(expected[-1].pop("tension"))
        assert play[-1].pop("score") == pytest.approx(expected[-1].pop("score"))
        assert play == expected
    assert source.count("-> END") == len(tree.leaves())
    assert source.count("\n=== ") + source.startswith("=== ") == len(tree.nodes)


def test_ink_escapes_everything_ink_reads_as_syntax():
    for text in NASTY:
        escaped = ink.escape(clean(text))
        assert "//" not in escaped and "/*" not in escaped
        assert re.search(r"(?<!\\)[#{}|\[\]<>]", escaped) is None
        assert re.sub(r"\\(.)", r"\1", escaped) == clean(text)
    names = ink.knot_names(TREES["nasty-ids"])
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", n) for n in names.values())
    assert len(set(names.values())) == len(names)
    assert not {"END", "VAR", "tension", "score"} & set(names.values())


# --- Twee and the story format --------------------------------------------------------------
def test_shipped_story_format_is_up_to_date():
    from stories.export._runtime import format_js

    assert FORMAT_JS.read_text(encoding="utf-8") == format_js(), \
        "run: python -m stories.export.html --write-format"
    data = json.loads(FORMAT_JS.read_text()[len("window.storyFormat("):-3])
    assert data["name"] == twee.FORMAT_NAME and data["version"] == twee.FORMAT_VERSION
    assert "{{STORY_DATA}}" in data["source"]
    assert not re.search(r"(src|href)\s*=|https?://|@import|url\(", data["source"])


def test_ifid_is_a_deterministic_uppercase_v4_uuid():
    tree = TREES["plain"]
    value = twee.ifid(tree)
    assert re.fullmatch(r"[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}",
                        value)
    assert twee.ifid(ScriptTree.from_json(tree.to_json())) == value
    assert twee.ifid(tree.model_copy(update={"seed": tree.seed + 1})) != value
    other = tree.model_copy(update={"story": tree.story.model_copy(update={"id": "other"})})
    assert twee.ifid(other) != value


def test_twee_header_escaping_follows_the_spec():
    for text in NASTY + ["a\\b", "[x]{y}"]:
        escaped = twee.escape_header(text)
        assert re.search(r"(?<!\\)(\\\\)*[\[\]{}]", escaped.replace("\\\\", "")) is None
        assert twee.unescape_header(escaped) == text


def test_twee_markup_round_trips_every_nasty_text():
    for text in NASTY:
        text = clean(text)
        if not text:
            continue
        items = [Item("direction", text), Item("dialogue", text, speaker=text, parenthetical=text),
                 Item("ending", text)]
        lines = [twee.encode_item(i) for i in items] + [twee.encode_link(text, "n1")]
        for line in lines:
            assert not re.search(r"\$[&'`$]", line)          # Extwee's String.replace patterns
        parsed, links = twee.parse_passage("\n".join(lines))
        assert [(i.kind, i.text, i.speaker, i.parenthetical) for i in parsed] == \
            [(i.kind, i.text, i.speaker, i.parenthetical) for i in items]
        assert links == [twee.Link(text, "n1")]
        assert twee_check.twine_links(lines[-1]) == ["n1"]


@pytest.mark.parametrize("name", TREE_NAMES)
def test_twee_passes_the_link_checker_and_matches_the_tree(name):
    tree = TREES[name]
    text = twee.to_twee(tree)
    assert twee_check.check(text) == []
    names = twee.passage_names(tree)
    passages = {p.name: p for p in twee_check.parse(text)}
    data = json.loads(passages["StoryData"].text)
    assert data["start"] == names[tree.root] and data["ifid"] == twee.ifid(tree)
    assert (data["format"], data["format-version"]) == (twee.FORMAT_NAME, twee.FORMAT_VERSION)
    assert passages["StoryTitle"].text == clean(tree.story.title)
    for node_id, node in tree.nodes.items():
        p = passages[names[node_id]]
        assert re.fullmatch(r"\d+,\d+", p.metadata["position"])
        items, links = twee.parse_passage(p.text)
        expected = node_items(tree, node)
        assert [(i.kind, i.text, i.speaker, i.parenthetical) for i in items] == \
            [(i.kind, i.text, i.speaker, i.parenthetical) for i in expected]
        assert links == [twee.Link(choice_label(c.label), names[c.target]) for c in node.choices]
        assert p.tags == twee.passage_tags(tree, node_id)


def test_twee_checker_finds_broken_links_and_a_missing_start():
    text = twee.to_twee(TREES["plain"])
    assert twee_check.check(text.replace("->n1]]", "->nowhere]]")) == [
        f"{i + 1}: a link to 'nowhere', which is not a passage"
        for i, line in enumerate(text.replace("->n1]]", "->nowhere]]").split("\n"))
        if "->nowhere]]" in line]
    assert any("start passage 'n0' does not exist" in p
               for p in twee_check.check(text.replace(":: n0 ", ":: m0 ")))
    assert any("no StoryData" in p for p in twee_check.check(text.replace(":: StoryData", ":: Data")))


@pytest.mark.parametrize("name", TREE_NAMES)
def test_extwee_compiles_and_decompiles_to_the_same_passages(name, tmp_path):
    need_node("extwee")
    tree = TREES[name]
    (tmp_path / "story.twee").write_text(twee.to_twee(tree), encoding="utf-8")
    out = node("twee_check.mjs", str(tmp_path / "story.twee"), str(FORMAT_JS),
               str(tmp_path / "story.html"))
    source, compiled = out["source"], out["compiled"]
    assert out["storyFormat"] == {"name": twee.FORMAT_NAME, "version": twee.FORMAT_VERSION}
    names = twee.passage_names(tree)
    assert source["passages"] == compiled["passages"]
    assert sorted(p["name"] for p in compiled["passages"]) == sorted(names.values())
    assert compiled["name"] == clean(tree.story.title)
    assert compiled["ifid"] == twee.ifid(tree)
    assert (compiled["format"], compiled["formatVersion"]) == (twee.FORMAT_NAME,
                                                               twee.FORMAT_VERSION)
    assert source["start"] == names[tree.root]
    by_name = {p["name"]: p for p in compiled["passages"]}
    for node_id in tree.nodes:
        assert by_name[names[node_id]]["text"] == twee.passage_text(tree, node_id, names)
        assert by_name[names[node_id]]["tags"] == twee.passage_tags(tree, node_id)


# --- HTML in Chromium -----------------------------------------------------------------------
DOM_STATE = """() => ({
  passage: document.body.getAttribute("data-passage"),
  title: document.title,
  items: Array.from(document.querySelectorAll("#passage > p")).map((p) =>
    p.classList.contains("line")
      ? {kind: "dialogue", speaker: p.querySelector(".speaker").textContent,
         parenthetical: p.querySelector(".paren") ? p.querySelector(".paren").textContent : "",
         text: p.querySelector(".text").textContent}
      : {kind: p.className, text: p.textContent, speaker: "", parenthetical: ""}),
  choices: Array.from(document.querySelectorAll("#choices .choice")).map((b) => b.textContent),
})"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    need(Path(CHROMIUM).exists(), "Debian's chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright (Python)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield context
        context.close()


def expected_screen(tree: ScriptTree, node_id: str) -> dict:
    node = tree.nodes[node_id]
    return {"items": [{"kind": i.kind, "text": i.text, "speaker": i.speaker,
                       "parenthetical": f"({i.parenthetical})" if i.parenthetical else ""}
                      for i in node_items(tree, node)],
            "choices": [choice_label(c.label) for c in node.choices]}


def play_every_path(page, tree: ScriptTree) -> int:
    names = twee.passage_names(tree)
    clicks = 0
    for path in tree.paths():
        page.click("#restart")
        for k, node_id in enumerate(path):
            state = page.evaluate(DOM_STATE)
            assert state["passage"] == names[node_id]
            assert {"items": state["items"], "choices": state["choices"]} == \
                expected_screen(tree, node_id)
            if k + 1 < len(path):
                page.locator("#choices .choice").nth(choice_indexes(tree, path)[k]).click()
                clicks += 1
    return clicks


@pytest.mark.parametrize("name", ["plain", "nasty", "nasty-ids"])
def test_html_plays_to_every_leaf_in_chromium(name, browser, tmp_path):
    tree = TREES[name]
    page_file = tmp_path / "story.html"
    page_file.write_text(to_html(tree), encoding="utf-8")
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    assert page.title() == clean(tree.story.title)
    play_every_path(page, tree)
    assert errors == []
    assert set(requests) == {page_file.as_uri()}
    page.close()


def test_extwee_page_plays_in_chromium(browser, tmp_path):
    """The Twee export, compiled by Extwee with the shipped format, is the same playable page."""
    need_node("extwee")
    tree = TREES["nasty"]
    (tmp_path / "story.twee").write_text(twee.to_twee(tree), encoding="utf-8")
    node("twee_check.mjs", str(tmp_path / "story.twee"), str(FORMAT_JS),
         str(tmp_path / "story.html"))
    page = browser.new_page()
    page.goto((tmp_path / "story.html").as_uri())
    assert play_every_path(page, tree) > 0
    page.close()


def test_html_is_self_contained():
    text = to_html(TREES["nasty"])
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", text)
    assert "default-src 'none'" in text
    assert text.count("<tw-passagedata") == len(TREES["nasty"].nodes)


# --- Fountain -------------------------------------------------------------------------------
def screenplain_parse(text: str):
    from screenplain.parsers import fountain as parser

    return parser.parse(io.StringIO(text))


@pytest.mark.parametrize("path", ["best", 0, "all"])
@pytest.mark.parametrize("name", TREE_NAMES)
def test_fountain_parses_with_screenplain_to_html_fdx_and_pdf(name, path):
    need_module("screenplain")
    from screenplain.export.fdx import to_fdx
    from screenplain.export.html import convert
    from screenplain.export.pdf import to_pdf
    from screenplain.types import Dialog, Section, Slug

    tree = TREES[name]
    text = fountain.to_fountain(tree, path=path)
    sections = fountain.sections(tree, path)
    scenes = [s for sec in sections for s in sec.scenes]
    dialogue = [d for sec in sections for d in sec.dialogue]
    screenplay = screenplain_parse(text)
    kinds = Counter(type(p).__name__ for p in screenplay)
    assert kinds["Slug"] == len(scenes)
    assert kinds["Dialog"] == len(dialogue)
    assert kinds["Section"] == (len(sections) if path == "all" else 0)
    assert screenplay.title_page["Title"] == [fountain.escape(clean(tree.story.title))]
    slugs = [p for p in screenplay if isinstance(p, Slug)]
    assert [fountain.unescape(str(s.line)) for s in slugs] == \
        [fountain.unescape(s.replace("\\*", "*")) for s in scenes]
    for block, item in zip([p for p in screenplay if isinstance(p, Dialog)], dialogue):
        assert fountain.unescape(str(block.character)) == item.speaker.upper()
        lines = [fountain.unescape(str(t)) for is_paren, t in block.blocks if not is_paren]
        # "_" is not escaped (screenplain does not know "\_"): text between two may be underlined
        assert [line.replace("_", "") for line in lines] == [item.text.replace("_", "")]
        parens = [str(t) for is_paren, t in block.blocks if is_paren]
        paren = fountain.parenthetical(item)
        assert [fountain.unescape(p) for p in parens] == ([f"({paren})"] if paren else [])
    html_out = io.StringIO()
    convert(screenplay, html_out)
    assert html_out.getvalue().count('<div class="dialog">') == len(dialogue)
    assert len(re.findall(r"<h6>", html_out.getvalue())) == len(scenes)
    fdx_out = io.StringIO()
    to_fdx(screenplay, fdx_out)
    types = Counter(p.get("Type") for p in ET.fromstring(fdx_out.getvalue().encode()).iter("Paragraph"))
    assert types["Scene Heading"] == len(scenes) and types["Character"] == len(dialogue)
    pdf_out = io.BytesIO()
    to_pdf(screenplay, pdf_out)
    assert pdf_out.getvalue().startswith(b"%PDF") and b"/Type /Page" in pdf_out.getvalue()
    assert not any(isinstance(p, Section) for p in screenplay) or path == "all"


def test_screenplain_command_line_writes_a_pdf(tmp_path):
    exe = Path(sys.executable).with_name("screenplain")
    need(exe.exists(), "screenplain")
    src = tmp_path / "play.fountain"
    src.write_text(fountain.to_fountain(TREES["nasty"], "all"), encoding="utf-8")
    for suffix in ("pdf", "fdx", "html"):
        result = subprocess.run([str(exe), str(src), str(tmp_path / f"play.{suffix}")],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"play.{suffix}").stat().st_size > 0


@pytest.mark.parametrize("name", TREE_NAMES)
def test_fountain_parses_with_fountain_js(name, tmp_path):
    need_node("fountain-js")
    tree = TREES[name]
    src = tmp_path / "play.fountain"
    src.write_text(fountain.to_fountain(tree, "all"), encoding="utf-8")
    out = node("fountain_check.js", str(src))
    sections = fountain.sections(tree, "all")
    counts = out["counts"]
    assert counts.get("scene_heading", 0) == sum(len(s.scenes) for s in sections)
    assert counts.get("character", 0) == sum(len(s.dialogue) for s in sections)
    assert counts.get("section", 0) == len(sections)
    assert counts.get("title", 0) == 1 and out["title"]


def test_fountain_escapes_notes_boneyard_and_emphasis():
    for text in NASTY:
        escaped = fountain.escape(clean(text))
        assert "[[" not in escaped and "]]" not in escaped and "/*" not in escaped
        assert re.search(r"(?<!\\)\*", escaped) is None
        assert fountain.unescape(escaped) == clean(text)


# --- Yarn -----------------------------------------------------------------------------------
def yarn_tags(item: Item) -> list[str]:
    def tag(name, value=""):
        value = re.sub(r"[\s#$<]+", "_", clean(value))
        return f"{name}:{value}" if value else name
    if item.kind == "direction":
        return ["direction"]
    if item.kind == "ending":
        return [tag("ending", item.ending_id or "end")]
    tags = [tag("emotion", item.emotion)] if item.emotion else []
    if item.parenthetical:
        tags.append(tag("parenthetical", item.parenthetical))
    return tags


@pytest.mark.parametrize("name", TREE_NAMES)
def test_yarn_passes_the_yarn_2_parser_and_matches_the_tree(name):
    tree = TREES[name]
    text = yarn.to_yarn(tree)
    assert yarn_check.check(text) == []
    doc = yarn_check.parse(text)
    titles = yarn.node_titles(tree)
    assert titles[tree.root] == "Start" and set(doc.nodes) == set(titles.values())
    for node_id, node in tree.nodes.items():
        body = doc.nodes[titles[node_id]].body
        lines = [s for s in body if isinstance(s, yarn_check.Line)]
        options = [s for s in body if isinstance(s, yarn_check.Option)]
        sets = {s.variable: s.value for s in body
                if isinstance(s, yarn_check.Command) and s.name == "set"}
        expected = node_items(tree, node)
        assert [(line.text, line.speaker, line.hashtags) for line in lines] == \
            [(i.text, i.speaker if i.kind == "dialogue" else None, yarn_tags(i)) for i in expected]
        assert [o.text for o in options] == [choice_label(c.label) for c in node.choices]
        assert all(o.speaker is None for o in options)
        assert [[(s.name, s.target) for s in o.body] for o in options] == \
            [[("jump", titles[c.target])] for c in node.choices]
        assert sets["$tension"] == pytest.approx(float(number(node.state.tension)))
        if node.score is not None:
            assert sets["$score"] == pytest.approx(float(number(node.score)))


@pytest.mark.parametrize("bad, message", [
    ("title: A\n---\nHi\n", "never closed"),
    ("title: A\nHi\n===\n", "header"),
    ("---\nHi\n===\n", "title"),
    ("title: a.b\n---\nHi\n===\n", "not valid"),
    ("title: A\n---\n-> go\n    <<jump B>>\n===\n", "goes to no node"),
    ("title: A\n---\nsay \\q\n===\n", "escape"),
    ("title: A\n---\n<<set $x 1>>\n===\n", "set"),
    ("title: A\n---\n<<declare $x = 1>>\n<<set $x to \"s\">>\n===\n", "is set to"),
    ("title: A\n---\nHi <<wait 1\n===\n", "never closed"),
    ("title: A\n---\n[b]hi[/i]\n===\n", "closes nothing"),
    ("title: A\n---\nHi {1 +}\n===\n", "expression"),
    ("title: A\n---\nHi\n===\ntitle: A\n---\nHo\n===\n", "two nodes"),
    ("title: A\n---\n<<if $x>>\nHi\n===\n", "endif"),
])
def test_yarn_checker_rejects_what_yarn_spinner_rejects(bad, message):
    problems = yarn_check.check(bad)
    assert problems and message in " ".join(problems)


def test_yarn_checker_reads_speakers_markup_and_escapes():
    doc = yarn_check.parse("\n".join([
        "title: Start", "---",
        r"Ann: hi \[x\] [b]bold[/b] \#1 #mood:x",
        r'[character name="A: \\"B\\"" \/]said: so',
        r'{""}\\[not markup\\] // a comment',
        "===", ""]))
    a, b, c = doc.nodes["Start"].body
    assert (a.text, a.speaker, a.hashtags) == ("hi [x] bold #1", "Ann", ["mood:x"])
    assert (b.text, b.speaker) == ("said: so", 'A: "B"')
    assert (c.text, c.speaker) == ("[not markup]", None)


# --- JSON, DOT, Mermaid ---------------------------------------------------------------------
@pytest.mark.parametrize("name", TREE_NAMES)
def test_json_round_trips(name):
    tree = TREES[name]
    assert ScriptTree.from_json(export(tree, "json")) == tree


@pytest.mark.parametrize("name", TREE_NAMES)
def test_dot_renders_with_graphviz(name, tmp_path):
    need(shutil.which("dot") is not None, "graphviz (dot)")
    tree = TREES[name]
    (tmp_path / "tree.dot").write_text(dot.to_dot(tree), encoding="utf-8")
    svg = subprocess.run(["dot", "-Tsvg", str(tmp_path / "tree.dot")], capture_output=True,
                         timeout=120)
    assert svg.returncode == 0 and svg.stderr == b"", svg.stderr
    assert svg.stdout.count(b'class="node"') == len(tree.nodes)
    result = subprocess.run(["dot", "-Tjson", str(tmp_path / "tree.dot")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    graph = json.loads(result.stdout)
    names = dot.node_names(tree)
    ids = {v: k for k, v in names.items()}
    assert sorted(o["name"] for o in graph["objects"]) == sorted(names.values())
    assert len(graph.get("edges", [])) == sum(len(n.choices) for n in tree.nodes.values())
    for obj in graph["objects"]:
        label = obj["label"].replace("\\\\", "\0").replace("\\n", "\n").replace("\0", "\\")
        assert label == dot.node_label(tree, ids[obj["name"]])
    by_id = {o["_gvid"]: ids[o["name"]] for o in graph["objects"]}
    edges = sorted((by_id[e["tail"]], by_id[e["head"]], e["label"].replace("\\\\", "\\"))
                   for e in graph.get("edges", []))
    assert edges == sorted((a, c.target, choice_label(c.label))
                           for a, n in tree.nodes.items() for c in n.choices)


@pytest.mark.parametrize("name", TREE_NAMES)
def test_mermaid_is_a_well_formed_flowchart(name):
    tree = TREES[name]
    text = mermaid.to_mermaid(tree)
    lines = text.splitlines()
    assert lines[0].startswith("%% ") and lines[1] == "flowchart LR"
    nodes = [re.fullmatch(r'  (n\d+)\["([^"]*)"\]', line) for line in lines[2:2 + len(tree.nodes)]]
    assert all(nodes)
    labels = [mermaid.unescape(m.group(2)) for m in nodes]
    for m in nodes:
        bare = re.sub(r"#\d+;", "", m.group(2).replace("<br>", ""))
        assert not re.search(r'[<>&|\[\]{}();`#"]', bare), m.group(2)
    edges = [re.fullmatch(r'  (n\d+) -->\|"([^"|]*)"\| (n\d+)', line) for line in lines
             if "-->" in line]
    assert all(edges) and len(edges) == sum(len(n.choices) for n in tree.nodes.values())
    assert sorted(mermaid.unescape(e.group(2)) for e in edges) == \
        sorted(choice_label(c.label) for n in tree.nodes.values() for c in n.choices)
    assert labels[0].split("\n")[0] == (clean(tree.nodes[tree.root].beat) or "opening")


# --- the command line -----------------------------------------------------------------------
def drama(*argv: str) -> int:
    from theater.cli import main

    return main(list(argv))


@pytest.fixture
def tree_file(tmp_path):
    path = tmp_path / "tree.json"
    TREES["nasty"].save(path)
    return path


def test_cli_writes_each_format(tree_file, tmp_path, capsys):
    for fmt, spec in FORMATS.items():
        out = tmp_path / f"out{spec.extension}"
        assert drama("export", str(tree_file), "--format", fmt, "-o", str(out)) == 0
        path = "best" if fmt == "fountain" else "all"
        assert out.read_text(encoding="utf-8") == export(TREES["nasty"], fmt, path=path)
        assert f"wrote {out}" in capsys.readouterr().out
    # the format from the extension, the path, printing to stdout
    assert drama("export", str(tree_file), "-o", str(tmp_path / "x.yarn")) == 0
    assert (tmp_path / "x.yarn").read_text() == export(TREES["nasty"], "yarn")
    capsys.readouterr()
    assert drama("export", str(tree_file), "-f", "fountain", "--path", "all") == 0
    assert capsys.readouterr().out == export(TREES["nasty"], "fountain", path="all")
    assert drama("export", str(tree_file), "-f", "ink", "--path", "2") == 0
    assert capsys.readouterr().out == export(TREES["nasty"], "ink", path=2)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("drama export: ") and "Traceback" not in err
    return err


def test_cli_refuses_to_overwrite_without_force(tree_file, tmp_path, capsys):
    out = tmp_path / "story.ink"
    out.write_text("keep me")
    assert drama("export", str(tree_file), "-o", str(out)) == 2
    assert "already exists — pass --force" in one_line_error(capsys)
    assert out.read_text() == "keep me"
    assert drama("export", str(tree_file), "-o", str(out), "--force") == 0
    assert out.read_text() == export(TREES["nasty"], "ink")


def test_cli_writes_atomically(tree_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "story.twee"
    out.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    assert drama("export", str(tree_file), "-o", str(out), "--force") == 2
    assert "No space left on device" in one_line_error(capsys)
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.twee", "tree.json"]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    ("{not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a script tree"),
    ('{"format": "drama-script-tree", "version": 99}', "version 99 is not supported"),
    ('{"format": "drama-script-tree", "version": 1, "story": {"id": "x", "title": "X"}, '
     '"root": "a", "nodes": {"a": {"id": "a", "choices": [{"label": "go", "target": "b"}]}}}',
     "unknown node 'b'"),
    ('{"format": "drama-script-tree", "version": 1, "root": "a", "nodes": {}}', "story"),
])
def test_cli_bad_tree_file_is_a_one_line_error(content, message, tmp_path, capsys):
    src = tmp_path / "bad.json"
    if content is not None:
        src.write_text(content)
    out = tmp_path / "out.ink"
    assert drama("export", str(src), "-o", str(out)) == 2
    assert message in one_line_error(capsys)
    assert not out.exists()


@pytest.mark.parametrize("argv, message", [
    (["-o", "x.docx"], "cannot tell the format"),
    ([], "no format"),
    (["-f", "ink", "--path", "worst"], "is not valid"),
    (["-f", "fountain", "--path", "999"], "does not exist"),
])
def test_cli_bad_arguments(argv, message, tree_file, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert drama("export", str(tree_file), *argv) == 2
    assert message in one_line_error(capsys)


def test_cli_output_folder_is_an_error(tree_file, tmp_path, capsys):
    assert drama("export", str(tree_file), "-f", "ink", "-o", str(tmp_path)) == 2
    assert "is a folder" in one_line_error(capsys)


# --- size -----------------------------------------------------------------------------------
def test_a_10000_node_tree_exports():
    """Every format handles a 10,000-node tree (``benchmarks/bench_export.py`` measures the
    2 s target; a test only checks the output, not the time)."""
    tree = random_tree(10_000, 7, bushy=True)
    for fmt in FORMATS:
        text = export(tree, fmt)
        assert text and len(text) > 10_000, fmt
    assert select_paths(tree, "all")
