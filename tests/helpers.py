"""Small builders shared by the tests."""

from __future__ import annotations

import copy

import yaml

MINIMAL = {
    "id": "tiny",
    "title": "Tiny",
    "genre": "comedy",
    "premise": "Two friends and one secret.",
    "length": 20,
    "places": [{"id": "room", "name": "the room"}, {"id": "garden", "name": "the garden"}],
    "cast": [
        {"id": "ann", "name": "Ann", "location": "room",
         "goals": [{"type": "keep_secret", "secret": "cake"}]},
        {"id": "bob", "name": "Bob", "location": "room",
         "goals": [{"type": "expose_secret", "secret": "cake"}]},
    ],
    "relationships": [{"from": "ann", "to": "bob", "affection": 0.5, "trust": 0.5, "mutual": True}],
    "secrets": [{"id": "cake", "text": "Ann ate the cake.", "known_by": ["ann"],
                 "stakes": {"ann": 0.5}}],
    "endings": [{"id": "caught", "title": "Caught", "tone": "comic",
                 "when": {"secret_known_by_all": "cake"}}],
}


def story_dict(**changes) -> dict:
    data = copy.deepcopy(MINIMAL)
    data.update(changes)
    return data


def story_yaml(data: dict | None = None) -> str:
    return yaml.safe_dump(data if data is not None else MINIMAL, sort_keys=False)
