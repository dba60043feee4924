"""scripts/stack.py's supervision: what it starts dies with it, however it ends, and it starts nothing
while one of its ports is taken, saying by what. Real processes and sockets; the servers are plain
listeners here (tests/e2e/test_supervisor_stack.py does the same with Rasa, the actions and the API).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.redis_server import free_port
from tests.scripts.supervised import (
    LISTENER,
    ROOT,
    Listeners,
    _in_use,
    alive,
    describe,
    family,
    kill_all,
    start,
    still_running,
)


def listeners(var: Path) -> Listeners:
    return Listeners(api_port=free_port(), rasa_port=free_port(), actions_port=free_port(), var_dir=var)


def pids_of(var: Path) -> set[int]:
    return {int((var / f"{name}.pid").read_text()) for name in ("api", "rasa", "actions")}


def test_the_processes_die_with_a_supervisor_killed_hard(tmp_path):
    ports = [free_port() for _ in range(3)]
    supervisor, _ = start("listeners", tmp_path, ports)
    children = pids_of(tmp_path)
    assert all(alive(p) for p in children)
    try:
        supervisor.kill()  # SIGKILL: what an OOM kill or a CI timeout does; no handler runs
        supervisor.wait(timeout=10)
        left = still_running(children, timeout=5)
        assert not left, f"outlived their supervisor:\n{describe(left)}"
        assert not any(_in_use(p) for p in ports)
    finally:
        kill_all(children)


def test_ctrl_c_or_sigterm_still_stops_everything_in_order(tmp_path):
    ports = [free_port() for _ in range(3)]
    supervisor, output = start("listeners", tmp_path, ports)
    children = pids_of(tmp_path)
    try:
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=20) == 0
        assert not still_running(children, timeout=1)
        assert not list(tmp_path.glob("*.pid"))  # nothing stale for the next start
        assert "Stopping" in output.read_text()
    finally:
        kill_all(children)


def test_a_taken_port_stops_the_start_and_names_its_holder(tmp_path):
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        stack = listeners(tmp_path)
        stack.rasa_port = held.getsockname()[1]
        with pytest.raises(RuntimeError) as caught:
            stack.start()
    message = str(caught.value)
    assert f"port {stack.rasa_port} (rasa)" in message
    assert f"pid {os.getpid()}" in message  # this test holds it
    assert f"port {stack.api_port}" not in message  # only the taken one
    assert stack.procs == {} and not list(tmp_path.glob("*.pid"))  # nothing started


def test_a_descriptor_closed_while_the_holder_is_looked_for_does_not_hide_it(tmp_path, monkeypatch):
    import stack as supervisor  # scripts/ is on the path (tests/scripts/supervised.py)

    real = os.readlink
    closed = {"first": True}

    def readlink(path, *args, **kwargs):
        # The first descriptor of this process read is gone by then, as in a busy test run.
        if closed["first"] and str(path).startswith(f"/proc/{os.getpid()}/fd/"):
            closed["first"] = False
            raise FileNotFoundError(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(supervisor.os, "readlink", readlink)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        assert os.getpid() in supervisor._pids_with_socket_on(held.getsockname()[1])
    assert not closed["first"]  # the closed descriptor was met


def test_a_process_an_earlier_run_left_behind_is_named_with_how_to_stop_it(tmp_path):
    port = free_port()
    leftover = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)])
    try:
        stack = listeners(tmp_path)
        stack.api_port = port
        while not _in_use(port):
            assert leftover.poll() is None
            time.sleep(0.05)
        (tmp_path / "api.pid").write_text(str(leftover.pid))  # as the earlier run wrote it
        with pytest.raises(RuntimeError) as caught:
            stack.start()
        message = str(caught.value)
        assert f"port {port} (api)" in message and f"pid {leftover.pid}" in message
        assert "earlier run" in message and f"`kill {leftover.pid}`" in message
        assert stack.procs == {}
    finally:
        leftover.kill()
        leftover.wait()


@pytest.mark.model  # scripts/stack.py refuses to start without the trained model
def test_make_run_says_which_port_is_taken_and_by_what(tmp_path):
    """The real entry point (`make run` runs scripts/stack.py): exits 1 and starts nothing."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        before = family(os.getpid())
        done = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "stack.py"), "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"port {port} (api) is already in use by pid {os.getpid()}" in done.stderr, done.stderr
    assert "Ready" not in done.stdout
    assert family(os.getpid()) == before  # no server left running (the finished run is reaped)


def test_processes_are_started_from_the_main_thread_only(tmp_path):
    """A process dies when the *thread* that started it ends: from a passing thread it would die at once."""
    stack = listeners(tmp_path)
    failed: list[BaseException] = []

    def start_here() -> None:
        try:
            stack.start()
        except RuntimeError as exc:
            failed.append(exc)

    t = threading.Thread(target=start_here)
    t.start()
    t.join(timeout=30)
    try:
        assert failed and "main thread" in str(failed[0])
    finally:
        stack.stop()


def test_a_port_held_for_a_supervisor_still_running_says_to_stop_that_one(tmp_path):
    """Another `make run` (any process running a file named stack.py or cluster.py) is still up."""
    port = free_port()
    other = tmp_path / "stack.py"
    other.write_text(
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', {LISTENER!r}, '{port}'])\n"
        "time.sleep(120)\n"
    )
    supervisor = subprocess.Popen([sys.executable, str(other)])
    try:
        deadline = time.monotonic() + 20
        while not _in_use(port):
            assert time.monotonic() < deadline and supervisor.poll() is None
            time.sleep(0.05)
        stack = listeners(tmp_path)
        stack.actions_port = port
        with pytest.raises(RuntimeError) as caught:
            stack.start()
        message = str(caught.value)
        assert f"port {port} (actions) is already in use by pid" in message
        assert f"a supervisor still running started (pid {supervisor.pid}:" in message
        assert "stop that one first" in message
    finally:
        children = family(supervisor.pid)
        kill_all(children)
        supervisor.wait()
