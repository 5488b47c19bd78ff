"""Evaluating plot policies: episodes, the audience score with its 95 % interval, endings,
episode lengths and arc fit; comparison tables, JSON and plots (``drama evaluate``).

**Protocols.** ``manager`` (default): the policy chooses every beat of the drama, any
character's action or a narrator event, as in ``DramaManager-v0`` — the random policy
uniformly among the legal beats, the heuristic as a director (its scores with no actor: how
much a beat moves everyone's fortunes, personality, feelings, no repeats). ``turns``: the
characters act in initiative order and the narrator after each round, as in ``drama run``
(a manager policy restricted to whoever's turn it is). A character policy (``--multi-agent``)
is always evaluated in turns. The ``explorer`` searches the drama's branches with beam search
(width 3 to the story's length) and plays its best branch, with the world's chance outcomes it
planned with.

**Fairness.** Episode ``k`` of every policy starts from the same world (seed
:func:`episode_seeds`), so differences are the policies', not the dice's.

**Statistics.** Means with Student-t 95 % confidence intervals over episodes
(:func:`mean_ci95`); the score is :func:`agents.training.metrics.audience_score`.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from agents.play import Playthrough, play_turns
from agents.training.metrics import SCORE_NAME, arc_fit, audience_score
from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.reward import AudienceArcReward
from drama_env.state import DramaState
from stories.errors import UsageError

PROTOCOLS = ("manager", "turns")
BUILTIN = ("random", "heuristic", "explorer")
EXPLORER_WIDTH = 3
NO_ENDING = "(none)"

# Student t, two-sided 95 %, for 1..30 degrees of freedom; beyond, 1.96 + 2.4 / df.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
         2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
         2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def mean_ci95(values) -> tuple[float, float, float]:
    """``(mean, low, high)``: the mean and its Student-t 95 % confidence interval."""
    x = np.asarray(values, np.float64)
    if x.size == 0:
        return 0.0, 0.0, 0.0
    mean = float(x.mean())
    if x.size < 2:
        return mean, mean, mean
    df = x.size - 1
    t = _T975[df - 1] if df <= len(_T975) else 1.96 + 2.4 / df
    half = t * float(x.std(ddof=1)) / float(np.sqrt(x.size))
    return mean, mean - half, mean + half


def episode_seeds(seed: int, n: int) -> list[int]:
    """The world seeds of ``n`` evaluation episodes (the same for every policy)."""
    return [int(s) for s in np.random.default_rng(seed).integers(0, 2**62, size=n)]


@dataclass
class Episode:
    """One drama played to its end: the beats (``playthrough``, states kept), each beat's
    audience-arc reward and arc fit, and the score."""

    seed: int
    playthrough: Playthrough
    rewards: np.ndarray
    fit: np.ndarray
    score: float = 0.0

    @property
    def length(self) -> int:
        return len(self.playthrough.events)

    @property
    def ending(self) -> str | None:
        return self.playthrough.state.ending_id

    @property
    def arc_fit(self) -> float:
        return arc_fit(self.fit)

    @property
    def tension(self) -> np.ndarray:
        return self.playthrough.state.tension_history


class _Recorder:
    """Collects a playthrough's beats with their reward and arc fit."""

    def __init__(self, compiled: CompiledStory, seed: int, state: DramaState) -> None:
        self.compiled = compiled
        self.reward = AudienceArcReward()
        self.result = Playthrough(compiled, seed, state)
        self.rewards: list[float] = []
        self.fit: list[float] = []

    def beat(self, event) -> None:
        c, s = self.compiled, self.result.state
        self.result.events.append(event)
        self.result.states.append(s.clone())
        self.rewards.append(self.reward(c, s.floats, s.ints))
        t = min(s.step, c.length)
        self.fit.append(1.0 - abs(float(s.tension[t]) - float(c.target_arc[t])))

    def episode(self) -> Episode:
        episode = Episode(self.result.seed, self.result, np.array(self.rewards),
                          np.array(self.fit))
        episode.score = audience_score(episode)
        return episode


