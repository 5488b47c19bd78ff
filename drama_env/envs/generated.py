"""A drama manager on a new procedurally generated story at every reset."""

from __future__ import annotations

from drama_env.compiled import CompiledStory
from drama_env.envs.drama_manager import DramaManagerEnv
from drama_env.observation import Padding

# Fixed sizes every generated story is padded to (the generator's cast is at most this).
GENERATED_PADDING = Padding(characters=6, places=5, objects=4, secrets=4, goals=24, length=50,
                            events=3)


class DramaGeneratedEnv(DramaManagerEnv):
    """``DramaManagerEnv`` whose story is generated from the reset seed (cast 2..6), padded to
    :data:`GENERATED_PADDING` so that spaces stay fixed; for generalisation research.

    Arguments: ``cast`` (fix the cast size, else drawn per story), ``max_steps``, ``reward``,
    ``render_mode`` as for ``DramaManagerEnv``.
    """

    def __init__(self, cast: int | None = None, max_steps: int | None = None, reward=None,
                 render_mode: str | None = None) -> None:
        self.cast = cast
        super().__init__(self._story(0), max_steps=max_steps, reward=reward,
                         render_mode=render_mode, padding=GENERATED_PADDING)

    def _story(self, seed: int) -> CompiledStory:
        from stories.generator import generate_story
        from stories.schema import Story

        cast = self.cast
        if cast is None:
            cast = 2 + seed % (GENERATED_PADDING.characters - 1)
        return CompiledStory(Story.model_validate(generate_story(seed, cast=cast)))

    def reset(self, *, seed: int | None = None, options=None):
        if seed is not None:
            super(DramaManagerEnv, self).reset(seed=seed)
        story_seed = int(self.np_random.integers(0, 2**31))
        self._set_story(self._story(story_seed), GENERATED_PADDING)
        return super().reset(seed=None, options=options)
