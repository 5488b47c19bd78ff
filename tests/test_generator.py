"""The procedural story generator (stories.generator) and ``drama new``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agents.play import play
from agents.random_agent import RandomAgent
from drama_env.compiled import CompiledStory
from stories import UsageError, parse_story
from stories.constants import GENRES, TONES
from stories.generator import MAX_CAST, MIN_CAST, generate_story, generate_yaml

ROOT = Path(__file__).resolve().parents[1]

# ~40 seeds across every cast size 2..12 (seed, cast); None draws the cast from the seed.
SAMPLE = [(seed, MIN_CAST + seed % (MAX_CAST - MIN_CAST + 1)) for seed in range(100, 133)]
SAMPLE += [(seed, None) for seed in range(7)]


def _holds_at_start(story, cond) -> bool:
    """Whether an ending condition is already true in the opening state (an evaluator of
    its own, so the test does not trust the generator's)."""
    kind, v = cond.kind, cond.value
    knows = {(x.id, c) for x in story.secrets for c in x.known_by}
    if kind in ("all", "any"):
        results = [_holds_at_start(story, c) for c in v]
        return all(results) if kind == "all" else any(results)
    if kind == "not":
        return not _holds_at_start(story, v)
    if kind == "secret_known_by_all":
        return all((v, c.id) in knows for c in story.cast)
    if kind == "secret_known_by":
        return (v.secret, v.character) in knows
    if kind == "relation":
        r = next((r for r in story.relationships if (r.from_, r.to) == (v.from_, v.to)
                  or (r.mutual and (r.to, r.from_) == (v.from_, v.to))), None)
        now = getattr(r, v.dim) if r else 0.0
        return now > v.above if v.above is not None else now < v.below
    if kind == "has":
        return any(o.id == v.object and o.owner == v.character for o in story.objects)
    if kind == "bond":
        return any(v.type in r.bonds and ((r.from_, r.to) == (v.from_, v.to) or (
            r.mutual and (r.to, r.from_) == (v.from_, v.to))) for r in story.relationships)
    if kind == "step_at_least":
        return v <= 0
    if kind in ("dead", "departed", "flag", "tension_above"):
        return False
    raise AssertionError(f"the generator should not write {kind!r} conditions")


def drama(argv: list[str], monkeypatch) -> int:
    """Run the ``drama`` CLI in-process, with ``new`` registered if cli.py does not list it yet."""
    from theater import cli

    if "theater.commands.new" not in cli.COMMAND_MODULES:
        monkeypatch.setattr(cli, "COMMAND_MODULES", cli.COMMAND_MODULES + ("theater.commands.new",))
    return cli.main(argv)


# --- determinism ---------------------------------------------------------------------------
def test_same_seed_gives_the_same_text():
    for seed in (0, 1, 42, 999):
        assert generate_yaml(seed) == generate_yaml(seed)
        assert generate_story(seed, 6) == generate_story(seed, 6)


def test_same_seed_gives_the_same_text_in_other_processes():
    code = ("import sys; from stories.generator import generate_yaml; "
            "sys.stdout.write(generate_yaml(17) + generate_yaml(3, 11))")
    expected = generate_yaml(17) + generate_yaml(3, 11)
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, OMP_NUM_THREADS="1")
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True, encoding="utf-8").stdout
        assert out == expected


def test_different_seeds_differ():
    texts = [generate_yaml(seed) for seed in range(25)]
    assert len(set(texts)) == len(texts)
    stories = [generate_story(seed) for seed in range(25)]
    assert len({s["title"] for s in stories}) > 10
    assert len({tuple(c["name"] for c in s["cast"]) for s in stories}) == 25
    assert len({s["genre"] for s in stories}) > 4


def test_default_cast_is_drawn_from_the_seed():
    for seed in range(10):
        story = generate_story(seed)
        assert 3 <= len(story["cast"]) <= 7
        assert generate_story(seed, len(story["cast"])) == story


