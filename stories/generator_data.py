"""Word lists for :mod:`stories.generator`: names, settings, prizes, adjectives and templates.

Plain constants only (tuples, so nothing here can be changed by accident). The generator reads
them in order, so appending entries changes which story a seed gives; that is fine between
releases, but keep the order stable within one.
"""

from __future__ import annotations

# --- names ---------------------------------------------------------------------------------
# (given name, pronoun code): "f" she/her, "m" he/him, "n" any (drawn per story).
GIVEN_NAMES = (
    # she/her
    ("Elena", "f"), ("Ines", "f"), ("Mara", "f"), ("Clara", "f"), ("Rosa", "f"), ("Amira", "f"),
    ("Yuki", "f"), ("Priya", "f"), ("Nadia", "f"), ("Greta", "f"), ("Sofia", "f"), ("Leila", "f"),
    ("Ingrid", "f"), ("Marisol", "f"), ("Aiko", "f"), ("Fatima", "f"), ("Hana", "f"),
    ("Olwen", "f"), ("Beatrix", "f"), ("Dagny", "f"), ("Esther", "f"), ("Ada", "f"),
    ("Lucia", "f"), ("Zoë", "f"), ("Noor", "f"), ("Imani", "f"), ("Camille", "f"), ("Thandi", "f"),
    ("Mei", "f"), ("Ayesha", "f"), ("Irena", "f"), ("Oksana", "f"), ("Freya", "f"), ("Maeve", "f"),
    ("Carmen", "f"), ("Lotte", "f"), ("Adaeze", "f"), ("Kalani", "f"), ("Solveig", "f"),
    ("Rhiannon", "f"), ("Valentina", "f"), ("Nkechi", "f"), ("Farah", "f"), ("Tamsin", "f"),
    ("Hélène", "f"), ("Agnes", "f"), ("Marguerite", "f"), ("Ottilie", "f"), ("Paloma", "f"),
    ("Yara", "f"), ("Saoirse", "f"), ("Anouk", "f"), ("Mirela", "f"), ("Dorotea", "f"),
    ("Keziah", "f"), ("Lavinia", "f"), ("Perpetua", "f"), ("Sunniva", "f"), ("Tuyết", "f"),
    ("Amaya", "f"), ("Bronwen", "f"), ("Chiara", "f"), ("Eun-ji", "f"), ("Henrike", "f"),
    # he/him
    ("Tomas", "m"), ("Andrei", "m"), ("Kenji", "m"), ("Rafael", "m"), ("Idris", "m"),
    ("Mateo", "m"), ("Lars", "m"), ("Tobias", "m"), ("Kwame", "m"), ("Arjun", "m"), ("Ezra", "m"),
    ("Felix", "m"), ("Hugo", "m"), ("Jonah", "m"), ("Bastien", "m"), ("Dmitri", "m"),
    ("Emeka", "m"), ("Hassan", "m"), ("Ivo", "m"), ("Jasper", "m"), ("Lorenzo", "m"),
    ("Magnus", "m"), ("Nikolai", "m"), ("Osric", "m"), ("Pavel", "m"), ("Ravi", "m"),
    ("Silas", "m"), ("Teodor", "m"), ("Umar", "m"), ("Viktor", "m"), ("Wendell", "m"),
    ("Yusuf", "m"), ("Ciarán", "m"), ("Benedikt", "m"), ("Anselm", "m"), ("Caspar", "m"),
    ("Dario", "m"), ("Gideon", "m"), ("Haruto", "m"), ("Joaquín", "m"), ("Kofi", "m"),
    ("Leopold", "m"), ("Malik", "m"), ("Nestor", "m"), ("Oren", "m"), ("Piet", "m"),
    ("Quentin", "m"), ("Rufus", "m"), ("Sebastián", "m"), ("Tariq", "m"), ("Aurelio", "m"),
    ("Bram", "m"), ("Cosmo", "m"), ("Evander", "m"), ("Florin", "m"), ("Gunnar", "m"),
    ("Hamish", "m"), ("Ignatius", "m"), ("Jun", "m"), ("Lucan", "m"), ("Matthias", "m"),
    # any pronouns
    ("Robin", "n"), ("Sasha", "n"), ("Quinn", "n"), ("Ash", "n"), ("Morgan", "n"), ("Ariel", "n"),
    ("Jules", "n"), ("Rowan", "n"), ("Sami", "n"), ("Noa", "n"), ("Kit", "n"), ("Remy", "n"),
    ("Eden", "n"), ("Avery", "n"), ("Sage", "n"), ("Linden", "n"), ("Marlowe", "n"),
    ("Emery", "n"), ("Shay", "n"), ("Tenzin", "n"), ("Ellis", "n"), ("Perry", "n"), ("Wren", "n"),
    ("Corin", "n"), ("Dale", "n"), ("Frankie", "n"), ("Hollis", "n"), ("Indigo", "n"),
)

