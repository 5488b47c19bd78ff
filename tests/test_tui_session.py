"""The game behind ``drama play`` without Textual: turns, choices, branches, saves, ratings,
the ScriptTree conversion."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stories.errors import ModelError, SaveError, StoryError, UsageError
from stories.ratings import Rating, RatingsError, append_rating, default_ratings_path, read_ratings
from stories.script_tree import ScriptTree
from theater.tui.session import (AUDIENCE, DIRECTOR, IllegalChoice, Role, Session, branch_score,
                                 is_session_file, make_agent, make_narrator)
from theater.tui.tree import session_tree

STORY = "the-orchard-letter"


@pytest.fixture(scope="module")
def played():
    """Elena plays her first choice every time until an ending."""
    session = Session.open(STORY, seed=0, role="elena")
    play_through(session)
    return session


def play_through(session: Session, pick: int = 0, limit: int = 500) -> Session:
    for _ in range(limit):
        if session.over:
            break
        if session.waiting_for_player():
            choices = session.choices()
            session.choose(choices[min(pick, len(choices) - 1)].action)
        else:
            session.advance()
    return session


def test_import_drama_env_stays_free_of_textual():
    code = ("import sys, drama_env, theater.tui.session, theater.tui.tree; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_character_plays_own_beats_and_ai_the_rest(played):
    path = played.path()[1:]
    assert played.over and played.ending is not None
    mine = [b for b in path if b.chooser == "player"]
    assert mine and all(b.actor == "elena" for b in mine)
    assert any(b.chooser == "ai" and b.actor != "elena" for b in path)
    assert all(b.line is not None and b.line.direction for b in path)
    assert played.choices() == [] and not played.waiting_for_player()


def test_same_seed_same_drama():
    a = play_through(Session.open(STORY, seed=3, role="tomas"))
    b = play_through(Session.open(STORY, seed=3, role="tomas"))
    assert a.branch_names() == b.branch_names()
    assert [x.line for x in a.path()[1:]] == [x.line for x in b.path()[1:]]


def test_choices_are_the_characters_legal_beats():
    s = Session.open(STORY, seed=0, role="elena")
    s.advance()
    assert s.waiting_for_player()
    choices = s.choices()
    assert choices and all(c.actor == "elena" for c in choices)
    assert all(s.compiled.action_name(c.action).startswith("elena:") for c in choices)
    other = s.compiled.action_index("tomas:greet:elena")
    with pytest.raises(IllegalChoice):
        s.choose(other)


def test_director_chooses_any_beat():
    s = Session.open(STORY, seed=0, role=DIRECTOR)
    actors = set()
    for _ in range(6):
        assert s.waiting_for_player()
        choices = s.choices()
        actors |= {c.actor for c in choices}
        s.choose(choices[-1].action)       # the least favoured: anyone's
    assert len(actors) > 1
    assert all(b.chooser == "player" for b in s.path()[1:])
    assert s.advance() is None             # the AI never plays for a director


def test_audience_plays_itself():
    s = Session.open(STORY, seed=1, role=AUDIENCE)
    assert not s.waiting_for_player() and s.choices() == []
    beats = [s.advance() for _ in range(5)]
    assert all(b is not None and b.chooser == "ai" for b in beats)
    assert s.undo().id == beats[-2].id


def test_undo_returns_to_the_players_last_choice():
    s = Session.open(STORY, seed=0, role="elena")
    play_through(s, limit=12)
    before = s.current
    last_mine = [b for b in s.path() if b.chooser == "player"][-1]
    s.undo()
    assert s.current == last_mine.parent
    assert s.waiting_for_player()
    # choosing otherwise grows a second branch beside the first
    alternative = next(c for c in s.choices() if c.action != last_mine.action)
    s.choose(alternative.action)
    assert len(s.beats[last_mine.parent].children) == 2
    assert len(s.leaves()) == 2
    assert before in s.beats


def test_rewind_and_revisit(played):
    s = Session.open(STORY, seed=0, role="elena")
    play_through(s)
    ids = [b.id for b in s.path()]
    s.rewind(ids[3])
    assert s.current == ids[3] and s.state.step == s.beats[ids[3]].state.step
    n = len(s.beats)
    play_through(s)                        # the same choices again: the branch is revisited
    assert len(s.beats) == n and s.current == ids[-1]
    with pytest.raises(UsageError):
        s.rewind("nope")
    fresh = Session.open(STORY, seed=0, role="elena")
    with pytest.raises(UsageError, match="nothing to undo"):
        fresh.undo()


def test_views(played):
    cast = played.cast_view()
    assert [r.id for r in cast] == played.compiled.character_ids
    assert sum(r.is_player for r in cast) == 1
    tension, target = played.tension_view()
    assert len(tension) == played.state.step + 1 and len(target) == played.compiled.length + 1
    assert played.relations_view("trust").shape == (4, 4)
    secrets = played.secrets_view()
    assert all(r.belief in ("knows", "believes the lie") for r in secrets)
    stats = played.stats()
    assert stats.beats == played.beat.depth and stats.player_choices > 0
    assert 0.0 <= stats.score <= 1.0 and stats.branches == 1


def test_branch_score_is_bounded():
    assert branch_score(0.0, 0) == 0.5
    assert 0.5 < branch_score(10.0, 10) < 1.0
    assert 0.0 < branch_score(-10.0, 10) < 0.5


def test_roles_and_models():
    s = Session.open(STORY, seed=0, role="Old Ruiz")
    assert s.role == Role("character", s.compiled.character_ids.index("father"))
    with pytest.raises(UsageError, match="no such character"):
        Session.open(STORY, role="hamlet")
    with pytest.raises(StoryError, match="no shipped story"):
        Session.open("no-such-drama")
    try:                                   # the LM narrator may or may not be installed
        assert callable(make_narrator("lm").render)
    except ModelError as error:
        assert str(error)
    with pytest.raises(ModelError, match="no such model folder"):
        make_narrator("/nonexistent/narrator")
    with pytest.raises(ModelError, match="no such policy"):
        make_agent("/nonexistent/policy")
    s = Session.open(STORY, role=AUDIENCE, narrator="/nonexistent/narrator",
                     agent="/nonexistent/policy")
    assert s.narrator_name == "template" and s.agent_name == "heuristic"
    assert len(s.notices) == 2 and "/nonexistent/narrator" in s.notices[1]


def test_generated_story():
    s = Session.open(generated=5, role=DIRECTOR)
    assert s.source.kind == "generated" and s.choices()


def test_save_load_round_trip(tmp_path):
    s = Session.open(STORY, seed=2, role="elena")
    play_through(s, limit=10)
    s.undo()
    s.choose(s.choices()[-1].action)
    path = s.save(tmp_path / "game.save.json")
    assert is_session_file(path)
    loaded = Session.load(path)
    assert loaded.current == s.current and loaded.role == s.role and loaded.seed == 2
    assert set(loaded.beats) == set(s.beats)
    assert (loaded.state.floats == s.state.floats).all() and (loaded.state.ints == s.state.ints).all()
    assert [b.line for b in loaded.path()] == [b.line for b in s.path()]
    assert loaded.beat.total == pytest.approx(s.beat.total)
    # both continue identically
    play_through(s)
    play_through(loaded)
    assert s.branch_names() == loaded.branch_names()


def test_generated_save_carries_its_story(tmp_path):
    s = Session.open(generated=11, role=AUDIENCE)
    s.advance()
    loaded = Session.load(s.save(tmp_path / "gen.json"))
    assert loaded.story == s.story and loaded.source.kind == "generated"


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"),
    ('{"format": "something-else"}', "not a drama-play save"),
    ('{"format": "drama-play-session", "version": 99}', "upgrade drama-sim"),
    ('{"format": "drama-play-session", "version": 1, "story": {}}', "damaged"),
    ("[1, 2, 3]", "not a drama-play save"),
])
def test_bad_saves(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SaveError, match=message):
        Session.load(path)


def test_tampered_saves(tmp_path):
    s = Session.open(STORY, seed=0, role=AUDIENCE)
    s.advance()
    data = s.to_dict()
    data["nodes"][1]["state"]["floats"] = [1.0, 2.0]
    with pytest.raises(SaveError, match="wrong size"):
        Session.from_dict(data)
    data = s.to_dict()
    data["story"]["content"]["cast"][0]["name"] = "Somebody Else"
    with pytest.raises(SaveError, match="fingerprint"):
        Session.from_dict(data)
    data = s.to_dict()
    data["current"] = "n999"
    with pytest.raises(SaveError, match="not in the tree"):
        Session.from_dict(data)
    with pytest.raises(SaveError, match="no such save"):
        Session.load(tmp_path / "missing.json")
    with pytest.raises(SaveError, match="folder"):
        s.save(tmp_path)


def test_ratings_file(tmp_path, played, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_ratings_path() == tmp_path / "xdg" / "drama-sim" / "ratings.jsonl"
    up = played.rate(1)
    down = played.rate(-1, tmp_path / "other.jsonl")
    assert read_ratings() == [up] and read_ratings(tmp_path / "other.jsonl") == [down]
    line = json.loads(default_ratings_path().read_text().splitlines()[0])
    assert line["format"] == "drama-rating" and line["version"] == 1
    assert line["story"] == STORY and line["fingerprint"] == played.compiled.fingerprint
    assert line["seed"] == 0 and line["rating"] == 1 and line["timestamp"].endswith("Z")
    assert line["branch"] == played.branch_names() and line["ending"] == played.ending.id
    assert all(played.compiled.action_index(name) >= 0 for name in line["branch"])
    with pytest.raises(RatingsError):
        played.rating(0)


def test_ratings_reader_is_forgiving(tmp_path):
    path = tmp_path / "r.jsonl"
    good = Rating.now(story="s", fingerprint="f", seed=1, branch=["a:wait"], rating=-1)
    append_rating(good, path)
    with open(path, "a") as handle:
        handle.write("\n{broken\n")
        handle.write(json.dumps(dict(good.to_dict(), version=2)) + "\n")
        handle.write(json.dumps(dict(good.to_dict(), rating=5)) + "\n")
    assert read_ratings(path) == [good]
    with pytest.raises(RatingsError, match=r"r.jsonl:3"):
        read_ratings(path, strict=True)
    assert read_ratings(tmp_path / "none.jsonl") == []


def test_script_tree_of_explored_branches():
    s = Session.open(STORY, seed=0, role="elena")
    play_through(s)
    s.undo()
    play_through(s, pick=1)
    tree = session_tree(s)
    assert isinstance(tree, ScriptTree)
    again = ScriptTree.from_json(tree.to_json())
    assert set(again.nodes) == set(s.beats)
    assert len(again.leaves()) == len(s.leaves()) == 2
    assert again.best_path == [b.id for b in s.path()]
    leaf = again.nodes[s.current]
    assert leaf.ending is not None and leaf.ending.id == s.ending.id
    assert leaf.beat == s.beat.name and leaf.lines[0].direction == s.beat.line.direction
    choosers = {c.chooser for n in again.nodes.values() for c in n.choices}
    assert "elena" in choosers and choosers <= set(s.compiled.character_ids) | {"narrator"}


def test_the_documented_rating_line_is_a_rating():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "play.md").read_text(encoding="utf-8")
    line = next(x for x in doc.splitlines() if x.startswith('{"format": "drama-rating"'))
    rating = Rating.from_dict(json.loads(line))
    assert rating.rating == 1 and rating.branch and rating.timestamp.endswith("Z")