def run_episode(compiled: CompiledStory, agent, seed: int, protocol: str = "manager") -> Episode:
    """Play one drama from the opening seeded with ``seed`` until an ending, the story's
    length, or nobody can act; ``agent.act(state, None)`` chooses every beat (``manager``) or
    ``agent.act(state, who)`` the beat of whoever's turn it is (``turns``)."""
    if protocol not in PROTOCOLS:
        raise UsageError(f"unknown protocol {protocol!r} — use one of: {', '.join(PROTOCOLS)}")
    state = DramaState.initial(compiled, seed)
    rec = _Recorder(compiled, seed, state)
    if protocol == "manager":
        while state.step < compiled.length and not state.terminated:
            action = agent.act(state, None)
            if action is None:
                break
            rec.beat(rules.apply(state, action))
    else:
        for event in play_turns(state, agent, compiled.length):
            rec.beat(event)
    return rec.episode()


def explorer_available() -> tuple[bool, str]:
    """Whether the branch explorer can be used, and why not."""
    try:
        from narrative_models.explore import explore_with_stats  # noqa: F401
        from narrative_models.explore.tree_builder import child_key, root_key  # noqa: F401
    except Exception as error:  # noqa: BLE001 - any failure makes it unavailable
        return False, f"narrative_models.explore is not importable ({error})"
    return True, ""


def explorer_episode(compiled: CompiledStory, seed: int, width: int = EXPLORER_WIDTH,
                     depth: int | None = None) -> Episode:
    """The explorer's best branch from the opening seeded with ``seed``, replayed with the
    chance outcomes the search saw (each beat's stream reseeded from the path, as the search
    did)."""
    from narrative_models.explore import explore_with_stats
    from narrative_models.explore.tree_builder import child_key, root_key

    result = explore_with_stats(compiled, seed, depth or compiled.length, width)
    tree = result.tree
    state = DramaState.initial(compiled, seed)
    rec = _Recorder(compiled, seed, state)
    key = root_key(seed)
    for node_id in tree.best():
        beat = tree.nodes[node_id].beat
        if beat is None:
            continue
        action = compiled.action_index(beat)
        key = child_key(key, action)
        state.reseed(key)
        rec.beat(rules.apply(state, action, record=False, check=False))
    return rec.episode()


# --- policies by name ------------------------------------------------------------------------
@dataclass
class Contender:
    """A policy to evaluate: its name, how it plays, and why it cannot (if it cannot)."""

    name: str
    agent: object | None = None
    protocol: str = "manager"
    explorer: bool = False
    unavailable: str | None = None
    run_dir: Path | None = None  # the training run of a policy file (for learning curves)


def contender(spec: str, compiled: CompiledStory, protocol: str = "manager",
              greedy: bool | None = None) -> Contender:
    """Resolve ``random``, ``heuristic``, ``explorer`` or a policy file for ``compiled``."""
    from agents.heuristic import HeuristicAgent
    from agents.random_agent import RandomAgent

    if spec == "random":
        return Contender("random", RandomAgent(), protocol)
    if spec == "heuristic":
        return Contender("heuristic", HeuristicAgent(), protocol)
    if spec == "explorer":
        ok, why = explorer_available()
        return Contender("explorer", None, "turns", explorer=True,
                         unavailable=None if ok else why)
    from agents.policies import is_policy_path, load_policy

    if not is_policy_path(spec):
        raise UsageError(f"unknown --policy {spec!r} — use random, heuristic, explorer or a "
                         "policy file (DIR/policy.zip)")
    loaded = load_policy(spec)
    agent = loaded.bind(compiled, greedy)
    own_protocol = "turns" if loaded.kind == "characters" else protocol
    return Contender(spec, agent, own_protocol, run_dir=Path(spec).parent)


