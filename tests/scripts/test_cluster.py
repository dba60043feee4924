"""scripts/cluster.py's supervision with its real PostgreSQL, Redis and nginx (Debian's packages,
installed by `make test`): they and their workers die with the supervisor, and a taken port stops the
start before any of them runs. The whole cluster is tested in tests/e2e/test_cluster.py."""

from __future__ import annotations

import os
import socket

import pytest

from tests.redis_server import free_port
from tests.scripts.supervised import (
    Cluster,
    _in_use,
    alive,
    describe,
    family,
    kill_all,
    start,
    still_running,
)


@pytest.mark.db
@pytest.mark.redis
@pytest.mark.system
def test_postgres_redis_and_nginx_die_with_a_supervisor_killed_hard(tmp_path):
    ports = [free_port() for _ in range(4)]  # PostgreSQL, Redis, nginx (public), nginx (actions)
    var = tmp_path / "var"
    stores = Cluster(var_dir=var, postgres_port=ports[0], redis_port=ports[1], api_port=ports[2])
    supervisor, _ = start("stores", var, ports, timeout=120)
    # PostgreSQL's backends and nginx' worker too, not only the processes the supervisor started.
    processes = family(supervisor.pid) - {supervisor.pid}
    started = {int((var / f"{name}.pid").read_text()) for name in ("postgres", "redis", "nginx")}
    try:
        # The started ones must be up; their children (PostgreSQL's backends and helpers) may come and go
        # between the snapshot and this check (a CI run caught one that had just exited).
        assert started < processes and all(alive(p) for p in started)
        supervisor.kill()
        supervisor.wait(timeout=10)
        left = still_running(processes, timeout=15)
        assert not left, f"outlived their supervisor:\n{describe(left)}"
        assert not any(_in_use(p) for p in ports)
    finally:
        kill_all(processes)
        stores.remove_data()


@pytest.mark.model  # scripts/cluster.py refuses to start without the trained model
def test_a_taken_port_stops_the_cluster_before_anything_starts(tmp_path):
    ports = {name: free_port() for name in ("postgres", "redis", "api", "actions", "instance")}
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        cluster = Cluster(
            var_dir=tmp_path / "var",
            api_port=held.getsockname()[1],  # nginx' public port, the last one the old start checked
            actions_port=ports["actions"],
            postgres_port=ports["postgres"],
            redis_port=ports["redis"],
            api_ports=(ports["instance"], free_port()),
            rasa_ports=(free_port(), free_port()),
            action_ports=(free_port(), free_port()),
        )
        try:
            with pytest.raises(RuntimeError) as caught:
                cluster.start()
            message = str(caught.value)
            assert f"port {cluster.api_port} (nginx) is already in use by pid {os.getpid()}" in message
            assert cluster.procs == {}  # PostgreSQL and Redis did not start
        finally:
            cluster.stop()
            cluster.remove_data()
