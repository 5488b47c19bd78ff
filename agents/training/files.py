"""Archives written atomically: training checkpoints and saved policies.

Both are zip files. A **policy** (``policy.zip``) is a stable-baselines3 model archive (so
``MaskablePPO.load("policy.zip")`` works as usual) with one more entry, ``drama-policy.json``:
what it was trained for (story fingerprint and cast, or the generated-story padding), its
kind (``manager`` or ``characters``), algorithm, feature extractor, configuration and library
versions. A **checkpoint** (``checkpoints/ckpt-<steps>.zip``) holds ``meta.json`` (the same
record plus the step count), ``model.zip`` (the SB3 archive, optimiser included) and
``state.pkl`` (the environments' worlds and every random generator), so that ``--resume``
continues exactly where the checkpoint was taken.

Every file is written to a temporary file in the same folder, flushed to disk and renamed, so
a crash (even SIGKILL) leaves the previous file intact, never half of a new one.
"""

from __future__ import annotations

import io
import json
import platform
import zipfile
from pathlib import Path

from stories.errors import ModelError
from stories.files import remove_stale_temporaries, write_atomic  # noqa: F401 (re-exported)

POLICY_ENTRY = "drama-policy.json"
POLICY_FORMAT = "drama-policy"
POLICY_VERSION = 1
CHECKPOINT_FORMAT = "drama-train-checkpoint"
CHECKPOINT_VERSION = 1
LIBRARIES = ("numpy", "numba", "torch", "gymnasium", "pettingzoo", "stable-baselines3",
             "sb3-contrib", "drama-sim")


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries a run depends on (``"-"`` if missing)."""
    from importlib import metadata

    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` atomically and durably, creating the folder if needed."""
    write_atomic(Path(path), data, make_parents=True)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    """A zip archive (deflated) of ``{name: bytes}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sb3_bytes(model) -> bytes:
    """The stable-baselines3 archive of ``model`` as bytes."""
    buffer = io.BytesIO()
    model.save(buffer)
    return buffer.getvalue()


def policy_bytes(model, meta: dict) -> bytes:
    """``model``'s SB3 archive with ``drama-policy.json`` added."""
    buffer = io.BytesIO(sb3_bytes(model))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(POLICY_ENTRY, json.dumps(meta, indent=1, sort_keys=True))
    return buffer.getvalue()


def read_policy_meta(path: Path) -> dict:
    """The ``drama-policy.json`` record of a policy file; :class:`ModelError` if the file is
    missing, not a zip archive, or not a drama policy."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such policy file — give the policy.zip that "
                         "`drama train ... --out DIR` wrote (DIR/policy.zip)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if POLICY_ENTRY not in names:
                raise ModelError(f"{path}: not a drama policy (no {POLICY_ENTRY} inside) — "
                                 "give a policy.zip written by `drama train`")
            meta = json.loads(archive.read(POLICY_ENTRY).decode("utf-8"))
            if "data" not in names:
                raise ModelError(f"{path}: the policy archive has no model data — it is "
                                 "damaged; train it again or restore it from a checkpoint")
    except (zipfile.BadZipFile, OSError, EOFError, UnicodeDecodeError, ValueError) as error:
        raise ModelError(f"{path}: corrupt policy file ({error}) — train it again, or export "
                         "one from a checkpoint with `drama train ... --resume`") from None
    if not isinstance(meta, dict) or meta.get("format") != POLICY_FORMAT:
        raise ModelError(f"{path}: {POLICY_ENTRY} is not a drama policy record — give a "
                         "policy.zip written by `drama train`")
    if meta.get("version", 0) > POLICY_VERSION:
        raise ModelError(f"{path}: policy format version {meta.get('version')} is newer than "
                         f"this program reads ({POLICY_VERSION}) — upgrade drama-sim")
    return meta


def read_checkpoint(path: Path) -> tuple[dict, bytes, bytes, dict[str, bytes]]:
    """``(meta, model_zip, state_pickle, extras)`` of a checkpoint; :class:`ModelError` when
    it cannot be read."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            meta = json.loads(archive.read("meta.json").decode("utf-8"))
            model = archive.read("model.zip")
            state = archive.read("state.pkl")
            extras = {name: archive.read(name) for name in archive.namelist()
                      if name not in ("meta.json", "model.zip", "state.pkl")}
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as error:
        raise ModelError(f"{path}: unreadable checkpoint ({error})") from None
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise ModelError(f"{path}: not a drama training checkpoint")
    return meta, model, state, extras
