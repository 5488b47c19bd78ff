"""The user documentation stays true to the code: its examples load and play, it names every
field, condition, effect and verb, its error messages are the real ones, and the constants in
docs/rules.md are the ones in the kernels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import TypeAdapter

from stories import StoryError, default_verbs, load_story, parse_story
from stories import constants as K
from stories import schema

ROOT = Path(__file__).resolve().parents[1]
STORY_FORMAT = ROOT / "docs" / "story-format.md"
RULES = ROOT / "docs" / "rules.md"
EXAMPLE = ROOT / "docs" / "examples" / "annotated-story.yaml"


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)


def story_blocks() -> list[str]:
    return [b for b in yaml_blocks(STORY_FORMAT) if re.search(r"^cast:", b, re.M)]


def snippet(block: str) -> dict | None:
    """A block that is one ``when:`` or ``effects:`` example, parsed; else None."""
    data = yaml.safe_load(block)
    if isinstance(data, dict) and set(data) in ({"when"}, {"effects"}):
        return data
    return None


def condition_kinds(cond: schema.Condition) -> set[str]:
    kinds = {cond.kind}
    if cond.kind in ("all", "any"):
        for sub in cond.value:
            kinds |= condition_kinds(sub)
    elif cond.kind == "not":
        kinds |= condition_kinds(cond.value)
    return kinds


# --- the annotated example ----------------------------------------------------------------

def test_annotated_example_loads_and_plays():
    from agents.play import play
    from drama_env.compiled import CompiledStory

    story = load_story(str(EXAMPLE))
    assert story.id == "the-lamp-at-gull-point"
    result = play(CompiledStory.from_story(str(EXAMPLE)), 0)
    assert result.events
    assert result.ending is not None or result.state.step == story.length
    again = play(CompiledStory.from_story(str(EXAMPLE)), 0)
    assert [e.action for e in again.events] == [e.action for e in result.events]


def test_annotated_example_is_embedded_verbatim():
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n")
    assert text in yaml_blocks(STORY_FORMAT)[-1]


def test_annotated_example_uses_every_condition_effect_and_goal():
    story = load_story(str(EXAMPLE))
    conditions = set()
    for ending in story.endings:
        conditions |= condition_kinds(ending.when)
    for event in story.events:
        if event.when is not None:
            conditions |= condition_kinds(event.when)
    assert conditions == set(schema.CONDITION_KEYS)
    effects = {e.kind for ev in story.events for e in ev.effects}
    assert effects == set(schema.EFFECT_KEYS)
    goals = {g.type for c in story.cast for g in c.goals}
    assert goals == set(K.GOAL_TYPES)


# --- story-format.md ----------------------------------------------------------------------

def test_story_blocks_exist():
    assert len(story_blocks()) >= 2  # the quick start and the annotated example


@pytest.mark.parametrize("index", range(len(story_blocks())))
def test_every_complete_story_in_the_doc_loads(index):
    story = parse_story(story_blocks()[index], f"story-format.md block {index}")
    assert story.cast


def test_condition_and_effect_snippets_are_valid_and_cover_every_key():
    conditions: set[str] = set()
    effects: set[str] = set()
    for block in yaml_blocks(STORY_FORMAT):
        data = snippet(block)
        if data is None:
            continue
        if "when" in data:
            conditions |= condition_kinds(schema.Condition.model_validate(data["when"]))
        else:
            parsed = TypeAdapter(list[schema.Effect]).validate_python(data["effects"])
            effects |= {e.kind for e in parsed}
    assert conditions == set(schema.CONDITION_KEYS)
    assert effects == set(schema.EFFECT_KEYS)


@pytest.mark.parametrize("key", schema.CONDITION_KEYS + schema.EFFECT_KEYS)
def test_every_condition_and_effect_key_is_documented(key):
    text = STORY_FORMAT.read_text(encoding="utf-8")
    assert f"| `{key}` |" in text


MODELS = (schema.Story, schema.Place, schema.StoryObject, schema.Character, schema.Personality,
          schema.Goal, schema.Standards, schema.Mood, schema.Relationship, schema.Secret,
          schema.Ending, schema.NarratorEvent, schema.TensionArc, schema.VerbChanges, schema.Verb,
          schema.VerbRequirement, schema.RelationDelta)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented(model):
    text = STORY_FORMAT.read_text(encoding="utf-8")
    for name, field in model.model_fields.items():
        key = field.alias or name
        assert f"`{key}`" in text, f"{model.__name__}.{key} is not in docs/story-format.md"


@pytest.mark.parametrize("names", [K.REL_DIMS, K.BONDS, K.EMOTIONS, K.PAD, K.BIG_FIVE,
                                   K.GOAL_TYPES, K.VERB_OPS, K.VERB_ARGS, K.TONES])
def test_every_allowed_name_is_listed(names):
    text = STORY_FORMAT.read_text(encoding="utf-8")
    section = text.split("## Names you can use", 1)[1].split("\n## ", 1)[0]
    row = next((line for line in section.splitlines() if all(f"`{n}`" in line for n in names)), "")
    for name in names:
        assert f"`{name}`" in row


def test_every_default_verb_has_a_row():
    text = STORY_FORMAT.read_text(encoding="utf-8")
    table = text.split("## The default verbs", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == [v.id for v in default_verbs()]
    assert len(rows) == len(default_verbs()) >= 20
    for row, verb in zip(rows, default_verbs()):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] == verb.arg
        assert cells[2].split()[0].strip(",") == verb.op
        assert cells[-1] == f"{verb.weight:g}"


# the broken copies shown in "Checks and error messages": (old, new) edits of the example
BROKEN = [
    ("  - {from: sol, to: hal, affection: 0.1", "  - {from: sol, to: hall, affection: 0.1"),
    ("    affection: -0.4            # liking", "    affection: -1.4            # liking"),
    ("{type: protect, target: sol, weight: 0.8}", "{type: protect, secret: dark_night, weight: 0.8}"),
    ("    location: quay", "    locaton: quay"),
    ("    when: {departed: wren}", "    when: {gone: wren}"),
    ("    tone: tragic\n", "    tone: grim\n"),
    ("      - {kill: hal}", "      - {kill: hal, depart: wren}"),
    ("        - {flag: fog_lifted}", "        - {flag: fog_lifed}"),
    ("  exclude: [flatter, challenge]", "  exclude: [flatter, challenge, propose]"),
    ("\n  - id: hal\n", "\n  - &h id: hal\n"),
    ("    stakes: {wren: 0.9, sol: 0.3}", "    stakes: {wren: 0.9, sol: 0.3"),
]


@pytest.mark.parametrize("old,new", BROKEN)
def test_documented_error_messages_are_real(old, new):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(StoryError) as info:
        parse_story(text.replace(old, new, 1), "gull-point.yaml")
    assert re.match(r"gull-point\.yaml:\d+:\d+: .+ — .+", str(info.value))
    assert str(info.value) in STORY_FORMAT.read_text(encoding="utf-8")


def test_validate_exit_status_is_two(tmp_path, capsys):
    from theater.cli import main

    bad = tmp_path / "gull-point.yaml"
    bad.write_text(EXAMPLE.read_text(encoding="utf-8").replace("to: hal, affection: 0.1",
                                                               "to: hall, affection: 0.1"))
    assert main(["validate", str(bad)]) == 2
    assert "unknown character 'hall'" in capsys.readouterr().err
    assert main(["validate", str(EXAMPLE)]) == 0


# --- rules.md -----------------------------------------------------------------------------

def test_rules_constants_match_the_kernels():
    from drama_env import kernels, layout

    text = RULES.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| ([0-9.]+) \|", text, re.M))
    names = ("EMOTION_DECAY", "MOOD_PULL", "MOOD_RETURN", "APPRAISAL_GAIN", "PRAISE_GAIN",
             "EMOTION_TO_RELATION", "CONFLICT_MEMORY", "W_CONFLICT", "W_STAKES",
             "W_FRUSTRATION", "W_AROUSAL")
    for name in names:
        assert float(rows[name]) == getattr(kernels, name), name
    assert f"HISTORY = {layout.HISTORY}" in text


def test_rules_pad_table_matches_the_constants():
    text = RULES.read_text(encoding="utf-8")
    for name, pad in zip(K.EMOTIONS, K.EMOTION_PAD):
        row = re.search(rf"^\| {name} \| (.*?) \| (.*?) \| (.*?) \|$", text, re.M)
        assert row, name
        values = tuple(float(x.replace("−", "-")) for x in row.groups())
        assert values == pad, name