FAMILY_NAMES = (
    "Marsh", "Ruiz", "Okafor", "Vance", "Haas", "Lindqvist", "Moreau", "Castellan", "Adeyemi",
    "Thorne", "Kowalczyk", "Nakamura", "Delacroix", "Abernathy", "Varga", "Oyelaran", "Quill",
    "Sandoval", "Ashdown", "Petrov", "Halloran", "Ferreira", "Blackwood", "Mendel", "Rasmussen",
    "Szabo", "Carrow", "Bellweather", "Iyer", "Drummond", "Valois", "Greaves", "Montague",
    "Fairbairn", "Ostrowski", "Calloway", "Dunmore", "Escobar", "Kerensky", "Larkspur",
    "Merriweather", "Nightingale", "Pemberton", "Roscoe", "Sinclair", "Tremaine", "Wilder",
    "Yamamoto", "Zeller", "Achterberg",
)

# Titles that some roles wear before a family name ("Doctor Haas").
HONORIFICS = {
    "physician": ("Doctor",),
    "confessor": ("Father", "Mother", "Brother", "Sister"),
    "notary": ("Master", "Notary"),
    "captain": ("Captain",),
}

# --- settings ------------------------------------------------------------------------------
# Each setting: a community (with {family}), places (first is the hub where most start),
# a weapon and the kinds of genre it suits.  Places: (id, name, interior, description).
SETTINGS = (
    {
        "key": "manor",
        "community": "the {family} estate",
        "where": "a crumbling manor in the hills",
        "places": (
            ("hall", "the great hall", True, "Portraits of the dead watch from every wall."),
            ("orchard", "the orchard", False, "Old apple trees and a broken wall."),
            ("chapel", "the chapel", True, "Candles for a wedding not yet held."),
            ("library", "the library", True, "Dust, ledgers and a locked drawer."),
            ("stables", "the stables", True, "Warm straw and gossiping grooms."),
            ("cellar", "the wine cellar", True, "Cold stone and older bottles."),
        ),
        "weapon": ("pistol", "the duelling pistol", "weapon"),
    },
    {
        "key": "court",
        "community": "the court of House {family}",
        "where": "a palace where every corridor has ears",
        "places": (
            ("throne-room", "the throne room", True, "Gold leaf, cold marble, long shadows."),
            ("council", "the council chamber", True, "A round table scarred by old quarrels."),
            ("gardens", "the palace gardens", False, "Hedges tall enough to hide a conspiracy."),
            ("armoury", "the armoury", True, "Rows of polished steel."),
            ("battlements", "the battlements", False, "Wind, banners and a long drop."),
            ("chapel", "the royal chapel", True, "Where oaths are sworn and broken."),
        ),
        "weapon": ("dagger", "the jewelled dagger", "weapon"),
    },
    {
        "key": "ship",
        "community": "the crew of the {family} Star",
        "where": "a merchant ship three weeks from any port",
        "places": (
            ("deck", "the main deck", False, "Salt spray and straining ropes."),
            ("cabin", "the captain's cabin", True, "Charts, brandy and a locked chest."),
            ("hold", "the cargo hold", True, "Crates that creak like voices."),
            ("galley", "the galley", True, "Steam, knives and rumours."),
            ("crows-nest", "the crow's nest", False, "The loneliest place on the sea."),
        ),
        "weapon": ("cutlass", "the boarding cutlass", "weapon"),
    },
    {
        "key": "theatre",
        "community": "the {family} Players",
        "where": "a touring theatre company on its last good season",
        "places": (
            ("stage", "the stage", True, "Painted forests and a trapdoor."),
            ("green-room", "the green room", True, "Mirrors, greasepaint and old grudges."),
            ("tavern", "the tavern across the street", True, "Where the company drinks its wages."),
            ("box-office", "the box office", True, "The takings, counted twice."),
            ("alley", "the stage-door alley", False, "Rain and waiting admirers."),
        ),
        "weapon": ("prop-sword", "the sword that is not a prop", "weapon"),
    },
    {
        "key": "village",
        "community": "the fishing village of {family} Cove",
        "where": "a fishing village at the edge of the map",
        "places": (
            ("harbour", "the harbour", False, "Nets, gulls and watching windows."),
            ("tavern", "the Drowned Man tavern", True, "Low beams and lower voices."),
            ("lighthouse", "the lighthouse", True, "A lamp that has not been lit for a year."),
            ("church", "the church", True, "Every pew belongs to a family."),
            ("cliffs", "the cliffs", False, "Where the village goes to think, or jump."),
            ("market", "the market square", False, "Fish, bread and rumours for sale."),
        ),
        "weapon": ("harpoon", "the old whaling harpoon", "weapon"),
    },
    {
        "key": "vineyard",
        "community": "the {family} vineyard",
        "where": "a vineyard on the eve of the harvest",
        "places": (
            ("terrace", "the terrace", False, "Long tables under vine leaves."),
            ("cellar", "the barrel cellar", True, "A century of wine in the dark."),
            ("vines", "the vines", False, "Rows of heavy grapes and hiding places."),
            ("press-house", "the press house", True, "The great press, silent until harvest."),
            ("kitchen", "the kitchen", True, "Where the servants hear everything."),
        ),
        "weapon": ("pruning-knife", "the pruning knife", "weapon"),
    },
    {
        "key": "newsroom",
        "community": "the {family} Gazette",
        "where": "a city newspaper the night before an election",
        "places": (
            ("newsroom", "the newsroom", True, "Typewriters, smoke and deadlines."),
            ("office", "the editor's office", True, "A glass door everyone pretends not to watch."),
            ("print-room", "the print room", True, "Presses loud enough to hide a quarrel."),
            ("bar", "the bar on the corner", True, "Where the real stories are traded."),
            ("rooftop", "the rooftop", False, "The whole city, and nobody listening."),
        ),
        "weapon": ("revolver", "the editor's revolver", "weapon"),
    },
    {
        "key": "hospital",
        "community": "the {family} Infirmary",
        "where": "a city hospital during a fever season",
        "places": (
            ("ward", "the long ward", True, "Thirty beds and one open window."),
            ("surgery", "the surgery", True, "Bright lamps and sharp instruments."),
            ("chapel", "the hospital chapel", True, "Where families wait for news."),
            ("garden", "the courtyard garden", False, "A bench under a dying lime tree."),
            ("archive", "the records room", True, "Files nobody is meant to read."),
        ),
        "weapon": ("scalpel", "the surgeon's scalpel", "weapon"),
    },
    {
        "key": "embassy",
        "community": "the {family} embassy",
        "where": "a foreign embassy on the night of a grand reception",
        "places": (
            ("ballroom", "the ballroom", True, "Chandeliers and careful smiles."),
            ("study", "the ambassador's study", True, "A safe behind a painting."),
            ("archive", "the cipher room", True, "Codes, telegrams and burnt paper."),
            ("garden", "the embassy garden", False, "Fountains that cover whispers."),
            ("gatehouse", "the gatehouse", True, "The only way in, or out."),
        ),
        "weapon": ("pistol", "the pocket pistol", "weapon"),
    },
    {
        "key": "inn",
        "community": "the {family} Arms",
        "where": "a mountain inn cut off by snow",
        "places": (
            ("parlour", "the parlour", True, "A fire, a clock and too many guests."),
            ("dining-room", "the dining room", True, "One long table, seats by rank."),
            ("attic", "the attic", True, "Trunks of the previous owners."),
            ("yard", "the snowbound yard", False, "Footprints that fill in too fast."),
            ("stables", "the stables", True, "Horses nobody can ride out."),
        ),
        "weapon": ("hunting-rifle", "the hunting rifle", "weapon"),
    },
    {
        "key": "abbey",
        "community": "the abbey of Saint {family}",
        "where": "a remote abbey in the winter of a plague year",
        "places": (
            ("cloister", "the cloister", False, "Footsteps echo on frozen stone."),
            ("scriptorium", "the scriptorium", True, "Inkpots, candles and a forbidden shelf."),
            ("chapel", "the abbey church", True, "Bells for every hour, and for the dead."),
            ("herb-garden", "the herb garden", False, "Remedies and poisons, row by row."),
            ("bell-tower", "the bell tower", True, "A view of the road nobody travels."),
        ),
        "weapon": ("poison", "the vial of nightshade", "poison"),
    },
    {
        "key": "circus",
        "community": "the {family} Circus",
        "where": "a travelling circus in its winter quarters",
        "places": (
            ("big-top", "the big top", True, "Sawdust, rigging and an empty ring."),
            ("menagerie", "the menagerie", True, "Restless animals and louder secrets."),
            ("caravans", "the caravans", False, "A village of painted wagons."),
            ("ticket-booth", "the ticket booth", True, "Where the money should be."),
            ("trapeze", "the trapeze platform", True, "High above everyone's judgement."),
        ),
        "weapon": ("knife", "the knife-thrower's knife", "weapon"),
    },
    {
        "key": "mining-town",
        "community": "the mining town of {family} Gulch",
        "where": "a mining town the week the silver ran out",
        "places": (
            ("saloon", "the saloon", True, "Cards, whiskey and loaded silences."),
            ("mine", "the mine entrance", False, "Cold air from very deep down."),
            ("assay-office", "the assay office", True, "Scales that may or may not be honest."),
            ("church", "the wooden church", True, "Half-built, like the town."),
            ("boarding-house", "the boarding house", True, "Thin walls and nosy landladies."),
        ),
        "weapon": ("revolver", "the six-shooter", "weapon"),
    },
)

