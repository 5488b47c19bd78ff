"""The graph view of a state (networkx), for queries, metrics, GNN features and export."""

from __future__ import annotations

import networkx as nx

from stories.constants import BONDS, EMOTIONS, REL_DIMS


def state_graph(state) -> nx.MultiDiGraph:
    """Characters, places, objects and secrets as nodes; relations (one edge per ordered pair,
    with the three dimensions and bonds), presence, possession and knowledge as edges."""
    c = state.compiled
    story = c.story
    g = nx.MultiDiGraph(story=story.id, step=state.step)
    for k, ch in enumerate(story.cast):
        g.add_node(ch.id, kind="character", name=ch.name,
                   status=("present", "departed", "dead")[int(state.status[k])],
                   emotions={e: float(state.emotions[k, j]) for j, e in enumerate(EMOTIONS)},
                   mood=[float(x) for x in state.mood[k]])
    for place in story.places:
        g.add_node(place.id, kind="place", name=place.name)
    for obj in story.objects:
        g.add_node(obj.id, kind="object", name=obj.name)
    for secret in story.secrets:
        g.add_node(secret.id, kind="secret", text=secret.text)
    ids = c.character_ids
    C = len(ids)
    for a in range(C):
        for b in range(C):
            if a == b:
                continue
            values = {d: float(state.relations[a, b, j]) for j, d in enumerate(REL_DIMS)}
            bonds = [name for j, name in enumerate(BONDS) if (state.bonds[a, b] >> j) & 1]
            if any(abs(v) > 1e-6 for v in values.values()) or bonds:
                g.add_edge(ids[a], ids[b], key="relation", kind="relation", bonds=bonds, **values)
        if state.status[a] == 0:
            g.add_edge(ids[a], c.place_ids[state.locations[a]], key="at", kind="at")
        for x, sid in enumerate(c.secret_ids):
            k = int(state.knowledge[a, x])
            if k:
                g.add_edge(ids[a], sid, key="knows", kind="knows",
                           belief="truth" if k == 1 else "lie")
    for o, oid in enumerate(c.object_ids):
        owner = int(state.owners[o])
        if owner >= 0:
            g.add_edge(ids[owner], oid, key="owns", kind="owns")
        else:
            g.add_edge(oid, c.place_ids[-1 - owner], key="lies_in", kind="lies_in")
    return g
