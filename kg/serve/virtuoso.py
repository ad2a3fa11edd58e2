"""Start and stop a throwaway Virtuoso on loopback with a temporary database (tests and benchmark)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KgError
from kg.processes import free_port, stop_process, wait_until_responds

VIRTUOSO_BINARY = "virtuoso-t"
DBA_PASSWORD = "dba"  # a fresh database's default; the instance listens on 127.0.0.1 only

# ResultSetMaxRows is raised far above the endpoint's own row cap: Virtuoso's default (10000) truncates
# silently, and the remote backend must see every row to signal truncation itself.
INI_TEMPLATE = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
MaxClientConnections = 20
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {db}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/vsp
MaxClientConnections = 20
ServerThreads = 20
MaxKeepAlives = 20
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = {timeout}
"""


@dataclass(frozen=True)
class VirtuosoInstance:
    """A running Virtuoso: its SPARQL endpoint, its authenticated endpoints and its isql port."""

    http_port: int
    isql_port: int
    workdir: Path

    @property
    def sparql_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store_url(self) -> str:
        """The Graph Store Protocol endpoint that accepts writes (HTTP digest auth as dba)."""
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    @property
    def user(self) -> str:
        return "dba"

    @property
    def password(self) -> str:
        return DBA_PASSWORD


def virtuoso_available() -> bool:
    """True when Debian's virtuoso-opensource binary is installed."""
    return shutil.which(VIRTUOSO_BINARY) is not None


def _write_ini(workdir: Path, http_port: int, isql_port: int, max_rows: int, timeout: int) -> Path:
    (workdir / "vsp").mkdir(parents=True, exist_ok=True)
    ini = workdir / "virtuoso.ini"
    ini.write_text(INI_TEMPLATE.format(db=workdir, isql_port=isql_port, http_port=http_port,
                                       buffers=170000, dirty_buffers=130000,
                                       max_rows=max_rows, timeout=timeout), encoding="utf-8")
    return ini


@contextmanager
def virtuoso_instance(workdir: Path, *, max_rows: int = 1_000_000, timeout: int = 120,
                      start_timeout: float = 90.0) -> Iterator[VirtuosoInstance]:
    """Run Virtuoso on 127.0.0.1 with a fresh database in ``workdir``; stop it on exit."""
    if not virtuoso_available():
        raise KgError("virtuoso-t not found: run scripts/install-system-deps.sh")
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    http_port, isql_port = free_port(), free_port()
    ini = _write_ini(workdir, http_port, isql_port, max_rows, timeout)
    log = workdir / "stdout.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([VIRTUOSO_BINARY, "+foreground", "+configfile", str(ini)],
                                cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    try:
        instance = VirtuosoInstance(http_port, isql_port, workdir)
        wait_until_responds(instance.sparql_url + "?query=ASK%7B%7D", proc, start_timeout,
                            why_exited=lambda: log.read_text(errors="replace")[-2000:])
        yield instance
    finally:
        stop_process(proc, 30)
