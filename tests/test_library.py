"""The shipped dramas (stories/library): each validates, plays through with every built-in
agent, and branches — the heuristic agent reaches different endings under different seeds —
and together they span the genres and cast sizes the library promises."""

from __future__ import annotations

import functools

import pytest

from agents.heuristic import HeuristicAgent
from agents.play import play
from agents.random_agent import RandomAgent
from drama_env.compiled import CompiledStory
from stories import load_story, shipped_story_names
from stories.loader import LIBRARY

NAMES = shipped_story_names()
BRANCH_SEEDS = range(20)
REQUIRED_GENRES = {"tragedy", "comedy", "mystery", "political intrigue", "family drama", "romance"}


@functools.lru_cache(maxsize=None)
def _story(name: str):
    return load_story(name)


@functools.lru_cache(maxsize=None)
def _compiled(name: str) -> CompiledStory:
    return CompiledStory(_story(name))


def test_library_is_not_empty():
    assert len(NAMES) >= 6
    assert "the-orchard-letter" in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_story_validates(name):
    story = load_story(name)
    assert story.id == name, "a shipped story's file stem is its id"
    assert load_story(LIBRARY / f"{name}.yaml") == story
    assert 2 <= len(story.cast) <= 12
    assert len(story.places) >= 2
    assert story.secrets, "every shipped drama has secrets"
    assert len(story.endings) >= 3
    assert len({e.tone for e in story.endings}) >= 2, "endings of different tones"
    assert all(e.text for e in story.endings)
    assert story.events and any(ev.when is not None for ev in story.events)
    assert 30 <= story.length <= 60
    goals = {g.type for c in story.cast for g in c.goals}
    assert goals & {"keep_secret", "expose_secret", "harm", "gain_object", "marry"}, \
        "conflicting goals"


@pytest.mark.parametrize("agent_cls", [HeuristicAgent, RandomAgent], ids=["heuristic", "random"])
@pytest.mark.parametrize("name", NAMES)
def test_story_plays_through(name, agent_cls):
    compiled = _compiled(name)
    endings = {e.id for e in compiled.story.endings}
    for seed in (0, 1, 2):
        p = play(compiled, seed, agent_cls())
        assert p.events, "somebody acts"
        assert p.ending in endings or (p.ending is None and p.state.step >= compiled.length), \
            f"seed {seed}: stopped at step {p.state.step} with no ending"
        names = [compiled.action_name(e.action) for e in p.events]
        assert all(isinstance(n, str) and n for n in names)
        assert len(p.tension) == min(p.state.step, compiled.length) + 1
        assert all(0.0 <= t <= 1.0 for t in p.tension)


@pytest.mark.parametrize("name", NAMES)
def test_heuristic_agent_reaches_different_endings(name):
    compiled = _compiled(name)
    reached = {play(compiled, seed).ending for seed in BRANCH_SEEDS}
    reached.discard(None)
    assert len(reached) >= 2, f"{name}: the heuristic agent only ever reaches {reached}"


def test_playthroughs_are_reproducible():
    compiled = _compiled(NAMES[0])
    a, b = play(compiled, 7), play(compiled, 7)
    assert [e.action for e in a.events] == [e.action for e in b.events]
    assert a.ending == b.ending


def test_library_spans_genres_and_cast_sizes():
    stories = [_story(name) for name in NAMES]
    genres = {s.genre for s in stories}
    assert REQUIRED_GENRES <= genres, f"missing genres: {sorted(REQUIRED_GENRES - genres)}"
    sizes = sorted(len(s.cast) for s in stories)
    assert sizes[0] <= 3, "a small-cast drama (a two- or three-hander)"
    assert sizes[-1] >= 8, "a large ensemble of at least eight"
    assert len({s.id for s in stories}) == len(stories)
    family = [s for s in stories if s.genre == "family drama"]
    assert any(len(s.cast) == 6 for s in family), "the six-character family drama (the benchmark)"
