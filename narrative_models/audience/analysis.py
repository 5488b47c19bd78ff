"""``drama analyze``'s engine: the same metrics for a real play and for a simulated drama.

:func:`analyze_file` reads a DraCor TEI, Fountain or CSV play, or a simulated drama's script
(``drama run --format json``), and returns an :class:`Analysis`: the DraCor network metrics, the
emotional arc (:mod:`narrative_models.arcs`), the audience score and, on request, the shuffle
test. For a simulated drama:

- the **scenes** are the runs of consecutive beats at one place; a scene's participants are the
  beats' actors, targets and witnesses, its lines the rendered dialogue (narrator events are
  stage directions), its deaths those of the events' effects;
- the **network** links the characters who share a scene (weights: scenes shared), with
  DraCor's metrics over it (``numOfSpeakers`` counts the characters who act);
- the **arc** comes from the lines, the **audience score** from the simulator
  (:func:`~.simulated.score_simulated`, every term) and, under ``audience_text``, from the text
  as for a play (:func:`~.plays.score_play`), so the two kinds of drama compare term by term;
- the **shuffle test** shuffles the scenes and scores them as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from stories.errors import UsageError

__all__ = ["Analysis", "TextDrama", "TextScene", "analyze_file", "plot_analysis", "script_drama"]


@dataclass(frozen=True)
class TextScene:
    """A scene as text: title, speeches (text per line), stage directions, who takes part."""

    title: str | None
    lines: tuple[str, ...]
    directions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextDrama:
    """A simulated drama's script as scenes of text, for the play metrics."""

    title: str
    scenes: tuple[TextScene, ...]
    deaths: tuple[tuple[int, str], ...] = ()
    names: dict = field(default_factory=dict, hash=False)


@dataclass
class Analysis:
    """What ``drama analyze`` computed: the JSON-ready ``report`` and the objects to plot."""

    report: dict
    graph: object = None
    arc: object = None
    tension: list | None = None
    target: list | None = None


def is_script_file(path: Path, head: bytes) -> bool:
    """A ``drama run --format json`` script rather than a play file."""
    if path.suffix.lower() == ".json":
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def script_drama(data: dict, story=None) -> TextDrama:
    """The scenes of a script JSON (see the module docstring)."""
    scenes: list[TextScene] = []
    deaths: list[tuple[int, str]] = []
    current_place = object()
    lines: list[str] = []
    directions: list[str] = []
    who: dict[str, None] = {}
    names: dict[str, str] = {}

    def close() -> None:
        if lines or directions or who:
            scenes.append(TextScene(str(current_place), tuple(lines), tuple(directions),
                                    tuple(who)))

    for event in data.get("events", []):
        place = event.get("place")
        if place != current_place:
            close()
            lines, directions, who = [], [], {}
            current_place = place
        line = event.get("line") or {}
        text = (line.get("text") or "").strip()
        if text:
            lines.append(text)
        elif line.get("direction"):
            directions.append(line["direction"])
        if line.get("speaker") and line.get("speaker_name"):
            names[line["speaker"]] = line["speaker_name"]
        for character in [event.get("actor"), event.get("target"), *event.get("witnesses", [])]:
            if character:
                who[character] = None
        for effect in event.get("effects", []):
            if effect.get("kind") == "status" and effect.get("status") == "dead":
                deaths.append((len(scenes), effect.get("character")))
    close()
    return TextDrama(data.get("title") or data.get("story") or "", tuple(scenes), tuple(deaths),
                     names)


def _network(segments, names: dict, speakers: int):
    from narrative_models.network import cooccurrence_graph, network_metrics

    graph = cooccurrence_graph(segments)
    for node in graph.nodes:
        graph.nodes[node]["name"] = names.get(node, node)
        graph.nodes[node]["gender"] = None
    metrics = network_metrics(graph).to_dict()
    metrics.update({"numOfSegments": len(segments), "numOfActs": None, "numOfSpeakers": speakers})
    return graph, metrics


def analyze_file(path, reader=None, shuffle: int | None = None, seed: int = 0,
                 story=None) -> Analysis:
    """Analyse a play or a script file (see the module docstring).

    ``reader`` is an emotion reader or a kind (``"auto"``, ``"fast"``, ``"model"``, ``"lexicon"``);
    ``shuffle`` the number of random scene orders of the shuffle test (``None``: no test);
    ``story`` the story file of a script whose story is not shipped.
    """
    from narrative_models.audience.emotions import load_reader

    path = Path(path)
    if reader is None or isinstance(reader, str):
        reader = load_reader(reader or "auto")
    try:
        head = path.read_bytes()[:4096] if path.is_file() else b""
    except OSError:
        head = b""
    if path.is_file() and is_script_file(path, head):
        analysis = _analyze_script(path, reader, story)
    else:
        analysis = _analyze_play(path, reader)
    features = analysis.report.pop("_features")
    if shuffle is not None:
        from narrative_models.audience.plays import shuffle_test

        result = shuffle_test(None, shuffle, seed, features=features)
        analysis.report["shuffle_share_beaten"] = result["shuffle_share_beaten"]
        analysis.report["shuffle"] = result
    return analysis


def _emotion_notes(reader) -> dict:
    notes = {"reader": getattr(reader, "name", type(reader).__name__)}
    if getattr(reader, "fallback", None):
        notes["fallback"] = reader.fallback
    return notes


