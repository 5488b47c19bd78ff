"""``ChoiceList``: the beats open to the player, numbered for the keys 1–9."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

NUMBERED = 9  # keys 1..9 choose the first nine


class ChoiceList(OptionList):
    """Numbered choices; choosing one (Enter, click or a number key) posts :class:`Chosen`."""

    class Chosen(Message):
        """The player chose the beat ``action``."""

        def __init__(self, action: int) -> None:
            super().__init__()
            self.action = action

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._actions: list[int] = []

    def set_choices(self, choices) -> None:
        """Show ``choices`` (``theater.tui.session.Choice`` items)."""
        self.clear_options()
        self._actions = [c.action for c in choices]
        options = []
        for k, choice in enumerate(choices, 1):
            key = f"{k:>2} " if k <= NUMBERED else "   "
            prompt = Text.assemble((key, "bold"), choice.label, no_wrap=True,
                                   overflow="ellipsis")
            options.append(Option(prompt, id=f"a{choice.action}"))
        self.add_options(options)
        if options:
            self.highlighted = 0

    @property
    def actions(self) -> list[int]:
        return list(self._actions)

    def choose_number(self, number: int) -> bool:
        """Choose the ``number``-th choice (1-based); False when there is none."""
        if 1 <= number <= min(NUMBERED, len(self._actions)):
            self.post_message(self.Chosen(self._actions[number - 1]))
            return True
        return False

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self._actions):
            self.post_message(self.Chosen(self._actions[event.option_index]))
