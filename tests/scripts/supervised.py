"""Supervisors for the supervision tests, run as their own process so a test can kill them hard:

    python tests/scripts/supervised.py listeners|stores|stack VAR_DIR PORT...

`listeners`: scripts/stack.py's Stack with three plain listening processes instead of Rasa, the
action server and the API; `stores`: scripts/cluster.py's PostgreSQL, Redis and nginx; `stack`: the
real Rasa, action server and API. Each runs the way `make run` does (run_in_foreground) and prints
"ready" when its ports are open. The helpers below find the processes and wait for them to go.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster, _wait_port  # noqa: E402

__all__ = ["Cluster", "Stack", "_in_use"]
from stack import API_PY, Stack, _in_use, run_in_foreground  # noqa: E402

# A process that only holds its port, as a server would.
LISTENER = (
    "import socket, sys, time\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', int(sys.argv[1])))\n"
    "s.listen()\n"
    "time.sleep(120)\n"
)


class Listeners(Stack):
    def commands(self) -> dict[str, list[str]]:
        return {name: [sys.executable, "-c", LISTENER, str(port)] for name, port in self.ports().items()}

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(_in_use(port) for port in self.ports().values()):
            if time.monotonic() > deadline:
                raise TimeoutError("the listeners did not open their ports")
            time.sleep(0.05)


class Stores(Cluster):
    """The cluster's PostgreSQL, Redis and nginx (in front of nothing), started as the cluster does."""

    def start(self, only: list[str] | None = None) -> None:
        self.prepare()
        super().start(only or ["postgres", "redis", "nginx"])

    def wait_ready(self, timeout: float = 60.0) -> None:
        for port in (self.postgres_port, self.redis_port, self.api_port, self.actions_port):
            _wait_port(port, "the stores", timeout)


def make(kind: str, var: Path, ports: list[int]) -> Stack:
    if kind == "listeners":
        return Listeners(api_port=ports[0], rasa_port=ports[1], actions_port=ports[2], var_dir=var)
    if kind == "stores":
        return Stores(
            var_dir=var, postgres_port=ports[0], redis_port=ports[1], api_port=ports[2], actions_port=ports[3]
        )
    (var / "models").symlink_to(ROOT / "var" / "models", target_is_directory=True)
    stack = Stack(api_port=ports[0], rasa_port=ports[1], actions_port=ports[2], var_dir=var)
    subprocess.run([str(API_PY), "-m", "api.status", "seed"], env=stack.env(), cwd=ROOT, check=True)
    return stack


def start(kind: str, var: Path, ports: list[int], timeout: float = 60) -> tuple[subprocess.Popen[bytes], Path]:
    """Starts a supervisor and waits until it says "ready"; returns it and its output file."""
    var = var.resolve()
    var.mkdir(parents=True, exist_ok=True)
    output = var / "supervisor.out"
    with open(output, "wb") as out:
        cmd = [sys.executable, __file__, kind, str(var), *map(str, ports)]
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while "ready" not in output.read_text().splitlines():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the supervisor did not get ready:\n{output.read_text()}")
        time.sleep(0.1)
    return proc, output


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its new parent to reap it holds nothing any more)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def family(pid: int) -> set[int]:
    """The process and all its descendants."""
    found = {pid}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found |= family(int(child))
    return found


def still_running(pids: set[int], timeout: float) -> set[int]:
    """The processes of `pids` still running after up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (running := {p for p in pids if alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    return running


def describe(pids: set[int]) -> str:
    lines = []
    for pid in sorted(pids):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            cmdline = "gone"
        lines.append(f"{pid}: {cmdline}")
    return "\n".join(lines)


def kill_all(pids: set[int]) -> None:
    """Cleans up after a failed test: what outlived the supervisor must not outlive the test."""
    for pid in pids:
        if alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    kind, var, ports = sys.argv[1], Path(sys.argv[2]), [int(p) for p in sys.argv[3:]]
    sys.exit(run_in_foreground(make(kind, var, ports), f"starting {kind}", "ready"))
