"""`make run`'s supervisor with the real Rasa, action server and API: killed hard (SIGKILL, as an OOM
kill or a CI timeout would), it leaves nothing running and no port taken for the next `make run`."""

from __future__ import annotations

from tests.redis_server import free_port
from tests.scripts.supervised import _in_use, alive, describe, family, kill_all, start, still_running


def test_the_real_stack_dies_with_its_supervisor(tmp_path):
    ports = [free_port() for _ in range(3)]  # API, Rasa, action server
    supervisor, _ = start("stack", tmp_path / "var", ports, timeout=300)
    processes = family(supervisor.pid) - {supervisor.pid}
    try:
        assert len(processes) >= 3 and all(alive(p) for p in processes)
        supervisor.kill()
        supervisor.wait(timeout=10)
        left = still_running(processes, timeout=20)
        assert not left, f"outlived their supervisor:\n{describe(left)}"
        assert not any(_in_use(p) for p in ports)
    finally:
        kill_all(processes)