@dataclass
class Result:
    """The episodes of one contender and their summary."""

    contender: Contender
    episodes: list[Episode] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.contender.name

    def scores(self) -> np.ndarray:
        return np.array([e.score for e in self.episodes])

    def summary(self) -> dict:
        """The JSON record of this contender (``audience_score``, ``endings``,
        ``episode_length``, ``arc_fit``, …)."""
        c = self.contender
        if c.unavailable:
            return {"policy": c.name, "available": False, "reason": c.unavailable}
        score = mean_ci95(self.scores())
        length = mean_ci95([e.length for e in self.episodes])
        fit = mean_ci95([e.arc_fit for e in self.episodes])
        endings = Counter(e.ending or NO_ENDING for e in self.episodes)
        return {
            "policy": c.name,
            "available": True,
            "protocol": c.protocol,
            "episodes": len(self.episodes),
            "audience_score": {"mean": round(score[0], 4),
                               "ci95": [round(score[1], 4), round(score[2], 4)]},
            "endings": dict(sorted(endings.items(), key=lambda kv: (-kv[1], kv[0]))),
            "ending_rate": round(sum(v for k, v in endings.items() if k != NO_ENDING)
                                 / max(1, len(self.episodes)), 4),
            "episode_length": {"mean": round(length[0], 2),
                               "ci95": [round(length[1], 2), round(length[2], 2)]},
            "arc_fit": {"mean": round(fit[0], 4), "ci95": [round(fit[1], 4), round(fit[2], 4)]},
            "reward_per_beat": round(float(np.mean([e.rewards.mean() if e.length else 0.0
                                                    for e in self.episodes])), 4),
        }


def evaluate(compiled: CompiledStory, specs: list[str], episodes: int, seed: int,
             protocol: str | None = None, greedy: bool | None = None,
             progress=None) -> list[Result]:
    """Play ``episodes`` episodes of every policy in ``specs`` from the same worlds.
    ``protocol=None``: ``turns`` when a character policy is among them, else ``manager``."""
    if episodes < 1:
        raise UsageError("--episodes must be at least 1")
    contenders = [contender(spec, compiled, protocol or "manager", greedy) for spec in specs]
    if protocol is None and any(c.agent is not None and getattr(
            getattr(c.agent, "loaded", None), "kind", None) == "characters" for c in contenders):
        for c in contenders:  # compare character policies with characters, in turns
            if not c.explorer:
                c.protocol = "turns"
    seeds = episode_seeds(seed, episodes)
    results = []
    for c in contenders:
        result = Result(c)
        if not c.unavailable:
            for k, s in enumerate(seeds):
                if c.explorer:
                    result.episodes.append(explorer_episode(compiled, s))
                else:
                    result.episodes.append(run_episode(compiled, c.agent, s, c.protocol))
                if progress is not None:
                    progress(c.name, k + 1, len(seeds))
        results.append(result)
    return results


def report_json(compiled: CompiledStory, results: list[Result], episodes: int, seed: int,
                protocol: str | None) -> dict:
    """The ``--json`` object: the first policy's summary at the top level (``audience_score``,
    ``endings``, ``episode_length`` …) and every policy's under ``policies``."""
    summaries = [r.summary() for r in results]
    head = next((s for s in summaries if s.get("available")), summaries[0])
    return {"story": compiled.story.id, "fingerprint": compiled.fingerprint,
            "episodes": episodes, "seed": seed, "score": SCORE_NAME,
            **{k: v for k, v in head.items() if k not in ("available",)},
            "policies": summaries}


