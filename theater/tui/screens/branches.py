"""The branch tree: every explored branch with its audience score; choose a beat to rewind
to it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Tree
from textual.widgets.tree import TreeNode

from theater.tui.screens._close import close
from theater.tui.session import ROOT


class BranchesScreen(ModalScreen[str | None]):
    """A tree of the session's beats. A run of beats without alternatives is shown flat; a
    beat with several continuations opens one sub-tree per branch. Dismisses with the chosen
    beat id (None when cancelled)."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape,b", "cancel", "Back")]

    def __init__(self, session) -> None:
        super().__init__()
        self.session = session
        self._current_node: TreeNode | None = None

    def compose(self) -> ComposeResult:
        s = self.session
        with Vertical(classes="dialog branches"):
            yield Label(Text(f"Branches — {len(s.leaves())} explored; Enter rewinds to a beat",
                             style="bold"), classes="dialog-title")
            tree: Tree[str] = Tree(self._label(s.beats[ROOT]), data=ROOT, id="branches")
            tree.show_root = True
            tree.guide_depth = 2
            self._on_path = {b.id for b in s.path()}
            if s.current == ROOT:
                self._current_node = tree.root
            self._add_chain(tree.root, s.beats[ROOT].children)
            tree.root.expand()
            yield tree

    def on_mount(self) -> None:
        tree = self.query_one(Tree)
        tree.focus()
        if self._current_node is not None:
            node = self._current_node
            self.call_after_refresh(lambda: tree.move_cursor(node))

    def _label(self, beat) -> Text:
        s = self.session
        text = Text()
        if beat.id == s.current:
            text.append("▶ ", style="bold green")
        style = "bold" if beat.id in self._on_path_ids() else ""
        text.append(f"{beat.depth:>2} " if beat.depth else "", style="dim")
        text.append(beat.label if beat.depth else f"Opening — {s.story.title}", style=style)
        if beat.depth:
            text.append(f"  {beat.score:.2f}", style="green" if beat.score >= 0.5 else "red")
        if beat.event is not None and beat.event.ending:
            ending = s.story.endings[s.compiled.ending_ids.index(beat.event.ending)]
            text.append(f"  THE END: {ending.title}", style="bold magenta")
        return text

    def _on_path_ids(self) -> set[str]:
        return getattr(self, "_on_path", set())

    def _add_chain(self, parent: TreeNode, children: list[str]) -> None:
        """Add the beats of each branch in ``children`` under ``parent``."""
        if len(children) == 1:
            self._add_run(parent, children[0])
            return
        for k, child in enumerate(children, 1):
            best = max(self._leaf_scores(child))
            head = Text(f"↳ branch {k}", style="bold yellow")
            head.append(f" (best {best:.2f})", style="dim")
            branch = parent.add(head, data=None, expand=child in self._on_path_ids())
            self._add_run(branch, child)

    def _add_run(self, parent: TreeNode, beat_id: str) -> None:
        s = self.session
        while True:
            beat = s.beats[beat_id]
            node = parent.add_leaf(self._label(beat), data=beat.id)
            if beat.id == s.current:
                self._current_node = node
            if len(beat.children) != 1:
                if beat.children:
                    self._add_chain(parent, beat.children)
                return
            beat_id = beat.children[0]

    def _leaf_scores(self, beat_id: str) -> list[float]:
        s = self.session
        stack, out = [beat_id], []
        while stack:
            beat = s.beats[stack.pop()]
            if beat.children:
                stack.extend(beat.children)
            else:
                out.append(beat.score)
        return out

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if event.node.data is not None:
            close(self, event.node.data)

    def action_cancel(self) -> None:
        close(self, None)
