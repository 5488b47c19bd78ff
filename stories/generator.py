"""Procedural dramas: a whole, playable story from a seed.

>>> from stories.generator import generate_story, generate_yaml
>>> data = generate_story(7)            # plain data in the story format
>>> text = generate_yaml(7, cast=5)     # the same, as a YAML story file

How a story is made (every draw comes from one ``random.Random(seed)``, so the same seed gives
the same bytes in any process):

1. a **setting** (manor, court, ship, theatre, …: its places and a weapon), a family name,
   a **plot** (inheritance, love triangle, debt, crime, usurpation, homecoming), a genre the
   plot suits, and a length;
2. the plot casts its **core** (two to three characters: heir and rival, beloved, betrothed
   and lover, …) with relationships that carry the conflict (kinship, rivalry, betrothal,
   debt), one or two **secrets** (knowers, believers of a lie, stakes), **goals** that pull
   against each other (one keeps a secret another wants out, two want the same object or
   person), the contested **objects**, candidate **endings** and **narrator events**;
3. the rest of the cast are **supporting roles** (confidant, servant, admirer, gossip,
   confessor, youngster, old enemy, stranger, second rival), each tied to someone already on
   stage and sometimes bringing a secret of their own (four secrets at most);
4. descriptions are written last, from each role, the two strongest Big Five traits and the
   character's first goal; titles and premises come from templates.

Endings refer only to the generated secrets, bonds, objects and people, are all false in the
opening state and statically reachable with the default verbs; nobody who knows a secret starts
in the same place as everyone an ending needs to learn it (so few dramas end on their first
beats). A last "nobody left" ending closes the drama when every character is dead or gone.
Comedies and farces exclude the ``attack`` verb; every story makes ``depart`` rarer.
"""

from __future__ import annotations

import random
import unicodedata

import yaml

from stories import generator_data as D
from stories.constants import GOAL_ARGUMENT
from stories.errors import UsageError

MIN_CAST, MAX_CAST = 2, 12
DEFAULT_CAST = (3, 7)          # drawn from the seed when no cast size is given
LENGTH = (30, 50)
MAX_SECRETS = 4
MAX_ENDINGS = 5
WIDTH = 100                    # line width for nested flow collections
FLAT_WIDTH = 110               # line width of the text (a flat mapping may run this long)

PLOTS = ("inheritance", "triangle", "debt", "crime", "usurpation", "homecoming")
SUPPORT_ROLES = ("confidant", "servant", "admirer", "gossip", "confessor", "youngster", "enemy",
                 "stranger", "rival2")

# Big Five offsets from 0.5 by role (the rest is noise).
ROLE_TRAITS = {
    "heir": dict(openness=0.1, extraversion=0.1, neuroticism=0.1),
    "rival": dict(agreeableness=-0.2, conscientiousness=0.05, extraversion=0.1),
    "elder": dict(openness=-0.15, conscientiousness=0.1, neuroticism=0.15),
    "beloved": dict(openness=0.15, neuroticism=0.1, extraversion=0.05),
    "betrothed": dict(conscientiousness=0.15, agreeableness=-0.05),
    "lover": dict(openness=0.2, extraversion=0.15, conscientiousness=-0.15),
    "debtor": dict(conscientiousness=-0.2, neuroticism=0.2),
    "creditor": dict(agreeableness=-0.25, conscientiousness=0.2, extraversion=-0.05),
    "kin": dict(agreeableness=0.2, conscientiousness=0.1),
    "investigator": dict(openness=0.2, conscientiousness=0.2, agreeableness=-0.05),
    "culprit": dict(agreeableness=-0.2, neuroticism=0.1, extraversion=-0.1),
    "scapegoat": dict(neuroticism=0.2, extraversion=-0.15),
    "ruler": dict(extraversion=0.15, agreeableness=-0.1, openness=-0.1),
    "schemer": dict(agreeableness=-0.3, conscientiousness=0.15, extraversion=0.1, openness=0.1),
    "loyalist": dict(agreeableness=0.15, conscientiousness=0.2),
    "wanderer": dict(openness=0.2, extraversion=-0.1),
    "stayer": dict(conscientiousness=0.15, openness=-0.1, agreeableness=-0.1),
    "confidant": dict(agreeableness=0.25, extraversion=0.05),
    "servant": dict(conscientiousness=0.15, extraversion=-0.2),
    "admirer": dict(neuroticism=0.15, extraversion=0.1, openness=0.1),
    "gossip": dict(extraversion=0.25, conscientiousness=-0.2, openness=0.15),
    "confessor": dict(agreeableness=0.2, conscientiousness=0.2, neuroticism=-0.1),
    "youngster": dict(openness=0.2, conscientiousness=-0.15, neuroticism=0.1),
    "enemy": dict(agreeableness=-0.3, neuroticism=0.1),
    "stranger": dict(openness=0.2, extraversion=-0.1),
    "rival2": dict(agreeableness=-0.15, extraversion=0.15),
}

ROLE_EMOTIONS = {
    "heir": {"hope": 0.3}, "rival": {"anger": 0.2}, "elder": {"fear": 0.3},
    "beloved": {"fear": 0.2, "love": 0.3}, "betrothed": {"hope": 0.4}, "lover": {"love": 0.5},
    "debtor": {"fear": 0.4, "shame": 0.2}, "creditor": {"pride": 0.3}, "kin": {"hope": 0.2},
    "investigator": {"hope": 0.2}, "culprit": {"fear": 0.4}, "scapegoat": {"fear": 0.3},
    "ruler": {"pride": 0.4}, "schemer": {"hope": 0.3}, "loyalist": {"fear": 0.2},
    "wanderer": {"hope": 0.3, "fear": 0.2}, "stayer": {"anger": 0.2},
    "admirer": {"love": 0.4}, "enemy": {"hate": 0.3}, "stranger": {"hope": 0.2},
}

MOTIVES = {
    "win_affection": "who is quietly in love with {t}",
    "gain_object": "who means to have {o}",
    "keep_secret": "who would do anything to keep {s} hidden",
    "expose_secret": "who suspects the truth about {s}",
    "harm": "who has never forgiven {t}",
    "protect": "who would give anything to keep {t} safe",
    "reconcile": "who longs to make peace with {t}",
    "reach_place": "who dreams of {p}",
    "flee_place": "who cannot bear {p}",
    "gain_respect": "who craves {t}'s respect",
    "marry": "who means to marry {t}",
    "survive": "who only wants to live through the night",
}


# --- small helpers -------------------------------------------------------------------------
def _check_int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{what} must be a whole number, not {value!r}")
    return value


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out, dash = [], False
    for ch in ascii_text.lower():
        if ch.isalnum():
            out.append(ch)
            dash = False
        elif out and not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-") or "x"


def _num(x: float) -> float:
    return round(float(x), 2) + 0.0  # (+ 0.0 turns -0.0 into 0.0)


def _clip(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, x))


_SMALL_WORDS = {"of", "to", "the", "a", "an", "in", "and", "at", "on", "for"}


def _titled(name: str, keep_article: bool = False) -> str:
    """'the deed to the land' -> 'Deed to the Land' (or 'the Deed to the Land')."""
    words = name.split()
    article = ""
    if words and words[0].lower() in ("the", "a", "an"):
        article, words = words[0].lower(), words[1:]
    titled = [w if (i and w in _SMALL_WORDS) else w[:1].upper() + w[1:]
              for i, w in enumerate(words)]
    text = " ".join(titled)
    return f"{article} {text}" if keep_article and article else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _tone(genre: str, mood: str) -> str:
    if mood == "bitter":
        return "ironic" if genre in ("comedy", "farce", "political intrigue") else "bittersweet"
    return D.GENRE_TONES[genre][mood]


class _Char:
    def __init__(self, cid: str, name: str, pronouns: str, role: str) -> None:
        self.id, self.name, self.pronouns, self.role = cid, name, pronouns, role
        self.label = ""
        self.traits: dict[str, float] = {}
        self.goals: list[dict] = []
        self.emotions: dict[str, float] = dict(ROLE_EMOTIONS.get(role, {}))
        self.location = ""
        self.core = False

    @property
    def gender(self) -> int:  # index into KIN_WORDS triples
        return {"she/her": 0, "he/him": 1}.get(self.pronouns, 2)

    def kin(self, word: str) -> str:
        return D.KIN_WORDS[word][self.gender]

    @property
    def them(self) -> str:
        return {"she/her": "her", "he/him": "him"}.get(self.pronouns, "them")

    @property
    def their(self) -> str:
        return {"she/her": "her", "he/him": "his"}.get(self.pronouns, "their")


