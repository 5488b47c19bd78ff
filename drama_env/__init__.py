"""The simulated world of a drama: state, rules and environments.

Importing ``drama_env`` registers the Gymnasium environments::

    import gymnasium as gym
    import drama_env  # noqa: F401
    env = gym.make("drama_env/DramaManager-v0", story="the-orchard-letter")

This package stays light: numpy, numba, networkx, gymnasium and pettingzoo only.
"""

from gymnasium.envs.registration import register

from drama_env.compiled import CompiledStory
from drama_env.event import Event
from drama_env.rules import apply, legal_actions
from drama_env.state import DramaState

register(id="drama_env/DramaManager-v0",
         entry_point="drama_env.envs.drama_manager:DramaManagerEnv",
         max_episode_steps=1000)
register(id="drama_env/DramaGenerated-v0",
         entry_point="drama_env.envs.generated:DramaGeneratedEnv",
         max_episode_steps=1000)

__all__ = ["CompiledStory", "DramaState", "Event", "apply", "legal_actions"]
