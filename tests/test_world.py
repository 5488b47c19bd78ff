"""The simulated world: rules, appraisal, clone, save/load, graph view, determinism."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest

from agents.heuristic import HeuristicAgent
from agents.play import play
from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.state import DramaState
from stories import SaveError, parse_story
from stories.constants import EMOTION_INDEX, REL_INDEX
from tests.helpers import story_dict, story_yaml


def betrayal_story() -> CompiledStory:
    data = story_dict()
    data["cast"].append({"id": "wes", "name": "Wes", "location": "room"})
    data["relationships"] += [
        {"from": "wes", "to": "bob", "affection": 0.8, "trust": 0.6},
        {"from": "wes", "to": "ann", "affection": 0.2, "trust": 0.5, "respect": 0.3},
    ]
    return CompiledStory(parse_story(story_yaml(data), "betrayal.yaml"))


def test_betrayal_witnessed_by_a_friend():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    wes, ann = compiled.character_ids.index("wes"), compiled.character_ids.index("ann")
    reproach_before = state.emotions[wes, EMOTION_INDEX["reproach"]]
    trust_before = state.relations[wes, ann, REL_INDEX["trust"]]
    action = compiled.action_index("ann:betray:bob")
    assert rules.legal_actions(state)[action]
    event = rules.apply(state, action)
    assert "wes" in event.witnesses
    assert state.emotions[wes, EMOTION_INDEX["reproach"]] > reproach_before + 0.2
    assert state.relations[wes, ann, REL_INDEX["trust"]] < trust_before - 0.1
    # the victim is angry and trusts the betrayer less
    bob = compiled.character_ids.index("bob")
    assert state.emotions[bob, EMOTION_INDEX["anger"]] > 0.3
    assert state.relations[bob, ann, REL_INDEX["trust"]] < 0.0


def test_absent_characters_do_not_see():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    rules.apply(state, compiled.action_index("wes:leave:garden"))
    event = rules.apply(state, compiled.action_index("ann:betray:bob"))
    assert "wes" not in event.witnesses
    wes = compiled.character_ids.index("wes")
    assert state.emotions[wes, EMOTION_INDEX["reproach"]] < 0.05


def test_secrets_spread_and_end_the_drama():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    cake = compiled.secret_ids.index("cake")
    bob = compiled.character_ids.index("bob")
    assert state.knowledge[bob, cake] == 0
    event = rules.apply(state, compiled.action_index("ann:reveal_all:cake"))
    assert state.knowledge[:, cake].tolist() == [1, 1, 1]
    assert event.ending == "caught" and state.terminated
    assert not rules.legal_actions(state).any()
    ann = compiled.character_ids.index("ann")
    assert state.emotions[ann, EMOTION_INDEX["fear"]] > 0 or state.emotions[ann, EMOTION_INDEX["distress"]] > 0


def test_legality_follows_the_world():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    mask = rules.legal_actions(state)
    assert mask[compiled.action_index("ann:confide:bob:cake")]      # Ann knows the secret
    assert not mask[compiled.action_index("bob:confide:ann:cake")]  # Bob does not
    assert not mask[compiled.action_index("ann:leave:room")]        # already there
    rules.apply(state, compiled.action_index("bob:leave:garden"))
    assert not rules.legal_actions(state)[compiled.action_index("ann:greet:bob")]  # apart


def test_emotions_decay_and_pull_mood():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    bob = compiled.character_ids.index("bob")
    pleasure = state.mood[bob, 0]
    rules.apply(state, compiled.action_index("ann:challenge:bob"))
    anger = state.emotions[bob, EMOTION_INDEX["anger"]]
    assert anger > 0.1
    for _ in range(4):
        rules.apply(state, compiled.action_index("wes:wait"))
    assert state.emotions[bob, EMOTION_INDEX["anger"]] < anger
    assert state.mood[bob, 0] < pleasure  # anger pulled the mood toward displeasure


def test_illegal_actions_are_refused():
    compiled = betrayal_story()
    state = DramaState.initial(compiled, seed=0)
    with pytest.raises(rules.IllegalActionError, match="bob:confide:ann:cake"):
        rules.apply(state, compiled.action_index("bob:confide:ann:cake"))
    assert state.step == 0


def test_clone_is_independent():
    compiled = CompiledStory.from_story("the-orchard-letter")
    state = DramaState.initial(compiled, seed=5)
    copy = state.clone()
    action = int(np.flatnonzero(rules.legal_actions(state))[0])
    rules.apply(state, action)
    assert copy.step == 0 and state.step == 1
    assert not np.array_equal(copy.floats, state.floats)


def test_save_and_load_mid_drama_continues_identically(tmp_path):
    compiled = CompiledStory.from_story("the-orchard-letter")
    first = play(compiled, seed=11, steps=10)
    path = tmp_path / "save.json"
    first.state.save(path)
    loaded = DramaState.load(path, compiled)
    assert np.array_equal(loaded.floats, first.state.floats)
    assert np.array_equal(loaded.ints, first.state.ints)
    a = play(compiled, 11, HeuristicAgent(), state=first.state.clone())
    b = play(compiled, 11, HeuristicAgent(), state=loaded)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert a.ending == b.ending and a.tension == b.tension


def test_bad_saves(tmp_path):
    compiled = CompiledStory.from_story("the-orchard-letter")
    other = betrayal_story()
    path = tmp_path / "save.json"
    DramaState.initial(other, 0).save(path)
    with pytest.raises(SaveError, match="not 'the-orchard-letter'"):
        DramaState.load(path, compiled)
    path.write_text("{not json")
    with pytest.raises(SaveError, match="not valid JSON"):
        DramaState.load(path, compiled)
    data = DramaState.initial(compiled, 0).to_dict()
    data["version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="version 99 is not supported"):
        DramaState.load(path, compiled)


def test_to_networkx():
    compiled = CompiledStory.from_story("the-orchard-letter")
    state = DramaState.initial(compiled, 0)
    graph = state.to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    kinds = nx.get_node_attributes(graph, "kind")
    assert sorted(set(kinds.values())) == ["character", "object", "place", "secret"]
    assert graph.has_edge("elena", "tomas", key="relation")
    assert graph["elena"]["tomas"]["relation"]["affection"] == pytest.approx(0.3)
    assert graph.has_edge("elena", "house", key="at")
    assert graph["elena"]["sale"]["knows"]["belief"] == "lie"
    assert graph.has_edge("tomas", "ring", key="owns")


def test_same_seed_same_drama_different_seed_differs():
    compiled = CompiledStory.from_story("the-orchard-letter")
    a, b, c = play(compiled, 1), play(compiled, 1), play(compiled, 2)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert [e.action for e in a.events] != [e.action for e in c.events]


def test_tension_is_tracked_every_beat():
    compiled = CompiledStory.from_story("the-orchard-letter")
    result = play(compiled, 4)
    assert len(result.tension) == result.state.step + 1
    assert all(0.0 <= t <= 1.0 for t in result.tension)
    assert max(result.tension) > min(result.tension)


def test_run_output_is_byte_identical_across_processes():
    cmd = [sys.executable, "-m", "theater.cli", "run", "--seed", "7", "--format", "json"]
    first = subprocess.run(cmd, capture_output=True, check=True)
    second = subprocess.run(cmd, capture_output=True, check=True)
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert {"story", "seed", "events", "ending", "tension"} <= set(data)
    assert data["seed"] == 7 and len(data["tension"]) == data["steps"] + 1
    text = [sys.executable, "-m", "theater.cli", "run", "--seed", "7"]
    assert subprocess.run(text, capture_output=True, check=True).stdout == \
        subprocess.run(text, capture_output=True, check=True).stdout


def test_mask_agrees_with_single_action_checks():
    from agents.random_agent import RandomAgent

    for name in ("the-orchard-letter",):
        compiled = CompiledStory.from_story(name)
        for seed in range(3):
            result = play(compiled, seed, RandomAgent(), keep_states=True)
            for state in [DramaState.initial(compiled, seed)] + result.states:
                mask = rules.legal_actions(state)
                singles = [rules.is_legal(state, a) for a in range(compiled.n_actions)]
                assert mask.tolist() == singles
