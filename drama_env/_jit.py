"""numba's ``njit`` when it is installed, else a no-op so the rules still run (slowly)."""

from __future__ import annotations

import os

try:  # pragma: no cover - depends on the install
    if os.environ.get("DRAMA_NO_JIT"):
        raise ImportError
    from numba import njit as _njit
    from numba import get_num_threads, prange

    def njit(*args, **kwargs):
        kwargs.setdefault("cache", True)
        kwargs.setdefault("nogil", True)
        return _njit(*args, **kwargs)

    def leaf(func):
        """Compile a function that allocates nothing without reference counting, so calls
        to it inline and cost nothing (a plain call costs more than a small function)."""
        return _njit(cache=True, nogil=True, _nrt=False)(func)

    def num_threads() -> int:
        """How many threads numba's parallel loops use."""
        return get_num_threads()

    JIT = True
except ImportError:  # pragma: no cover
    JIT = False
    prange = range

    def num_threads() -> int:
        return 1

    def njit(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda func: func

    def leaf(func):
        return func
