"""The branch explorer: search a drama's possible continuations and keep the best as a
:class:`stories.script_tree.ScriptTree`.

::

    from narrative_models.explore import explore

    tree = explore("the-orchard-letter", seed=7, depth=12, width=3)             # beam search
    tree = explore("the-orchard-letter", seed=7, depth=12, width=3, algo="mcts",
                   budget_nodes=3000)
    tree.save("tree.json"); print(tree.best())

- **Branching** (:mod:`.tree_builder`): at each node the character whose turn it is branches on
  its ``width`` best legal actions by the heuristic agent's scores (the narrator, after each
  round, on its ``width // 2`` best events and on passing to the next character).
- **Scoring** (:mod:`.score`): every node made is scored by a :class:`BranchScorer` — by default
  :class:`AudienceArcScorer`, the audience-arc score of the branch in ``[0, 1]``.
- **Search**: :mod:`.beam` (beam search, ``beam_size`` best per level) or :mod:`.mcts` (PUCT or
  UCT, priors from the heuristic agent, heuristic or random rollouts).
- **Budgets**: ``budget_nodes`` (scored nodes; deterministic) and ``budget_seconds`` (wall
  time; the result then depends on the machine's speed and load, so it is *not* reproducible).
  Beam search with no budget stops at the depth limit; MCTS with no budget makes
  ``DEFAULT_MCTS_NODES`` nodes.
- **Determinism**: every random draw comes from ``seed`` and the path of actions (see
  :mod:`.tree_builder`), so the same arguments give the same tree, byte for byte, in any
  process (with a nodes budget or none).
- **Lines** are rendered by the narrator only for the nodes kept in the tree.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from narrative_models.explore.score import (ArcSummary, AudienceArcScorer, BranchScorer,
                                            score_branch)
from stories.errors import UsageError

if TYPE_CHECKING:
    from stories.script_tree import ScriptTree

ALGORITHMS = ("beam", "mcts")
NARRATORS = ("template", "lm")
DEFAULT_MCTS_NODES = 2000


@dataclass(frozen=True)
class ExploreStats:
    """What a search did: ``nodes_scored`` nodes made and scored (the budget's unit),
    ``tree_nodes`` kept in the tree (root included), ``rollout_beats`` played by MCTS rollouts,
    ``search_seconds`` and ``tree_seconds`` (rendering and building the ``ScriptTree``),
    ``stopped_by`` (``"depth"``, ``"nodes"`` or ``"seconds"``) and the best path's score."""

    algo: str
    nodes_scored: int
    tree_nodes: int
    rollout_beats: int
    search_seconds: float
    tree_seconds: float
    stopped_by: str
    best_score: float

    @property
    def seconds(self) -> float:
        return self.search_seconds + self.tree_seconds

    @property
    def nodes_per_second(self) -> float:
        return self.nodes_scored / self.seconds if self.seconds > 0 else float("inf")


@dataclass(frozen=True)
class ExploreResult:
    tree: ScriptTree
    stats: ExploreStats


def _compiled(story_or_compiled):
    from drama_env.compiled import CompiledStory
    from stories import load_story
    from stories.schema import Story

    if isinstance(story_or_compiled, CompiledStory):
        return story_or_compiled
    if isinstance(story_or_compiled, Story):
        return CompiledStory(story_or_compiled)
    if isinstance(story_or_compiled, (str, Path)):
        return CompiledStory(load_story(story_or_compiled))
    raise UsageError(f"cannot explore a {type(story_or_compiled).__name__} — give a story name, "
                     "a story file, a Story or a CompiledStory")


def make_narrator(narrator, seed: int):
    """A narrator from a name (``"template"``; ``"lm"`` is not available yet), an object with
    ``render(event, state)``, or ``None`` (the template narrator seeded with ``seed``)."""
    from drama_env.narration import TemplateNarrator

    if narrator is None or narrator == "template":
        return TemplateNarrator(seed=seed)
    if narrator == "lm":
        raise UsageError("the LM narrator is not available yet — use --narrator template")
    if isinstance(narrator, str):
        raise UsageError(f"unknown narrator {narrator!r} — use one of: {', '.join(NARRATORS)}")
    if not callable(getattr(narrator, "render", None)):
        raise UsageError("a narrator needs a render(event, state) method")
    return narrator


def _check(seed, depth, width, algo, budget_nodes, budget_seconds, beam_size) -> None:
    def whole(name, value, low=1):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise UsageError(f"{name} must be a whole number of at least {low}, not {value!r}")

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"the seed must be a whole number, not {seed!r}")
    whole("depth", depth)
    whole("width", width)
    if algo not in ALGORITHMS:
        raise UsageError(f"unknown search {algo!r} — use one of: {', '.join(ALGORITHMS)}")
    if budget_nodes is not None:
        whole("the nodes budget", budget_nodes)
    if budget_seconds is not None and not (isinstance(budget_seconds, (int, float))
                                           and budget_seconds > 0):
        raise UsageError(f"the seconds budget must be more than 0, not {budget_seconds!r}")
    if beam_size is not None:
        whole("beam size", beam_size)


