"""Checks that pydantic cannot make alone: references between parts of a story, and endings
that can never be reached. Each problem is reported at its place in the file."""

from __future__ import annotations

from stories.schema import Condition, Effect, Story
from stories.verbs import known_verb_names, story_verbs

Problem = tuple[tuple, str, str]  # (path in the file, what is wrong, how to fix it)


def _ids(items) -> list[str]:
    return [item.id for item in items]


class _Checker:
    def __init__(self, story: Story) -> None:
        self.story = story
        self.characters = _ids(story.cast)
        self.places = _ids(story.places)
        self.objects = _ids(story.objects)
        self.secrets = _ids(story.secrets)
        self.verbs = known_verb_names(story)
        self.flags_set = {e.value for ev in story.events for e in ev.effects if e.kind == "set_flag"}
        self.problems: list[Problem] = []

    def add(self, path: tuple, problem: str, fix: str) -> None:
        self.problems.append((path, problem, fix))

    def ref(self, path: tuple, value: str | None, kind: str, allowed: list[str],
            extra: tuple[str, ...] = ()) -> None:
        if value is None or value in allowed or value in extra:
            return
        choices = ", ".join(list(allowed) + list(extra)) or "none defined"
        self.add(path, f"unknown {kind} {value!r}", f"use one of: {choices}")

    def unique(self, items, section: str) -> None:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                self.add((section, i, "id"), f"duplicate id {item.id!r} in {section}",
                         "give each entry its own id")
            seen.add(item.id)

    # --- sections -------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        s = self.story
        for section in ("cast", "places", "objects", "secrets", "endings", "events"):
            self.unique(getattr(s, section), section)
        self.ref(("start_place",), s.start_place, "place", self.places)
        for i, c in enumerate(s.cast):
            self.ref(("cast", i, "location"), c.location, "place", self.places)
            for j, goal in enumerate(c.goals):
                path = ("cast", i, "goals", j)
                self.ref(path + ("target",), goal.target, "character", self.characters)
                self.ref(path + ("object",), goal.object, "object", self.objects)
                self.ref(path + ("secret",), goal.secret, "secret", self.secrets)
                self.ref(path + ("place",), goal.place, "place", self.places)
                if goal.target == c.id:
                    self.add(path + ("target",), f"{c.id} has a goal aimed at themself",
                             "aim the goal at another character")
            for key in ("praise", "condemn"):
                for j, verb in enumerate(getattr(c.standards, key)):
                    self.ref(("cast", i, "standards", key, j), verb, "verb", sorted(self.verbs))
        pairs: set[tuple[str, str]] = set()
        for i, r in enumerate(s.relationships):
            self.ref(("relationships", i, "from"), r.from_, "character", self.characters)
            self.ref(("relationships", i, "to"), r.to, "character", self.characters)
            if r.from_ == r.to:
                self.add(("relationships", i, "to"), f"relationship of {r.from_} with themself",
                         "relationships join two different characters")
            for pair in [(r.from_, r.to)] + ([(r.to, r.from_)] if r.mutual else []):
                if pair in pairs:
                    self.add(("relationships", i), f"relationship {pair[0]} -> {pair[1]} is given twice",
                             "merge the two entries")
                pairs.add(pair)
        for i, secret in enumerate(s.secrets):
            for key in ("about", "known_by", "believes_lie"):
                for j, who in enumerate(getattr(secret, key)):
                    self.ref(("secrets", i, key, j), who, "character", self.characters)
            for who in secret.stakes:
                self.ref(("secrets", i, "stakes", who, "__key__"), who, "character", self.characters)
            both = set(secret.known_by) & set(secret.believes_lie)
            if both:
                self.add(("secrets", i, "believes_lie"),
                         f"{sorted(both)[0]} both knows secret {secret.id!r} and believes its lie",
                         "list each character in known_by or believes_lie, not both")
            if secret.believes_lie and not secret.lie:
                self.add(("secrets", i, "believes_lie"),
                         f"secret {secret.id!r} has believers of a lie but no 'lie:' text",
                         "add lie: the false version they believe")
        for i, obj in enumerate(s.objects):
            self.ref(("objects", i, "owner"), obj.owner, "character", self.characters)
            self.ref(("objects", i, "place"), obj.place, "place", self.places)
        for i, ending in enumerate(s.endings):
            self.condition(("endings", i, "when"), ending.when)
        for i, event in enumerate(s.events):
            self.ref(("events", i, "place"), event.place, "place", self.places)
            if event.when is not None:
                self.condition(("events", i, "when"), event.when)
            for j, effect in enumerate(event.effects):
                self.effect(("events", i, "effects", j), effect)
        changes = s.verbs
        for key in ("only", "exclude"):
            for j, verb in enumerate(getattr(changes, key) or []):
                self.ref(("verbs", key, j), verb, "verb", sorted(self.verbs))
        for verb in changes.weights:
            self.ref(("verbs", "weights", verb, "__key__"), verb, "verb", sorted(self.verbs))
        if not self.problems:
            self.reachability()
        return self.problems

    def condition(self, path: tuple, cond: Condition) -> None:
        kind, value = cond.kind, cond.value
        chars, places = self.characters, self.places
        if kind in ("all", "any"):
            for j, sub in enumerate(value):
                self.condition(path + (kind, j), sub)
        elif kind == "not":
            self.condition(path + ("not",), value)
        elif kind == "secret_known_by_all":
            self.ref(path + (kind,), value, "secret", self.secrets)
        elif kind in ("secret_known_by", "secret_believed_false_by"):
            self.ref(path + (kind, "secret"), value.secret, "secret", self.secrets)
            self.ref(path + (kind, "character"), value.character, "character", chars)
        elif kind in ("relation", "bond"):
            self.ref(path + (kind, "from"), value.from_, "character", chars)
            self.ref(path + (kind, "to"), value.to, "character", chars)
        elif kind == "emotion":
            self.ref(path + (kind, "character"), value.character, "character", chars)
        elif kind in ("dead", "departed", "alive"):
            self.ref(path + (kind,), value, "character", chars)
        elif kind == "at":
            self.ref(path + (kind, "character"), value.character, "character", chars)
            self.ref(path + (kind, "place"), value.place, "place", places)
        elif kind == "together":
            for j, who in enumerate(value):
                self.ref(path + (kind, j), who, "character", chars)
        elif kind == "has":
            self.ref(path + (kind, "character"), value.character, "character", chars)
            self.ref(path + (kind, "object"), value.object, "object", self.objects)
        elif kind == "flag":
            if value not in self.flags_set:
                self.add(path + (kind,), f"flag {value!r} is never set by any narrator event",
                         "add {set_flag: %s} to an event's effects, or fix the name" % value)

    def effect(self, path: tuple, effect: Effect) -> None:
        kind, v = effect.kind, effect.value
        chars = self.characters
        groups = ("present", "all")
        if kind == "move":
            self.ref(path + (kind, "character"), v.character, "character", chars)
            self.ref(path + (kind, "place"), v.place, "place", self.places)
        elif kind in ("relation", "bond", "unbond"):
            self.ref(path + (kind, "from"), v.from_, "character", chars)
            self.ref(path + (kind, "to"), v.to, "character", chars)
        elif kind == "emotion":
            self.ref(path + (kind, "character"), v.character, "character", chars, groups)
        elif kind == "reveal":
            self.ref(path + (kind, "secret"), v.secret, "secret", self.secrets)
            self.ref(path + (kind, "to"), v.to, "character", chars, groups)
        elif kind == "give":
            self.ref(path + (kind, "object"), v.object, "object", self.objects)
            self.ref(path + (kind, "to"), v.to, "character", chars)
        elif kind in ("kill", "depart"):
            self.ref(path + (kind,), v, "character", chars)

    # --- can each ending ever happen? -----------------------------------------------------
    def reachability(self) -> None:
        s = self.story
        ops = {v.op for v in story_verbs(s)}
        bonds_made = {v.bond for v in story_verbs(s) if v.op in ("bond", "propose")}
        effects = [e for ev in s.events for e in ev.effects]

        def event_does(kind: str, test) -> bool:
            return any(e.kind == kind and test(e.value) for e in effects)

        def why_not(cond: Condition) -> str | None:
            kind, v = cond.kind, cond.value
            if kind == "all":
                return next((r for r in map(why_not, v) if r), None)
            if kind == "any":
                reasons = [why_not(c) for c in v]
                return None if any(r is None for r in reasons) else reasons[0]
            if kind in ("secret_known_by_all", "secret_known_by"):
                sid = v if kind == "secret_known_by_all" else v.secret
                secret = next(x for x in s.secrets if x.id == sid)
                spreads = ops & {"confide", "reveal", "reveal_all", "eavesdrop"} or event_does(
                    "reveal", lambda r: r.secret == sid)
                if not secret.known_by and not event_does("reveal", lambda r: r.secret == sid):
                    return f"nobody knows secret {sid!r} and no narrator event reveals it"
                if not spreads:
                    return f"no verb or narrator event can spread secret {sid!r}"
            if kind == "dead" and "attack" not in ops and not event_does("kill", lambda x: x == v):
                return f"{v} can never die: no 'attack' verb and no narrator event kills them"
            if kind == "departed" and "depart" not in ops and not event_does("depart", lambda x: x == v):
                return f"{v} can never depart: no 'depart' verb and no event with depart: {v}"
            if kind == "at":
                start = next(c.location for c in s.cast if c.id == v.character)
                if start != v.place and "move" not in ops and not event_does(
                        "move", lambda m: m.character == v.character and m.place == v.place):
                    return f"{v.character} can never reach {v.place}: no verb or event moves them"
            if kind == "has":
                obj = next(o for o in s.objects if o.id == v.object)
                movable = {"give", "steal"} | ({"take"} if obj.place else set())
                if obj.owner != v.character and not ops & movable and not event_does(
                        "give", lambda g: g.object == v.object and g.to == v.character):
                    return f"{v.character} can never get {v.object}: no give/steal/take verb or event"
            if kind == "bond":
                have = any(r.from_ == v.from_ and r.to == v.to and v.type in r.bonds
                           for r in s.relationships)
                if not have and v.type not in bonds_made and not event_does(
                        "bond", lambda b: b.type == v.type):
                    return f"no verb or narrator event ever makes a {v.type!r} bond"
            if kind == "step_at_least" and v >= s.length:
                return f"step {v} is past the episode length {s.length}"
            if kind == "tension_above" and v >= 1.0:
                return "tension never exceeds 1.0"
            if kind == "emotion" and ((v.above is not None and v.above >= 1.0)
                                      or (v.below is not None and v.below <= 0.0)):
                return "emotions lie in [0, 1]"
            if kind == "relation" and ((v.above is not None and v.above >= 1.0)
                                       or (v.below is not None and v.below <= -1.0)):
                return "relations lie in [-1, 1]"
            return None

        for i, ending in enumerate(s.endings):
            reason = why_not(ending.when)
            if reason:
                self.add(("endings", i, "when"), f"ending {ending.id!r} can never be reached: {reason}",
                         "change its condition, or the verbs and events it depends on")


def check_story(story: Story) -> list[Problem]:
    """All reference and reachability problems of a structurally valid story."""
    return _Checker(story).run()
