"""A PostgreSQL server of the test's own, on a port of its own, which the test may stop.

The shared server is never stopped: other tests use it at the same time.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    """initdb in a new temporary directory, started on a free loopback port, trust
    authentication. `remove()` deletes the directory."""

    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise FileNotFoundError("PostgreSQL's server programs (pg_ctl, initdb)")
        self.bin_dir = bin_dir
        # Not under pytest's tmp_path, which the postgres account may not enter.
        directory = Path(tempfile.mkdtemp(prefix="outage-pg-"))
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        # PostgreSQL refuses to run as root: as root, run it as the postgres account.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, "postgres")

    def _run(self, program: str, *args: str) -> None:
        result = subprocess.run(  # noqa: S603 — our own fixed arguments
            [*self.as_user, str(self.bin_dir / program), *args],
            capture_output=True, text=True, timeout=60, check=False,
        )
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    def start(self) -> None:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                      "--no-sync", "-E", "UTF8")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.directory / "log"),
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
                  " -c fsync=off", "start")

    def stop(self) -> None:
        """A fast shutdown: what a restart does to the connections it finds."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    def settings(self, template: dict) -> dict:
        return {**template, "NAME": "postgres", "USER": "postgres", "PASSWORD": "",
                "HOST": "127.0.0.1", "PORT": str(self.port)}

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)
