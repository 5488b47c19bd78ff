"""The environments: Gymnasium drama manager(s), PettingZoo characters, a batched vector env."""

from drama_env.envs.drama_manager import DramaManagerEnv
from drama_env.envs.generated import DramaGeneratedEnv

__all__ = ["DramaGeneratedEnv", "DramaManagerEnv"]