# --- the builder ---------------------------------------------------------------------------
class _Builder:
    """Collects a story's parts while the plot and the supporting roles are cast."""

    def __init__(self, rng: random.Random, n: int, seed: int) -> None:
        self.rng = rng
        self.n = n
        self.seed = seed
        self.setting = rng.choice(D.SETTINGS)
        self.family = rng.choice(D.FAMILY_NAMES)
        self.community = self.setting["community"].format(family=self.family)
        self.plot = rng.choice(PLOTS)
        genres = D.PLOT_GENRES[self.plot]
        fit = [len(genres) - i + 1 for i in range(len(genres))]  # the first fit best
        self.genre = rng.choices(genres, weights=fit)[0]
        self.gentle = self.genre in D.GENTLE_GENRES
        self.length = rng.randint(*LENGTH)
        # places: the setting's first place is usually the hub where most people start
        pool = list(self.setting["places"])
        hub = pool.pop(0) if rng.random() < 0.7 else pool.pop(rng.randrange(len(pool)))
        rng.shuffle(pool)
        top = min(5, 2 + n // 2, len(pool) + 1)
        k = rng.randint(min(top, max(2, 1 + n // 3)), top)
        self.places = [hub] + pool[:k - 1]
        names = list(D.GIVEN_NAMES)
        rng.shuffle(names)
        self.name_pool = names
        surnames = [f for f in D.FAMILY_NAMES if f != self.family]
        rng.shuffle(surnames)
        self.surname_pool = surnames
        self.chars: list[_Char] = []
        self.rels: dict[tuple[str, str], dict] = {}
        self.secrets: list[dict] = []
        self.gists: dict[str, str] = {}
        self.objects: list[dict] = []
        self.endings: list[dict] = []     # candidates, in priority order
        self.events: list[dict] = []      # candidates
        self.title_vars: dict[str, str] = {}
        self.premise = ""
        self.head: _Char | None = None    # the household head (for servants)
        self.prize: dict | None = None    # the contested object, if any
        self.core_secret: str | None = None

    # names and people ---------------------------------------------------------------------
    def _given(self) -> tuple[str, str]:
        name, code = self.name_pool.pop()
        if code == "f":
            return name, "she/her"
        if code == "m":
            return name, "he/him"
        return name, self.rng.choice(("they/them", "they/them", "she/her", "he/him"))

    def person_name(self) -> str:
        """A name for someone who never appears (a victim), unused by the cast."""
        return self._given()[0]

    def add(self, role: str, core: bool = False, honorific: tuple[str, ...] | None = None,
            family_elder: bool = False) -> _Char:
        given, pronouns = self._given()
        name = given
        if honorific:
            title = honorific[0] if len(honorific) == 1 else None
            if title is None:  # gendered religious titles
                table = {"she/her": ("Mother", "Sister"), "he/him": ("Father", "Brother")}
                title = self.rng.choice(table.get(pronouns, ("Reverend",)))
            name = f"{title} {self.surname_pool.pop()}"
        elif family_elder and self.rng.random() < 0.35:
            name = f"Old {self.family}"
        cid = _slug(name)
        taken = {c.id for c in self.chars}
        base, k = cid, 2
        while cid in taken:
            cid, k = f"{base}-{k}", k + 1
        c = _Char(cid, name, pronouns, role)
        c.core = core
        for t in ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism"):
            value = 0.5 + ROLE_TRAITS.get(role, {}).get(t, 0.0) + self.rng.gauss(0.0, 0.16)
            c.traits[t] = _num(_clip(value, 0.05, 0.95))
        self.chars.append(c)
        return c

    # relationships ------------------------------------------------------------------------
    def rel(self, a: _Char, b: _Char, affection: float, trust: float, respect: float,
            bonds: tuple[str, ...] = (), both: bool = False) -> None:
        pairs = [(a, b), (b, a)] if both else [(a, b)]
        def jit(v: float) -> float:
            return _num(_clip(v + self.rng.uniform(-0.08, 0.08), -0.95, 0.95))

        for x, y in pairs:
            old = self.rels.get((x.id, y.id))
            entry = {"affection": jit(affection), "trust": jit(trust), "respect": jit(respect),
                     "bonds": list(old["bonds"]) if old else []}
            for bond in bonds:
                if bond not in entry["bonds"]:
                    entry["bonds"].append(bond)
            self.rels[(x.id, y.id)] = entry

    def bond(self, a: _Char, b: _Char, bond: str) -> None:
        for x, y in ((a, b), (b, a)):
            entry = self.rels.setdefault((x.id, y.id), {"affection": 0.0, "trust": 0.0,
                                                        "respect": 0.0, "bonds": []})
            if bond not in entry["bonds"]:
                entry["bonds"].append(bond)

    def value(self, a: _Char, b: _Char, dim: str) -> float:
        return self.rels.get((a.id, b.id), {}).get(dim, 0.0)

    def has_bond(self, a: _Char, b: _Char, bond: str) -> bool:
        return bond in self.rels.get((a.id, b.id), {}).get("bonds", [])

    def above(self, a: _Char, b: _Char, dim: str, least: float, gap: float = 0.3) -> dict:
        """A relation test that starts false: ``a``'s ``dim`` to ``b`` rises well above now."""
        threshold = _num(min(0.9, max(least, self.value(a, b, dim) + gap)))
        return {"relation": {"from": a.id, "to": b.id, "dim": dim, "above": threshold}}

    def below(self, a: _Char, b: _Char, dim: str, most: float, gap: float = 0.3) -> dict:
        threshold = _num(max(-0.9, min(most, self.value(a, b, dim) - gap)))
        return {"relation": {"from": a.id, "to": b.id, "dim": dim, "below": threshold}}

    # goals, objects, secrets --------------------------------------------------------------
    def goal(self, c: _Char, kind: str, weight: float, arg: object = None) -> None:
        goal: dict = {"type": kind}
        needed = GOAL_ARGUMENT[kind]
        if needed == "character":
            if arg is c:
                return
            goal["target"] = arg.id
        elif needed == "object":
            goal["object"] = arg["id"]
        elif needed is not None:  # a secret or place id
            goal[needed] = arg
        key = {k: v for k, v in goal.items() if k != "weight"}
        if any({k: v for k, v in g.items() if k != "weight"} == key for g in c.goals):
            return
        goal["weight"] = _num(_clip(weight + self.rng.uniform(-0.1, 0.1), 0.1, 5.0))
        c.goals.append(goal)

    def obj(self, item: tuple, owner: _Char) -> dict:
        oid, name, kind, description = item
        taken = {o["id"] for o in self.objects}
        base, k = oid, 2
        while oid in taken:
            oid, k = f"{base}-{k}", k + 1
        entry = {"id": oid, "name": name, "kind": kind, "owner": owner.id,
                 "description": description}
        self.objects.append(entry)
        return entry

    def secret(self, sid: str, gist: str, text: str, about: list[_Char], known: list[_Char],
               lie: str = "", believers: list[_Char] = (), stakes: dict | None = None) -> str:
        taken = {s["id"] for s in self.secrets}
        base, k = sid, 2
        while sid in taken:
            sid, k = f"{base}-{k}", k + 1
        known_ids = [c.id for c in known]
        entry = {"id": sid, "text": text}
        if lie and believers:
            entry["lie"] = lie
        entry["about"] = [c.id for c in about]
        entry["known_by"] = known_ids
        if lie and believers:
            entry["believes_lie"] = [c.id for c in believers if c.id not in known_ids]
        entry["stakes"] = {who.id: _num(v) for who, v in (stakes or {}).items()}
        self.secrets.append(entry)
        self.gists[sid] = gist
        return sid

    def secret_entry(self, sid: str) -> dict:
        return next(s for s in self.secrets if s["id"] == sid)

    def knows(self, c: _Char, sid: str) -> bool:
        return c.id in self.secret_entry(sid)["known_by"]

    def learn(self, c: _Char, sid: str) -> None:
        entry = self.secret_entry(sid)
        if c.id not in entry["known_by"]:
            entry["known_by"].append(c.id)
        if c.id in entry.get("believes_lie", []):
            entry["believes_lie"].remove(c.id)

    def believe(self, c: _Char, sid: str) -> None:
        entry = self.secret_entry(sid)
        if "lie" in entry and c.id not in entry["known_by"] and c.id not in entry["believes_lie"]:
            entry["believes_lie"].append(c.id)

    def can_add_secret(self) -> bool:
        return len(self.secrets) < MAX_SECRETS

    # endings and events ------------------------------------------------------------------
    def ending(self, mood: str, title: str, when: dict, text: str, core: bool = True,
               needs: str | None = None) -> None:
        if mood == "death" and self.gentle:
            return
        self.endings.append({"mood": mood, "title": title, "when": when, "text": text,
                             "core": core, "needs": needs})

    def event(self, eid: str, title: str, text: str, effects: list[dict], when: dict | None = None,
              place: str | None = None, tension: float = 0.4, forced: bool = False) -> None:
        entry = {"id": eid, "title": title, "text": text}
        if place:
            entry["place"] = place
        if when:
            entry["when"] = when
        entry["effects"] = effects
        entry["tension"] = _num(tension)
        self.events.append({"event": entry, "forced": forced})

    def exposed(self, sid: str, key: list[_Char]) -> dict:
        """The secret is out: known by everyone (small casts) or by the key people."""
        entry = self.secret_entry(sid)
        missing = [c for c in key if c.id not in entry["known_by"]]
        if self.n <= 5 or not missing:
            return {"secret_known_by_all": sid}
        tests = [{"secret_known_by": {"secret": sid, "character": c.id}} for c in missing]
        return tests[0] if len(tests) == 1 else {"all": tests}

    def step(self, share: float) -> int:
        return max(2, int(round(self.length * share)))

    def other_place(self, *avoid: str) -> str:
        options = [p[0] for p in self.places if p[0] not in avoid]
        return self.rng.choice(options) if options else self.places[0][0]

    @property
    def hub(self) -> str:
        return self.places[0][0]

    def place_name(self, pid: str) -> str:
        return next(p[1] for p in self.places if p[0] == pid)


# --- plots ---------------------------------------------------------------------------------
def _unaware(sid: str, c: _Char) -> dict:
    return {"not": {"secret_known_by": {"secret": sid, "character": c.id}}}


def _plot_inheritance(b: _Builder) -> None:
    rng = b.rng
    heir = b.add("heir", core=True)
    rival = b.add("rival", core=True)
    elder = b.add("elder", core=True, family_elder=True) if b.n >= 3 else None
    sibling = rng.random() < 0.6
    kin_word = "sibling" if sibling else "cousin"
    prize = b.prize = b.obj(rng.choice(D.PRIZES), elder or rival)
    b.head = elder or heir
    if elder:
        elder.label = f"the ailing {elder.kin('elder')} of {b.community}"
        heir.label = f"{elder.name}'s {heir.kin('child')} and heir"
        b.rel(elder, heir, 0.6, 0.4, 0.4, ("kin",))
        b.rel(heir, elder, 0.4, 0.3, 0.5, ("kin",))
        b.rel(elder, rival, 0.3, 0.5, 0.3, ("kin",))
        b.rel(rival, elder, 0.2, 0.2, 0.3, ("kin",))
    else:
        heir.label = f"the heir to {b.community}"
    rival.label = f"{heir.name}'s {rival.kin(kin_word)} and rival"
    b.rel(heir, rival, -0.2, -0.1, 0.2, ("kin", "rival"))
    b.rel(rival, heir, -0.3, -0.3, 0.1, ("kin", "rival"))
    variants = ["squandered", "foundling"] + (["new-will"] if elder else [])
    variant = rng.choice(variants)
    if variant == "squandered":
        sid = b.secret("squandered", "the gambling debts",
                       f"{rival.name} has already gambled away the money meant for the heirs.",
                       [rival], [rival], f"{rival.name} is the prudent one of the family.",
                       [elder] if elder else [heir], {rival: 0.8})
        b.goal(rival, "gain_object", 1.0, prize)
        b.goal(rival, "keep_secret", 0.9, sid)
        b.goal(heir, "gain_object", 1.0, prize)
        b.goal(heir, "expose_secret", 0.7, sid)
        hint = f"{rival.name} has already gambled away the family money"
    elif variant == "new-will":
        sid = b.secret("new-will", "the new will",
                       f"{elder.name} has secretly rewritten the will in favour of {rival.name}.",
                       [elder, rival], [elder, rival],
                       f"The will still leaves everything to {heir.name}.", [heir],
                       {elder: 0.5, rival: 0.7})
        b.goal(heir, "gain_object", 1.0, prize)
        b.goal(heir, "expose_secret", 0.6, sid)
        b.goal(rival, "gain_object", 1.0, prize)
        b.goal(rival, "keep_secret", 0.8, sid)
        b.goal(elder, "keep_secret", 0.7, sid)
        hint = "the will has been rewritten in secret"
    else:
        sid = b.secret("foundling", f"the secret of {heir.name}'s birth",
                       f"{heir.name} was a foundling, never born a {b.family} at all.",
                       [heir] + ([elder] if elder else []), [rival] + ([elder] if elder else []),
                       f"{heir.name} is a {b.family} born and bred.", [heir],
                       {heir: 0.8, **({elder: 0.6} if elder else {})})
        b.goal(rival, "expose_secret", 1.0, sid)
        b.goal(rival, "gain_object", 0.9, prize)
        b.goal(heir, "gain_object", 1.0, prize)
        b.goal(heir, "gain_respect", 0.5, rival)
        if elder:
            b.goal(elder, "keep_secret", 0.9, sid)
        hint = f"{rival.name} has found a letter saying {heir.name} was never a {b.family} at all"
    b.core_secret = sid
    if elder:
        b.goal(elder, "protect", 0.7, heir)
        b.goal(elder, "reconcile", 0.5, rival)
        b.goal(heir, "gain_respect", 0.5, elder)
        b.premise = (f"{elder.name}, the ailing {elder.kin('elder')} of {b.community}, must soon "
                     f"name an heir, and both {heir.name} and {rival.name} want {prize['name']}. "
                     f"But {hint}.")
    else:
        b.premise = (f"The old head of {b.community} is dead, and {heir.name} and {rival.name} "
                     f"both claim {prize['name']}, which {rival.name} holds. But {hint}.")
    late = b.step(0.5)
    if prize["owner"] != heir.id:
        b.ending("win", "The Rightful Heir",
                 {"all": [{"has": {"character": heir.id, "object": prize["id"]}},
                          {"step_at_least": late}]},
                 f"{heir.name} holds {prize['name']} when the lawyers come, and {b.community} "
                 f"belongs to {heir.them}.")
    if prize["owner"] != rival.id:
        b.ending("loss", f"{rival.name} Takes All",
                 {"all": [{"has": {"character": rival.id, "object": prize["id"]}},
                          {"step_at_least": late}]},
                 f"{rival.name} walks out with {prize['name']}; {heir.name} is left with a name "
                 f"and nothing else.")
    else:
        b.ending("loss", f"{rival.name} Keeps All",
                 {"all": [{"has": {"character": rival.id, "object": prize["id"]}},
                          {"step_at_least": b.step(0.8)}]},
                 f"{rival.name} never lets go of {prize['name']}, and the quarrel hardens into "
                 f"law.")
    b.ending("truth", "The Truth Comes Out", b.exposed(sid, [heir, rival]),
             f"Everyone learns of {b.gists[sid]}; the inheritance no longer matters to anyone.")
    same = heir.gender == rival.gender and heir.gender < 2
    together = f"{_cap(rival.kin(kin_word))}s Again" if sibling and same else (
        "Siblings Again" if sibling else "Family Again")
    b.ending("reconcile", together,
             {"all": [b.above(heir, rival, "affection", 0.5),
                      b.above(rival, heir, "affection", 0.5)]},
             f"{heir.name} and {rival.name} tear up their claims and share what is left.")
    victims = [{"dead": c.id} for c in (heir, rival)]
    b.ending("death", rng.choice(["Blood on the Floorboards", "The Last Quarrel",
                                  "A Death in the Family"]), {"any": victims},
             "A quarrel over an inheritance ends the way such quarrels sometimes do.")
    b.ending("escape", f"{heir.name} Walks Away", {"departed": heir.id},
             f"{heir.name} leaves {b.community} to {rival.name} and the ghosts.", core=False)
    if elder:
        effects = [{"emotion": {"character": "present", "emotion": "hope", "delta": 0.2}},
                   {"set_flag": "will_read"}]
        if variant == "new-will":
            effects.insert(0, {"reveal": {"secret": sid, "to": "present"}})
        else:
            effects.append({"relation": {"from": elder.id, "to": heir.id, "dim": "trust",
                                         "delta": 0.15}})
        b.event("will-read", "The will is read",
                f"A notary reads {elder.name}'s will aloud to whoever will listen.", effects,
                {"step_at_least": b.step(0.4)}, b.hub, 0.5)
    b.event("clerk", "A lawyer's clerk calls",
            f"A clerk from the lawyers arrives asking, loudly, about {b.gists[sid]}.",
            [{"reveal": {"secret": sid, "to": "present"}},
             {"emotion": {"character": "present", "emotion": "distress", "delta": 0.2}}],
            {"all": [{"step_at_least": b.step(0.3)},
                     _unaware(sid, rival if b.knows(heir, sid) else heir)]},
            tension=0.6)
    b.title_vars.update(Prize=_titled(prize["name"]), Elder=(elder or heir).name)


def _plot_triangle(b: _Builder) -> None:
    rng = b.rng
    beloved = b.add("beloved", core=True)
    betrothed = b.add("betrothed", core=True)
    lover = b.add("lover", core=True) if b.n >= 3 else None
    b.head = betrothed
    token = b.prize = b.obj(rng.choice(D.TOKENS), betrothed)
    beloved.label = rng.choice([f"the pride of {b.community}", f"the youngest of the {b.family}s",
                                "the one everybody is watching"])
    betrothed.label = f"{beloved.name}'s {betrothed.kin('spouse')}-to-be"
    b.rel(beloved, betrothed, 0.15, 0.3, 0.4, ("betrothed",))
    b.rel(betrothed, beloved, 0.7, 0.5, 0.3, ("betrothed",))
    lover_place = b.other_place(b.hub)
    if lover:
        lover.label = rng.choice(["a penniless artist", "a soldier home on leave",
                                  f"{betrothed.name}'s oldest rival", "a musician with debts"])
        b.rel(beloved, lover, 0.35, 0.3, 0.3, ("lover",))
        b.rel(lover, beloved, 0.75, 0.5, 0.4, ("lover",))
        b.rel(betrothed, lover, -0.3, -0.1, 0.1, ("rival",))
        b.rel(lover, betrothed, -0.4, -0.3, 0.0, ("rival",))
        lover.location = lover_place
        affair = b.secret("affair", "the secret affair",
                          f"{beloved.name} and {lover.name} have been meeting in secret at "
                          f"{b.place_name(lover_place)}.", [beloved, lover], [beloved, lover],
                          f"{beloved.name} has eyes for no one but {betrothed.name}.", [betrothed],
                          {beloved: 0.7, lover: 0.4})
        b.core_secret = affair
        b.goal(beloved, "keep_secret", 0.8, affair)
        b.goal(beloved, "marry", 0.7, lover)
        b.goal(betrothed, "marry", 1.0, beloved)
        b.goal(lover, "marry", 1.0, beloved)
        b.goal(lover, "harm", 0.3, betrothed)
        b.goal(betrothed, "gain_respect", 0.4, lover)
    else:
        affair = b.secret("letters", "the secret letters",
                          f"{beloved.name} still writes every week to a lover in the city.",
                          [beloved], [beloved], f"{beloved.name} has never loved anyone else.",
                          [betrothed], {beloved: 0.7})
        b.core_secret = affair
        b.goal(beloved, "keep_secret", 0.9, affair)
        b.goal(beloved, "reach_place", 0.5, b.other_place(b.hub))
        b.goal(betrothed, "marry", 1.0, beloved)
        b.goal(betrothed, "expose_secret", 0.6, affair)
    fortune = None
    if b.n == 2 or rng.random() < 0.5:
        fortune = b.secret("fortune", "the empty purse",
                           f"{betrothed.name}'s fortune is gone; {betrothed.their} only hope is "
                           f"the {b.family} dowry.", [betrothed], [betrothed],
                           f"{betrothed.name} is as rich as ever.", [beloved], {betrothed: 0.8})
        b.goal(betrothed, "keep_secret", 0.8, fortune)
        b.goal(lover or beloved, "expose_secret", 0.6, fortune)
    if lover:
        b.premise = (f"{beloved.name} is to marry {betrothed.name} within the week, but "
                     f"{lover.name} has other plans"
                     + (f" — and {betrothed.name}'s fortune is not what it seems." if fortune
                        else f", and {b.community} is starting to talk."))
        b.ending("union", "A Runaway Wedding",
                 {"bond": {"from": beloved.id, "to": lover.id, "type": "spouse"}},
                 f"{beloved.name} marries {lover.name} after all, and {betrothed.name} is left "
                 f"at the altar.")
    else:
        b.premise = (f"{beloved.name} is to marry {betrothed.name} within the week, though "
                     f"{beloved.their} heart is elsewhere — and {betrothed.name}'s fortune is "
                     f"not what it seems.")
    b.ending("bitter", "The Wedding Goes Ahead",
             {"bond": {"from": beloved.id, "to": betrothed.id, "type": "spouse"}},
             f"{beloved.name} and {betrothed.name} are married; what each of them knows is "
             f"another matter.")
    b.ending("truth", "The Letters Are Found",
             {"secret_known_by": {"secret": affair, "character": betrothed.id}},
             f"{betrothed.name} learns of {b.gists[affair]} — and nothing after is the same.")
    if fortune:
        b.ending("truth", "The Empty Purse",
                 {"all": [{"secret_known_by": {"secret": fortune, "character": beloved.id}},
                          b.below(beloved, betrothed, "trust", 0.1)]},
                 f"{beloved.name} discovers that {betrothed.name} wanted the dowry, not "
                 f"{beloved.them}.", core=False)
    rivals = [betrothed] + ([lover] if lover else [])
    b.ending("death", "Pistols at Dawn", {"any": [{"dead": c.id} for c in rivals]}
             if len(rivals) > 1 else {"dead": betrothed.id},
             "A duel settles what talk could not.")
    b.ending("escape", f"{beloved.name} Leaves Them Both", {"departed": beloved.id},
             f"{beloved.name} takes the night coach and belongs to nobody.")
    movers = [c for c in (beloved, betrothed, lover) if c]
    b.event("ball", "A ball is held",
            f"Music fills {b.place_name(b.hub)}; nobody can refuse the invitation.",
            [{"move": {"character": c.id, "place": b.hub}} for c in movers]
            + [{"emotion": {"character": "present", "emotion": "joy", "delta": 0.2}}],
            {"step_at_least": b.step(0.25)}, b.hub, 0.4)
    b.event("anonymous-note", "An anonymous note",
            f"Someone slips {betrothed.name} a note in an unfamiliar hand.",
            [{"reveal": {"secret": affair, "to": betrothed.id}},
             {"emotion": {"character": betrothed.id, "emotion": "anger", "delta": 0.3}},
             {"relation": {"from": betrothed.id, "to": beloved.id, "dim": "trust", "delta": -0.2}}],
            {"all": [{"step_at_least": b.step(0.45)},
                     _unaware(affair, betrothed)]},
            tension=0.7)
    b.event("banns", "The banns are read",
            "The wedding is announced; there is no taking it back quietly now.",
            [{"emotion": {"character": betrothed.id, "emotion": "hope", "delta": 0.3}},
             {"emotion": {"character": beloved.id, "emotion": "fear", "delta": 0.2}},
             {"relation": {"from": beloved.id, "to": betrothed.id, "dim": "affection",
                           "delta": 0.1}}],
            None, None, 0.3)
    b.title_vars.update(Beloved=beloved.name, Prize=_titled(token["name"]))


def _plot_debt(b: _Builder) -> None:
    rng = b.rng
    debtor = b.add("debtor", core=True)
    creditor = b.add("creditor", core=True)
    kin = b.add("kin", core=True) if b.n >= 3 else None
    notes = b.prize = b.obj(("notes", "the promissory notes", "document",
                             "Signed in a shaking hand, one for every bad night."), creditor)
    b.head = debtor
    debtor.label = rng.choice([f"the last of the {b.family}s", f"the head of {b.community}"])
    creditor.label = rng.choice(["a moneylender with excellent manners", "the family's creditor",
                                 "a rich neighbour who collects debts and grudges"])
    b.rel(debtor, creditor, -0.3, -0.3, 0.2)
    b.rel(creditor, debtor, -0.2, -0.5, -0.4)
    creditor.location = b.other_place(b.hub)
    ruin = b.secret("ruin", "the lost fortune",
                    f"{debtor.name} has lost everything, {b.community} included, to "
                    f"{creditor.name} at cards.", [debtor, creditor], [debtor, creditor],
                    "The family fortune is safe.", [kin] if kin else [],
                    {debtor: 0.9, creditor: 0.3})
    b.core_secret = ruin
    forgery = None
    if b.n == 2 or rng.random() < 0.6:
        forgery = b.secret("forgery", "the forged notes",
                           f"{creditor.name} forged half of the notes {debtor.name} signed.",
                           [creditor], [creditor], "Every note is honest.", [debtor],
                           {creditor: 0.9})
        b.goal(creditor, "keep_secret", 0.8, forgery)
    b.goal(debtor, "keep_secret", 1.0, ruin)
    b.goal(debtor, "gain_object", 0.8, notes)
    b.goal(creditor, "harm", 0.4, debtor)
    if kin:
        rel_word = rng.choice(["child", "sibling"])
        kin.label = f"{debtor.name}'s devoted {kin.kin(rel_word)}"
        bonds = ("kin",)
        b.rel(debtor, kin, 0.7, 0.4, 0.4, bonds)
        b.rel(kin, debtor, 0.6, 0.5, 0.4, bonds)
        b.rel(kin, creditor, 0.0, 0.0, 0.2)
        b.rel(creditor, kin, 0.65, 0.3, 0.5)
        b.goal(debtor, "protect", 0.5, kin)
        b.goal(creditor, "marry", 0.9, kin)
        b.goal(kin, "protect", 0.9, debtor)
        if forgery:
            b.goal(kin, "expose_secret", 0.5, forgery)
        else:
            b.goal(kin, "gain_object", 0.5, notes)
        b.premise = (f"{debtor.name} owes {creditor.name} more than {b.community} is worth, and "
                     f"{creditor.name} would settle for {kin.name}'s hand. {kin.name} still "
                     f"believes the family is rich.")
        b.ending("bitter", "A Marriage to Pay a Debt",
                 {"bond": {"from": creditor.id, "to": kin.id, "type": "spouse"}},
                 f"{kin.name} marries {creditor.name}, and the notes go into the fire.")
        b.ending("truth", f"{kin.name} Learns the Truth",
                 {"secret_known_by": {"secret": ruin, "character": kin.id}},
                 f"{kin.name} learns that the family is ruined, and by whom.")
    else:
        b.goal(creditor, "gain_respect", 0.6, debtor)
        b.premise = (f"{debtor.name} owes {creditor.name} more than {b.community} is worth, and "
                     f"the notes fall due this week.")
    b.ending("win", "The Notes Burn",
             {"all": [{"has": {"character": debtor.id, "object": notes["id"]}},
                      {"step_at_least": b.step(0.3)}]},
             f"{debtor.name} gets hold of the notes and feeds them to the fire.")
    if forgery:
        b.ending("truth", "The Forger Unmasked",
                 {"secret_known_by": {"secret": forgery, "character": debtor.id}}
                 if b.n > 4 else {"secret_known_by_all": forgery},
                 f"The forgery comes out, and {creditor.name}'s fine manners go with it.")
    b.ending("death", rng.choice(["A Shot in the Night", "Settled in Blood", "The Final Payment"]),
             {"any": [{"dead": debtor.id}, {"dead": creditor.id}]},
             "One of them will never pay or collect again.")
    b.ending("escape", f"{debtor.name} Flees", {"departed": debtor.id},
             f"{debtor.name} escapes by night, leaving the debts to those who stay.")
    b.event("deadline", "The notes fall due",
            f"The clock strikes, and {creditor.name}'s patience ends.",
            [{"emotion": {"character": debtor.id, "emotion": "fear", "delta": 0.3}},
             {"relation": {"from": creditor.id, "to": debtor.id, "dim": "trust", "delta": -0.1}},
             {"move": {"character": creditor.id, "place": b.hub}}],
            {"step_at_least": b.step(0.5)}, b.hub, 0.6)
    if kin:
        b.event("bailiff", "A bailiff at the door",
                "A bailiff comes to list the furniture, in front of everyone.",
                [{"reveal": {"secret": ruin, "to": "present"}},
                 {"emotion": {"character": debtor.id, "emotion": "shame", "delta": 0.3}}],
                {"all": [{"step_at_least": b.step(0.35)},
                         _unaware(ruin, kin)]},
                b.hub, 0.6)
    b.title_vars.update(Prize=_titled(notes["name"]))


def _plot_crime(b: _Builder) -> None:
    rng = b.rng
    victim = b.person_name()
    investigator = b.add("investigator", core=True)
    culprit = b.add("culprit", core=True)
    scapegoat = b.add("scapegoat", core=True) if b.n >= 3 else None
    b.head = culprit
    evidence = b.prize = b.obj(rng.choice(D.EVIDENCE), culprit)
    scene = b.other_place()
    investigator.label = rng.choice([f"{victim}'s closest friend", "a magistrate's clerk",
                                     "an inspector sent from the city", f"{victim}'s heir"])
    culprit.label = rng.choice([f"{victim}'s business partner", f"a trusted friend of the "
                                f"{b.family}s", f"{victim}'s {culprit.kin('sibling')}"])
    b.rel(investigator, culprit, 0.3, 0.4, 0.4)
    b.rel(culprit, investigator, 0.0, -0.2, 0.3)
    lie_target = f"{scapegoat.name} killed {victim}" if scapegoat else f"{victim} fell by accident"
    murder = b.secret("murder", f"the murder of {victim}",
                      f"{culprit.name} killed {victim} in {b.place_name(scene)}.", [culprit],
                      [culprit], f"{lie_target}.", [investigator], {culprit: 1.0})
    b.core_secret = murder
    b.goal(investigator, "expose_secret", 1.0, murder)
    b.goal(investigator, "gain_object", 0.7, evidence)
    b.goal(culprit, "keep_secret", 1.0, murder)
    b.goal(culprit, "gain_respect", 0.4, investigator)
    if not b.gentle:
        b.goal(culprit, "harm", 0.4, investigator)
    if scapegoat:
        scapegoat.label = rng.choice([f"{victim}'s secretive lodger", f"{victim}'s last visitor",
                                      "a newcomer nobody trusts"])
        b.rel(investigator, scapegoat, -0.1, -0.4, 0.0)
        b.rel(scapegoat, investigator, -0.1, -0.2, 0.2)
        b.rel(culprit, scapegoat, -0.2, 0.0, 0.0)
        b.rel(scapegoat, culprit, 0.3, 0.4, 0.2, ("friend",))
        b.goal(scapegoat, "expose_secret", 0.8, murder)
        b.goal(scapegoat, "reconcile", 0.5, investigator)
        if b.can_add_secret():
            tie = b.secret("inheritance", "the secret inheritance",
                           f"{scapegoat.name} was {victim}'s secret heir.", [scapegoat],
                           [scapegoat], stakes={scapegoat: 0.6})
            b.goal(scapegoat, "keep_secret", 0.6, tie)
        b.premise = (f"{victim} is dead in {b.place_name(scene)}, {b.community} blames "
                     f"{scapegoat.name}, and {investigator.name} means to find out who did it. "
                     f"{culprit.name} is being very helpful.")
    else:
        b.premise = (f"{victim} is dead in {b.place_name(scene)}, and everyone calls it an "
                     f"accident except {investigator.name}. {culprit.name} is being very helpful.")
    b.ending("win", "The Case Is Closed",
             {"all": [{"secret_known_by": {"secret": murder, "character": investigator.id}},
                      {"has": {"character": investigator.id, "object": evidence["id"]}}]},
             f"{investigator.name} lays {evidence['name']} on the table, and {culprit.name} "
             f"has nothing left to say.")
    b.ending("truth", "The Confession",
             b.exposed(murder, [investigator] + ([scapegoat] if scapegoat else [])),
             f"The truth about {victim}'s death is out, and {culprit.name} stops pretending.")
    b.ending("death", "A Second Death",
             {"any": [{"dead": c.id} for c in (investigator, scapegoat) if c]}
             if scapegoat else {"dead": investigator.id},
             f"Whoever killed {victim} has killed again.")
    b.ending("loss", "The Wrong Verdict",
             {"all": [{"flag": "inquest"}, _unaware(murder, investigator)]},
             f"The inquest rules on {victim}'s death before {investigator.name} knows the truth.",
             needs="inquest")
    b.ending("escape", "The Murderer Vanishes", {"departed": culprit.id},
             f"{culprit.name} is gone before dawn, and {victim}'s death stays a mystery.")
    b.event("inquest", "The inquest opens",
            f"The coroner calls everyone to {b.place_name(b.hub)} to rule on {victim}'s death.",
            [{"move": {"character": c.id, "place": b.hub}}
             for c in (investigator, culprit, scapegoat) if c] + [{"set_flag": "inquest"}],
            {"step_at_least": b.step(0.75)}, b.hub, 0.7)
    b.event("scream", "A scream in the night",
            "Nobody admits to having screamed.",
            [{"emotion": {"character": "all", "emotion": "fear", "delta": 0.25}},
             {"move": {"character": investigator.id, "place": scene}}],
            {"step_at_least": b.step(0.3)}, scene, 0.5)
    b.event("witness", "A witness talks",
            f"A washerwoman saw someone near {b.place_name(scene)} that night.",
            [{"reveal": {"secret": murder, "to": "present"}},
             {"emotion": {"character": culprit.id, "emotion": "fear", "delta": 0.3}}],
            {"all": [{"tension_above": 0.45}, _unaware(murder, investigator)]},
            scene, 0.6)
    b.title_vars.update(Victim=victim, Evidence=_titled(evidence["name"]),
                        Prize=_titled(evidence["name"]))


def _plot_usurpation(b: _Builder) -> None:
    rng = b.rng
    ruler = b.add("ruler", core=True)
    schemer = b.add("schemer", core=True)
    loyalist = b.add("loyalist", core=True) if b.n >= 3 else None
    b.head = ruler
    item = rng.choice([p for p in D.PRIZES if p[2] in ("regalia", "document", "keys")])
    seal = b.prize = b.obj(item, ruler)
    ruler.label = f"the {ruler.kin('ruler')} of {b.community}" if b.setting["key"] == "court" \
        else f"the head of {b.community}"
    schemer.label = rng.choice([f"{ruler.name}'s chief counsellor", f"{ruler.name}'s right hand",
                                "the treasurer with the ready smile"])
    b.rel(ruler, schemer, 0.4, 0.6, 0.5)
    b.rel(schemer, ruler, -0.45, 0.1, -0.2)
    plot = b.secret("plot", "the conspiracy",
                    f"{schemer.name} plans to seize {seal['name']} and with it {b.community}.",
                    [schemer], [schemer],
                    f"{schemer.name} is the most loyal servant {ruler.name} has.", [ruler],
                    {schemer: 1.0})
    b.core_secret = plot
    b.goal(schemer, "gain_object", 1.0, seal)
    b.goal(schemer, "keep_secret", 0.9, plot)
    if not b.gentle:
        b.goal(schemer, "harm", 0.4, ruler)
    claim = None
    if b.n == 2 or rng.random() < 0.5:
        claim = b.secret("claim", "the forged charter",
                         f"{ruler.name}'s claim rests on a charter that was forged.", [ruler],
                         [ruler], stakes={ruler: 0.7})
        b.goal(ruler, "keep_secret", 0.8, claim)
        b.goal(schemer, "expose_secret", 0.6, claim)
    if loyalist:
        loyalist.label = rng.choice([f"the captain of {ruler.name}'s guard",
                                     f"{ruler.name}'s old tutor", "a junior secretary"])
        b.rel(loyalist, ruler, 0.6, 0.5, 0.7, ("servant",))
        b.rel(ruler, loyalist, 0.1, 0.1, 0.2, ("employer",))
        b.rel(loyalist, schemer, -0.3, -0.4, 0.1, ("rival",))
        b.rel(schemer, loyalist, -0.3, -0.3, -0.2, ("rival",))
        b.goal(loyalist, "protect", 1.0, ruler)
        b.goal(loyalist, "expose_secret", 0.8, plot)
        b.goal(loyalist, "gain_respect", 0.5, ruler)
        b.goal(ruler, "gain_respect", 0.4, schemer)
        b.premise = (f"{ruler.name} trusts {schemer.name} with everything, including "
                     f"{seal['name']}. Only {loyalist.name} suspects what {schemer.name} "
                     f"means to do with it.")
        b.ending("win", "The Loyal Alliance",
                 {"all": [{"bond": {"from": ruler.id, "to": loyalist.id, "type": "ally"}},
                          {"secret_known_by": {"secret": plot, "character": ruler.id}}]},
                 f"{ruler.name} learns who has been loyal, and {loyalist.name} stands at "
                 f"{ruler.their} side.")
    else:
        b.goal(ruler, "gain_respect", 0.6, schemer)
        b.premise = (f"{ruler.name} trusts {schemer.name} with everything, including "
                     f"{seal['name']}, and {schemer.name} has plans for it.")
    b.ending("loss", "The Coup",
             {"all": [{"has": {"character": schemer.id, "object": seal["id"]}},
                      {"step_at_least": b.step(0.3)}]},
             f"{schemer.name} holds {seal['name']}, and {b.community} wakes up with a new master.")
    b.ending("death", "Regicide", {"dead": ruler.id},
             f"{ruler.name} dies, and nobody is quite sure whose hand it was.")
    b.ending("truth", "The Traitor Unmasked",
             {"secret_known_by": {"secret": plot, "character": ruler.id}},
             f"{ruler.name} learns what {schemer.name} has been planning.")
    b.ending("escape", f"{schemer.name} Flees", {"departed": schemer.id},
             f"{schemer.name} slips away before the guards come.")
    movers = [c for c in (ruler, schemer, loyalist) if c]
    b.event("council", "The council convenes",
            f"A bell summons everyone to {b.place_name(b.hub)}.",
            [{"move": {"character": c.id, "place": b.hub}} for c in movers]
            + [{"emotion": {"character": schemer.id, "emotion": "fear", "delta": 0.2}}],
            {"step_at_least": b.step(0.3)}, b.hub, 0.5)
    b.event("rumours", "Rumours of conspiracy",
            "Somebody has been talking in the kitchens.",
            [{"relation": {"from": ruler.id, "to": schemer.id, "dim": "trust", "delta": -0.15}},
             {"emotion": {"character": ruler.id, "emotion": "fear", "delta": 0.2}}],
            {"tension_above": 0.45}, None, 0.5)
    if loyalist:
        b.event("intercepted", "An intercepted letter",
                f"A letter in {schemer.name}'s hand falls into {loyalist.name}'s lap.",
                [{"reveal": {"secret": plot, "to": loyalist.id}},
                 {"emotion": {"character": loyalist.id, "emotion": "anger", "delta": 0.3}}],
                {"all": [{"step_at_least": b.step(0.5)},
                         _unaware(plot, loyalist)]},
                None, 0.6)
    b.title_vars.update(Prize=_titled(seal["name"]), Ruler=ruler.name)


def _plot_homecoming(b: _Builder) -> None:
    rng = b.rng
    wanderer = b.add("wanderer", core=True)
    stayer = b.add("stayer", core=True)
    elder = b.add("elder", core=True, family_elder=True) if b.n >= 3 else None
    heirloom = b.prize = b.obj(rng.choice([p for p in D.PRIZES if p[2] in ("heirloom", "document",
                                                                            "artwork")]),
                               elder or stayer)
    b.head = elder or stayer
    wanderer.location = b.other_place(b.hub)
    impostor = rng.random() < 0.5 or elder is None  # (with two, both would know a betrayal)
    wanderer.label = rng.choice(["the one who went to sea ten years ago",
                                 "the prodigal back from the war", "the lost child come home"])
    stayer.label = f"{wanderer.name}'s {stayer.kin('sibling')} who stayed behind"
    b.rel(stayer, wanderer, -0.2, -0.3, 0.0, ("kin",))
    b.rel(wanderer, stayer, 0.2 if impostor else -0.3, 0.0, 0.1, ("kin",))
    if elder:
        elder.label = f"the {elder.kin('elder')} who never stopped waiting"
        b.rel(elder, wanderer, 0.8, 0.5, 0.3, ("kin",))
        b.rel(wanderer, elder, 0.3 if impostor else 0.6, 0.3, 0.4, ("kin",))
        b.rel(elder, stayer, 0.3, 0.5, 0.3, ("kin",))
        b.rel(stayer, elder, 0.6, 0.5, 0.5, ("kin",))
    others = [elder] if elder else [stayer]
    if impostor:
        sid = b.secret("impostor", "the stranger's true name",
                       f"The one who calls {wanderer.them}self {wanderer.name} is an impostor; "
                       f"the real {wanderer.name} died at sea.", [wanderer], [wanderer],
                       f"{wanderer.name} has come home at last.", others, {wanderer: 1.0})
        b.goal(wanderer, "keep_secret", 1.0, sid)
        b.goal(wanderer, "gain_object", 0.7, heirloom)
        b.goal(stayer, "expose_secret", 0.9, sid)
        if heirloom["owner"] != stayer.id:
            b.goal(stayer, "gain_object", 0.5, heirloom)
        if elder:
            b.goal(wanderer, "win_affection", 0.5, elder)
            b.goal(elder, "reconcile", 0.8, wanderer)
            b.goal(stayer, "protect", 0.6, elder)
        hint = f"{stayer.name} is sure the stranger is not who {wanderer.their} face says"
    else:
        sid = b.secret("betrayal", "the old betrayal",
                       f"{wanderer.name} left because {stayer.name} betrayed {wanderer.them} to "
                       f"the magistrates.", [stayer, wanderer], [stayer, wanderer],
                       f"{wanderer.name} ran off with the family silver.",
                       [elder] if elder else [], {stayer: 0.8})
        b.goal(stayer, "keep_secret", 1.0, sid)
        b.goal(stayer, "reconcile", 0.5, wanderer)
        b.goal(wanderer, "expose_secret", 0.8, sid)
        b.goal(wanderer, "gain_object", 0.5, heirloom)
        if elder:
            b.goal(wanderer, "reconcile", 0.7, elder)
            b.goal(elder, "reconcile", 0.9, wanderer)
            b.goal(elder, "protect", 0.4, stayer)
        else:
            b.goal(wanderer, "harm", 0.4, stayer)
        hint = f"{stayer.name} has a reason to wish {wanderer.name} had stayed away"
    b.core_secret = sid
    b.premise = (f"After ten silent years {wanderer.name} comes home to {b.community}"
                 + (f", and {elder.name} weeps for joy" if elder else "") + f". But {hint}.")
    b.ending("loss" if impostor else "win", "The Heirloom Changes Hands",
             {"all": [{"has": {"character": wanderer.id, "object": heirloom["id"]}},
                      {"step_at_least": b.step(0.4)}]},
             f"{wanderer.name} ends up with {heirloom['name']}"
             + (", and nobody will ever know what that cost." if impostor
                else ", as was always meant."))
    b.ending("truth", "The Mask Slips" if impostor else "The Old Betrayal",
             b.exposed(sid, others), f"The truth about {b.gists[sid]} is out at last.")
    b.ending("reconcile", "Welcome Home",
             {"all": [b.above(stayer, wanderer, "affection", 0.45),
                      b.above(wanderer, stayer, "affection", 0.45)]},
             f"{stayer.name} and {wanderer.name} sit down at the same table, whoever they are.")
    b.ending("death", "A Grave for the Prodigal",
             {"any": [{"dead": wanderer.id}, {"dead": stayer.id}]},
             "Ten years of absence end in a single night.")
    b.ending("escape", "The Stranger Vanishes", {"departed": wanderer.id},
             f"{wanderer.name} is gone again, and this time nobody waits.")
    b.event("feast", "The homecoming feast",
            f"A feast in {b.place_name(b.hub)}; everyone must be seen to celebrate.",
            [{"move": {"character": c.id, "place": b.hub}} for c in (wanderer, stayer, elder) if c]
            + [{"emotion": {"character": "present", "emotion": "joy", "delta": 0.2}}],
            {"step_at_least": b.step(0.2)}, b.hub, 0.4)
    b.event("sailor", "A sailor with news",
            "A sailor who knew the family years ago stops for a drink, and talks.",
            [{"reveal": {"secret": sid, "to": "present"}},
             {"emotion": {"character": "present", "emotion": "distress", "delta": 0.2}}],
            {"all": [{"step_at_least": b.step(0.4)},
                     _unaware(sid, others[0])]},
            b.hub, 0.6)
    b.title_vars.update(Stranger=wanderer.name, Kin=_cap(wanderer.kin("child")),
                        Prize=_titled(heirloom["name"]))


PLOT_BUILDERS = {"inheritance": _plot_inheritance, "triangle": _plot_triangle, "debt": _plot_debt,
                 "crime": _plot_crime, "usurpation": _plot_usurpation,
                 "homecoming": _plot_homecoming}


# --- supporting roles ----------------------------------------------------------------------
def _keeper_of(b: _Builder, c: _Char) -> str | None:
    """A secret that ``c`` knows and has a stake in, if any."""
    for s in b.secrets:
        if c.id in s["known_by"] and c.id in s["stakes"]:
            return s["id"]
    return None


def _support(b: _Builder, role: str) -> None:
    rng = b.rng
    core = [c for c in b.chars if c.core]
    anchor = rng.choice(core)
    honor = None
    if role == "confessor":
        honor = D.HONORIFICS["physician"] if b.setting["key"] == "hospital" or rng.random() < 0.3 \
            else D.HONORIFICS["confessor"]
    c = b.add(role, honorific=honor)
    core_secret = b.core_secret
    if role == "confidant":
        c.label = f"{anchor.name}'s oldest friend"
        b.rel(c, anchor, 0.6, 0.65, 0.4, ("friend",), both=True)
        b.goal(c, "protect", 0.9, anchor)
        kept = _keeper_of(b, anchor)
        if kept and rng.random() < 0.5:
            b.learn(c, kept)
            b.goal(c, "keep_secret", 0.5, kept)
        else:
            b.goal(c, "gain_respect", 0.4, anchor)
    elif role == "servant":
        head = b.head or anchor
        word = rng.choice(["housekeeper", "steward", "secretary", "valet", "clerk", "maid"])
        c.label = f"{head.name}'s {word}"
        b.rel(head, c, 0.1, 0.4, 0.2, ("employer",))
        b.rel(c, head, 0.3, 0.2, 0.5, ("servant",))
        if core_secret and not b.knows(c, core_secret) and rng.random() < 0.6:
            b.learn(c, core_secret)
            if c.traits["agreeableness"] < 0.5:
                b.goal(c, "expose_secret", 0.7, core_secret)
            else:
                b.goal(c, "keep_secret", 0.5, core_secret)
        if b.can_add_secret() and rng.random() < 0.4:
            sid = b.secret("pilfering", "the missing silver",
                           f"{c.name} has been quietly selling {head.name}'s silver.", [c], [c],
                           stakes={c: 0.7})
            b.goal(c, "keep_secret", 0.8, sid)
        b.goal(c, "gain_respect", 0.5, head)
    elif role == "admirer":
        target = next((x for x in sorted(core, key=lambda x: rng.random())
                       if not b.has_bond(c, x, "kin")), anchor)
        c.label = rng.choice([f"a hopeless admirer of {target.name}", f"{target.name}'s tutor",
                              "a poet in residence"])
        b.rel(c, target, 0.65, 0.4, 0.6)
        b.rel(target, c, 0.0, 0.1, -0.1)
        b.goal(c, "marry", 0.9, target)
        b.goal(c, "gain_respect", 0.4, target)
        b.ending("union", "An Unexpected Match",
                 {"bond": {"from": c.id, "to": target.id, "type": "spouse"}},
                 f"To everyone's surprise, {target.name} marries {c.name}.", core=False)
    elif role == "gossip":
        c.label = rng.choice(["the town gossip", "a busybody neighbour",
                              "a journalist on holiday"])
        for other in rng.sample(core, min(2, len(core))):
            b.rel(c, other, 0.2, -0.1, 0.1)
            b.rel(other, c, 0.0, -0.2, -0.1)
        target = core_secret if core_secret else None
        if target:
            b.goal(c, "expose_secret", 1.0, target)
            if rng.random() < 0.4:
                b.learn(c, target)
        b.goal(c, "gain_respect", 0.4, anchor)
    elif role == "confessor":
        keeper = next((x for x in core if _keeper_of(b, x)), anchor)
        kept = _keeper_of(b, keeper)
        c.label = f"the {b.family}s' physician" if c.name.startswith("Doctor") else (
            f"{keeper.name}'s confessor")
        b.rel(keeper, c, 0.4, 0.7, 0.5)
        b.rel(c, keeper, 0.4, 0.5, 0.3, ("mentor",))
        if kept:
            b.learn(c, kept)
            b.goal(c, "keep_secret", 0.7, kept)
        b.goal(c, "protect", 0.6, keeper)
    elif role == "youngster":
        c.label = f"{anchor.name}'s young {c.kin('child')}"
        b.rel(anchor, c, 0.8, 0.4, 0.2, ("kin",))
        b.rel(c, anchor, 0.6, 0.5, 0.4, ("kin",))
        b.goal(c, "reach_place", 0.6, b.other_place(b.hub))
        b.goal(c, "protect", 0.5, anchor)
        b.goal(anchor, "protect", 0.4, c)
    elif role == "enemy":
        c.label = f"an old enemy of {anchor.name}"
        b.rel(c, anchor, -0.5, -0.5, 0.1, ("enemy",), both=True)
        b.goal(c, "harm", 0.9, anchor)
        kept = _keeper_of(b, anchor)
        if kept:
            b.goal(c, "expose_secret", 0.7, kept)
        b.ending("death", f"{c.name}'s Revenge", {"dead": anchor.id},
                 f"{c.name} settles an old account with {anchor.name}, for good.", core=False)
    elif role == "stranger":
        c.label = rng.choice(["a stranger off the last coach", "a traveller nobody invited",
                              "a guest with a foreign accent"])
        b.rel(c, anchor, 0.3, 0.1, 0.5)
        b.rel(anchor, c, -0.1, -0.2, 0.0)
        if b.can_add_secret() and not b.has_bond(c, anchor, "kin"):
            sid = b.secret("parentage", "a child nobody mentions",
                           f"{c.name} is {anchor.name}'s {c.kin('child')} by a love long "
                           f"forgotten.", [c, anchor], [c], stakes={anchor: 0.6})
            b.goal(c, "gain_respect", 0.8, anchor)
            b.goal(c, "expose_secret", 0.7, sid)
            b.ending("reconcile", f"{anchor.name}'s {_cap(c.kin('child'))}",
                     {"secret_known_by": {"secret": sid, "character": anchor.id}},
                     f"{anchor.name} learns who {c.name} really is, and opens {anchor.their} arms.",
                     core=False)
        elif b.prize:
            b.goal(c, "gain_object", 0.7, b.prize)
            b.goal(c, "gain_respect", 0.4, anchor)
        else:
            b.goal(c, "gain_respect", 0.8, anchor)
    else:  # rival2
        c.label = rng.choice([f"a rival claimant", f"{anchor.name}'s ambitious cousin",
                              "a collector with deep pockets"])
        b.rel(c, anchor, -0.2, -0.3, 0.2, ("rival",), both=True)
        if b.prize:
            b.goal(c, "gain_object", 0.9, b.prize)
        b.goal(c, "gain_respect", 0.5, anchor)
        if b.core_secret:
            b.goal(c, "expose_secret", 0.5, b.core_secret)


def _props(b: _Builder) -> None:
    """A weapon in the hands of someone with a grudge, and sometimes a keepsake."""
    rng = b.rng
    grudges = [c for c in b.chars if any(g["type"] == "harm" for g in c.goals)]
    if grudges and rng.random() < 0.7:
        holder = rng.choice(grudges)
        weapon = b.obj(b.setting["weapon"] + ("Never far from its owner's hand.",), holder)
        fearful = [c for c in b.chars if c is not holder and any(
            g["type"] in ("keep_secret", "protect") for g in c.goals)]
        if fearful:
            b.goal(rng.choice(fearful), "gain_object", 0.4, weapon)
    tokens = [t for t in D.TOKENS if not b.prize or t[0] != b.prize["id"]]
    if rng.random() < 0.5:
        giver, receiver = rng.sample(b.chars, 2)
        token = b.obj(rng.choice(tokens), giver)
        b.goal(receiver, "gain_object", 0.3, token)


def _background(b: _Builder) -> None:
    """A few light relationships so that nobody on stage is a stranger to everyone."""
    rng = b.rng
    for c in b.chars:
        if c.core:
            continue
        others = [o for o in b.chars if o is not c and (c.id, o.id) not in b.rels]
        for o in rng.sample(others, min(len(others), rng.randint(1, 2))):
            b.rel(c, o, rng.uniform(-0.3, 0.5), rng.uniform(-0.2, 0.5), rng.uniform(-0.1, 0.5))


# --- finishing -----------------------------------------------------------------------------
def _describe(b: _Builder, c: _Char) -> str:
    traits = sorted(c.traits.items(), key=lambda kv: (-abs(kv[1] - 0.5), kv[0]))
    words = []
    for trait, value in traits[:2]:
        high, low = D.TRAIT_WORDS[trait]
        words.append(b.rng.choice(high if value >= 0.5 else low).format(their=c.their))
    names = {x.id: x.name for x in b.chars}
    objects = {o["id"]: o["name"] for o in b.objects}
    motive = ""
    if c.goals:
        g = c.goals[0]
        motive = MOTIVES[g["type"]].format(
            t=names.get(g.get("target"), ""), o=objects.get(g.get("object"), ""),
            s=b.gists.get(g.get("secret"), ""),
            p=b.place_name(g["place"]) if g.get("place") else "")
        if g["type"] == "expose_secret" and b.knows(c, g["secret"]):
            motive = f"who knows the truth about {b.gists[g['secret']]} and wants it told"
    label = c.label or f"the {c.role}"
    text = f"{_cap(label)}, {words[0]} and {words[1]}"
    return f"{text}, {motive}." if motive else f"{text}."


def _standards(b: _Builder, c: _Char) -> dict:
    traits = sorted(c.traits.items(), key=lambda kv: (-abs(kv[1] - 0.5), kv[0]))
    praise: list[str] = []
    condemn: list[str] = []
    for trait, value in traits[:3]:
        if abs(value - 0.5) < 0.12:  # an average trait makes no moral code
            continue
        good, bad = D.STANDARDS_BY_TRAIT[trait]
        if value < 0.5:
            good, bad = tuple(v for v in bad if v not in ("attack", "depart")) or good, good
        for pool, out in ((good, praise), (bad, condemn)):
            options = [v for v in pool if v not in praise and v not in condemn]
            if options:
                out.append(b.rng.choice(options))
    if not praise:
        praise.append(b.rng.choice([v for v in ("comfort", "confide", "give", "forgive")
                                    if v not in condemn]))
    if not condemn:
        condemn.append(b.rng.choice([v for v in ("betray", "lie", "steal") if v not in praise]))
    return {"praise": praise, "condemn": condemn}


def _tension_arc(rng: random.Random) -> dict:
    shape = rng.choices(("freytag", "rising", "points"), weights=(6, 2, 2))[0]
    start = _num(rng.uniform(0.1, 0.25))
    if shape == "freytag":
        return {"shape": "freytag", "start": start, "peak": _num(rng.uniform(0.75, 0.95)),
                "end": _num(rng.uniform(0.2, 0.45)), "climax": _num(rng.uniform(0.6, 0.8))}
    if shape == "rising":
        return {"shape": "rising", "start": start, "peak": _num(rng.uniform(0.8, 0.95))}
    # a false climax, a lull, then the real one
    x1, x2 = _num(rng.uniform(0.25, 0.4)), _num(rng.uniform(0.45, 0.6))
    x3 = _num(rng.uniform(0.7, 0.85))
    return {"shape": "points", "points": [
        [0.0, start], [x1, _num(rng.uniform(0.5, 0.7))], [x2, _num(rng.uniform(0.3, 0.45))],
        [x3, _num(rng.uniform(0.85, 0.98))], [1.0, _num(rng.uniform(0.2, 0.4))]]}


def _generic_events(b: _Builder) -> None:
    rng = b.rng
    people = rng.sample(b.chars, min(3, len(b.chars)))
    b.event("gathering", "Everyone is called together",
            f"A summons goes out: all of {b.community} to {b.place_name(b.hub)}.",
            [{"move": {"character": c.id, "place": b.hub}} for c in people]
            + [{"emotion": {"character": "present", "emotion": "hope", "delta": 0.15}}],
            {"step_at_least": b.step(rng.uniform(0.2, 0.6))}, b.hub, 0.35)
    a, z = rng.sample(b.chars, 2)
    b.event("omen", rng.choice(["A storm breaks", "A fire in the night", "The lamps go out",
                                "A bell tolls for nobody"]),
            "Everyone is shaken, and old quarrels feel closer to the surface.",
            [{"emotion": {"character": "all", "emotion": "fear", "delta": 0.2}},
             {"relation": {"from": a.id, "to": z.id, "dim": "trust", "delta": -0.1}}],
            {"tension_above": _num(rng.uniform(0.35, 0.55))}, None, 0.5)


def _holds_at_start(b: _Builder, cond: dict) -> bool:
    """Whether an ending condition is already true in the opening state."""
    (kind, v), = cond.items()
    if kind == "all":
        return all(_holds_at_start(b, c) for c in v)
    if kind == "any":
        return any(_holds_at_start(b, c) for c in v)
    if kind == "not":
        return not _holds_at_start(b, v)
    if kind == "secret_known_by_all":
        return {c.id for c in b.chars} <= set(b.secret_entry(v)["known_by"])
    if kind == "secret_known_by":
        return v["character"] in b.secret_entry(v["secret"])["known_by"]
    if kind == "relation":
        now = b.rels.get((v["from"], v["to"]), {}).get(v["dim"], 0.0)
        return now > v["above"] if "above" in v else now < v["below"]
    if kind == "has":
        return any(o["id"] == v["object"] and o["owner"] == v["character"] for o in b.objects)
    if kind == "bond":
        return v["type"] in b.rels.get((v["from"], v["to"]), {}).get("bonds", [])
    if kind == "step_at_least":
        return v <= 0
    return False  # dead, departed, flag, tension_above: never at the start


def _pick_endings(b: _Builder) -> list[dict]:
    """Three to five endings, false at the start, at least one about a secret."""
    rng = b.rng
    candidates = [e for e in b.endings if not _holds_at_start(b, e["when"])]
    core = [e for e in candidates if e["core"]]
    extra = [e for e in candidates if not e["core"]]
    want = rng.randint(3, MAX_ENDINGS)
    keep = next((e for e in core if e["mood"] == "truth"), None)
    chosen = list(core)
    while len(chosen) > max(want, 3):
        chosen.remove(rng.choice([e for e in chosen if e is not keep]))
    rng.shuffle(extra)
    for e in extra:
        if len(chosen) >= want:
            break
        chosen.append(e)
    if len(chosen) < 3:
        raise AssertionError(f"seed {b.seed}: only {len(chosen)} endings possible")
    chosen = [e for e in candidates if any(e is c for c in chosen)]  # keep priority order
    # a safety net: when nobody is left on stage the drama is over, whatever else happened
    gone = [{"departed": c.id} if b.gentle else {"any": [{"dead": c.id}, {"departed": c.id}]}
            for c in b.chars]
    chosen.append({"mood": "escape", "title": rng.choice(["An Empty Stage", "Nobody Left",
                                                          "The House Falls Silent"]),
                   "when": {"all": gone}, "needs": None,
                   "text": f"One by one they are gone, and {b.community} is left to the wind."})
    out, seen = [], set()
    for e in chosen:
        eid = _slug(e["title"])
        base, k = eid, 2
        while eid in seen:
            eid, k = f"{base}-{k}", k + 1
        seen.add(eid)
        out.append({"id": eid, "title": e["title"], "tone": _tone(b.genre, e["mood"]),
                    "when": e["when"], "text": e["text"], "needs": e["needs"]})
    return out


def _learners(b: _Builder, cond: dict, out: dict) -> None:
    """Collect, per secret, who must learn it for an ending's knowledge tests to hold."""
    (kind, v), = cond.items()
    if kind in ("all", "any"):
        for sub in v:
            _learners(b, sub, out)
    elif kind == "secret_known_by_all":
        known = b.secret_entry(v)["known_by"]
        out.setdefault(v, []).extend(c.id for c in b.chars if c.id not in known)
    elif kind == "secret_known_by":
        out.setdefault(v["secret"], []).append(v["character"])


def _spread_out(b: _Builder, endings: list[dict]) -> None:
    """Move people so that no secret ending can happen on the first beat: nobody who knows a
    secret starts in the same place as everyone who must learn it."""
    who = {c.id: c for c in b.chars}
    groups = []
    for e in endings:
        found: dict[str, list[str]] = {}
        _learners(b, e["when"], found)
        groups += [(sid, sorted(set(ids))) for sid, ids in found.items() if ids]
    for _ in range(8):
        moved = False
        for sid, learners in groups:
            knowers = b.secret_entry(sid)["known_by"]
            rooms = {who[k].location for k in knowers}
            covered = [r for r in rooms if all(who[x].location == r for x in learners)]
            if not covered:
                continue
            moved = True
            room = covered[0]
            if len(learners) > 1:  # split the learners: one of them starts elsewhere
                who[learners[-1]].location = b.other_place(room)
                continue
            free = [p[0] for p in b.places if p[0] not in rooms]
            if free:  # the learner starts where no knower is
                who[learners[0]].location = b.rng.choice(free)
            else:  # every room has a knower: the knowers in the learner's room move on
                for k in knowers:
                    if who[k].location == room:
                        who[k].location = b.other_place(room)
        if not moved:
            break


def _pick_events(b: _Builder, needed: set[str]) -> list[dict]:
    rng = b.rng
    forced = [e for e in b.events if e["event"]["id"] in needed]
    rest = [e for e in b.events if e["event"]["id"] not in needed]
    rng.shuffle(rest)
    want = max(len(forced), rng.randint(1, 3))
    chosen = forced + rest[:want - len(forced)]
    order = {id(e): i for i, e in enumerate(b.events)}
    chosen.sort(key=lambda e: order[id(e)])
    return [e["event"] for e in chosen]


def _relationships(b: _Builder) -> list[dict]:
    out: list[dict] = []
    done: set[tuple[str, str]] = set()
    for (a, z), r in b.rels.items():
        if (a, z) in done:
            continue
        back = b.rels.get((z, a))
        entry = {"from": a, "to": z, "affection": r["affection"], "trust": r["trust"],
                 "respect": r["respect"]}
        if r["bonds"]:
            entry["bonds"] = list(r["bonds"])
        if back is not None and back == r:
            entry["mutual"] = True
            done.add((z, a))
        done.add((a, z))
        out.append(entry)
    return out


def generate_story(seed: int, cast: int | None = None) -> dict:
    """A new drama as plain data in the story format (see ``docs/story-format.md``).

    ``seed`` (a whole number ≥ 0) fixes every choice; ``cast`` (2..12) fixes the number of
    characters, else it is drawn from the seed (3..7). The result validates with
    :func:`stories.parse_story` and plays with the default verbs.
    """
    seed = _check_int(seed, "seed")
    if seed < 0:
        raise UsageError(f"seed must be 0 or more, not {seed}")
    if cast is not None:
        cast = _check_int(cast, "cast")
        if not MIN_CAST <= cast <= MAX_CAST:
            raise UsageError(f"cast must be between {MIN_CAST} and {MAX_CAST} characters, "
                             f"not {cast}")
    rng = random.Random(seed)
    drawn = rng.randint(*DEFAULT_CAST)  # drawn either way, so --cast K with K == drawn agrees
    n = cast if cast is not None else drawn
    b = _Builder(rng, n, seed)
    PLOT_BUILDERS[b.plot](b)
    used: dict[str, int] = {}
    while len(b.chars) < n:  # the plot casts two or three; supporting roles fill the rest
        options = [r for r in SUPPORT_ROLES if used.get(r, 0) < 2]
        role = rng.choice(options)
        used[role] = used.get(role, 0) + 1
        _support(b, role)
    _background(b)
    _props(b)
    _generic_events(b)

    # where everyone starts: the core mostly in the hub, the rest scattered
    for i, c in enumerate(b.chars):
        if not c.location:
            c.location = b.hub if (i < 2 or rng.random() < 0.55) else b.other_place()
    endings = _pick_endings(b)
    _spread_out(b, endings)
    needed = {e.pop("needs") for e in endings} - {None}
    events = _pick_events(b, needed)

    title_vars = {"Prize": "Inheritance", "Family": b.family, "Elder": b.chars[0].name,
                  "Place": _titled(b.place_name(b.hub), True), "Beloved": b.chars[0].name,
                  "Evidence": "Evidence", "Victim": "the Stranger", "Ruler": b.chars[0].name,
                  "Stranger": b.chars[0].name, "Kin": "Child"}
    title_vars.update(b.title_vars)
    title = rng.choice(D.TITLES[b.plot]).format(**title_vars)
    title = title[:1].upper() + title[1:]
    premise = f"{_cap(b.setting['where'])}. {b.premise}"

    cast_out = []
    for c in b.chars:
        entry = {"id": c.id, "name": c.name, "pronouns": c.pronouns,
                 "description": _describe(b, c), "personality": dict(c.traits),
                 "goals": c.goals, "standards": _standards(b, c)}
        if c.emotions:
            entry["emotions"] = {k: _num(v) for k, v in c.emotions.items()}
        entry["location"] = c.location
        cast_out.append(entry)
    objects = []
    for o in b.objects:
        objects.append({"id": o["id"], "name": o["name"], "kind": o["kind"], "owner": o["owner"],
                        "description": o["description"]})
    secrets = []
    for s in b.secrets:
        entry = {k: v for k, v in s.items() if not (k == "believes_lie" and not v)}
        if "believes_lie" not in entry:
            entry.pop("lie", None)
        secrets.append(entry)
    weights = {"depart": 0.12}  # leaving for good is a last resort, not an opening move
    weights.update(D.GENRE_VERB_WEIGHTS.get(b.genre, {}))
    verbs: dict = {"weights": weights}
    if b.gentle:  # nobody dies in a comedy
        verbs = {"exclude": ["attack"], "weights": weights}
    story = {
        "format": 1,
        "id": f"{_slug(title)}-{seed}",
        "title": title,
        "genre": b.genre,
        "author": "drama-sim generator",
        "premise": premise,
        "length": b.length,
        "places": [{"id": p[0], "name": p[1], "interior": p[2], "description": p[3]}
                   for p in b.places],
        "objects": objects,
        "cast": cast_out,
        "relationships": _relationships(b),
        "secrets": secrets,
        "endings": endings,
        "events": events,
        "tension_arc": _tension_arc(rng),
        "verbs": verbs,
    }
    return story


# --- YAML ----------------------------------------------------------------------------------
class _Dumper(yaml.SafeDumper):
    """Safe YAML with indented block sequences, no aliases, and short leaves in flow style."""

    def ignore_aliases(self, data) -> bool:  # the loader refuses anchors and aliases
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


class _FlowMap(dict):
    pass


class _FlowSeq(list):
    pass


_Dumper.add_representer(_FlowMap, lambda d, data: d.represent_mapping(
    "tag:yaml.org,2002:map", data.items(), flow_style=True))
_Dumper.add_representer(_FlowSeq, lambda d, data: d.represent_sequence(
    "tag:yaml.org,2002:seq", data, flow_style=True))


_PLAIN_UNSAFE = set(",[]{}#:&*!|>'\"%@`?")


def _flow_len(node) -> int:
    """The length of ``node`` written in flow style (exact for plain text, at most a few
    characters over for text that YAML must quote)."""
    if isinstance(node, dict):
        inner = [len(str(k)) + 2 + _flow_len(v) for k, v in node.items()]
        return 2 + sum(inner) + 2 * max(len(inner) - 1, 0)
    if isinstance(node, list):
        inner = [_flow_len(v) for v in node]
        return 2 + sum(inner) + 2 * max(len(inner) - 1, 0)
    if isinstance(node, bool):
        return 5 if node else 6
    if isinstance(node, str):
        quoted = (not node or node != node.strip() or any(ch in _PLAIN_UNSAFE for ch in node)
                  or node.lower() in ("yes", "no", "on", "off", "true", "false", "null", "~")
                  or node[0] in "-0123456789.")
        return len(node) + (2 + node.count("'") if quoted else 0)
    return len(repr(node))


def _value(node, inline_col: int, indent: int):
    """``node`` in flow style if it fits on its line from ``inline_col``, else in block style."""
    flat = isinstance(node, dict) and not any(isinstance(v, (dict, list)) for v in node.values())
    limit = FLAT_WIDTH if flat else WIDTH
    if isinstance(node, (dict, list)) and node and inline_col + _flow_len(node) <= limit:
        return _FlowMap(node) if isinstance(node, dict) else _FlowSeq(node)
    return _block(node, indent)


def _block(node, indent: int):
    """Block style at column ``indent`` (keys, or the dash of each item), children styled."""
    if isinstance(node, dict):
        return {k: _value(v, indent + len(str(k)) + 2, indent + 2) for k, v in node.items()}
    if isinstance(node, list):
        return [_value(v, indent + 2, indent + 2) for v in node]
    return node


def to_yaml(story: dict, header: str = "") -> str:
    """Story data as tidy YAML text (stable key order, short leaves on one line)."""
    body = yaml.dump(_block(story, 0), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=FLAT_WIDTH, default_flow_style=False)
    return header + body


def generate_yaml(seed: int, cast: int | None = None) -> str:
    """:func:`generate_story` as a YAML story file, with a comment saying how it was made."""
    return story_yaml(generate_story(seed, cast), seed, cast)


def story_yaml(story: dict, seed: int, cast: int | None = None) -> str:
    """The YAML text of a story that :func:`generate_story` made from ``seed`` and ``cast``."""
    how = f"drama new --seed {seed}" + (f" --cast {cast}" if cast is not None else "")
    header = (f"# {story['title']}: a generated drama ({how}), "
              f"{len(story['cast'])} characters.\n")
    return to_yaml(story, header)


__all__ = ["MAX_CAST", "MIN_CAST", "generate_story", "generate_yaml", "story_yaml", "to_yaml"]
