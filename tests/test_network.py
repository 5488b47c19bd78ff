"""DraCor-style co-occurrence networks (narrative_models.network) and ``drama analyze``."""

from __future__ import annotations

import argparse
import csv
import functools
import json
import math
from pathlib import Path

import networkx as nx
import pytest

from narrative_models.network import (NetworkMetrics, cooccurrence_graph, network_metrics,
                                      play_segments)
from stories.plays import Character, Play, PlayError, Scene, Speech, load_play

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GERDRACOR = DATA / "plays" / "gerdracor" / "tei"
REFERENCE = DATA / "plays" / "dracor_metrics" / "gerdracor_metrics.csv"
CYBER_BOB = DATA / "screenplays" / "cyberbob" / "Cyber_Bob_ep00001.fountain"
HAMLET_CSV = DATA / "corpora" / "shakespeare_csv" / "hamlet.csv"

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data not found at {DATA}")

#: Reference CSV column -> our DraCor name; "exact" ones must match to the printed precision.
EXACT = {"size": "size", "numEdges": "numEdges", "density": "density", "C": "averageClustering",
         "diameter": "diameter", "numConnectedComponents": "numConnectedComponents",
         "numOfSpeakers": "numOfSpeakers", "numOfSegments": "numOfSegments",
         "numOfActs": "numOfActs"}
CLOSE = {"averageDegree": "averageDegree", "L": "averagePathLength"}


def _reference_rows() -> list[dict[str, str]]:
    if not REFERENCE.is_file():
        return []
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle)
                if (GERDRACOR / f"{row['filename']}.xml").is_file()]


@functools.lru_cache(maxsize=None)
def _metrics(path: Path) -> NetworkMetrics:
    return network_metrics(load_play(path))


def _play(*segments: tuple[str, ...], genders: dict[str, str] | None = None) -> Play:
    """A play whose scenes hold one short speech by each listed speaker."""
    ids = list(dict.fromkeys(s for segment in segments for s in segment))
    genders = genders or {}
    cast = tuple(Character(id=i, name=i.upper(), gender=genders.get(i)) for i in ids)
    scenes = tuple(Scene(lines=tuple(Speech(speaker_ids=(s,), speaker_name=s.upper(), text="…")
                                      for s in segment)) for segment in segments)
    return Play(title="Toy", format="fountain", cast=cast, scenes=scenes)


# -- against DraCor's published values --------------------------------------------------------

def test_reference_rows_cover_every_staged_play() -> None:
    if not REFERENCE.is_file():
        pytest.skip(f"{REFERENCE} not found")
    staged = {p.stem for p in GERDRACOR.glob("*.xml")}
    assert staged and staged == {row["filename"] for row in _reference_rows()}


@needs_data
@pytest.mark.parametrize("row", _reference_rows(), ids=lambda row: row["filename"])
def test_metrics_reproduce_dracor(row: dict[str, str]) -> None:
    ours = _metrics(GERDRACOR / f"{row['filename']}.xml").to_dict()
    for column, name in EXACT.items():
        assert ours[name] == pytest.approx(float(row[column]), rel=1e-12, abs=1e-12), name
    for column, name in CLOSE.items():
        assert ours[name] == pytest.approx(float(row[column]), rel=1e-9), name


@needs_data
@pytest.mark.parametrize("row", _reference_rows(), ids=lambda row: row["filename"])
def test_character_metrics_are_consistent(row: dict[str, str]) -> None:
    metrics = _metrics(GERDRACOR / f"{row['filename']}.xml")
    characters = metrics.characters
    assert len(characters) == metrics.size
    assert sum(c.degree for c in characters) == 2 * metrics.num_edges
    assert max(c.degree for c in characters) == metrics.max_degree
    assert {c.id for c in characters if c.degree == metrics.max_degree} \
        == set(metrics.max_degree_ids)
    assert all(c.weighted_degree >= c.degree for c in characters)
    assert all(0.0 <= c.betweenness <= 1.0 and 0.0 <= c.closeness <= 1.0 for c in characters)
    assert all(c.eigenvector is not None for c in characters)
    assert math.fsum(c.eigenvector ** 2 for c in characters) == pytest.approx(1.0)


@needs_data
def test_reigen_is_a_ring() -> None:
    """Each scene of Schnitzler's "Reigen" hands one partner on to the next."""
    metrics = _metrics(GERDRACOR / "schnitzler-reigen.xml")
    segments = play_segments(load_play(GERDRACOR / "schnitzler-reigen.xml"))
    assert [len(segment) for segment in segments] == [2] * 9 + [3]  # + a maid at the end
    assert all(set(a) & set(b) for a, b in zip(segments, segments[1:]))
    assert set(segments[0]) & set(segments[-1]) == {"dirne"}  # the round closes
    assert (metrics.size, metrics.num_edges) == (11, 12)


# -- hand-computed toy networks ---------------------------------------------------------------

