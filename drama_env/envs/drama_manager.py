"""The drama manager: a Gymnasium environment where the agent chooses every beat."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from drama_env import rules
from drama_env.compiled import CompiledStory
from drama_env.envs.common import ILLEGAL_PENALTY, compile_story
from drama_env.event import Event
from drama_env.manager_step import batch_step
from drama_env.observation import ManagerObservation, Padding
from drama_env.reward import TERMS, AudienceArcReward
from drama_env.state import DramaState
from stories import Story


class DramaManagerEnv(gym.Env):
    """
    ## Description

    A drama manager (in the sense of interactive-drama research: Façade's beat manager, Riedl's
    experience manager) steers a drama from the project's story library. Each step it chooses
    the next beat — which character does what to whom, with which object, secret or place — or
    a narrator event (a storm, a letter, a stranger). The world's rules (``drama_env.rules``)
    play the beat: relationships, emotions, moods, knowledge and places change, and tension is
    measured. The manager's aim is a drama an audience would enjoy: following the story's
    target tension arc, with conflict and reversals, without repetition or stalling, reaching
    one of the story's endings.

    ## Action Space

    ``Discrete(n)`` over a fixed enumeration of the story's actions
    (``CompiledStory.action_name(k)`` names action ``k``, e.g. ``"elena:accuse:tomas"`` or
    ``"narrator:storm"``). Most actions are illegal at any moment: the legal ones are given by
    ``action_masks()`` (for sb3-contrib's ``MaskablePPO``) and ``info["action_mask"]``. An illegal
    action plays no beat and earns ``-1``.

    ## Observation Space

    A one-level ``Dict`` of float32 ``Box`` arrays, C characters, S secrets, P places, O objects,
    G goals, T = length + 1 (all possibly padded with zeros):

    | key | shape | meaning |
    |---|---|---|
    | ``relations`` | (C, C, 3) | affection, trust, respect of row toward column, in [-1, 1] |
    | ``bonds`` | (C, C, 11) | typed bonds (kin, spouse, lover, rival, …) as 0/1 |
    | ``emotions`` | (C, 12) | OCC emotions (joy … hate) in [0, 1] |
    | ``mood`` | (C, 3) | PAD mood in [-1, 1] |
    | ``knows`` | (C, S) | 1 where the character knows the secret |
    | ``believes_lie`` | (C, S) | 1 where the character believes the secret's lie |
    | ``locations`` | (C, P) | one-hot place of each present character |
    | ``status`` | (C, 2) | departed, dead |
    | ``owners`` | (O, C) | who holds each object |
    | ``goals`` | (G,) | satisfaction of every character goal, in [0, 1] |
    | ``tension`` | (T,) | tension after each step so far (0 beyond the current step) |
    | ``target_arc`` | (T,) | the story's target tension per step |
    | ``progress`` | (1,) | step / story length |

    ## Rewards

    Per beat, :class:`drama_env.reward.AudienceArcReward` (its docstring gives every term):
    ``arc·(1 − 2|tension − target|) + conflict·c + reversal·r − repeat·[repeated] −
    stall·[nothing changed] + ending·[ending reached]·min(1, progress/climax)``, weights
    ``arc=1, conflict=0.3, reversal=1, repeat=0.5, stall=0.3, ending=2`` by default; change
    them with ``reward={...}``. Wrap the env in a ``gymnasium.RewardWrapper`` to use a learned
    audience model instead. ``info["reward_terms"]`` has the unweighted terms.

    ## Starting State

    The story's opening as written; the world's random stream (lies believed, attacks that
    land, eavesdropping noticed) is seeded from ``reset(seed=...)``.

    ## Episode End

    ``terminated``: one of the story's endings is reached. ``truncated``: the story's length
    in beats is used up, nothing more can happen (everyone has left or died), or
    ``max_steps`` env steps passed (illegal actions count). ``info`` holds ``action_mask``,
    ``reward_terms`` and, when rendering, the ``event`` (a ``drama_env.Event``).

    ## Arguments

    ``gym.make("drama_env/DramaManager-v0", story="the-orchard-letter", max_steps=None,
    reward=None, render_mode=None)``: ``story`` is a shipped name, a path, a ``Story`` or a
    ``CompiledStory``; ``max_steps`` defaults to twice the story's length; ``reward`` is an
    ``AudienceArcReward`` or a dict of its weights; ``render_mode`` is ``"ansi"`` (the latest
    beats as script text) or ``"human"`` (printed with rich).

    ## Version History

    * v0: initial version.
    """

    metadata = {"render_modes": ["ansi", "human"], "render_fps": 4}

    def __init__(self, story: "str | Story | CompiledStory" = "the-orchard-letter",
                 max_steps: int | None = None, reward: "AudienceArcReward | dict | None" = None,
                 render_mode: str | None = None, padding: Padding | None = None) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.reward_fn = AudienceArcReward.from_options(reward)
        self._max_steps = max_steps
        self._canonical = None
        if padding is not None:
            from drama_env.action_space import CanonicalActions

            self._canonical = CanonicalActions(padding)
        self._set_story(compile_story(story), padding)
        self.observation_space = self._obs.space
        n = self._canonical.n if self._canonical is not None else self.compiled.n_actions
        self.action_space = spaces.Discrete(n)
        self.state: DramaState | None = None
        self._events: list = []

    # --- story --------------------------------------------------------------------------
    def _set_story(self, compiled: CompiledStory, padding: Padding | None) -> None:
        self.compiled = compiled
        self._obs = ManagerObservation(padding or Padding.of(compiled))
        if self._canonical is not None:
            self._to_story = self._canonical.mapping(compiled)
        self.max_steps = self._max_steps or 2 * compiled.length

    # --- API ----------------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        self.state = DramaState.initial(self.compiled, int(self.np_random.integers(0, 2**63)))
        self._events = []
        # a batch of one, as views on the state, for the shared compiled step
        self._batch_f = self.state.floats[None, :]
        self._batch_i = self.state.ints[None, :]
        self._steps = np.zeros(1, np.int64)
        self._masks = rules.legal_actions(self.state)[None, :]
        self._mask = self._masks[0]
        self._weights = self.reward_fn.weights
        # the compiled step's scratch outputs, reused every step
        self._action = np.zeros(1, np.int64)
        self._reward = np.zeros(1)
        self._ended = np.zeros(2, np.bool_)
        self._terminated, self._truncated = self._ended[:1], self._ended[1:]
        self._terms = np.zeros((1, len(TERMS)))
        self._played = np.ones(1, np.bool_)
        return self._observation_of(None), self._info(None)

    def step(self, action):
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        action = int(action)
        story_action = action if self._canonical is None else int(self._to_story[action])
        legal = story_action >= 0 and bool(self._mask[story_action])
        before = self.state.clone() if legal and self.render_mode is not None else None
        c = self.compiled
        ended, terms = self._ended, self._terms
        flat = np.empty((1, self._obs.size), np.float32)  # a new observation every step
        self._action[0] = story_action if legal else -1
        batch_step(self._batch_f, self._batch_i, c.tables_f, c.tables_i, c.layout, self._obs.pad,
                   self._action, self._masks, self._steps, self.max_steps, self._weights,
                   c.climax, self._reward, self._terminated, self._truncated, flat, self._played,
                   terms)
        event = None
        if before is not None:
            event = rules.describe(before, self.state, story_action)
            self._events.append(event)
        info = self._info(event)
        if legal:
            info["reward_terms"] = dict(zip(TERMS, terms[0].tolist()))
        else:
            info["illegal_action"] = True
        if self.render_mode == "human":
            self.render()
        return (self._observation_of(flat[0]), float(self._reward[0]), bool(ended[0]),
                bool(ended[1]), info)

    def action_masks(self) -> np.ndarray:
        """Legal actions now, as a boolean mask over the action space (for MaskablePPO)."""
        if self._canonical is None:
            return self._mask.copy()
        valid = self._to_story >= 0
        out = np.zeros(self._canonical.n, dtype=bool)
        out[valid] = self._mask[self._to_story[valid]]
        return out

    # --- helpers ------------------------------------------------------------------------
    def _observation_of(self, flat: np.ndarray | None) -> dict[str, np.ndarray]:
        if flat is None:
            flat = np.empty(self._obs.size, dtype=np.float32)
            self._obs.fill(self.compiled, self.state.floats, self.state.ints, flat)
        return self._obs.views(flat)

    def _info(self, event: Event | None) -> dict[str, Any]:
        info = {"action_mask": self.action_masks()}
        if event is not None:
            info["event"] = event
        return info

    def render(self):
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode='ansi'")
            return None
        from drama_env.narration import TemplateNarrator

        narrator = TemplateNarrator(seed=0)
        if not self._events:
            text = f"{self.compiled.story.title}: {self.compiled.story.premise}"
        else:
            event = self._events[-1]
            line = narrator.render(event, self.state)
            text = f"[{event.step}] {line.direction}"
            if line.speaker:
                text += f"\n{line.speaker_name.upper()} ({line.parenthetical}): {line.text}"
        if self.render_mode == "ansi":
            return text + "\n"
        from rich.console import Console

        Console().print(text, highlight=False)
        return None


def masked_policy_action(env: DramaManagerEnv, rng: np.random.Generator) -> int:
    """A uniformly random legal action (a baseline for tests and benchmarks)."""
    legal = env.action_masks().nonzero()[0]
    return int(rng.choice(legal)) if legal.size else 0


__all__ = ["DramaManagerEnv", "compile_story", "masked_policy_action", "ILLEGAL_PENALTY"]
