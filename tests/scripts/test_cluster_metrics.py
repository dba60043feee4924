"""`make run-cluster` exposes each API instance's /metrics on the instance's own port; nginx, in front
of the instances, does not pass /metrics on (it would answer for whichever instance it picked)."""

from __future__ import annotations

import httpx
import pytest

from tests.redis_server import free_port
from tests.scripts.supervised import Cluster, family, kill_all, start


@pytest.mark.db
@pytest.mark.redis
@pytest.mark.system
def test_nginx_answers_404_for_metrics_and_passes_everything_else_on(tmp_path):
    ports = [free_port() for _ in range(4)]  # PostgreSQL, Redis, nginx (public), nginx (actions)
    var = tmp_path / "var"
    stores = Cluster(var_dir=var, postgres_port=ports[0], redis_port=ports[1], api_port=ports[2])
    supervisor, _ = start("stores", var, ports, timeout=120)
    processes = family(supervisor.pid)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{ports[2]}", timeout=10) as http:
            assert http.get("/metrics").status_code == 404
            # No API instance runs behind this nginx: anything else is passed on, and fails there.
            assert http.get("/api/health").status_code == 502
    finally:
        supervisor.kill()
        supervisor.wait(timeout=10)
        kill_all(processes)
        stores.remove_data()