def test_toy_network_values() -> None:
    # a - b - c is a path, d speaks alone
    metrics = network_metrics(_play(("a", "b"), ("b", "c"), ("c",), ("d",)))
    assert (metrics.size, metrics.num_edges) == (4, 2)
    assert metrics.density == pytest.approx(2 / 6)
    assert metrics.average_degree == 1.0
    assert metrics.average_clustering == 0.0
    assert metrics.average_path_length == pytest.approx(4 / 3)  # (1 + 2 + 1) both ways / 6
    assert metrics.diameter == 2
    assert metrics.num_connected_components == 2
    assert (metrics.max_degree, metrics.max_degree_ids) == (2, ("b",))
    assert (metrics.num_segments, metrics.num_acts, metrics.num_speakers) == (4, 0, 4)
    a, b, d = metrics.character("a"), metrics.character("b"), metrics.character("d")
    assert b.betweenness == pytest.approx(1 / 3)  # on the a-c path; normalized by 3
    assert a.closeness == pytest.approx(4 / 9)  # 2/3 of the others reached, mean distance 1.5
    assert b.closeness == pytest.approx(2 / 3)
    assert (d.degree, d.closeness, d.betweenness) == (0, 0.0, 0.0)
    assert [c.id for c in metrics.characters] == ["a", "b", "c", "d"]  # order of first speech


def test_edge_weights_count_shared_segments() -> None:
    play = _play(("a", "b"), ("a", "b", "c", "a"), ("b", "a"), genders={"a": "female"})
    graph = cooccurrence_graph(play)
    assert graph["a"]["b"]["weight"] == 3
    assert graph["a"]["c"]["weight"] == 1
    assert graph.nodes["a"] == {"name": "A", "gender": "female"}
    metrics = network_metrics(play)
    assert metrics.character("a").weighted_degree == 4
    assert metrics.average_clustering == pytest.approx(1.0)


def test_graph_from_segment_lists_matches_graph_from_play() -> None:
    segments = [("a", "b"), ("b", "c", "d"), ("e",)]
    from_lists = cooccurrence_graph(segments)
    from_play = cooccurrence_graph(_play(*segments))
    assert nx.utils.graphs_equal(nx.Graph(from_lists.edges(data=True)),
                                 nx.Graph(from_play.edges(data=True)))
    assert set(from_lists) == set(from_play) == {"a", "b", "c", "d", "e"}
    assert network_metrics(from_lists).num_segments is None  # unknown for a bare graph


def test_empty_play_has_zero_metrics() -> None:
    metrics = network_metrics(Play(title="Silence", format="fountain", scenes=(Scene(),)))
    assert (metrics.size, metrics.num_edges, metrics.diameter) == (0, 0, 0)
    assert metrics.characters == () and metrics.num_segments == 1


def test_to_dict_uses_dracor_names() -> None:
    out = network_metrics(_play(("a", "b"), ("b", "c"))).to_dict()
    for name in ("size", "numEdges", "density", "averageDegree", "averageClustering",
                 "averagePathLength", "diameter", "numConnectedComponents", "maxDegree",
                 "maxDegreeIds", "numOfSegments", "numOfActs", "numOfSpeakers", "characters"):
        assert name in out
    assert set(out["characters"][0]) == {"id", "name", "gender", "degree", "weightedDegree",
                                         "betweenness", "closeness", "eigenvector"}
    json.dumps(out)  # JSON-ready


@needs_data
def test_screenplay_and_csv_plays_have_networks() -> None:
    bob = _metrics(CYBER_BOB)
    assert (bob.size, bob.num_segments) == (6, 4)
    assert bob.character("bob").degree == 4
    assert bob.character("boss").degree == 0  # only ever speaks alone
    hamlet = _metrics(HAMLET_CSV)
    assert hamlet.num_segments == 20 and hamlet.num_acts == 5
    assert hamlet.size == 34 and hamlet.num_connected_components >= 1
    assert hamlet.max_degree_ids == ("horatio",)  # Horatio meets more people than Hamlet
    assert hamlet.character("hamlet").weighted_degree == max(
        c.weighted_degree for c in hamlet.characters)


# -- drama analyze ----------------------------------------------------------------------------

def _parser() -> argparse.ArgumentParser:
    from theater.commands import analyze

    parser = argparse.ArgumentParser(prog="drama")
    analyze.register(parser.add_subparsers(dest="command"))
    return parser


@needs_data
def test_analyze_json(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(["analyze", str(GERDRACOR / "lessing-emilia-galotti.xml"),
                                 "--json"])
    assert args.handler(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "Emilia Galotti"
    assert (out["size"], out["numEdges"], out["diameter"]) == (13, 29, 3)
    assert out["density"] == pytest.approx(0.371794871794872)
    assert len(out["characters"]) == 13
    assert {"id", "name", "degree", "betweenness", "closeness", "eigenvector"} \
        <= set(out["characters"][0])


@needs_data
def test_analyze_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = _parser().parse_args(["analyze", str(CYBER_BOB)])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "BOB THE CYBER PAWN" in out and "Density" in out and "CYBER BOSS" in out


def test_analyze_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import theater.cli

    args = _parser().parse_args(["analyze", str(tmp_path / "missing.xml")])
    with pytest.raises(PlayError):
        args.handler(args)
    monkeypatch.setattr(theater.cli, "COMMAND_MODULES", ("theater.commands.analyze",))
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI><text><body><div>", encoding="utf-8")
    assert theater.cli.main(["analyze", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"drama analyze: {broken}:1:")
