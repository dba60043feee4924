"""`python -m rasa_ext run ...`: Rasa's own command line (`python -m rasa`, the same arguments), in a
process where jax cannot be imported.

Why: TensorFlow 2.12 lists jax as a requirement, so pip installs it, yet only TensorFlow Lite's
converter uses it, behind `try: from jax import xla_computation / except ImportError`
(tensorflow/lite/python/util.py). `import tensorflow` reaches that line, so every Rasa process loaded
jax and its 190 MB XLA library for nothing: 107 MB more at the peak of a Rasa server holding our model
(762 against 655 MB, measured with the model loaded; docs/performance.md). Rasa's pipeline here has no
TensorFlow component, and nothing in Rasa or the action SDK imports jax.

A module set to None in `sys.modules` makes its import raise ImportError (Python's import system,
documented), which TensorFlow's own `except` then takes. This is not a patch: no Rasa or TensorFlow code
is replaced. It is still tied to what TensorFlow does with the ImportError, so it is only done for the
TensorFlow this was checked against (`CHECKED_TENSORFLOW`); with any other, jax is left importable and
Rasa runs as before. tests/rasa_ext/test_main.py checks that the model classifies the same with and
without jax.
"""

from __future__ import annotations

import sys
from importlib import metadata

CHECKED_TENSORFLOW = "2.12."
UNUSED = ("jax", "jaxlib")


def tensorflow_version() -> str | None:
    try:
        return metadata.version("tensorflow")
    except metadata.PackageNotFoundError:
        return None


def block_unused_imports(version: str | None = None) -> bool:
    """Make jax unimportable in this process, before anything imports TensorFlow; True if done."""
    version = tensorflow_version() if version is None else version
    if not version or not version.startswith(CHECKED_TENSORFLOW):
        return False
    if any(name in sys.modules and sys.modules[name] is not None for name in UNUSED):
        return False  # too late: already imported
    for name in UNUSED:
        sys.modules[name] = None  # type: ignore[assignment]
    return True


def main() -> None:
    block_unused_imports()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
