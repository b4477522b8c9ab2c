"""Servers the scale-out tests start for real: PostgreSQL from the distribution's packages.

`make postgres` installs them (Debian's `postgresql`); a test that needs the server skips, saying
so, where they are not installed. As root (CI), the server runs as the `postgres` user, which
initdb requires.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.cluster import free_port

POSTGRES_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str

    def dagster_storage(self) -> str:
        """The `storage:` section of a dagster.yaml that keeps the instance in this server."""
        return (
            "storage:\n"
            "  postgres:\n"
            "    postgres_db:\n"
            f"      username: {self.user}\n"
            f"      password: {self.password}\n"
            f"      hostname: {self.host}\n"
            f"      db_name: {self.database}\n"
            f"      port: {self.port}\n"
            # SQLAlchemy 2.1 reads postgresql:// as psycopg 3; dagster-postgres brings psycopg2.
            "      scheme: postgresql+psycopg2\n"
        )


def postgres_installed() -> bool:
    return bool(POSTGRES_BINARIES)


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster on loopback (trust authentication), removed on exit."""
    bin_dir = POSTGRES_BINARIES[-1].parent
    root = Path(tempfile.mkdtemp(prefix="jixiao-pg-", dir="/tmp"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    server = Postgres("127.0.0.1", port, "jixiao", "jixiao", "dagster")

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True)

    data = root / "data"
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", server.user, "--auth=trust")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200"
    run(
        str(bin_dir / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        options,
        "-l",
        str(root / "log"),
        "-w",
        "start",
    )
    try:
        run(
            str(bin_dir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            server.user,
            server.database,
        )
        yield server
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