def _analyze_play(path: Path, reader) -> Analysis:
    from narrative_models.arcs import arc_of, scene_emotions, play_scene_texts, reader_name
    from narrative_models.audience.plays import play_features, score_play
    from narrative_models.network import cooccurrence_graph, network_metrics
    from stories.plays import load_play

    play = load_play(path)
    graph = cooccurrence_graph(play)
    per_scene = scene_emotions(play_scene_texts(play), reader,
                               [scene.title for scene in play.scenes])
    arc = arc_of(per_scene, reader_name(reader))
    features = play_features(play, reader)
    audience = score_play(play, features=features)
    report = {"title": play.title, "authors": list(play.authors), "format": play.format,
              "source": play.source, "kind": "play", **network_metrics(play).to_dict(),
              "arc": arc.to_dict(), "emotions": _emotion_notes(reader),
              "audience": audience.to_dict(), "_features": features}
    return Analysis(report, graph, arc)


def _analyze_script(path: Path, reader, story) -> Analysis:
    from narrative_models.arcs import arc_of, reader_name, scene_emotions
    from narrative_models.audience.branch import branch_from_script, load_script
    from narrative_models.audience.plays import play_features, score_play
    from narrative_models.audience.simulated import AudienceScorer

    data = load_script(path)
    drama = script_drama(data)
    branch = branch_from_script(data, story=story, source=str(path))
    compiled = branch.compiled
    names = {c.id: c.name for c in compiled.story.cast}
    names.update(drama.names)
    acting = {e.get("actor") for e in data["events"] if e.get("actor")}
    graph, metrics = _network([scene.speakers for scene in drama.scenes], names, len(acting))
    texts = [list(scene.lines) for scene in drama.scenes]
    per_scene = scene_emotions(texts, reader, [scene.title for scene in drama.scenes])
    arc = arc_of(per_scene, reader_name(reader))
    features = play_features(drama, reader)
    simulated = AudienceScorer(reader=reader).score_branch(branch)
    as_text = score_play(drama, features=features)
    report = {"title": data.get("title") or compiled.story.title, "authors": [],
              "format": "script", "source": str(path), "kind": "simulated",
              "story": compiled.story.id, "seed": data.get("seed"), "agent": data.get("agent"),
              "ending": data.get("ending"), **metrics, "arc": arc.to_dict(),
              "emotions": _emotion_notes(reader), "audience": simulated.to_dict(),
              "audience_text": as_text.to_dict(), "_features": features}
    tension = data.get("tension") if isinstance(data.get("tension"), list) else None
    target = data.get("target_arc") if isinstance(data.get("target_arc"), list) else None
    return Analysis(report, graph, arc, tension, target)


def plot_analysis(analysis: Analysis, out) -> Path:
    """Write the figure (network and arc; for a simulated drama also tension against its
    target arc) as a PNG, with matplotlib's Agg backend, atomically."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError("--plot needs matplotlib — pip install matplotlib") from None
    import networkx as nx
    import numpy as np

    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"--plot {out}: give a .png, .svg or .pdf file name")
    report = analysis.report
    panels = 3 if analysis.tension else 2
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 5.2))
    ax = axes[0]
    graph = analysis.graph
    if graph is not None and graph.number_of_nodes():
        pos = nx.spring_layout(graph, seed=0, weight="weight")
        strength = dict(graph.degree(weight="weight"))
        top = max(strength.values()) or 1
        nx.draw_networkx_edges(graph, pos, ax=ax, alpha=0.35,
                               width=[0.5 + 2.5 * d["weight"] / max(1, max(
                                   (e[2]["weight"] for e in graph.edges(data=True)), default=1))
                                      for _, _, d in graph.edges(data=True)])
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_color="#4c72b0", alpha=0.85,
                               node_size=[60 + 540 * strength[n] / top for n in graph.nodes])
        labels = {n: graph.nodes[n].get("name", n) for n in graph.nodes
                  if strength[n] >= 0.25 * top or graph.number_of_nodes() <= 15}
        nx.draw_networkx_labels(graph, pos, labels=labels, ax=ax, font_size=7)
    ax.set_title(f"Co-occurrence network: {report.get('size', 0)} characters, "
                 f"density {report.get('density', 0):.2f}", fontsize=10)
    ax.set_axis_off()
    ax = axes[1]
    arc = analysis.arc
    if arc is not None and len(arc.scenes):
        from narrative_models.arcs import SHAPE_TITLES, narrative_time

        pos = narrative_time([s.lines for s in arc.scenes])
        ax.plot(arc.times, arc.valence, color="#c44e52", label="valence (smoothed)")
        ax.plot(arc.times, arc.arousal, color="#55a868", label="arousal (smoothed)")
        ax.scatter(pos, [s.valence for s in arc.scenes], s=12, color="#c44e52", alpha=0.5)
        ax.axhline(0, color="grey", lw=0.5)
        shape = SHAPE_TITLES.get(arc.shape, "no shape") if arc.shape else "no shape"
        ax.set_title(f"Emotional arc: {shape} ({arc.reader})", fontsize=10)
        ax.set_xlabel("narrative time")
        ax.legend(fontsize=8, loc="best")
    if panels == 3:
        ax = axes[2]
        tension = np.asarray(analysis.tension, dtype=float)
        steps = np.arange(len(tension))
        ax.plot(steps, tension, color="#8172b2", label="tension")
        if analysis.target:
            ax.plot(np.arange(len(analysis.target)), analysis.target, "--", color="grey",
                    label="target arc")
        ax.set_ylim(0, 1)
        ax.set_xlabel("beat")
        ax.set_title("Tension against the target arc", fontsize=10)
        ax.legend(fontsize=8)
    score = report.get("audience", {}).get("score")
    fig.suptitle(f"{report.get('title', '')} — audience score "
                 f"{score:.3f}" if score is not None else report.get("title", ""), fontsize=12)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp{out.suffix}")
    try:
        fig.savefig(tmp, dpi=110)
        tmp.replace(out)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
    return out

