"""Saved plot policies as agents: ``drama run --agent PATH``, the explorer's prior, the AI of
the terminal app's characters, and ``drama evaluate``.

A policy file is the ``policy.zip`` written by ``drama train`` (see
:mod:`agents.training.files`). :func:`make_agent` turns a built-in name (``heuristic``,
``random``) or a policy file into an agent with the project's agent protocol::

    agent = make_agent("runs/orchard/policy.zip")        # checked against the story on first use
    agent = make_agent("runs/orchard/policy.zip", compiled)   # checked now
    result = play(compiled, seed=7, agent=agent)         # characters in turn; narrator default
    agent.scores(state, actor)                           # logits over the actor's actions

A **manager** policy (trained on the drama manager env) scores every action of the story; on a
character's turn it picks among that character's actions, and on the narrator's turn among
the narrator's events (or passes, as the default narrator does half of the time). A
**characters** policy (``--multi-agent``) reads each character's own view and plays that
character; the narrator keeps its default behaviour. Actions are drawn from
``softmax(logits / temperature)`` with the world's own random stream (so the same seed gives
the same drama) or, with ``greedy=True``, the best one (DQN policies are greedy).

A policy trained for another story, another version of the story or another cast size, or a
damaged file, raises :class:`stories.errors.ModelError` naming the file and the fix; loading
never writes anything.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from agents.base import action_slice, narrator_choice
from agents.play import AGENTS, play
from drama_env import kernels, rules
from drama_env.compiled import CompiledStory
from drama_env.observation import ManagerObservation, Padding
from drama_env.state import DramaState
from stories.errors import ModelError, UsageError

__all__ = ["LoadedPolicy", "PolicyAgent", "is_policy_path", "load_policy", "make_agent", "play"]

MANAGER, CHARACTERS = "manager", "characters"


def is_policy_path(spec: str) -> bool:
    """Whether ``spec`` names a file rather than a built-in agent."""
    return spec.endswith(".zip") or "/" in spec or "\\" in spec or Path(spec).exists()


def make_agent(spec: str, compiled: CompiledStory | None = None, greedy: bool | None = None):
    """A built-in agent (``heuristic``, ``random``) or the policy in file ``spec`` (or in a run
    folder ``spec``). With ``compiled`` the policy is checked against that story now, else on
    its first move."""
    if spec in AGENTS:
        return AGENTS[spec]()
    if not is_policy_path(spec):
        raise UsageError(f"unknown agent {spec!r} — use {', '.join(AGENTS)} or a policy file "
                         "written by `drama train` (e.g. runs/NAME/policy.zip)")
    loaded = load_policy(spec)
    return loaded.bind(compiled, greedy) if compiled is not None else PolicyAgent(loaded, None,
                                                                                   greedy)


def load_policy(path: str | Path) -> "LoadedPolicy":
    """Read a policy file, or the ``policy.zip`` of a run folder (no story check yet: see
    :meth:`LoadedPolicy.bind`)."""
    path = Path(path)
    if path.is_dir():
        if not (path / "policy.zip").is_file():
            raise ModelError(f"{path}: no policy.zip in this folder — is its training "
                             "unfinished? Continue it with `drama train ... --out "
                             f"{path} --resume`")
        path = path / "policy.zip"
    return LoadedPolicy.load(path)


class LoadedPolicy:
    """A policy file in memory: its ``drama-policy.json`` record and the SB3 model."""

    def __init__(self, path: Path, meta: dict, model) -> None:
        self.path = Path(path)
        self.meta = meta
        self.model = model
        self.kind = meta.get("kind", MANAGER)
        self.algo = meta.get("algo", "maskable-ppo")

    @classmethod
    def load(cls, path: str | Path) -> "LoadedPolicy":
        from agents.training.files import read_policy_meta

        path = Path(path)
        meta = read_policy_meta(path)
        try:
            import torch

            from agents.training import require_rl
            require_rl()
            algo_class = _algo_class(meta.get("algo", "maskable-ppo"))
            torch.set_num_threads(1)
            model = algo_class.load(path, device="cpu", custom_objects=_INERT)
        except ModelError:
            raise
        except UsageError as error:
            raise ModelError(f"{path}: cannot load the policy: {error}") from None
        except Exception as error:  # a damaged archive fails in many ways inside SB3 / torch
            raise ModelError(f"{path}: corrupt policy file ({type(error).__name__}: {error}) — "
                             "train it again, or take an earlier checkpoint") from None
        return cls(path, meta, model)

    # --- compatibility ------------------------------------------------------------------------
    def check(self, compiled: CompiledStory) -> None:
        """Raise :class:`ModelError` unless this policy can play ``compiled``."""
        meta, story = self.meta, compiled.story
        here = (f"{story.id!r} ({compiled.n_characters} characters, "
                f"{compiled.n_actions} actions)")
        if meta.get("generated"):
            padding = Padding(**meta["padding"])
            if self.kind != MANAGER or not padding.fits(compiled):
                raise ModelError(
                    f"{self.path}: trained on generated stories of at most "
                    f"{padding.characters} characters, {padding.places} places, "
                    f"{padding.objects} objects, {padding.secrets} secrets and "
                    f"{padding.length} beats; {here} does not fit — train one for it with "
                    f"`drama train {story.id} ...`")
            return
        trained = meta.get("story") or {}
        if trained.get("fingerprint") == compiled.fingerprint:
            return
        was = (f"{trained.get('id')!r} ({trained.get('n_characters')} characters, "
               f"{trained.get('n_actions')} actions)")
        if trained.get("id") == story.id and trained.get("n_actions") == compiled.n_actions:
            raise ModelError(f"{self.path}: trained for another version of {story.id!r} "
                             f"(fingerprint {trained.get('fingerprint')}, this story is "
                             f"{compiled.fingerprint}) — retrain it on this version with "
                             f"`drama train {story.id} ...`")
        raise ModelError(f"{self.path}: trained for story {was}, not {here} — use a policy "
                         f"trained on this story (`drama train {story.id} ...`)")

    def bind(self, compiled: CompiledStory, greedy: bool | None = None) -> "PolicyAgent":
        """An agent playing ``compiled`` with this policy (checked first)."""
        return PolicyAgent(self, compiled, greedy)

    # --- the network ----------------------------------------------------------------------------
    def logits(self, obs: np.ndarray) -> np.ndarray:
        """Action logits (Q-values for DQN) of a batch of flat observations (N, D) → (N, A)."""
        import torch

        policy = self.model.policy
        with torch.no_grad():
            x = torch.as_tensor(np.asarray(obs, np.float32))
            if self.algo == "dqn":
                return policy.q_net(x).numpy()
            features = policy.extract_features(x, policy.pi_features_extractor)
            latent = policy.mlp_extractor.forward_actor(features)
            return policy.action_net(latent).numpy()


def _algo_class(algo: str):
    if algo == "maskable-ppo":
        from sb3_contrib import MaskablePPO

        return MaskablePPO
    if algo == "ppo":
        from stable_baselines3 import PPO

        return PPO
    if algo == "dqn":
        from stable_baselines3 import DQN

        return DQN
    raise ModelError(f"unknown algorithm {algo!r} in the policy record")


def _constant(_progress: float) -> float:
    return 0.0


# Schedules are not needed to act; replacing them avoids unpickling closures from other versions.
_INERT = {"learning_rate": 0.0, "lr_schedule": _constant, "clip_range": _constant,
          "exploration_schedule": _constant}


class PolicyAgent:
    """A saved policy playing one story (see the module docstring). ``compiled=None`` binds
    lazily, to the story of the first state it is asked about."""

    temperature = 1.0

    def __init__(self, loaded: LoadedPolicy, compiled: CompiledStory | None,
                 greedy: bool | None = None) -> None:
        self.loaded = loaded
        self.greedy = loaded.algo == "dqn" if greedy is None else bool(greedy)
        self.name = loaded.path.parent.name + "/" + loaded.path.name
        self.compiled: CompiledStory | None = None
        if compiled is not None:
            self._bind(compiled)

    def _bind(self, compiled: CompiledStory) -> None:
        self.loaded.check(compiled)
        self.compiled = compiled
        meta = self.loaded.meta
        if self.loaded.kind == MANAGER:
            padding = Padding(**meta["padding"]) if meta.get("generated") else Padding.of(compiled)
            self._obs = ManagerObservation(padding)
            self._to_story = None
            if meta.get("generated"):
                from drama_env.action_space import CanonicalActions

                self._to_story = CanonicalActions(padding).mapping(compiled)
            size = self._obs.size
        else:
            from drama_env.envs.characters import raw_env

            self._view = raw_env(story=compiled)
            size = self._view.observation_space(compiled.character_ids[0])["observation"].shape[0]
        expected = self.loaded.model.observation_space.shape[0]
        if size != expected:
            raise ModelError(f"{self.loaded.path}: the policy reads observations of size "
                             f"{expected}, this story gives {size} — the file does not match "
                             "its record; train it again")

    def _ensure(self, state: DramaState) -> None:
        if self.compiled is None:
            self._bind(state.compiled)
        elif state.compiled is not self.compiled and \
                state.compiled.fingerprint != self.compiled.fingerprint:
            self._bind(state.compiled)

    # --- the agent protocol -----------------------------------------------------------------------
    def story_logits(self, state: DramaState) -> np.ndarray:
        """Manager policies: logits over every action of the story (``-inf`` where the policy
        has no output, e.g. a story's own verbs under a generated-story policy)."""
        self._ensure(state)
        flat = np.empty(self._obs.size, np.float32)
        self._obs.fill(self.compiled, state.floats, state.ints, flat)
        logits = self.loaded.logits(flat[None])[0].astype(np.float64)
        if self._to_story is None:
            return logits
        out = np.full(self.compiled.n_actions, -np.inf)
        valid = self._to_story >= 0
        out[self._to_story[valid]] = logits[valid]
        return out

    def scores(self, state: DramaState, actor: int | None) -> np.ndarray:
        """Scores of the actor's actions (its slice; ``-inf`` where illegal), as
        :meth:`agents.heuristic.HeuristicAgent.scores`."""
        self._ensure(state)
        mask = rules.legal_actions(state, actor)
        if self.loaded.kind == MANAGER:
            first, stop = action_slice(state, actor)
            out = self.story_logits(state)[first:stop]
        elif actor is None:
            raise UsageError(f"{self.loaded.path} is a character policy (--multi-agent): it "
                             "plays characters in turn, not the drama manager")
        elif actor < 0:  # the narrator: no preference among its events
            out = np.zeros(mask.shape[0])
        else:
            view = self._view
            view.state = state
            agent_id = self.compiled.character_ids[actor]
            obs = view.observe(agent_id)["observation"]
            out = self.loaded.logits(obs[None])[0].astype(np.float64)
        return np.where(mask, out, -np.inf)

    def act(self, state: DramaState, actor: int | None) -> int | None:
        self._ensure(state)
        if actor is not None and actor < 0 and self.loaded.kind == CHARACTERS:
            return narrator_choice(state)
        if actor is not None and actor < 0 and kernels.next_uniform(
                state.ints, state.compiled.layout) >= 0.5:
            return None  # the narrator passes half of the time, as the default narrator
        first, _ = action_slice(state, actor)
        scores = self.scores(state, actor)
        if not np.isfinite(scores).any():
            return None
        if self.greedy:
            return first + int(np.argmax(scores))
        k = kernels.sample_softmax(state.ints, state.compiled.layout, scores, self.temperature)
        return None if k < 0 else first + int(k)
