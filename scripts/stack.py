"""Starts Rasa, the action server and the API on loopback, and stops all three together.

`python scripts/stack.py` is what `make run` runs (Ctrl-C stops everything); the end-to-end
tests use `Stack` to run the same processes on other ports with their own var/ directory.
Standard library only, so it runs under either virtualenv.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
API_PY = ROOT / ".venv-api" / "bin" / "python"
MODEL = ROOT / "var" / "models" / "candidate-assistant.tar.gz"

sys.path.insert(0, str(ROOT))
from api.secret_files import kept_secret  # noqa: E402  (standard library only, like this script)


@dataclass
class Stack:
    api_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    var_dir: Path = ROOT / "var"
    knowledge_dir: Path = ROOT / "knowledge"
    model: Path = MODEL
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if not env.get("CA_SERVICE_TOKEN"):
            # The one the API's settings and the operator's commands read too (api/config.py).
            env["CA_SERVICE_TOKEN"] = kept_secret(self.var_dir, "service-token")
        tracker_db = self.var_dir / "rasa" / "tracker.db"
        env.update(
            {
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "TF_CPP_MIN_LOG_LEVEL": "2",
                # The checkout first; entries the caller set (e.g. the Makefile's libs/) are kept.
                "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH")))),
                "CA_VAR_DIR": str(self.var_dir),
                "CA_KNOWLEDGE_DIR": str(self.knowledge_dir),
                "CA_RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
                "CA_ACTION_SERVER_URL": f"http://127.0.0.1:{self.actions_port}",
                "CA_SERVICE_URL": self.api_url,
                "CA_ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
                "SANIC_HOST": "127.0.0.1",
                # Rasa's telemetry and error reports would try to reach the internet.
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        # The embedded default; scripts/cluster.py (or the operator's environment) sets PostgreSQL
        # and Redis instead. Rasa's endpoints.yml needs every variable set, if only to "".
        for key, default in {
            "CA_TRACKER_DIALECT": "sqlite",
            "CA_TRACKER_HOST": "",
            "CA_TRACKER_PORT": "",
            "CA_TRACKER_DB": str(tracker_db),
            "CA_TRACKER_USERNAME": "",
            "CA_TRACKER_PASSWORD": "",
            "CA_TRACKER_CACHE_SIZE": "5000",
            "CA_LOCK_STORE": "in_memory",
            "CA_LOCK_STORE_HOST": "127.0.0.1",
            "CA_LOCK_STORE_PORT": "6379",
            "CA_LOCK_STORE_DB": "1",
            "CA_LOCK_STORE_PASSWORD": "",
        }.items():
            env.setdefault(key, default)
        env.update(self.extra_env)
        return env

    def commands(self) -> dict[str, list[str]]:
        return {
            "rasa": [
                str(RASA_PY),
                "-m",
                # Rasa's own command line, without jax (rasa_ext/__main__.py).
                "rasa_ext",
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                "bot/endpoints.yml",
                "--credentials",
                "bot/credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.rasa_port),
            ],
            "actions": [str(RASA_PY), "-m", "actions", "--actions", "actions", "--port", str(self.actions_port)],
            "api": [
                str(API_PY),
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--no-access-log",
                # Longer than the idle time of kept-alive client connections (nginx keeps upstream
                # connections 60 s): a request sent on a connection the server is just closing fails.
                "--timeout-keep-alive",
                "75",
                # uvicorn would otherwise believe X-Forwarded-For from any local process; the API
                # reads it itself, from the peers in CA_TRUSTED_PROXIES only (api/ratelimit.py).
                "--no-proxy-headers",
                # uvicorn's httptools protocol with deadlines for a request's head and body (slow clients).
                "--http",
                "api.timeouts:DeadlineProtocol",
            ],
        }

    def ports(self) -> dict[str, int]:
        return {"rasa": self.rasa_port, "actions": self.actions_port, "api": self.api_port}

    def stop_signal(self, name: str) -> int:
        """The signal that makes `name` stop promptly and cleanly: stop() sends it first, and the
        kernel sends it when the supervisor dies without stopping anything (see _die_with_parent)."""
        return signal.SIGTERM

    def run_as(self, name: str) -> str | None:
        """The user `name` runs as, when not the supervisor's own (PostgreSQL refuses root)."""
        return None

    def check_ports(self, only: list[str] | None = None) -> None:
        """Refuses to start anything while one of the ports is taken, and says by what."""
        taken = [
            _port_taken_by(port, name, self.var_dir)
            for name, port in self.ports().items()
            if (not only or name in only) and _in_use(port)
        ]
        if taken:
            raise RuntimeError("Not starting anything:\n  " + "\n  ".join(taken))

    def start(self, only: list[str] | None = None) -> None:
        if threading.current_thread() is not threading.main_thread():
            # The kernel stops each process when the *thread* that started it ends (PR_SET_PDEATHSIG).
            raise RuntimeError("start the processes from the main thread: they stop when the starting thread ends")
        self.check_ports(only)
        env = self.env()
        logs = self.var_dir / "log"
        logs.mkdir(parents=True, exist_ok=True)
        (self.var_dir / "rasa").mkdir(parents=True, exist_ok=True)
        for name, cmd in self.commands().items():
            if only and name not in only:
                continue
            user = self.run_as(name)
            with open(logs / f"{name}.log", "ab") as out:
                # A process group each, so stopping also ends anything the process started; and each
                # one dies with this supervisor, however it ends (see _die_with_parent).
                self.procs[name] = subprocess.Popen(
                    cmd,
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    preexec_fn=_die_with_parent(self.stop_signal(name)),
                    user=user,
                    group=pwd.getpwnam(user).pw_gid if user else None,
                    extra_groups=[] if user else None,
                )
            (self.var_dir / f"{name}.pid").write_text(str(self.procs[name].pid))

    def health_urls(self) -> list[str]:
        return [self.api_url]

    def wait_ready(self, timeout: float = 300.0) -> None:
        """Waits until every URL of health_urls() answers GET /api/health with 200 (all parts ready)."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(
                        f"{name} exited with {proc.returncode}; see {self.var_dir / 'log' / (name + '.log')}"
                    )
            try:
                ready = 0
                for url in self.health_urls():
                    with urllib.request.urlopen(f"{url}/api/health", timeout=3) as resp:
                        # "ok (1 of 2 instances)": one Rasa instance of several is still starting.
                        ready += resp.status == 200 and "instances" not in resp.read().decode()
                if ready == len(self.health_urls()):
                    return
            except urllib.error.HTTPError as exc:
                last = exc.read().decode(errors="replace")
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.5)
        raise TimeoutError(f"not ready after {timeout:.0f} s: {last}")

    def stop(self, only: list[str] | None = None) -> None:
        for name, proc in list(self.procs.items()):
            if only and name not in only:
                continue
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, self.stop_signal(name))
        for name, proc in list(self.procs.items()):
            if only and name not in only:
                continue
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            (self.var_dir / f"{name}.pid").unlink(missing_ok=True)
            del self.procs[name]

    def supervise(self, poll: float = 0.5) -> int:
        """Returns 1 when a process stops by itself: one of each kind, nothing serves without it."""
        while all(p.poll() is None for p in self.procs.values()):
            time.sleep(poll)
        dead = [n for n, p in self.procs.items() if p.poll() is not None]
        print(
            f"{', '.join(dead)} stopped unexpectedly; see {self.var_dir / 'log'}. Stopping the rest.", file=sys.stderr
        )
        return 1


def _in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


# <linux/prctl.h>. The libc of this process, to ask the kernel for a parent-death signal.
PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent(signum: int) -> Callable[[], None] | None:
    """A preexec_fn that makes the kernel send the child `signum` when this supervisor ends, however
    it ends (SIGKILL, the OOM killer, a CI timeout): nothing is left holding the ports, and no
    watchdog process is needed. It runs in the child between fork and exec; the setting survives the
    exec (of a program that is not set-user-ID), and Popen changes the user (run_as) before calling it,
    which would otherwise clear it. Each process here stops its own workers when it gets the signal
    (PostgreSQL's and nginx' masters do; the Python servers run none). The signal comes when the
    *thread* that started the child ends, hence start() runs on the main thread only."""
    if _LIBC is None:
        return None  # not Linux: only stop() stops them
    prctl, parent = _LIBC.prctl, os.getpid()

    def arm() -> None:
        if prctl(PR_SET_PDEATHSIG, signum) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # the supervisor died between fork and prctl: no signal will come
            os._exit(1)

    return arm


def _port_taken_by(port: int, name: str, var_dir: Path) -> str:
    """Which process holds the port and what to do about it, from /proc (Linux; standard library)."""
    what = f"port {port} ({name}) is already in use"
    holders = _pids_with_socket_on(port)
    # nginx' master and workers share the socket: name the one the others descend from.
    top = [pid for pid in sorted(holders) if _ppid(pid) not in holders]
    if not top:
        return f"{what}, by a process not visible here: find it with `ss -ltnp 'sport = :{port}'`"
    pid, ppid = top[0], _ppid(top[0])
    held = f"{what} by pid {pid} ({_cmdline(pid)})"
    if ppid > 1 and {"stack.py", "cluster.py"} & {Path(arg).name for arg in _argv(ppid)}:
        return f"{held}, which a supervisor still running started (pid {ppid}: {_cmdline(ppid)}): stop that one first"
    pid_files = []
    for pid_file in sorted(var_dir.glob("*.pid")):
        with contextlib.suppress(OSError, ValueError):
            if int(pid_file.read_text()) == pid:
                pid_files.append(pid_file)
    if pid_files:
        return f"{held}, which an earlier run started ({pid_files[0]}) and which outlived it: `kill {pid}`"
    return f"{held}: stop it first"


def _pids_with_socket_on(port: int) -> set[int]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                fields = row.split()  # sl local_address rem_address st ... inode
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] != "0":
                    inodes.add(f"socket:[{fields[9]}]")
    pids: set[int] = set()
    if not inodes:
        return pids
    for fds in Path("/proc").glob("[0-9]*/fd"):
        with contextlib.suppress(OSError):  # gone meanwhile, or another user's (when not root)
            for fd in fds.iterdir():
                # One descriptor closed while they are read (a busy process: the test suite's own) is
                # skipped, not the whole process: the holder was once reported "not visible here".
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        pids.add(int(fds.parent.name))
                        break
    return pids


def _ppid(pid: int) -> int:
    try:  # the fields after the command name, which may itself hold spaces and parentheses
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _argv(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _cmdline(pid: int) -> str:
    cmd = " ".join(" ".join(_argv(pid)).split()) or "?"
    return cmd if len(cmd) <= 120 else cmd[:117] + "..."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("CA_PORT", "8000")))
    args = parser.parse_args()
    if not MODEL.exists():
        print("No trained model; run `make run` (it trains one).", file=sys.stderr)
        return 1
    stack = Stack(api_port=args.port)
    return run_in_foreground(
        stack,
        "Starting Rasa, the action server and the API (logs in var/log/) ...",
        f"Ready: chat at {stack.api_url}  (Ctrl-C stops everything)",
    )


def run_in_foreground(stack: Stack, starting: str, ready: str) -> int:
    """Starts the processes, supervises them until Ctrl-C (or SIGTERM), then stops them all."""

    def _stop(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    print(starting, flush=True)
    try:
        stack.start()
        stack.wait_ready()
        print(ready, flush=True)
        return stack.supervise()
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except (RuntimeError, TimeoutError, subprocess.CalledProcessError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
