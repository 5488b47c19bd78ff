"""Re-export of the shared name tables (they belong to the story format in ``stories``)."""

from stories.constants import *  # noqa: F401,F403
from stories.constants import __all__  # noqa: F401
