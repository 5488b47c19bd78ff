"""The audience-reward model (narrative_models.audience): analytic terms on simulated branches
and on plays, the surprise model, the reward wrapper, and the learned preference layer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from agents.heuristic import HeuristicAgent
from agents.play import play
from agents.random_agent import RandomAgent
from drama_env.compiled import CompiledStory
from narrative_models.audience import (PLAY_TERMS, TERMS, AudienceScorer, AudienceWeights,
                                       score_play, score_simulated, shuffle_test)
from narrative_models.audience.branch import ScriptError, branch_from_actions, branch_of
from narrative_models.audience.preference import (PreferenceError, PreferenceModel, read_pairs,
                                                  train_preference)
from narrative_models.audience.surprise import EventModel, shipped_event_model
from stories import load_story
from stories.errors import ModelError, UsageError

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHAKESPEARE = DATA / "corpora" / "shakespeare_csv"
needs_data = pytest.mark.skipif(not SHAKESPEARE.is_dir(), reason=f"shared data not found at {DATA}")


@pytest.fixture(scope="module")
def senate() -> CompiledStory:
    return CompiledStory(load_story("the-salt-senate"))


@pytest.fixture(scope="module")
def station() -> CompiledStory:
    return CompiledStory(load_story("the-weather-station"))


@pytest.fixture(scope="module")
def lexicon():
    from narrative_models.audience.emotions import load_reader

    return load_reader("lexicon")


# --- simulated branches ----------------------------------------------------------------------
def test_score_of_a_playthrough_is_a_bounded_breakdown(senate: CompiledStory) -> None:
    result = score_simulated(play(senate, 3, HeuristicAgent(), keep_states=True))
    value, breakdown = result
    assert 0.0 <= value <= 1.0 and tuple(breakdown) == TERMS
    assert all(0.0 <= v <= 1.0 for v in breakdown.values())
    assert value == pytest.approx(sum(result.weights[k] * v for k, v in breakdown.items())
                                  / sum(result.weights.values()))
    assert result.notes["replay"] == "kept states" and result.notes["emotions"] == "simulator (OCC)"
    assert json.loads(json.dumps(result.to_dict()))["breakdown"].keys() == set(TERMS)


def test_heuristic_dramas_score_above_random_ones(station: CompiledStory) -> None:
    scorer = AudienceScorer()

    def mean(agent) -> tuple[float, float]:
        results = [scorer.score_branch(play(station, seed, agent, keep_states=True))
                   for seed in range(100, 108)]
        return (np.mean([r.value for r in results]),
                np.mean([r.breakdown["coherence"] for r in results]))

    heuristic, random = mean(HeuristicAgent()), mean(RandomAgent())
    assert heuristic[0] > random[0] and heuristic[1] > random[1]


def test_incremental_protocol_matches_whole_branch(senate: CompiledStory) -> None:
    from narrative_models.explore.score import BranchScorer, score_branch

    scorer = AudienceScorer()
    assert isinstance(scorer, BranchScorer)
    result = play(senate, 5, RandomAgent(), steps=30, keep_states=True)
    branch = branch_of(result)
    summary = scorer.start(branch.start)
    assert scorer.score(summary) == 0.0 and scorer.terms(summary) == {}
    scores = []
    for event, state in zip(branch.events, branch.states):
        before = summary
        summary = scorer.extend(summary, event, state)
        assert before.beats == len(scores)  # extend never changes its argument
        scores.append(scorer.score(summary))
    assert scores[-1] == pytest.approx(scorer.score_branch(result).value)
    assert scores[-1] == pytest.approx(score_branch(scorer, branch.start, branch.events,
                                                    branch.states))


def test_repeating_one_beat_is_incoherent(senate: CompiledStory) -> None:
    wait = next(i for i in range(senate.n_actions)
                if senate.action_name(i).endswith(":wait"))
    repeated = branch_from_actions(senate, 0, [wait] * 12)
    varied = branch_of(play(senate, 0, HeuristicAgent(), steps=12, keep_states=True))
    scorer = AudienceScorer()
    assert scorer.score_branch(repeated).breakdown["coherence"] < 0.3
    assert scorer.score_branch(varied).breakdown["coherence"] > 0.5


def test_script_json_is_replayed_exactly(senate: CompiledStory, tmp_path: Path) -> None:
    from drama_env.narration import TemplateNarrator
    from theater.commands.run import script_json

    result = play(senate, 2, HeuristicAgent(), keep_states=True)
    narrator = TemplateNarrator(seed=2)
    lines = [narrator.render(e, s) for e, s in zip(result.events, result.states)]
    data = json.loads(json.dumps(script_json(result, lines, "heuristic")))
    from_script = score_simulated(data)
    assert from_script.notes["replay"] == "exact"
    assert from_script.value == pytest.approx(score_simulated(result).value)
    path = tmp_path / "script.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert score_simulated(path).value == pytest.approx(from_script.value)
    data["agent"] = "somebody else"  # not rerunnable: the actions are applied in order
    assert score_simulated(data).notes["replay"] == "actions"


def test_drama_run_prints_the_audience_score_and_breakdown(capsys) -> None:
    from theater.cli import main

    assert main(["run", "the-salt-senate", "--seed", "2", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    audience = data["audience"]
    assert set(audience["breakdown"]) == set(audience["weights"]) and 0 <= audience["score"] <= 1
    assert audience["notes"]["emotions"] == "lexicon on the lines"  # DRAMA_EMOTION in tests
    replayed = score_simulated(data, reader="lexicon")
    assert audience["score"] == pytest.approx(replayed.value)
    assert main(["run", "the-salt-senate", "--seed", "2", "--emotions", "model"]) == 0
    text = capsys.readouterr().out
    assert "audience score" in text and "emotion-model on the lines" in text
    for term in audience["breakdown"]:
        assert term in text
    assert main(["run", "the-salt-senate", "--seed", "2", "--emotions", "none"]) == 0
    assert "(emotions: simulator" in capsys.readouterr().out


def test_emotion_reader_on_the_lines(senate: CompiledStory, lexicon) -> None:
    result = play(senate, 1, HeuristicAgent(), steps=20, keep_states=True)
    with_lines = AudienceScorer(reader=lexicon).score_branch(result)
    assert with_lines.notes["emotions"] == "lexicon on the lines"
    assert 0 <= with_lines.breakdown["emotion_variety"] <= 1
    assert len(lexicon) > 0  # predictions are cached per line


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"story": "the-salt-senate"}', "not a drama script"),
    ('{"story": "the-salt-senate", "events": [{"step": 1}]}', "whole-number 'action'"),
    ('{"story": "no-such-story", "events": []}', "cannot load story"),
    ('{"story": "the-salt-senate", "events": [{"action": 999999}]}', "outside"),
])
def test_bad_scripts_give_typed_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScriptError, match=message):
        score_simulated(path)


def test_weights_are_checked() -> None:
    assert AudienceWeights().vector().sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown audience term"):
        AudienceWeights.from_options({"spectacle": 1.0})
    with pytest.raises(ValueError, match="non-negative"):
        AudienceWeights(arc_fit=-1)


# --- surprise -----------------------------------------------------------------------------------
def test_event_model_is_a_distribution_and_round_trips(tmp_path: Path) -> None:
    model = shipped_event_model()
    assert model.meta["beats"] > 1000 and "narrator" in model.verbs
    for prev, sign in [("<s>", "none"), ("insult", "-"), ("never-seen", "+")]:
        row = sum(model.probability(v, prev, sign) for v in model.verbs)
        unseen = model.probability("a-verb-never-seen", prev, sign)
        assert row + unseen == pytest.approx(1.0)
    assert 0 <= model.surprise("attack", "greet", "+") <= 1
    model.save(tmp_path / "m.json")
    again = EventModel.load(tmp_path / "m.json")
    assert again.surprise("insult", "accuse", "-") == pytest.approx(
        model.surprise("insult", "accuse", "-"))
    (tmp_path / "bad.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ModelError, match="not an event model"):
        EventModel.load(tmp_path / "bad.json")


# --- reward wrapper -----------------------------------------------------------------------------
def test_reward_wrapper_returns_score_changes() -> None:
    import gymnasium as gym

    import drama_env  # noqa: F401  (registers the envs)
    from narrative_models.audience import AudienceRewardWrapper

    env = AudienceRewardWrapper(gym.make("drama_env/DramaManager-v0", story="the-salt-senate"),
                                breakdown=True)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    total = 0.0
    illegal = int(np.flatnonzero(~env.unwrapped.action_masks())[0])
    _, reward, _, _, info = env.step(illegal)
    assert reward == -1.0 and info["audience_score"] == 0.0
    for _ in range(25):
        action = int(rng.choice(np.flatnonzero(env.unwrapped.action_masks())))
        _, reward, terminated, truncated, info = env.step(action)
        total += reward
        if terminated or truncated:
            break
    assert total == pytest.approx(info["audience_score"]) == pytest.approx(env.audience_score)
    assert 0 < env.audience_score <= 1 and set(info["audience_terms"]) == set(TERMS)


# --- plays --------------------------------------------------------------------------------------
class FlatReader:
    name = "flat"

    def predict_arrays(self, texts):
        probs = np.full((len(texts), 7), 1 / 7)
        return probs, np.zeros((len(texts), 2))


@needs_data
def test_shuffle_test_on_a_play(lexicon) -> None:
    from stories.plays import load_play

    macbeth = load_play(SHAKESPEARE / "macbeth.csv")
    result = shuffle_test(macbeth, 200, seed=0, reader=lexicon)
    assert result["shuffle_share_beaten"] >= 0.9 and result["shuffle_n"] == 200
    assert result["true_score"] > result["shuffled_mean"]
    again = shuffle_test(macbeth, 200, seed=0, reader=lexicon)
    assert again == result  # deterministic
    score = score_play(macbeth, lexicon)
    assert tuple(score.breakdown) == PLAY_TERMS and score.kind == "play"
    assert score.value == pytest.approx(result["true_score"])


@needs_data
def test_deaths_read_from_stage_directions() -> None:
    from narrative_models.audience.plays import play_features, play_terms
    from stories.plays import load_play

    features = play_features(load_play(SHAKESPEARE / "hamlet.csv"), FlatReader())
    assert (10, "lord-polonius") in features.deaths
    n = features.n_scenes
    written = play_terms(features)["coherence"]
    death_first = [10] + [k for k in range(n) if k != 10]  # Polonius dies, then speaks again
    assert play_terms(features, death_first)["coherence"] < written


def test_score_play_on_scene_lists_and_errors() -> None:
    scenes = [["the king is dead"], ["the king is dead, long live the king"], ["a song"]]
    result = score_play(scenes, FlatReader())
    assert 0 <= result.value <= 1 and set(result.breakdown) == set(PLAY_TERMS)
    with pytest.raises(UsageError):
        shuffle_test(scenes, 0, reader=FlatReader())


def test_reader_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from narrative_models.audience.emotions import load_reader

    with pytest.raises(UsageError, match="unknown emotion reader"):
        load_reader("vibes")
    monkeypatch.setenv("DRAMA_EMOTION", "lexicon")
    assert load_reader("auto", shared=False).name == "lexicon"


# --- the learned layer ----------------------------------------------------------------------
def _planted_pairs(n: int, seed: int, term: str = "surprise"):
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0, 1, (n, len(TERMS))), rng.uniform(0, 1, (n, len(TERMS)))
    hidden = np.zeros(len(TERMS))
    hidden[TERMS.index(term)] = 1.0
    a_wins = (a @ hidden > b @ hidden)[:, None]
    return np.where(a_wins, a, b), np.where(a_wins, b, a)


def test_preference_model_learns_a_planted_preference() -> None:
    better, worse = _planted_pairs(300, seed=1)
    model = train_preference(better[:200], worse[:200], steps=300)
    weights = model.weights()
    assert max(weights, key=weights.get) == "surprise" and weights["surprise"] > 0.5
    initial = PreferenceModel.initial()
    learned = np.mean(model.utility(better[200:]) > model.utility(worse[200:]))
    analytic = np.mean(initial.utility(better[200:]) > initial.utility(worse[200:]))
    assert learned > 0.9 and learned > analytic + 0.2
    assert initial.utility(better[0]) == pytest.approx(
        better[0] @ AudienceWeights().vector() / AudienceWeights().vector().sum())


def test_preference_model_files(tmp_path: Path) -> None:
    model = train_preference(*_planted_pairs(40, seed=2), steps=50)
    path = model.save(tmp_path / "pref.json")
    loaded = PreferenceModel.load(path)
    assert loaded.weights() == pytest.approx(model.weights())
    with pytest.raises(UsageError, match="--force"):
        model.save(path)
    for content, message in [("{", "not a preference model"),
                             ('{"format": "drama-audience-preference", "version": 9}', "version"),
                             ('{"format": "x"}', "not a preference model")]:
        path.write_text(content, encoding="utf-8")
        with pytest.raises(ModelError, match=message):
            PreferenceModel.load(path)
    with pytest.raises(ModelError, match="no such"):
        PreferenceModel.load(tmp_path / "missing.json")
    # a learned model re-weights the analytic score
    scorer = AudienceScorer(preference=model)
    assert scorer._vector == pytest.approx(model.weight_vector())


def _write_ratings(path: Path, compiled: CompiledStory, liked_term: str = "conflict") -> None:
    from stories.ratings import Rating

    scorer = AudienceScorer()
    branches = []
    for seed in range(12):
        agent = HeuristicAgent() if seed % 2 else RandomAgent()
        result = play(compiled, seed, agent, steps=12, keep_states=True)
        names = [compiled.action_name(e.action) for e in result.events]
        replayed = branch_from_actions(compiled, seed, names, stop_at_ending=True)
        branches.append((scorer.score_branch(replayed).breakdown[liked_term], seed, names))
    middle = np.median([b[0] for b in branches])
    with open(path, "w", encoding="utf-8") as handle:
        for value, seed, names in branches:
            handle.write(Rating.now(story=compiled.story.id, fingerprint=compiled.fingerprint,
                                    seed=seed, branch=names,
                                    rating=1 if value > middle else -1).to_json() + "\n")
        handle.write(json.dumps({"story": compiled.story.id, "seed": 0,
                                 "better": branches[0][2], "worse": branches[1][2]}) + "\n")


def test_drama_audience_train_end_to_end(senate: CompiledStory, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import theater.cli

    ratings = tmp_path / "ratings.jsonl"
    _write_ratings(ratings, senate)
    pairs, counts = read_pairs(ratings)
    assert counts["ratings"] == 12 and counts["pairs_given"] == 1 and len(pairs) == 37
    out = tmp_path / "model.json"
    assert theater.cli.main(["audience", "train", str(ratings), "-o", str(out), "--json",
                             "--steps", "150"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["pairs_used"] == 37 and report["held_out"] > 0
    model = PreferenceModel.load(out)
    assert model.weights()["conflict"] > AudienceWeights().conflict
    assert list(tmp_path.iterdir()) == [ratings, out] or sorted(tmp_path.iterdir()) == sorted(
        [ratings, out])  # no temporary file left behind
    assert theater.cli.main(["audience", "train", str(ratings), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("line, message", [
    ("{broken", "not valid JSON"),
    ('{"story": "the-salt-senate", "better": "x", "worse": []}', "list of action names"),
    ('{"hello": 1}', "neither a rating"),
    ('{"format": "drama-rating", "version": 1, "story": "s", "fingerprint": "f", "seed": 0, '
     '"branch": [], "rating": 5, "timestamp": "t"}', "1 or -1"),
])
def test_malformed_ratings_name_the_line(tmp_path: Path, line: str, message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    import theater.cli

    path = tmp_path / "ratings.jsonl"
    path.write_text("\n" + line + "\n", encoding="utf-8")
    with pytest.raises(PreferenceError, match=message):
        read_pairs(path)
    assert theater.cli.main(["audience", "train", str(path), "-o", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}:2" in err
    assert not (tmp_path / "m.json").exists()


def test_ratings_that_cannot_train(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import theater.cli

    only_liked = tmp_path / "liked.jsonl"
    only_liked.write_text(json.dumps({"format": "drama-rating", "version": 1,
                                      "story": "the-salt-senate", "fingerprint": "x", "seed": 0,
                                      "branch": [], "rating": 1, "timestamp": "t"}) + "\n")
    assert theater.cli.main(["audience", "train", str(only_liked)]) == 2
    assert "no pairs" in capsys.readouterr().err
    unknown = tmp_path / "unknown.jsonl"
    unknown.write_text(json.dumps({"story": "nowhere", "seed": 0, "better": [], "worse": []}))
    assert theater.cli.main(["audience", "train", str(unknown), "-o",
                             str(tmp_path / "m.json")]) == 2
    assert "1 unknown story" in capsys.readouterr().err
    assert theater.cli.main(["audience", "train", str(tmp_path / "missing.jsonl")]) == 2
    assert "no such ratings file" in capsys.readouterr().err
