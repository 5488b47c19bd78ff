"""Control codes of the LM narrator and the prompt format (no torch here).

A training example is::

    <|endoftext|><|anger|><|v:accuse|><|speaker|> Brutus<|to|> Cassius<|anger|><|line|> You have done ...<|endoftext|>

Prompt format 2 (``"prompt_format": 2`` in ``narrator.json``) repeats the emotion code just
before ``<|line|>``, next to the speech it governs; format 1 models (no key) have it only first.
``<|noemotion|>`` / ``<|v:none|>`` stand for an unknown code; 20 % of the emotion codes are
dropped to ``<|noemotion|>`` in training, which gives the unconditioned model used for
classifier-free guidance and for the "without the emotion code" baseline.
"""

from __future__ import annotations

from narrative_models.narrator.corpus import VERBS

EOS = "<|endoftext|>"
SPEAKER = "<|speaker|>"
TO = "<|to|>"
LINE = "<|line|>"
EMOTIONS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
NO_EMOTION = "<|noemotion|>"
NO_VERB = "<|v:none|>"


def emotion_token(emotion: str | None) -> str:
    return f"<|{emotion}|>" if emotion in EMOTIONS else NO_EMOTION


def verb_token(verb: str | None) -> str:
    return f"<|v:{verb}|>" if verb in VERBS else NO_VERB


SPECIAL_TOKENS = [EOS, SPEAKER, TO, LINE, NO_EMOTION, NO_VERB] + [emotion_token(e) for e in EMOTIONS] + [
    verb_token(v) for v in VERBS
]

#: Simulator emotions (OCC, drama_env) -> the narrator's Ekman codes.
OCC_TO_EKMAN = {
    "joy": "joy", "hope": "joy", "pride": "joy", "admiration": "joy", "gratitude": "joy", "love": "joy",
    "distress": "sadness", "shame": "sadness", "fear": "fear", "reproach": "disgust", "anger": "anger",
    "hate": "anger", "calm": "neutral",
}


PROMPT_FORMAT = 2  # what scripts/train_narrator.py writes


def prompt(speaker: str = "", to: str = "", emotion: str | None = None, verb: str | None = None,
           fmt: int = PROMPT_FORMAT) -> str:
    """The prompt text up to ``<|line|>``; the model continues with the speech."""
    code = emotion_token(emotion)
    near = code if fmt >= 2 else ""
    return f"{EOS}{code}{verb_token(verb)}{SPEAKER} {speaker}{TO} {to}{near}{LINE}"


def example(unit: dict, drop_emotion: bool = False, fmt: int = PROMPT_FORMAT) -> str:
    """A training example: the unit's prompt and its speech."""
    emotion = None if drop_emotion else unit.get("emotion")
    return prompt(unit.get("speaker", ""), unit.get("to", ""), emotion, unit.get("verb"), fmt) + " " + unit["text"]
