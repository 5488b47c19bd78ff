"""Tables of names shared by the story format, the rules and the observation spaces.

The order of every tuple is part of the array layout of :class:`drama_env.DramaState`:
``relations[i, j, REL_INDEX["trust"]]`` is how much ``i`` trusts ``j``.
"""

from __future__ import annotations

# Directed relationship dimensions, each in [-1, 1].
REL_DIMS = ("affection", "trust", "respect")
REL_INDEX = {name: i for i, name in enumerate(REL_DIMS)}

# Typed bonds, stored as bits of ``DramaState.bonds[i, j]``.
BONDS = ("kin", "spouse", "lover", "rival", "employer", "servant", "friend", "ally",
         "enemy", "mentor", "betrothed")
BOND_INDEX = {name: i for i, name in enumerate(BONDS)}

# OCC emotions (Ortony, Clore & Collins), each an intensity in [0, 1].
EMOTIONS = ("joy", "distress", "hope", "fear", "pride", "shame", "admiration", "reproach",
            "gratitude", "anger", "love", "hate")
EMOTION_INDEX = {name: i for i, name in enumerate(EMOTIONS)}

# PAD (pleasure, arousal, dominance) position of each OCC emotion, after ALMA (Gebhard 2005).
EMOTION_PAD = (
    (0.40, 0.20, 0.10),    # joy
    (-0.40, -0.20, -0.50),  # distress
    (0.20, 0.20, -0.10),   # hope
    (-0.64, 0.60, -0.43),  # fear
    (0.40, 0.30, 0.30),    # pride
    (-0.30, 0.10, -0.60),  # shame
    (0.50, 0.30, -0.20),   # admiration
    (-0.30, -0.10, 0.40),  # reproach
    (0.40, 0.20, -0.30),   # gratitude
    (-0.51, 0.59, 0.25),   # anger
    (0.30, 0.10, 0.20),    # love
    (-0.60, 0.60, 0.30),   # hate
)
PAD = ("pleasure", "arousal", "dominance")

BIG_FIVE = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
BIG_FIVE_INDEX = {name: i for i, name in enumerate(BIG_FIVE)}

# Goal types a character can hold. The argument each needs is in GOAL_ARGUMENT.
GOAL_TYPES = ("win_affection", "gain_object", "keep_secret", "expose_secret", "harm",
              "protect", "reconcile", "reach_place", "flee_place", "gain_respect",
              "marry", "survive")
GOAL_INDEX = {name: i for i, name in enumerate(GOAL_TYPES)}
GOAL_ARGUMENT = {
    "win_affection": "character", "gain_object": "object", "keep_secret": "secret",
    "expose_secret": "secret", "harm": "character", "protect": "character",
    "reconcile": "character", "reach_place": "place", "flee_place": "place",
    "gain_respect": "character", "marry": "character", "survive": None,
}

# What a verb does beyond its relationship and emotion deltas (the mechanics in the rules).
VERB_OPS = ("none", "confide", "lie", "reveal", "reveal_all", "eavesdrop", "give", "steal",
            "move", "attack", "bond", "unbond", "depart", "propose", "take")
VERB_OP_INDEX = {name: i for i, name in enumerate(VERB_OPS)}

# What kind of argument a verb takes besides its actor.
# "object": an object and a character (give to, steal from); "item": an object alone (take)
VERB_ARGS = ("none", "character", "place", "object", "secret", "secret_all", "item")
VERB_ARG_INDEX = {name: i for i, name in enumerate(VERB_ARGS)}

# Character status codes in DramaState.status.
PRESENT, DEPARTED, DEAD = 0, 1, 2

TONES = ("tragic", "comic", "bittersweet", "romantic", "ironic", "triumphant", "mysterious")
GENRES = ("tragedy", "comedy", "mystery", "political intrigue", "family drama", "romance",
          "thriller", "farce", "melodrama")

__all__ = ['REL_DIMS', 'REL_INDEX', 'BONDS', 'BOND_INDEX', 'EMOTIONS', 'EMOTION_INDEX', 'EMOTION_PAD', 'PAD', 'BIG_FIVE', 'BIG_FIVE_INDEX', 'GOAL_TYPES', 'GOAL_INDEX', 'GOAL_ARGUMENT', 'VERB_OPS', 'VERB_OP_INDEX', 'VERB_ARGS', 'VERB_ARG_INDEX', 'PRESENT', 'DEPARTED', 'DEAD', 'TONES', 'GENRES']
