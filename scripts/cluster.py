"""Runs the assistant as a cluster on one machine: PostgreSQL, Redis, two Rasa instances, two action
servers and two API instances behind nginx, and stops them all together.

`python scripts/cluster.py` is what `make run-cluster` runs (Ctrl-C stops everything); the cluster
tests use `Cluster` to run the same processes on other ports with their own var/ directory.

    nginx 127.0.0.1:8000 (public) -> API 8001, 8002 -> Rasa 5005, 5006 (the gateway's round-robin)
    Rasa -> nginx 127.0.0.1:5055 -> action servers 5056, 5057 -> nginx 8000 (search, status)
    PostgreSQL: Rasa's tracker store (database "rasa") and the API's data (database "assistant")
    Redis: Rasa's lock store (db 1); the API's live events and rate-limit counters (db 0)

Every process is the same code `make run` starts; only the environment differs (see the README's
configuration table). Standard library only, like scripts/stack.py.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stack import API_PY, MODEL, ROOT, Stack, run_in_foreground

NGINX_CONF = """\
# Written by scripts/cluster.py on every start; edit the template there.
worker_processes 1;
daemon off;
pid {run}/nginx.pid;
error_log {log}/nginx.log warn;
events {{ worker_connections 2048; }}
http {{
    access_log off;
    # Bodies are held in memory (the API refuses anything over 64 KB with its own 413).
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    client_body_temp_path {run}/body;
    # Slow clients: each read of a request's head or body must come within 10 s (nginx counts the
    # gap between reads; the API's own deadlines, api/timeouts.py, are totals).
    client_header_timeout 10s;
    client_body_timeout 10s;
    # Live event streams open at once per client address, over both instances (each API instance
    # also caps its own: CA_EVENT_STREAMS_PER_ADDRESS).
    limit_conn_zone $binary_remote_addr zone=streams_per_address:1m;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    upstream api {{
{api_servers}
        keepalive 64;
    }}
    upstream actions {{
{action_servers}
        keepalive 64;
        # Below the action servers' own 5 s (Sanic): never reuse a connection they are closing.
        keepalive_timeout 2s;
    }}
    server {{
        listen 127.0.0.1:{public_port};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        # The API trusts this header from 127.0.0.1 only (CA_TRUSTED_PROXIES): per-address limits.
        proxy_set_header X-Forwarded-For $remote_addr;
        # Server-Sent Events (staff replies) must not wait in a buffer.
        proxy_buffering off;
        proxy_read_timeout 1h;
        # A refused connection moves the request to the other instance; a request an instance
        # already received is never sent twice (nginx does not retry POSTs once sent).
        proxy_next_upstream error timeout;
        location / {{
            proxy_pass http://api;
        }}
        # Metrics are per instance: Prometheus reads each API instance on its own port
        # (deploy/monitoring/prometheus-scrape.yaml); through here they would be any one of them.
        location = /metrics {{
            return 404;
        }}
        location ~ ^/api/conversations/[^/]+/events$ {{
            limit_conn streams_per_address {streams_per_address};
            limit_conn_status 429;
            error_page 429 = @too_many_streams;
            proxy_pass http://api;
        }}
        location @too_many_streams {{
            default_type application/json;
            return 429 '{{"detail": "Too many live chat connections from your address; close other chat tabs and try again in a minute."}}';
        }}
    }}
    server {{
        listen 127.0.0.1:{actions_port};
        location / {{
            proxy_pass http://actions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_next_upstream error timeout;
        }}
    }}
}}
"""


# Live event streams per client address at nginx: the API's default (CA_EVENT_STREAMS_PER_ADDRESS).
STREAMS_PER_ADDRESS = 10


def _postgres_bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make run-cluster` (it installs Debian's postgresql)")
    return Path(found[-1]).parent


def _as_postgres(*cmd: str) -> list[str]:
    # PostgreSQL refuses to run as root; Debian's package brings the `postgres` user.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


def _postgres_data_dir(cluster_dir: Path) -> Path:
    """var/cluster/postgres, when the `postgres` user can reach it.

    PostgreSQL runs as `postgres`, which cannot enter a checkout below a private folder (a home
    directory, pytest's temporary folders); its data then lives in /var/tmp, named after the checkout.
    """
    preferred = cluster_dir / "postgres"
    if os.geteuid() != 0:
        return preferred
    cluster_dir.mkdir(parents=True, exist_ok=True)
    reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(cluster_dir)]).returncode == 0
    if reachable:
        return preferred
    digest = hashlib.sha256(str(cluster_dir.resolve()).encode()).hexdigest()[:12]
    return Path("/var/tmp") / f"candidate-assistant-{digest}" / "postgres"


def _wait_port(port: int, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{what} did not open port {port} within {timeout:.0f} s")


@dataclass
class Cluster(Stack):
    api_ports: tuple[int, ...] = (8001, 8002)
    rasa_ports: tuple[int, ...] = (5005, 5006)
    action_ports: tuple[int, ...] = (5056, 5057)
    postgres_port: int = 5433
    redis_port: int = 6380

    def __post_init__(self) -> None:
        # api_port is the public port (nginx); actions_port the action servers' nginx front.
        self.cluster_dir = self.var_dir / "cluster"
        self.pg_data = _postgres_data_dir(self.cluster_dir)

    @property
    def database_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.postgres_port}/assistant"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def instance_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.api_ports[n]}"

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            {
                "CA_RASA_URL": ",".join(f"http://127.0.0.1:{p}" for p in self.rasa_ports),
                "CA_DATABASE_URL": self.database_url,
                "CA_REDIS_URL": self.redis_url,
                "CA_TRUSTED_PROXIES": '["127.0.0.1"]',
                # Several Rasa processes share the tracker store: no per-process cache, one lock.
                "CA_TRACKER_DIALECT": "postgresql",
                "CA_TRACKER_HOST": "127.0.0.1",
                "CA_TRACKER_PORT": str(self.postgres_port),
                "CA_TRACKER_DB": "rasa",
                "CA_TRACKER_USERNAME": "postgres",
                "CA_TRACKER_PASSWORD": "",
                "CA_TRACKER_CACHE_SIZE": "0",
                "CA_LOCK_STORE": "redis",
                "CA_LOCK_STORE_HOST": "127.0.0.1",
                "CA_LOCK_STORE_PORT": str(self.redis_port),
                "CA_LOCK_STORE_DB": "1",
            }
        )
        env.update(self.extra_env)
        return env

    def commands(self) -> dict[str, list[str]]:
        base = super().commands()
        cmds: dict[str, list[str]] = {
            # As the `postgres` user (run_as), without runuser in between: the postmaster itself gets
            # the supervisor's death signal.
            "postgres": [
                str(_postgres_bindir() / "postgres"),
                "-D",
                str(self.pg_data),
                "-p",
                str(self.postgres_port),
                "-k",
                str(self.pg_data),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ],
            "redis": [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--dir",
                str(self.cluster_dir / "redis"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
        }
        for n, port in enumerate(self.rasa_ports, 1):
            rasa = list(base["rasa"])
            rasa[rasa.index("--port") + 1] = str(port)
            cmds[f"rasa-{n}"] = rasa
        for n, port in enumerate(self.action_ports, 1):
            actions = list(base["actions"])
            actions[actions.index("--port") + 1] = str(port)
            cmds[f"actions-{n}"] = actions
        for n, port in enumerate(self.api_ports, 1):
            api = list(base["api"])
            api[api.index("--port") + 1] = str(port)
            cmds[f"api-{n}"] = api
        cmds["nginx"] = [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(self.cluster_dir / "nginx.conf")]
        return cmds

    def ports(self) -> dict[str, int]:
        ports = {"postgres": self.postgres_port, "redis": self.redis_port, "nginx": self.api_port}
        ports["nginx-actions"] = self.actions_port
        ports.update({f"rasa-{n}": p for n, p in enumerate(self.rasa_ports, 1)})
        ports.update({f"actions-{n}": p for n, p in enumerate(self.action_ports, 1)})
        ports.update({f"api-{n}": p for n, p in enumerate(self.api_ports, 1)})
        return ports

    def stop_signal(self, name: str) -> int:
        # PostgreSQL's SIGTERM (smart shutdown) waits for every client to leave, nginx' SIGQUIT for
        # every request (live events stay open an hour); SIGINT (fast) and SIGTERM end them at once.
        return signal.SIGINT if name == "postgres" else signal.SIGTERM

    def run_as(self, name: str) -> str | None:
        return "postgres" if name == "postgres" and os.geteuid() == 0 else None

    def prepare(self) -> None:
        """Creates the PostgreSQL cluster (once), Redis' folder and nginx' configuration."""
        for sub in ("redis", "nginx", "log"):
            (self.cluster_dir / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.cluster_dir / "nginx" / sub).mkdir(exist_ok=True)
        if not (self.pg_data / "PG_VERSION").exists():
            self.pg_data.mkdir(parents=True, exist_ok=True)
            (self.cluster_dir / "postgres-data").write_text(f"{self.pg_data}\n")  # where it went
            if os.geteuid() == 0:
                shutil.chown(self.pg_data, "postgres", "postgres")
            subprocess.run(
                _as_postgres(
                    str(_postgres_bindir() / "initdb"), "-D", str(self.pg_data), "-A", "trust", "-U", "postgres"
                ),
                check=True,
                capture_output=True,
            )
        upstream = "        server 127.0.0.1:{} max_fails=1 fail_timeout=2s;"
        (self.cluster_dir / "nginx.conf").write_text(
            NGINX_CONF.format(
                run=self.cluster_dir / "nginx",
                log=self.var_dir / "log",
                public_port=self.api_port,
                streams_per_address=STREAMS_PER_ADDRESS,
                actions_port=self.actions_port,
                api_servers="\n".join(upstream.format(p) for p in self.api_ports),
                action_servers="\n".join(upstream.format(p) for p in self.action_ports),
            )
        )

    def _wait_postgres_accepts(self, timeout: float = 30) -> None:
        """The port opens before PostgreSQL accepts sessions (recovery after an unclean stop)."""
        deadline = time.monotonic() + timeout
        ready = [str(_postgres_bindir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.postgres_port)]
        while subprocess.run(ready).returncode != 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL did not accept connections within {timeout:.0f} s")
            time.sleep(0.2)

    def _create_databases(self) -> None:
        psql = str(_postgres_bindir() / "psql")
        for name in ("rasa", "assistant"):
            exists = subprocess.run(
                [psql, "-h", "127.0.0.1", "-p", str(self.postgres_port), "-U", "postgres", "-tAc",
                 f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                check=True, capture_output=True, text=True,
            ).stdout.strip()  # fmt: skip
            if not exists:
                subprocess.run(
                    [psql, "-h", "127.0.0.1", "-p", str(self.postgres_port), "-U", "postgres", "-c",
                     f'CREATE DATABASE "{name}"'],
                    check=True, capture_output=True,
                )  # fmt: skip

    def start(self, only: list[str] | None = None) -> None:
        if only:  # restarting single processes (the fault tests)
            super().start(only)
            return
        if not MODEL.exists() and self.model == MODEL:
            raise RuntimeError("No trained model; run `make run-cluster` (it trains one).")
        self.check_ports()  # all of them, before PostgreSQL and Redis start
        self.prepare()
        super().start(["postgres", "redis"])
        _wait_port(self.postgres_port, "PostgreSQL")
        self._wait_postgres_accepts()
        _wait_port(self.redis_port, "Redis")
        self._create_databases()
        # Schema (Alembic) and the demo candidates, once, before the API instances start.
        subprocess.run(
            [str(API_PY), "-m", "api.status", "seed"], env=self.env(), cwd=ROOT, check=True, capture_output=True
        )
        super().start([n for n in self.commands() if n not in ("postgres", "redis")])

    def health_urls(self) -> list[str]:
        """Every API instance (each reports all Rasa instances) and nginx in front of them."""
        return [self.instance_url(n) for n in range(len(self.api_ports))] + [self.api_url]

    def stop(self, only: list[str] | None = None) -> None:
        if only:
            super().stop(only)
            return
        # The applications first, then the stores they write to.
        super().stop([n for n in self.procs if n not in ("postgres", "redis")])
        super().stop()

    def supervise(self, poll: float = 0.5, until: Callable[[], bool] | None = None) -> int:
        """Keeps the cluster up: an instance that stops is reported and started again, as an
        orchestrator would; the others serve meanwhile. A store or nginx stopping, or an instance
        stopping over and over, ends everything (returns 1)."""
        restarts: dict[str, list[float]] = {}
        while until is None or not until():
            time.sleep(poll)
            for name, proc in list(self.procs.items()):
                if proc.poll() is None:
                    continue
                log = self.var_dir / "log" / f"{name}.log"
                if name in ("postgres", "redis", "nginx"):
                    print(f"{name} stopped (exit {proc.returncode}); see {log}. Stopping the rest.", file=sys.stderr)
                    return 1
                recent = [t for t in restarts.get(name, []) if time.monotonic() - t < 60] + [time.monotonic()]
                restarts[name] = recent
                if len(recent) > 3:
                    print(f"{name} keeps stopping; see {log}. Stopping the rest.", file=sys.stderr)
                    return 1
                print(
                    f"{name} stopped (exit {proc.returncode}); the other instances serve; starting it again", flush=True
                )
                del self.procs[name]
                self.start(only=[name])
        return 0

    def remove_data(self) -> None:
        """Deletes the PostgreSQL data (tests): it may live outside var/ (see _postgres_data_dir)."""
        shutil.rmtree(self.pg_data, ignore_errors=True)
        if self.pg_data.parent.name.startswith("candidate-assistant-"):
            shutil.rmtree(self.pg_data.parent, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8000, help="public port (nginx)")
    args = parser.parse_args()
    cluster = Cluster(api_port=args.port)
    return run_in_foreground(
        cluster,
        "Starting PostgreSQL, Redis, 2 Rasa, 2 action servers, 2 APIs and nginx (logs in var/log/) ...",
        f"Ready: chat at {cluster.api_url}  (instances {', '.join(map(str, cluster.api_ports))}; Ctrl-C stops)\n"
        f"Metrics of each instance: {'  '.join(f'{cluster.instance_url(n)}/metrics' for n in range(len(cluster.api_ports)))}",
    )


if __name__ == "__main__":
    sys.exit(main())
