"""Who acts next: rounds in order of initiative, then the narrator.

A round gives every present character one beat, highest initiative first (a character's
``initiative`` in the story, else ``0.6·extraversion + 0.2·neuroticism + 0.2·(1 − agreeableness)``;
ties by cast order). After each round the narrator may inject an event or pass. Departed and
dead characters lose their turns. The position in the round is part of the state, so a save
resumes on the right turn.
"""

from __future__ import annotations

from drama_env import layout as lay
from drama_env.state import DramaState

NARRATOR = -1


def _slots(state: DramaState) -> list[int]:
    return list(state.compiled.initiative_order) + [NARRATOR]


def current_turn(state: DramaState) -> int:
    """The character index whose turn it is, or ``NARRATOR`` (-1)."""
    slots = _slots(state)
    scal = state._scalars_i
    for _ in range(len(slots)):
        who = slots[int(scal[lay.SI_TURN]) % len(slots)]
        if who == NARRATOR or state.status[who] == 0:
            return who
        scal[lay.SI_TURN] += 1
    return NARRATOR


def advance_turn(state: DramaState) -> None:
    """Move on to the next slot of the round."""
    state._scalars_i[lay.SI_TURN] += 1
