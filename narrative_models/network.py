"""Character co-occurrence networks and their metrics, computed the way DraCor computes them.

Description
-----------
DraCor (https://dracor.org) turns a play into an undirected graph: the nodes are the
characters who speak, and two characters are linked when they speak in the same *segment*
(the smallest division holding speech: a scene, or an act in a play without scenes). An
edge's ``weight`` is the number of segments the two share. A character who only ever speaks
alone is still a node.

This module reproduces the DraCor API and its metrics service (``dracor-org/dracor-metrics``,
``app/main.py``) exactly: the segment rule lives in the TEI importer
(:mod:`stories.plays.tei`), whose scenes *are* DraCor's segments, and the graph and metrics
below follow the service line by line:

=========================  =====================================================================
DraCor name                meaning
=========================  =====================================================================
``size``                   number of characters (nodes)
``numEdges``               number of linked pairs
``density``                ``2 * numEdges / (size * (size - 1))``
``averageDegree``          mean number of partners
``averageClustering``      mean local clustering coefficient (unweighted)
``averagePathLength``      mean shortest-path length over all *connected* ordered pairs
``diameter``               longest shortest path between connected pairs (0 without edges)
``numConnectedComponents`` number of connected components
``maxDegree``              largest degree (``maxDegreeIds``: who has it)
=========================  =====================================================================

Per character: ``degree``, ``weightedDegree`` (sum of edge weights), ``betweenness``
(normalized), ``closeness`` (Wasserman–Faust for disconnected graphs, as networkx) and
``eigenvector`` centrality (unweighted power iteration; ``None`` when it does not converge,
as in DraCor).

Any :class:`~stories.plays.model.Play` has a network, whatever format it came from: Fountain
screenplays segment by scene heading, play CSVs by (act, scene).

Example::

    from stories.plays import load_play
    from narrative_models.network import network_metrics

    metrics = network_metrics(load_play("lessing-emilia-galotti.xml"))
    metrics.size, metrics.num_edges, metrics.density        # 13, 29, 0.3717...
    metrics.to_dict()["averageClustering"]                  # 0.5174...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from stories.plays.model import Play

__all__ = ["CharacterMetrics", "NetworkMetrics", "cooccurrence_graph", "network_metrics",
           "play_segments"]


@dataclass(frozen=True)
class CharacterMetrics:
    """The network metrics of one character (DraCor's ``nodes`` entry)."""

    id: str
    name: str
    gender: str | None
    degree: int
    weighted_degree: int
    betweenness: float
    closeness: float
    eigenvector: float | None

    def to_dict(self) -> dict[str, object]:
        """The metrics under DraCor's names (``weightedDegree``...)."""
        return {"id": self.id, "name": self.name, "gender": self.gender, "degree": self.degree,
                "weightedDegree": self.weighted_degree, "betweenness": self.betweenness,
                "closeness": self.closeness, "eigenvector": self.eigenvector}


@dataclass(frozen=True)
class NetworkMetrics:
    """Play-level network metrics; :meth:`to_dict` gives them under DraCor's names.

    ``num_segments``, ``num_acts`` and ``num_speakers`` are DraCor's ``numOfSegments``,
    ``numOfActs`` and ``numOfSpeakers``; they are known only when the metrics come from a
    :class:`Play` (``None`` for a bare graph).
    """

    size: int
    num_edges: int
    density: float
    average_degree: float
    average_clustering: float
    average_path_length: float
    diameter: int
    num_connected_components: int
    max_degree: int
    max_degree_ids: tuple[str, ...]
    characters: tuple[CharacterMetrics, ...] = field(default=())
    num_segments: int | None = None
    num_acts: int | None = None
    num_speakers: int | None = None

    #: Attribute name -> DraCor name, for the play-level numbers.
    DRACOR_NAMES = {
        "size": "size", "num_edges": "numEdges", "density": "density",
        "average_degree": "averageDegree", "average_clustering": "averageClustering",
        "average_path_length": "averagePathLength", "diameter": "diameter",
        "num_connected_components": "numConnectedComponents", "max_degree": "maxDegree",
        "max_degree_ids": "maxDegreeIds", "num_segments": "numOfSegments",
        "num_acts": "numOfActs", "num_speakers": "numOfSpeakers",
    }

    def character(self, character_id: str) -> CharacterMetrics:
        """The metrics of one character (``KeyError`` if it is not in the network)."""
        for metrics in self.characters:
            if metrics.id == character_id:
                return metrics
        raise KeyError(character_id)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready metrics under DraCor's names, with ``characters`` as a list of dicts."""
        out: dict[str, object] = {dracor: getattr(self, name)
                                  for name, dracor in self.DRACOR_NAMES.items()}
        out["maxDegreeIds"] = list(self.max_degree_ids)
        out["characters"] = [c.to_dict() for c in self.characters]
        return out


def play_segments(play: Play) -> list[tuple[str, ...]]:
    """The distinct speaker ids of each scene (DraCor segment), in order of first speech."""
    return [scene.speakers() for scene in play.scenes]


def cooccurrence_graph(source: Play | Iterable[Sequence[str]]) -> nx.Graph:
    """The weighted co-occurrence graph of a play, or of a list of segments' speaker ids.

    Nodes carry ``name`` and ``gender`` attributes when built from a :class:`Play`; each edge's
    ``weight`` counts the segments its two characters share.
    """
    if isinstance(source, Play):
        segments = play_segments(source)
    else:
        segments = [tuple(dict.fromkeys(speakers)) for speakers in source]
    graph = nx.Graph()
    weights: dict[tuple[str, str], int] = {}
    for speakers in segments:
        if len(speakers) == 1:  # a lone speaker is still a character of the network
            graph.add_node(speakers[0])
        for i, first in enumerate(speakers):
            for second in speakers[i + 1:]:
                edge = (first, second) if first <= second else (second, first)
                weights[edge] = weights.get(edge, 0) + 1
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in weights.items())
    if isinstance(source, Play):
        names = {member.id: member for member in source.cast}
        for node in graph.nodes:
            member = names.get(node)
            graph.nodes[node]["name"] = member.name if member else node
            graph.nodes[node]["gender"] = member.gender if member else None
    return graph


