"""Hypothesis-fuzzed story files: always a story or a StoryError, never a crash."""

from __future__ import annotations

import copy

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stories import StoryError, parse_story
from stories.schema import Story
from tests.helpers import MINIMAL

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


ALL_PATHS = [p for p in _paths(MINIMAL) if p]


@st.composite
def mutated_stories(draw):
    data = copy.deepcopy(MINIMAL)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()):
                parent[path[-1]] = draw(values)
            elif isinstance(parent, dict):
                parent.pop(path[-1], None)
        except (KeyError, IndexError, TypeError):
            continue
    return yaml.safe_dump(data, sort_keys=False)


def check(text: str) -> None:
    try:
        story = parse_story(text, "fuzz.yaml")
    except StoryError as error:
        assert str(error).startswith("fuzz.yaml")
    else:
        assert isinstance(story, Story)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_stories())
def test_mutated_stories_never_crash(text):
    check(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text):
    check(text)


@settings(max_examples=150, deadline=None)
@given(values)
def test_arbitrary_yaml_values_never_crash(value):
    check(yaml.safe_dump(value))