def test_yaml_holds_exactly_the_story_data():
    for seed in (2, 5, 8):
        text = generate_yaml(seed, 9)
        assert yaml.safe_load(text) == generate_story(seed, 9)
        assert text.startswith("# ") and "drama new --seed" in text.splitlines()[0]


# --- content -------------------------------------------------------------------------------
@pytest.mark.parametrize("seed,cast", SAMPLE)
def test_sample_validates_and_plays(seed, cast):
    story = parse_story(generate_yaml(seed, cast), f"<seed {seed}>")
    n = len(story.cast)
    assert MIN_CAST <= n <= MAX_CAST and (cast is None or n == cast)
    names = [c.name for c in story.cast]
    assert len(set(names)) == n
    assert story.genre in GENRES
    assert 30 <= story.length <= 50
    assert 2 <= len(story.places) <= 5
    assert 1 <= len(story.secrets) <= 4
    assert 1 <= len(story.events) <= 3
    assert len(story.endings) >= 3 and all(e.tone in TONES for e in story.endings)
    assert 1 <= len(story.objects) <= 4 and all(o.owner for o in story.objects)
    assert all(c.goals and c.description and c.pronouns for c in story.cast)
    for secret in story.secrets:
        assert secret.known_by and secret.stakes
    assert any(secret.believes_lie for secret in story.secrets)
    # built-in conflict: someone keeps a secret that someone else wants out
    keep = {(g.secret) for c in story.cast for g in c.goals if g.type == "keep_secret"}
    expose = {(g.secret) for c in story.cast for g in c.goals if g.type == "expose_secret"}
    wants = [g.argument for c in story.cast for g in c.goals if g.type in ("gain_object", "marry")]
    assert keep & expose or len(wants) > len(set(wants))
    assert not [e.id for e in story.endings if _holds_at_start(story, e.when)]
    compiled = CompiledStory(story)
    for agent in (None, RandomAgent()):
        result = play(compiled, seed, agent)
        assert result.state.terminated or result.state.step >= compiled.length


def test_out_of_range_cast_and_seed_raise_usage_errors():
    for bad in (0, 1, 13, 100, -3):
        with pytest.raises(UsageError, match="between 2 and 12"):
            generate_story(1, bad)
    with pytest.raises(UsageError, match="whole number"):
        generate_story(1, "4")
    with pytest.raises(UsageError, match="0 or more"):
        generate_yaml(-1)


# --- the command line ----------------------------------------------------------------------
def test_new_prints_the_story(monkeypatch, capsys):
    assert drama(["new", "--seed", "12", "--cast", "4"], monkeypatch) == 0
    assert capsys.readouterr().out == generate_yaml(12, 4)


@pytest.mark.parametrize("cast", ["1", "13"])
def test_new_rejects_a_bad_cast_cleanly(monkeypatch, capsys, cast):
    assert drama(["new", "--seed", "1", "--cast", cast], monkeypatch) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("drama new: ")
    assert "cast must be between 2 and 12" in captured.err
    assert "Traceback" not in captured.err


def test_new_writes_a_file_and_refuses_to_overwrite_it(monkeypatch, capsys, tmp_path):
    target = tmp_path / "story.yaml"
    assert drama(["new", "--seed", "3", "-o", str(target)], monkeypatch) == 0
    assert target.read_text(encoding="utf-8") == generate_yaml(3)
    parse_story(target.read_text(encoding="utf-8"), str(target))
    capsys.readouterr()

    assert drama(["new", "--seed", "4", "-o", str(target)], monkeypatch) == 2
    err = capsys.readouterr().err
    assert str(target) in err and "--force" in err
    assert target.read_text(encoding="utf-8") == generate_yaml(3)  # untouched

    assert drama(["new", "--seed", "4", "-o", str(target), "--force"], monkeypatch) == 0
    assert target.read_text(encoding="utf-8") == generate_yaml(4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.yaml"]  # no temporary files


def test_new_names_a_missing_folder(monkeypatch, capsys, tmp_path):
    target = tmp_path / "nowhere" / "story.yaml"
    assert drama(["new", "--seed", "3", "-o", str(target)], monkeypatch) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not target.parent.exists()
