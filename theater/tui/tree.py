"""A session's branch tree as a format-neutral :class:`stories.script_tree.ScriptTree`,
the input of every exporter (``stories.export.export(tree, fmt)``)."""

from __future__ import annotations

from pathlib import Path

from stories.errors import UsageError
from stories.files import write_atomic
from stories.script_tree import (CastMember, CharacterSummary, Choice, EndingInfo, ScriptLine,
                                 ScriptNode, ScriptTree, StateSummary, StoryInfo)
from theater.tui.session import DIRECTOR, ROOT, Beat, Session

EXPORT_FORMATS = {"ink": ".ink", "twee": ".twee", "html": ".html", "fountain": ".fountain"}


def _summary(session: Session, beat: Beat) -> StateSummary:
    state = beat.state
    c = session.compiled
    step = min(state.step, c.length)
    characters = {}
    for k, member in enumerate(session.story.cast):
        emotion, level = state.dominant_emotion(k)
        characters[member.id] = CharacterSummary(
            emotion=emotion if level >= 0.12 else "calm", intensity=round(level, 4),
            mood=[round(float(x), 4) for x in state.mood[k]])
    return StateSummary(tension=round(float(state.tension[step]), 4),
                        target_tension=round(float(c.target_arc[step]), 4),
                        characters=characters)


def _chooser(session: Session, beat: Beat) -> str:
    if beat.event is not None and beat.event.is_narrator:
        return "narrator" if beat.chooser == "ai" or session.role.kind != DIRECTOR else DIRECTOR
    if beat.chooser == "player" and session.role.kind == DIRECTOR:
        return DIRECTOR
    return beat.actor or DIRECTOR


def _lines(session: Session, beat: Beat) -> list[ScriptLine]:
    if beat.line is None:
        story = session.story
        return [ScriptLine(direction=story.premise)] if story.premise else []
    line = beat.line
    return [ScriptLine(direction=line.direction, speaker=line.speaker,
                       speaker_name=line.speaker_name, text=line.text, emotion=line.emotion,
                       parenthetical=line.parenthetical)]


def session_tree(session: Session) -> ScriptTree:
    """Every explored branch of ``session`` as a ``ScriptTree`` (the current branch is
    ``best_path``, so exporters that follow one path follow the one on screen)."""
    story = session.story
    places = {p.id: p for p in story.places}
    nodes: dict[str, ScriptNode] = {}
    for beat in session.beats.values():
        event = beat.event
        place = places.get(event.place) if event is not None and event.place else None
        if beat.id == ROOT:
            first = beat.state.locations[0] if session.compiled.n_characters else 0
            place = story.places[int(first)]
        ending = None
        if event is not None and event.ending:
            e = story.endings[session.compiled.ending_ids.index(event.ending)]
            ending = EndingInfo(id=e.id, title=e.title, tone=e.tone, text=e.text)
        nodes[beat.id] = ScriptNode(
            id=beat.id, parent=beat.parent, step=beat.state.step, beat=beat.name,
            place=place.id if place else None, place_name=place.name if place else None,
            interior=place.interior if place else True,
            lines=_lines(session, beat),
            choices=[Choice(label=session.beats[c].label, target=c,
                            chooser=_chooser(session, session.beats[c])) for c in beat.children],
            state=_summary(session, beat),
            score=round(beat.score, 4) if beat.depth else None,
            ending=ending)
    info = StoryInfo(id=story.id, title=story.title, genre=story.genre, premise=story.premise,
                     author=getattr(story, "author", "") or "",
                     cast=[CastMember(id=m.id, name=m.name, pronouns=m.pronouns)
                           for m in story.cast])
    return ScriptTree(story=info, seed=session.seed, root=ROOT, nodes=nodes,
                      best_path=[b.id for b in session.path()])


def export_session(session: Session, fmt: str, path) -> Path:
    """Write the explored tree in ``fmt`` (ink, twee, html or fountain) to ``path``,
    atomically; return the path. Uses ``stories.export.export(tree, fmt)`` (every branch;
    Fountain writes one section per branch). Raises ``ImportError`` when the exporters are not
    installed and ``DramaError`` subclasses for an unknown format or a file that cannot be
    written."""
    from stories.export import export

    text = export(session_tree(session), fmt)
    path = Path(path).expanduser()
    if path.is_dir():
        raise UsageError(f"{path}: is a folder — give a file name for the export")
    try:
        write_atomic(path, text, make_parents=True)
    except OSError as error:
        raise UsageError(f"{path}: cannot write the export ({error.strerror or error}) — "
                         "choose a folder you can write to") from None
    return path


__all__ = ["EXPORT_FORMATS", "export_session", "session_tree"]
