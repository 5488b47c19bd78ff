"""The action vocabulary: the default verbs and a story's changes to them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from stories.schema import Story, Verb

DEFAULT_VERBS_PATH = Path(__file__).with_name("data") / "verbs.yaml"


@lru_cache(maxsize=1)
def default_verbs() -> tuple[Verb, ...]:
    """The shipped vocabulary (``stories/data/verbs.yaml``)."""
    from stories.yaml_source import read_text, read_yaml

    source = str(DEFAULT_VERBS_PATH)
    data, _ = read_yaml(read_text(DEFAULT_VERBS_PATH), source)
    try:
        return tuple(TypeAdapter(list[Verb]).validate_python(data))
    except ValidationError as error:  # a broken install, not a user error
        raise RuntimeError(f"{source}: {error}") from None


def story_verbs(story: Story) -> tuple[Verb, ...]:
    """The verbs a story's characters may use, in a fixed order."""
    changes = story.verbs
    verbs = {v.id: v for v in default_verbs()}
    for verb in changes.add:
        verbs[verb.id] = verb
    if changes.only is not None:
        keep = set(changes.only) | {v.id for v in changes.add}
        verbs = {k: v for k, v in verbs.items() if k in keep}
    for name in changes.exclude:
        verbs.pop(name, None)
    for name, weight in changes.weights.items():
        if name in verbs:
            verbs[name] = verbs[name].model_copy(update={"weight": weight})
    return tuple(verbs.values())


def known_verb_names(story: Story) -> set[str]:
    return {v.id for v in default_verbs()} | {v.id for v in story.verbs.add}
