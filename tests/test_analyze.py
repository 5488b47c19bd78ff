"""``drama analyze``: the same metrics for real plays and simulated dramas, plots, shuffle test,
comparison, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import theater.cli

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
OTHELLO = DATA / "corpora" / "shakespeare_csv" / "othello.csv"
needs_data = pytest.mark.skipif(not OTHELLO.is_file(), reason=f"shared data not found at {DATA}")
DRACOR_KEYS = {"size", "numEdges", "density", "averageDegree", "averageClustering",
               "averagePathLength", "diameter", "numConnectedComponents", "maxDegree",
               "numOfSegments", "numOfSpeakers", "characters"}


@pytest.fixture(autouse=True)
def lexicon_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRAMA_EMOTION", "lexicon")  # fast, and the same on every machine


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from agents.heuristic import HeuristicAgent
    from agents.play import play
    from drama_env.compiled import CompiledStory
    from drama_env.narration import TemplateNarrator
    from stories import load_story
    from theater.commands.run import script_json

    compiled = CompiledStory(load_story("the-salt-senate"))
    result = play(compiled, 2, HeuristicAgent(), keep_states=True)
    narrator = TemplateNarrator(seed=2)
    lines = [narrator.render(e, s) for e, s in zip(result.events, result.states)]
    path = tmp_path_factory.mktemp("script") / "salt.json"
    path.write_text(json.dumps(script_json(result, lines, "heuristic")), encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = theater.cli.main(["analyze", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@needs_data
def test_play_json_has_dracor_names_arc_audience_and_shuffle(
        capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(OTHELLO), "--json", "--shuffle-test", "50", "--seed", "3")
    assert status == 0
    report = json.loads(out)
    assert DRACOR_KEYS <= set(report) and report["kind"] == "play"
    assert report["arc"]["shape"] in ("rags_to_riches", "tragedy", "man_in_a_hole", "icarus",
                                      "cinderella", "oedipus")
    assert report["emotions"]["reader"] == "lexicon"
    assert 0 <= report["audience"]["score"] <= 1
    assert "suspense" not in report["audience"]["breakdown"]
    assert report["shuffle_share_beaten"] >= 0.9
    assert report["shuffle"]["shuffle_n"] == 50 and report["shuffle"]["shuffle_seed"] == 3


def test_simulated_script_gets_the_same_metrics(script: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, str(script), "--json", "--shuffle-test", "20")
    assert status == 0
    report = json.loads(out)
    assert DRACOR_KEYS <= set(report) and report["kind"] == "simulated"
    assert report["story"] == "the-salt-senate" and report["size"] >= 2
    assert report["numOfSegments"] == len(report["arc"]["scenes"])
    assert set(report["audience"]["breakdown"]) >= {"suspense", "surprise", "closure"}
    assert report["audience"]["notes"]["replay"] == "exact"
    assert set(report["audience_text"]["breakdown"]) == set(report["audience"]["breakdown"]) - {
        "suspense", "surprise", "closure"}
    assert 0 <= report["shuffle_share_beaten"] <= 1


def test_plot_and_tables(script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figure = tmp_path / "figures" / "salt.png"
    status, out, _ = _run(capsys, str(script), "--plot", str(figure))
    assert status == 0
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in figure.parent.iterdir()] == ["salt.png"]
    assert "Density" in out and "Audience score" in out and "Emotional arc" in out
    status, _, err = _run(capsys, str(script), "--plot", str(tmp_path / "x.gif"))
    assert status == 2 and ".png" in err


@needs_data
def test_compare_side_by_side(script: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "--compare", str(script), str(OTHELLO))
    assert status == 0
    assert "The Salt Senate" in out and "Othello" in out and "coherence" in out
    status, out, _ = _run(capsys, "--compare", str(script), str(OTHELLO), "--json")
    both = json.loads(out)
    assert both["a"]["kind"] == "simulated" and both["b"]["kind"] == "play"


@pytest.mark.parametrize("argv, message", [
    ((), "give one FILE, or --compare A B"),
    (("a.xml", "--compare", "b", "c"), "give one FILE, or --compare A B"),
])
def test_usage_errors_are_one_line(argv, message, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, *argv)
    assert status == 2 and err.count("\n") == 1 and message in err


def test_broken_script_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"story": "the-salt-senate", "events": [', encoding="utf-8")
    status, _, err = _run(capsys, str(broken))
    assert status == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"drama analyze: {broken}:1:")