# --- objects -------------------------------------------------------------------------------
# (id, name, kind, description)
PRIZES = (
    ("will", "the old will", "document", "The last word of the dead, unless it is not the last."),
    ("deed", "the deed to the land", "document", "Whoever holds it owns everything in sight."),
    ("signet", "the family signet ring", "heirloom", "It seals every order that matters."),
    ("locket", "the silver locket", "heirloom", "It holds a portrait nobody will explain."),
    ("ledger", "the red ledger", "document", "Every debt in the place, in one hand."),
    ("seal", "the great seal", "regalia", "Without it no decree is law."),
    ("crown", "the circlet", "regalia", "Light to wear, heavy to keep."),
    ("map", "the surveyor's map", "document", "It shows where the silver really runs."),
    ("manuscript", "the unfinished manuscript", "document", "A masterpiece, or a confession."),
    ("keys", "the master keys", "keys", "Every door, every drawer, every chest."),
    ("painting", "the small dark painting", "artwork", "Worth more than the house around it."),
    ("charter", "the founding charter", "document", "The proof of who owns what."),
)

EVIDENCE = (
    ("letter", "a bloodstained letter", "letter", "Half burnt, but the signature survives."),
    ("glove", "a torn glove", "clothing", "Its pair is missing."),
    ("diary", "the victim's diary", "book", "The last page has been cut out."),
    ("photograph", "a creased photograph", "photograph", "Two faces that should not be together."),
    ("receipt", "a chemist's receipt", "paper", "For something nobody admits to buying."),
    ("button", "a brass button", "clothing", "From a coat someone has stopped wearing."),
)

