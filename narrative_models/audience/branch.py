"""A branch of a simulated drama, whatever it came from: a playthrough, a script JSON, a rating.

A :class:`Branch` is the opening state, the events in order, the state just after each, and
(optionally) the rendered text of each beat. :func:`branch_of` accepts

- an :class:`agents.play.Playthrough` (``play(..., keep_states=True)``; without kept states the
  events are replayed);
- a script JSON object as printed by ``drama run --format json`` (or a path to one);
- an existing :class:`Branch`.

A script JSON holds the events but not the states, so its branch is **replayed**: first by
playing the story again with the script's agent and seed (exact when the script came from
``drama run``), else by applying its actions in order from the opening, each from the state the
previous one left (``notes["replay"]`` says which: ``"exact"`` or ``"actions"``; chance outcomes
may then differ from the script's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from stories.errors import DramaError

__all__ = ["Branch", "ScriptError", "branch_from_actions", "branch_from_script", "branch_of",
           "line_text", "load_script"]


class ScriptError(DramaError):
    """A script JSON (``drama run --format json``) that cannot be read or replayed."""


@dataclass
class Branch:
    """Opening state, events, the state after each event, and each beat's text (or ``None``)."""

    compiled: object
    start: object
    events: list
    states: list
    lines: list[str] | None = None
    seed: int | None = None
    notes: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.events)


def line_text(line) -> str:
    """The text of a rendered beat for the emotion reader: the dialogue, else the direction."""
    if line is None:
        return ""
    if isinstance(line, str):
        return line
    if isinstance(line, dict):
        return (line.get("text") or line.get("direction") or "").strip()
    return (getattr(line, "text", "") or getattr(line, "direction", "") or "").strip()


def branch_of(source, story=None) -> Branch:
    """A :class:`Branch` from a playthrough, a script JSON object or path, or a branch."""
    if isinstance(source, Branch):
        return source
    if isinstance(source, (str, Path)):
        return branch_from_script(load_script(source), story=story, source=str(source))
    if isinstance(source, dict):
        return branch_from_script(source, story=story)
    if hasattr(source, "events") and hasattr(source, "compiled"):
        return _from_playthrough(source)
    raise TypeError("score a Playthrough, a script JSON object (drama run --format json), a path "
                    f"to one, or a Branch — not {type(source).__name__}")


def _from_playthrough(result) -> Branch:
    from drama_env.state import DramaState

    compiled = result.compiled
    start = DramaState.initial(compiled, result.seed)
    states = list(getattr(result, "states", []) or [])
    if len(states) != len(result.events):
        replayed = branch_from_actions(compiled, result.seed, [e.action for e in result.events])
        return Branch(compiled, start, list(result.events), replayed.states, None, result.seed,
                      {"replay": "actions"})
    return Branch(compiled, start, list(result.events), states, None, result.seed,
                  {"replay": "kept states"})


def branch_from_actions(compiled, seed: int, actions, check: bool = False,
                        stop_at_ending: bool = False) -> Branch:
    """Apply ``actions`` (indices or names) in order from the opening seeded with ``seed``.

    With ``check`` an illegal action raises ``ScriptError``; without, it is played anyway (the
    rules then do what they can), which is how a recorded branch is replayed faithfully. Chance
    outcomes come from the state's own stream, which the agents of the original session also
    drew from, so a replay can reach an ending earlier: then ``ScriptError``, or with
    ``stop_at_ending`` the branch stops there (``notes["truncated"]`` counts the beats left).
    """
    from drama_env import rules
    from drama_env.state import DramaState

    state = DramaState.initial(compiled, seed)
    start = state.clone()
    events, states = [], []
    for k, action in enumerate(actions):
        if isinstance(action, str):
            try:
                action = compiled.action_index(action)
            except KeyError as error:
                raise ScriptError(f"beat {k + 1}: {error.args[0]} — the branch was recorded "
                                  "with another version of the story") from None
        action = int(action)
        if state.terminated:
            if stop_at_ending:
                return Branch(compiled, start, events, states, None, seed,
                              {"replay": "actions", "truncated": len(actions) - k})
            raise ScriptError(f"beat {k + 1}: the drama already ended at beat {k} "
                              f"({state.ending_id}) — the branch has beats after its ending")
        if check and not rules.is_legal(state, action):
            raise ScriptError(f"beat {k + 1}: {compiled.action_name(action)} is not legal "
                              "there — the branch does not replay from its seed")
        events.append(rules.apply(state, action, check=False))
        states.append(state.clone())
    return Branch(compiled, start, events, states, None, seed, {"replay": "actions"})


def load_script(path: str | Path) -> dict:
    """Read a script JSON file (``drama run --format json``); raises ``ScriptError``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScriptError(f"{path}: no such file — check the path") from None
    except IsADirectoryError:
        raise ScriptError(f"{path}: is a directory — give a script JSON file") from None
    except UnicodeDecodeError as error:
        raise ScriptError(f"{path}: not UTF-8 text (byte {error.start}) — give the JSON "
                          "printed by `drama run --format json`") from None
    except json.JSONDecodeError as error:
        raise ScriptError(f"{path}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}) — "
                          "give the JSON printed by `drama run --format json`") from None
    check_script(data, str(path))
    return data


def is_script(data) -> bool:
    """Whether a JSON object looks like a ``drama run --format json`` script."""
    return isinstance(data, dict) and "events" in data and "story" in data


def check_script(data, source: str = "<script>") -> None:
    if not is_script(data):
        raise ScriptError(f"{source}: not a drama script (no 'story' and 'events') — give the "
                          "JSON printed by `drama run --format json`")
    if not isinstance(data["events"], list):
        raise ScriptError(f"{source}: 'events' must be a list of beats")
    for k, event in enumerate(data["events"]):
        if not isinstance(event, dict) or not isinstance(event.get("action"), int):
            raise ScriptError(f"{source}: event {k + 1} has no whole-number 'action' — the "
                              "file is damaged or not from `drama run --format json`")


def branch_from_script(data: dict, story=None, source: str = "<script>") -> Branch:
    """Replay a script JSON (see the module docstring). ``story`` (a name, path or ``Story``)
    overrides the script's ``story`` id, for scripts of stories that are not shipped."""
    from agents.play import AGENTS, play
    from drama_env.compiled import CompiledStory
    from stories import load_story

    check_script(data, source)
    try:
        compiled = CompiledStory(load_story(story if story is not None else data["story"]))
    except DramaError as error:
        raise ScriptError(f"{source}: cannot load story {data['story']!r} ({error}) — pass the "
                          "story file the script was made with (--story FILE)") from None
    seed = data.get("seed", 0)
    if not isinstance(seed, int):
        raise ScriptError(f"{source}: 'seed' must be a whole number, not {seed!r}")
    actions = [event["action"] for event in data["events"]]
    if any(not 0 <= a < compiled.n_actions for a in actions):
        raise ScriptError(f"{source}: an action is outside 0..{compiled.n_actions - 1} — the "
                          f"script was made with another version of {compiled.story.id!r}")
    lines = [line_text(event.get("line")) for event in data["events"]]
    agent = data.get("agent")
    if agent in AGENTS and actions:
        steps = data.get("steps") if isinstance(data.get("steps"), int) else None
        result = play(compiled, seed, AGENTS[agent](), steps, keep_states=True)
        if [e.action for e in result.events] == actions:
            branch = _from_playthrough(result)
            branch.lines = lines
            branch.notes = {"replay": "exact"}
            return branch
    branch = branch_from_actions(compiled, seed, actions)
    branch.lines = lines
    return branch

