"""The audience model as the reward of the Gymnasium drama manager.

:class:`AudienceRewardWrapper` replaces the env's per-beat ``AudienceArcReward`` by the change
in the audience score of the branch played so far::

    r_t = score(beats 1..t) − score(beats 1..t−1)        (score of the empty branch: 0)

so an episode's return is the audience score of the whole drama. The env puts the beat in
``info["event"]`` only when it renders, so the wrapper reads the world after each step from
``env.unwrapped.state`` (and its ``compiled`` story, which a generated-story env changes at every
reset); a step that played no beat (an illegal action) keeps the env's own reward (−1).
``info["audience_score"]`` is the score so far and ``info["audience_terms"]`` its breakdown
when ``breakdown=True``.

Example::

    import gymnasium as gym, drama_env
    from narrative_models.audience import AudienceRewardWrapper

    env = AudienceRewardWrapper(gym.make("drama_env/DramaManager-v0", story="the-salt-senate"))
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample(mask=...))
"""

from __future__ import annotations

import gymnasium as gym

__all__ = ["AudienceRewardWrapper"]


class AudienceRewardWrapper(gym.RewardWrapper):
    """Per-step reward = change in the audience score of the branch so far (see the module).

    Arguments:
        env: a ``DramaManagerEnv`` (or any env whose ``unwrapped.state`` is a ``DramaState``).
        scorer: the :class:`~.simulated.AudienceScorer` to use (default: analytic, no emotion
            reader — an emotion reader needs ``render_mode`` so that beats can be rendered).
        preference: a path to, or a loaded, preference model (learned weights).
        breakdown: also put the terms in ``info["audience_terms"]`` (slower).
    """

    def __init__(self, env: gym.Env, scorer=None, preference=None, breakdown: bool = False) -> None:
        super().__init__(env)
        if scorer is None:
            from narrative_models.audience.simulated import AudienceScorer

            if preference is not None and not hasattr(preference, "weight_vector"):
                from narrative_models.audience.preference import PreferenceModel

                preference = PreferenceModel.load(preference)
            scorer = AudienceScorer(preference=preference)
        self.scorer = scorer
        self.breakdown = breakdown
        self._summary = None
        self._score = 0.0
        self._step = 0

    def _world(self):
        state = getattr(self.env.unwrapped, "state", None)
        if state is None:
            raise RuntimeError("AudienceRewardWrapper needs an env whose unwrapped.state is a "
                               "DramaState (drama_env/DramaManager-v0); call reset() first")
        return state

    def reset(self, *, seed=None, options=None):
        obs, info = self.env.reset(seed=seed, options=options)
        state = self._world()
        self._summary = self.scorer.start(state)
        self._score = 0.0
        self._step = state.step
        info["audience_score"] = 0.0
        return obs, info

    def step(self, action):
        if self._summary is None:
            raise RuntimeError("call reset() before step()")
        obs, env_reward, terminated, truncated, info = self.env.step(action)
        state = self._world()
        if state.step != self._step:  # a beat was played
            self._summary = self.scorer.extend(self._summary, info.get("event"), state)
            score = self.scorer.score(self._summary)
            reward = score - self._score
            self._score = score
            self._step = state.step
        else:
            reward = float(env_reward)
        info["audience_score"] = self._score
        if self.breakdown:
            info["audience_terms"] = self.scorer.terms(self._summary)
        return obs, self.reward(reward), terminated, truncated, info

    def reward(self, reward: float) -> float:
        """The reward hook of ``gymnasium.RewardWrapper``: already the score change."""
        return float(reward)

    @property
    def audience_score(self) -> float:
        """The audience score of the branch played so far in this episode."""
        return self._score
