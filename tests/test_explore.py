"""The branch explorer (narrative_models.explore) and ``drama explore``."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from agents.heuristic import HeuristicAgent
from agents.play import play
from drama_env.compiled import CompiledStory
from drama_env.state import DramaState
from narrative_models.explore import (AudienceArcScorer, BranchScorer, explore,
                                      explore_with_stats, score_branch)
from stories.errors import UsageError
from stories.script_tree import ScriptTree
from theater.cli import main

ROOT = Path(__file__).resolve().parents[1]
STORY = "the-seventieth"  # six characters, narrator events


@lru_cache(maxsize=None)
def compiled(name: str = STORY) -> CompiledStory:
    return CompiledStory.from_story(name)


@lru_cache(maxsize=None)
def explored(algo: str, seed: int = 3, depth: int = 8, width: int = 3, budget: int | None = None):
    return explore_with_stats(compiled(), seed, depth, width, algo, budget_nodes=budget)


SEARCHES = [("beam", None), ("mcts", 600)]


def heuristic_score(story: str, seed: int, depth: int) -> float:
    c = compiled(story)
    result = play(c, seed, HeuristicAgent(), steps=depth, keep_states=True)
    return score_branch(AudienceArcScorer(), DramaState.initial(c, seed), result.events,
                        result.states)


# --- determinism ----------------------------------------------------------------------------

@pytest.mark.parametrize("algo,budget", SEARCHES)
def test_same_arguments_give_the_same_tree(algo, budget):
    first = explore(STORY, 3, 8, 3, algo, budget_nodes=budget)
    second = explore(compiled(), 3, 8, 3, algo, budget_nodes=budget)
    assert first.to_json() == second.to_json()
    assert first.seed == 3 and first.story.id == STORY


def test_same_tree_in_another_process():
    """No ``hash()`` or set order anywhere: another interpreter, another hash seed, same file."""
    code = ("from narrative_models.explore import explore; "
            "print(explore('the-orchard-letter', 5, 5, 2, 'mcts', budget_nodes=80).to_json())")
    env = dict(os.environ, PYTHONHASHSEED="12345", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    here = explore("the-orchard-letter", 5, 5, 2, "mcts", budget_nodes=80).to_json()
    assert out.strip() == here.strip()


def test_different_seeds_or_searches_differ():
    beam = explore(STORY, 3, 8, 3, "beam")
    assert beam.to_json() != explore(STORY, 3, 8, 3, "mcts", budget_nodes=600).to_json()
    assert beam.to_json() != explore(STORY, 3, 8, 2, "beam").to_json()


def test_no_deepcopy(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the explorer must clone states, never deepcopy")

    monkeypatch.setattr(copy, "deepcopy", refuse)
    explore(STORY, 1, 4, 2, "beam")
    explore(STORY, 1, 4, 2, "mcts", budget_nodes=40)


# --- budgets --------------------------------------------------------------------------------

@pytest.mark.parametrize("algo", ["beam", "mcts"])
@pytest.mark.parametrize("budget", [1, 7, 50])
def test_nodes_budget_is_respected(algo, budget):
    result = explore_with_stats(compiled(), 2, 10, 3, algo, budget_nodes=budget)
    assert result.stats.nodes_scored <= budget
    assert len(result.tree.nodes) - 1 <= budget
    assert result.stats.stopped_by == "nodes"
    again = explore_with_stats(compiled(), 2, 10, 3, algo, budget_nodes=budget)
    assert again.tree.to_json() == result.tree.to_json()  # a nodes budget is deterministic


def test_mcts_stops_when_the_whole_tree_is_made():
    result = explore_with_stats(compiled(), 0, 3, 2, "mcts", budget_nodes=1000)
    assert result.stats.stopped_by == "depth"
    assert result.stats.nodes_scored == 2 + 4 + 8  # every node down to depth 3, once


def test_beam_without_budget_stops_at_the_depth_limit():
    result = explored("beam")
    assert result.stats.stopped_by == "depth"
    assert max(node.step for node in result.tree.nodes.values()) <= 8
    width = 3
    assert result.stats.nodes_scored <= sum(min(27, width ** d) * width for d in range(8))


@pytest.mark.parametrize("algo", ["beam", "mcts"])
def test_seconds_budget_is_respected(algo):
    result = explore_with_stats(compiled(), 0, 40, 4, algo, budget_seconds=0.3)
    assert result.stats.search_seconds < 0.3 + 0.5  # one node or rollout past the limit at most
    assert result.stats.nodes_scored >= 1
    assert ScriptTree.from_json(result.tree.to_json()).root == "n0"


# --- the tree -------------------------------------------------------------------------------

@pytest.mark.parametrize("algo,budget", SEARCHES)
def test_best_path_leads_to_the_best_leaf(algo, budget):
    tree = explored(algo, budget=budget).tree
    path = tree.best()
    assert path == tree.best_path and path[0] == tree.root
    for parent, child in zip(path, path[1:]):
        assert tree.nodes[child].parent == parent
        assert child in [c.target for c in tree.nodes[parent].choices]
    assert not tree.nodes[path[-1]].choices
    best = tree.nodes[path[-1]].score
    assert best == max(leaf.score for leaf in tree.leaves())
    assert explored(algo, budget=budget).stats.best_score == pytest.approx(best, abs=1e-6)


@pytest.mark.parametrize("algo,budget", SEARCHES)
def test_tree_shape_and_contents(algo, budget):
    tree = explored(algo, budget=budget).tree
    c = compiled()
    names = {ch.id: ch.name for ch in c.story.cast}
    root = tree.nodes[tree.root]
    assert root.parent is None and root.beat is None and root.step == 0 and root.score == 0.0
    assert root.lines[0].direction == c.story.premise
    assert len(tree.nodes) > 10
    for node in tree.nodes.values():
        assert 0.0 <= node.score <= 1.0
        assert node.state.target_tension is not None
        assert set(node.state.characters) == set(names)
        assert len(node.choices) <= 3
        if node.ending is not None:
            assert not node.choices
        for choice in node.choices:
            child = tree.nodes[choice.target]
            assert child.parent == node.id and child.step == node.step + 1
            assert child.lines and child.beat
            actor = child.beat.split(":")[0]
            if actor == "narrator":
                assert choice.chooser == "narrator"
            else:
                assert choice.chooser == actor
                assert choice.label.startswith(names[actor] + " ")
                assert child.lines[0].speaker == actor
    leaves = tree.leaves()
    assert all(leaf.ending is not None or leaf.step == 8 for leaf in leaves)


def test_labels_are_readable():
    from narrative_models.explore.tree_builder import choice_label

    c = compiled("the-orchard-letter")
    assert choice_label(c, c.action_index("elena:accuse:tomas")) == "Elena accuses Tomas"
    names = [choice_label(c, a) for a in range(c.n_actions)]
    assert all(":" not in name and "_" not in name for name in names)
    event = c.story.events[0]
    assert choice_label(c, c.action_index(f"narrator:{event.id}")) == event.title


@pytest.mark.parametrize("algo,budget", SEARCHES)
def test_tree_round_trips_through_save_and_load(algo, budget, tmp_path):
    tree = explored(algo, budget=budget).tree
    path = tmp_path / "tree.json"
    tree.save(path)
    loaded = ScriptTree.load(path)
    assert loaded == tree
    assert loaded.to_json() == tree.to_json() == path.read_text(encoding="utf-8")
    assert loaded.best() == tree.best()


def test_custom_scorer_plugs_in():
    class TensionScorer:
        """Mean tension of the branch (a stand-in for a learned audience model)."""

        name = "tension"

        def start(self, state):
            return (0, 0.0)

        def extend(self, summary, event, state):
            return (summary[0] + 1, summary[1] + event.tension)

        def score(self, summary):
            return summary[1] / summary[0] if summary[0] else 0.0

    scorer = TensionScorer()
    assert isinstance(scorer, BranchScorer)
    tree = explore(STORY, 1, 6, 2, "beam", scorer=scorer)
    best = tree.nodes[tree.best()[-1]]
    assert best.score == max(leaf.score for leaf in tree.leaves())
    tensions = [tree.nodes[n].state.tension for n in tree.best()[1:]]
    assert best.score == pytest.approx(sum(tensions) / len(tensions), abs=1e-3)


def test_progress_is_reported():
    calls = []
    result = explore_with_stats(STORY, 0, 6, 3, "mcts", budget_nodes=200,
                                progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 2 and all(total == 200 for _, total in calls[:-1])
    assert calls[-1] == (result.stats.nodes_scored, result.stats.nodes_scored)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- as good as the heuristic agent ---------------------------------------------------------

@pytest.mark.parametrize("story,seed", [(STORY, 0), (STORY, 3), ("the-orchard-letter", 1),
                                        ("the-weather-station", 2)])
def test_searches_beat_the_heuristic_agent(story, seed):
    depth = 10
    baseline = heuristic_score(story, seed, depth)
    beam = explore_with_stats(compiled(story), seed, depth, 3, "beam").stats.best_score
    mcts = explore_with_stats(compiled(story), seed, depth, 3, "mcts",
                              budget_nodes=800).stats.best_score
    assert beam >= baseline
    assert mcts >= baseline


def test_scorer_is_bounded_and_incremental():
    c = compiled()
    result = play(c, 4, HeuristicAgent(), steps=12, keep_states=True)
    scorer = AudienceArcScorer()
    start = DramaState.initial(c, 4)
    summary = scorer.start(start)
    assert scorer.score(summary) == 0.0
    for event, state in zip(result.events, result.states):
        before = summary
        summary = scorer.extend(summary, event, state)
        assert summary.beats == before.beats + 1  # extend never changes its argument
        assert 0.0 <= scorer.score(summary) <= 1.0
    assert scorer.score(summary) == score_branch(scorer, start, result.events, result.states)
    with pytest.raises(ValueError):
        AudienceArcScorer(w_reward=0.9)


# --- arguments ------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [dict(depth=0), dict(width=0), dict(algo="dfs"),
                                    dict(budget_nodes=0), dict(budget_seconds=-1.0),
                                    dict(narrator="lm"), dict(narrator="bard"),
                                    dict(rollout="oracle"), dict(beam_size=0),
                                    dict(seed="7"), dict(algo="mcts", variant="ucb")])
def test_bad_api_arguments_raise_usage_errors(kwargs):
    args = dict(seed=0, depth=4, width=2, algo="beam")
    args.update(kwargs)
    with pytest.raises(UsageError):
        explore(STORY, **args)


# --- the command line -----------------------------------------------------------------------

def test_cli_writes_the_tree_and_prints_the_best_path(tmp_path, capsys):
    out = tmp_path / "tree.json"
    assert main(["explore", STORY, "--seed", "3", "--depth", "8", "--width", "3",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    tree = ScriptTree.load(out)
    assert tree.to_json() == explored("beam").tree.to_json()
    best = tree.nodes[tree.best()[-1]]
    assert f"score {best.score:.4f}" in printed
    for node_id in tree.best()[1:]:
        parent = tree.nodes[tree.nodes[node_id].parent]
        label = next(c.label for c in parent.choices if c.target == node_id)
        assert label in printed
    assert f"wrote {out}" in printed


def test_cli_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "tree.json"
    out.write_text("keep me", encoding="utf-8")
    assert main(["explore", STORY, "--depth", "3", "--width", "2", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["explore", STORY, "--depth", "3", "--width", "2", "-o", str(out),
                 "--force", "--quiet"]) == 0
    assert ScriptTree.load(out).story.id == STORY
    assert [p.name for p in tmp_path.iterdir()] == ["tree.json"]  # no temporary file left


def test_cli_mcts_with_budgets(tmp_path, capsys):
    out = tmp_path / "mcts.json"
    assert main(["explore", STORY, "--algo", "mcts", "--budget", "300", "--depth", "6",
                 "-o", str(out), "--quiet"]) == 0
    assert len(ScriptTree.load(out).nodes) <= 301
    assert main(["explore", STORY, "--algo", "mcts", "--budget", "0.2s", "--depth", "20",
                 "--quiet"]) == 0
    assert "stopped by the seconds budget" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["--depth", "0"], "--depth must be at least 1"),
    (["--width", "0"], "--width must be at least 1"),
    (["--budget", "lots"], "neither a number of nodes"),
    (["--budget", "0"], "at least 1 node"),
    (["--budget", "0s"], "more than 0 seconds"),
    (["--narrator", "lm"], "LM narrator is not available yet"),
    (["--beam", "0"], "--beam must be at least 1"),
])
def test_cli_bad_arguments_exit_two_with_one_line(argv, message, capsys):
    assert main(["explore", STORY, *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("drama explore: ") and "Traceback" not in err


def test_cli_bad_story_and_output(tmp_path, capsys):
    assert main(["explore", "no-such-story"]) == 2
    assert "no shipped story" in capsys.readouterr().err
    assert main(["explore", STORY, "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["explore", STORY, "-o", str(tmp_path / "missing" / "t.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_argparse_errors_exit_two(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["explore", STORY, "--depth", "many"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["explore", STORY, "--algo", "dfs"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_tree_json_is_documented():
    """docs/script-tree.md names every field of the schema."""
    from stories import script_tree as st

    doc = (ROOT / "docs" / "script-tree.md").read_text(encoding="utf-8")
    for model in (st.ScriptTree, st.StoryInfo, st.CastMember, st.ScriptNode, st.ScriptLine,
                  st.Choice, st.StateSummary, st.CharacterSummary, st.EndingInfo):
        for field in model.model_fields:
            assert f"`{field}`" in doc or f'"{field}"' in doc, (model.__name__, field)
    data = json.loads(explored("beam").tree.to_json())
    assert set(data) <= {"format", "version", "story", "seed", "root", "nodes", "best_path"}


@pytest.mark.parametrize("budget", [2, 3, 12])
def test_beam_budget_keeps_its_frontier(budget):
    """Whether the budget runs out inside a level or at its end, the last level stays."""
    tree = explore(STORY, 0, 6, 3, "beam", budget_nodes=budget)
    deepest = max(node.step for node in tree.nodes.values())
    assert deepest >= 1
    assert all(leaf.step == deepest or leaf.ending is not None for leaf in tree.leaves())


@pytest.mark.parametrize("rollout,variant", [("heuristic", "puct"), ("none", "puct"),
                                             ("random", "uct"), ("heuristic", "uct")])
def test_mcts_variants_and_rollouts(rollout, variant):
    result = explore_with_stats(compiled(), 1, 8, 3, "mcts", budget_nodes=250, rollout=rollout,
                                variant=variant)
    tree = result.tree
    assert result.stats.nodes_scored <= 250 and len(tree.nodes) - 1 <= 250
    assert (result.stats.rollout_beats == 0) == (rollout == "none")
    assert tree.nodes[tree.best()[-1]].score == max(leaf.score for leaf in tree.leaves())
    again = explore(compiled(), 1, 8, 3, "mcts", budget_nodes=250, rollout=rollout,
                    variant=variant)
    assert again.to_json() == tree.to_json()
