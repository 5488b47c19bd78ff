"""PettingZoo environment ``characters_v0``: ``env(story=...)`` (AEC), ``parallel_env(story=...)``.

See :mod:`drama_env.envs.characters` for agents, observations, rewards and turn order.
"""

from drama_env.envs.characters import env, parallel_env, raw_env

__all__ = ["env", "parallel_env", "raw_env"]