def explore_with_stats(story_or_compiled, seed: int, depth: int, width: int,
                       algo: str = "beam", budget_nodes: int | None = None,
                       budget_seconds: float | None = None, narrator=None, progress=None, *,
                       beam_size: int | None = None, scorer: BranchScorer | None = None,
                       prior=None, rollout: str = "random", rollout_depth: int | None = None,
                       c: float = 0.5, variant: str = "puct") -> ExploreResult:
    """:func:`explore`, also returning :class:`ExploreStats`."""
    from agents.heuristic import HeuristicAgent
    from narrative_models.explore.beam import beam_search
    from narrative_models.explore.mcts import ROLLOUTS, mcts_search
    from narrative_models.explore.tree_builder import (Brancher, Budget, best_leaf,
                                                       build_script_tree, keep_complete,
                                                       kept_nodes)

    _check(seed, depth, width, algo, budget_nodes, budget_seconds, beam_size)
    if rollout not in ROLLOUTS:
        raise UsageError(f"unknown rollout agent {rollout!r} — use one of: {', '.join(ROLLOUTS)}")
    compiled = _compiled(story_or_compiled)
    narrator = make_narrator(narrator, seed)
    scorer = scorer if scorer is not None else AudienceArcScorer()
    prior = prior if prior is not None else HeuristicAgent()
    beam_size = beam_size if beam_size is not None else default_beam_size(width)
    if algo == "mcts" and budget_nodes is None and budget_seconds is None:
        budget_nodes = DEFAULT_MCTS_NODES
    if budget_nodes is not None:
        total = budget_nodes
    elif budget_seconds is None and algo == "beam":
        total = sum(min(beam_size, width ** d) * width for d in range(depth))
    else:
        total = None
    budget = Budget(budget_nodes, budget_seconds)
    brancher = Brancher(compiled, seed, depth, width, scorer, prior, budget, progress, total)
    root = brancher.root()
    if progress is not None:
        progress(0, total)
    rollout_beats = 0
    if algo == "beam":
        beam_search(brancher, root, beam_size)
    else:
        _, rollout_beats = mcts_search(brancher, root, c=c, variant=variant, rollout=rollout,
                                       rollout_depth=rollout_depth)
    search_seconds = budget.elapsed()
    if progress is not None:  # done: the total is what was made
        progress(brancher.created, brancher.created)
    start = time.perf_counter()
    keep_complete(root)
    best = best_leaf(root)
    tree = build_script_tree(compiled, seed, root, best, narrator)
    stats = ExploreStats(algo, brancher.created, len(kept_nodes(root)), rollout_beats,
                         search_seconds, time.perf_counter() - start,
                         budget.stopped_by or "depth", best.score)
    return ExploreResult(tree, stats)


def explore(story_or_compiled, seed: int, depth: int, width: int, algo: str = "beam",
            budget_nodes: int | None = None, budget_seconds: float | None = None,
            narrator=None, progress=None, **options) -> ScriptTree:
    """Explore the branches of a drama from its opening and return them as a ``ScriptTree``.

    ``story_or_compiled`` is a shipped story name, a story file, a ``Story`` or a
    ``CompiledStory``; ``depth`` the most beats below the opening; ``width`` the most branches
    per node; ``algo`` ``"beam"`` or ``"mcts"``; ``budget_nodes`` / ``budget_seconds`` stop
    the search early (see the module docstring); ``narrator`` renders the lines (default: the
    template narrator seeded with ``seed``); ``progress(nodes_done, nodes_total_or_None)`` is
    called as the search goes (the total is the nodes budget, an upper bound for a beam, or
    ``None`` under a seconds budget), and once at the end with both equal.

    Keyword ``options``: ``beam_size`` (default :func:`default_beam_size`), ``scorer`` (a
    :class:`BranchScorer`, default :class:`AudienceArcScorer`), ``prior`` (an object with
    ``scores(state, actor)`` and a ``temperature``, default the heuristic agent), and for MCTS
    ``rollout`` (``"random"``, the default, ``"heuristic"`` or ``"none"``), ``rollout_depth``
    (default: to the depth limit), ``c`` (default 0.5) and ``variant`` (``"puct"``, the
    default, or ``"uct"``). Bad arguments raise :class:`stories.errors.UsageError`.
    """
    return explore_with_stats(story_or_compiled, seed, depth, width, algo, budget_nodes,
                              budget_seconds, narrator, progress, **options).tree


def default_beam_size(width: int) -> int:
    """The beam kept per level when none is given: ``3 · width²`` (at least 4). Narrower beams
    are faster but greedier: with ``width²`` the best branch fell short of the heuristic
    agent's own play in 1 of 30 story × seed pairs (depth 10, width 3), with ``3 · width²`` in
    none."""
    return max(4, 3 * width * width)


__all__ = ["ALGORITHMS", "ArcSummary", "AudienceArcScorer", "BranchScorer", "DEFAULT_MCTS_NODES",
           "ExploreResult", "ExploreStats", "default_beam_size", "explore", "explore_with_stats",
           "make_narrator", "score_branch"]
