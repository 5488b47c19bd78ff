"""The LM narrator: a small GPT-2 trained here renders a beat as a line of dialogue.

>>> from narrative_models.narrator import NarratorLM
>>> lm = NarratorLM.load()                                   # the shipped weights
>>> lm.generate(speaker="Brutus", to="Cassius", emotion="anger", n=2, seed=0)

:class:`NarratorLM` wraps any local transformers causal-LM folder (``local_files_only=True``,
never ``trust_remote_code``). The shipped folder (``weights/``, with ``narrator.json``) is prompted
with control codes (:mod:`narrative_models.narrator.codes`) and supports classifier-free guidance;
any other model is prompted in plain text, through the tokenizer's chat template when it has one.
:class:`LMNarrator` (in :mod:`narrative_models.narrator.render`) implements the simulator's
``Narrator`` protocol. Importing this package is light: torch is imported on :meth:`load`.
"""

from __future__ import annotations

from narrative_models.narrator.model import DEFAULT_WEIGHTS, NarratorLM
from narrative_models.narrator.render import LMNarrator, make_narrator

__all__ = ["DEFAULT_WEIGHTS", "LMNarrator", "NarratorLM", "make_narrator"]