def comparison_table(compiled: CompiledStory, results: list[Result]):
    """A rich ``Table`` comparing the contenders (mean ± half the 95 % interval)."""
    from rich.table import Table

    table = Table(title=f"{compiled.story.title}: {SCORE_NAME}, mean ± 95 % CI")
    for column in ("policy", "protocol", "audience score", "arc fit", "beats", "ended",
                   "top ending"):
        table.add_column(column, justify="left" if column in ("policy", "protocol",
                                                              "top ending") else "right")
    means = [r.summary()["audience_score"]["mean"] for r in results
             if not r.contender.unavailable]
    best = max(means, default=None)
    for r in results:
        s = r.summary()
        if not s["available"]:
            table.add_row(short_name(r.name), "-", "unavailable", "", "", "", s["reason"])
            continue
        a, fit, length = s["audience_score"], s["arc_fit"], s["episode_length"]
        score = f"{a['mean']:.3f} ± {(a['ci95'][1] - a['ci95'][0]) / 2:.3f}"
        if a["mean"] == best and len(means) > 1:
            score = f"[bold green]{score}[/]"
        top = next(iter(s["endings"].items()))
        table.add_row(short_name(r.name), s["protocol"], score, f"{fit['mean']:.3f}",
                      f"{length['mean']:.1f}", f"{s['ending_rate']:.0%}", f"{top[0]} ({top[1]})")
    return table


def short_name(name: str) -> str:
    """``runs/orchard/policy.zip`` → ``orchard/policy.zip`` (built-in names unchanged)."""
    path = Path(name)
    return f"{path.parent.name}/{path.name}" if path.parent.name else name


def read_eval_csv(path: Path) -> list[dict]:
    """Rows of a run's ``eval.csv`` (numbers as floats); ``[]`` if there is none."""
    path = Path(path)
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: float(v) if k != "time" else v for k, v in row.items()}
                for row in csv.DictReader(handle)]


def plot(path: Path, compiled: CompiledStory, results: list[Result]) -> None:
    """Learning curves (from each policy file's ``eval.csv``) and mean tension arcs (with the
    story's target arc) as a PNG, written atomically."""
    try:
        import matplotlib
    except ImportError:
        raise UsageError("--plot needs matplotlib — install the RL extra: "
                         "pip install -e '.[rl]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from agents.training.files import write_bytes_atomic

    fig, (curves, arcs) = plt.subplots(1, 2, figsize=(12, 4.5))
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    color = {r.name: palette[k % len(palette)] for k, r in enumerate(results)}
    drawn = False
    for r in results:
        if r.contender.run_dir is None:
            continue
        rows = read_eval_csv(r.contender.run_dir / "eval.csv")
        if rows:
            steps = [row["steps"] for row in rows]
            mean = [row["audience_score"] for row in rows]
            low = [row["ci_low"] for row in rows]
            high = [row["ci_high"] for row in rows]
            curves.plot(steps, mean, marker="o", label=short_name(r.name), color=color[r.name])
            curves.fill_between(steps, low, high, alpha=0.2, color=color[r.name])
            drawn = True
    for r in results:
        if r.contender.unavailable or r.contender.run_dir is not None:
            continue
        score = r.summary()["audience_score"]["mean"]
        curves.axhline(score, linestyle=":", linewidth=1.5, label=f"{r.name} (evaluated)",
                       color=color[r.name])
        drawn = True
    curves.set_title("learning curves (eval.csv)" if drawn else "no training log")
    curves.set_xlabel("training steps")
    curves.set_ylabel("audience score")
    if drawn:
        curves.legend(fontsize=8)
    T = compiled.length + 1
    arcs.plot(range(T), compiled.target_arc[:T], "k--", linewidth=1.5, label="target arc")
    for r in results:
        if r.contender.unavailable or not r.episodes:
            continue
        total, count = np.zeros(T), np.zeros(T)
        for e in r.episodes:
            t = e.tension
            total[: len(t)] += t
            count[: len(t)] += 1
        seen = count > 0
        arcs.plot(np.flatnonzero(seen), total[seen] / count[seen], label=short_name(r.name),
                  color=color[r.name])
    arcs.set_title(f"mean tension — {compiled.story.title}")
    arcs.set_xlabel("beat")
    arcs.set_ylabel("tension")
    arcs.legend(fontsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    write_bytes_atomic(Path(path), buffer.getvalue())