TOKENS = (
    ("ring", "the betrothal ring", "jewellery", "Promised, not yet given."),
    ("portrait", "a miniature portrait", "keepsake", "Carried close to the heart."),
    ("fan", "a painted fan", "keepsake", "A gift with a message in its folds."),
    ("poems", "a bundle of poems", "letters", "Unsigned, but everyone knows the hand."),
    ("shawl", "an embroidered shawl", "keepsake", "Left behind on purpose."),
)

# --- character description words ------------------------------------------------------------
# For each Big Five trait: (adjectives when high, adjectives when low).
TRAIT_WORDS = {
    "openness": (("curious", "restless", "imaginative", "unconventional"),
                 ("traditional", "practical", "set in {their} ways", "incurious")),
    "conscientiousness": (("dutiful", "meticulous", "disciplined", "scrupulous"),
                          ("careless", "impulsive", "disorderly", "reckless")),
    "extraversion": (("charming", "loud", "magnetic", "talkative"),
                     ("reserved", "quiet", "watchful", "solitary")),
    "agreeableness": (("gentle", "kind", "trusting", "generous"),
                      ("sharp-tongued", "cold", "proud", "suspicious")),
    "neuroticism": (("anxious", "volatile", "brooding", "fragile"),
                    ("calm", "unflappable", "steady", "composed")),
}

KIN_WORDS = {
    "sibling": ("sister", "brother", "sibling"),
    "parent": ("mother", "father", "parent"),
    "child": ("daughter", "son", "child"),
    "cousin": ("cousin", "cousin", "cousin"),
    "spouse": ("wife", "husband", "spouse"),
    "elder": ("matriarch", "patriarch", "head of the family"),
    "ruler": ("queen", "king", "monarch"),
}

# --- titles ----------------------------------------------------------------------------------
TITLES = {
    "inheritance": ("The {Prize}", "The {Family} Inheritance", "What {Elder} Left Behind",
                    "A House Divided", "The {Family} Will", "Blood and the {Prize}"),
    "triangle": ("Three Hearts at {Place}", "The Betrothal", "{Beloved}'s Choice",
                 "A Wedding at {Place}", "The Other Suitor", "Love in {Place}"),
    "debt": ("The Price of the {Family} Name", "What Is Owed", "The Creditor", "A Debt of Honour",
             "Paid in Full", "The {Prize}"),
    "crime": ("Death at {Place}", "The {Evidence}", "Who Killed {Victim}?", "A Body in {Place}",
              "The Night of the Murder", "{Victim}'s Last Letter"),
    "usurpation": ("The {Prize}", "A Crown of Knives", "The Loyal Servant", "Treason at {Place}",
                   "The Counsellor", "{Ruler}'s Last Council"),
    "homecoming": ("The Return of {Stranger}", "A Stranger at {Place}", "The Prodigal",
                   "Who Came Home", "The Lost {Kin}", "Ghosts of {Place}"),
}

