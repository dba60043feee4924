"""rasa_ext/__main__.py: Rasa's command line in a process where jax cannot be imported. TensorFlow
still imports, the trained model classifies and predicts exactly as with jax, and another TensorFlow
leaves jax alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.rasa_ext.conftest import MODEL
from tests.rasa_ext.model_walk import outcomes

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, timeout: float = 300) -> str:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def test_tensorflow_imports_without_jax_and_takes_the_import_error():
    out = _python(
        "import sys\n"
        "from rasa_ext.__main__ import block_unused_imports\n"
        "blocked = block_unused_imports()\n"
        "import tensorflow\n"
        "from tensorflow.lite.python import util\n"
        "print(blocked, sys.modules['jax'] is None, util._xla_computation is None)\n"
    )
    assert out == "True True True"


def test_without_the_block_tensorflow_loads_jax():
    # What the block saves: plain `import tensorflow` loads jax (this fails if TensorFlow stops doing so,
    # and the block is then worth nothing).
    assert _python("import sys, tensorflow\nprint('jax' in sys.modules and sys.modules['jax'] is not None)") == "True"


def test_the_model_gives_the_same_intents_and_actions_without_jax(agent):
    with_jax = outcomes(agent)
    out = _python(
        "import json, sys\n"
        "from rasa_ext.__main__ import block_unused_imports\n"
        "assert block_unused_imports()\n"
        "from rasa.core.agent import Agent\n"
        "from tests.rasa_ext.model_walk import outcomes\n"
        f"agent = Agent.load({str(MODEL)!r})\n"
        "assert sys.modules['jax'] is None\n"
        "print(json.dumps(outcomes(agent)))\n"
    )
    assert json.loads(out) == json.loads(json.dumps(with_jax))
    assert len({o[0][0][0] for o in with_jax}) >= 5


def test_another_tensorflow_leaves_jax_importable(monkeypatch):
    from rasa_ext import __main__ as launcher

    monkeypatch.setattr(sys, "modules", dict(sys.modules))  # restored after
    sys.modules.pop("jax", None)
    sys.modules.pop("jaxlib", None)
    assert launcher.block_unused_imports("2.13.1") is False
    assert launcher.block_unused_imports("") is False
    assert "jax" not in sys.modules
    assert launcher.block_unused_imports("2.12.0") is True
    assert sys.modules["jax"] is None and sys.modules["jaxlib"] is None


def test_once_jax_is_imported_it_is_left_alone(monkeypatch):
    from rasa_ext import __main__ as launcher

    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    sys.modules["jax"] = object()  # type: ignore[assignment]
    assert launcher.block_unused_imports("2.12.0") is False
    assert sys.modules["jax"] is not None


def test_the_command_line_is_rasas_own():
    done = subprocess.run(
        [sys.executable, "-m", "rasa_ext", "--version"],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Rasa Version      :         3.6.21" in done.stdout