def network_metrics(source: Play | nx.Graph) -> NetworkMetrics:
    """DraCor's network metrics for a play (or for a graph from :func:`cooccurrence_graph`)."""
    graph = source if isinstance(source, nx.Graph) else cooccurrence_graph(source)
    counts = _play_counts(source) if isinstance(source, Play) else {}
    size = graph.number_of_nodes()
    if size == 0:
        return NetworkMetrics(size=0, num_edges=0, density=0.0, average_degree=0.0,
                              average_clustering=0.0, average_path_length=0.0, diameter=0,
                              num_connected_components=0, max_degree=0, max_degree_ids=(),
                              **counts)
    degrees = dict(graph.degree())
    max_degree = max(degrees.values())
    path_lengths = [length for _, lengths in nx.shortest_path_length(graph)
                    for length in lengths.values() if length > 0]
    weighted = dict(graph.degree(weight="weight"))
    closeness = nx.closeness_centrality(graph)
    betweenness = nx.betweenness_centrality(graph)
    try:
        eigenvector: dict[str, float] = nx.eigenvector_centrality(graph)
    except (nx.PowerIterationFailedConvergence, nx.NetworkXException):
        eigenvector = {}  # DraCor leaves it out too
    order = list(degrees)
    if isinstance(source, Play):  # list characters in order of first speech
        first = {sid: i for i, sid in enumerate(source.speakers())}
        order.sort(key=lambda node: first.get(node, len(first)))
    characters = tuple(
        CharacterMetrics(id=node, name=graph.nodes[node].get("name", node),
                         gender=graph.nodes[node].get("gender"), degree=degrees[node],
                         weighted_degree=weighted[node], betweenness=betweenness[node],
                         closeness=closeness[node], eigenvector=eigenvector.get(node))
        for node in order)
    return NetworkMetrics(
        size=size,
        num_edges=graph.number_of_edges(),
        density=nx.density(graph),
        average_degree=sum(degrees.values()) / size,
        average_clustering=nx.average_clustering(graph),
        average_path_length=sum(path_lengths) / len(path_lengths) if path_lengths else 0.0,
        diameter=max(path_lengths) if path_lengths else 0,
        num_connected_components=nx.number_connected_components(graph),
        max_degree=max_degree,
        max_degree_ids=tuple(node for node, degree in degrees.items() if degree == max_degree),
        characters=characters,
        **counts,
    )


def _play_counts(play: Play) -> dict[str, int]:
    """DraCor's numOfSegments, numOfActs (divisions of kind "act") and numOfSpeakers."""
    acts = sum(act.kind == "act" for act in play.acts) + sum(s.kind == "act" for s in play.scenes)
    return {"num_segments": len(play.scenes), "num_acts": acts,
            "num_speakers": len(play.speakers())}