# Genres each plot suits (drawn from stories.constants.GENRES), most fitting first.
PLOT_GENRES = {
    "inheritance": ("family drama", "tragedy", "comedy", "melodrama", "farce"),
    "triangle": ("romance", "comedy", "melodrama", "tragedy", "farce"),
    "debt": ("melodrama", "family drama", "tragedy", "thriller"),
    "crime": ("mystery", "thriller", "tragedy", "melodrama"),
    "usurpation": ("political intrigue", "thriller", "tragedy", "melodrama"),
    "homecoming": ("family drama", "mystery", "melodrama", "romance", "tragedy"),
}

# Which tone an ending of each mood takes in each genre.
MOODS = ("death", "union", "win", "loss", "truth", "reconcile", "escape")
GENRE_TONES = {
    "tragedy": {"death": "tragic", "union": "bittersweet", "win": "bittersweet", "loss": "tragic",
                "truth": "tragic", "reconcile": "bittersweet", "escape": "tragic"},
    "comedy": {"death": "ironic", "union": "comic", "win": "triumphant", "loss": "ironic",
               "truth": "comic", "reconcile": "comic", "escape": "comic"},
    "farce": {"death": "ironic", "union": "comic", "win": "comic", "loss": "ironic",
              "truth": "comic", "reconcile": "comic", "escape": "comic"},
    "romance": {"death": "tragic", "union": "romantic", "win": "triumphant", "loss": "bittersweet",
                "truth": "bittersweet", "reconcile": "romantic", "escape": "bittersweet"},
    "melodrama": {"death": "tragic", "union": "romantic", "win": "triumphant",
                  "loss": "tragic", "truth": "bittersweet", "reconcile": "bittersweet",
                  "escape": "bittersweet"},
    "family drama": {"death": "tragic", "union": "bittersweet", "win": "triumphant",
                     "loss": "ironic", "truth": "bittersweet", "reconcile": "bittersweet",
                     "escape": "bittersweet"},
    "mystery": {"death": "tragic", "union": "romantic", "win": "triumphant", "loss": "ironic",
                "truth": "mysterious", "reconcile": "bittersweet", "escape": "mysterious"},
    "thriller": {"death": "tragic", "union": "bittersweet", "win": "triumphant", "loss": "tragic",
                 "truth": "triumphant", "reconcile": "bittersweet", "escape": "mysterious"},
    "political intrigue": {"death": "tragic", "union": "ironic", "win": "triumphant",
                           "loss": "ironic", "truth": "triumphant", "reconcile": "bittersweet",
                           "escape": "ironic"},
}

# Genres where nobody dies on stage: no death endings, and the attack verb is excluded.
GENTLE_GENRES = ("comedy", "farce")

# How each genre re-weights the default verbs (stories' `verbs: weights:`).
GENRE_VERB_WEIGHTS = {
    "tragedy": {"attack": 0.8, "betray": 0.8},
    "comedy": {"flatter": 1.5, "eavesdrop": 1.3},
    "farce": {"eavesdrop": 1.6, "lie": 1.4, "flatter": 1.4},
    "romance": {"confess_love": 1.6, "propose": 1.2, "comfort": 1.3},
    "melodrama": {"accuse": 1.3, "plead": 1.4},
    "family drama": {"forgive": 1.3, "plead": 1.2},
    "mystery": {"eavesdrop": 1.6, "accuse": 1.3},
    "thriller": {"threaten": 1.4, "eavesdrop": 1.3},
    "political intrigue": {"ally": 1.5, "flatter": 1.3, "betray": 0.9},
}

# Praise / condemn candidates keyed by the trait that drives them (high pole).
STANDARDS_BY_TRAIT = {
    "agreeableness": (("comfort", "forgive", "give"), ("insult", "threaten", "attack")),
    "conscientiousness": (("confide", "reveal"), ("lie", "steal", "betray")),
    "openness": (("confess_love", "reveal_all"), ("eavesdrop",)),
    "extraversion": (("greet", "challenge", "ally"), ("reject",)),
    "neuroticism": (("plead",), ("accuse", "depart")),
}
