"""Child servers (uvicorn, Virtuoso, a static file server): a free port, waiting until one answers, stopping it."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from kg.errors import KgError


def free_port() -> int:
    """A port free on 127.0.0.1 right now (bind to port 0 and read it back)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_responds(url: str, proc: subprocess.Popen, seconds: float = 60.0,
                        why_exited: Callable[[], str] = lambda: "") -> None:
    """Poll ``url`` until it answers 2xx/3xx; raise KgError if the process exits or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise KgError(f"{proc.args[0]} exited with {proc.returncode} before {url} answered: {why_exited()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise KgError(f"{url} did not answer within {seconds:.0f} s")


def stop_process(proc: subprocess.Popen, seconds: float = 15.0) -> None:
    """Terminate, wait, and kill if it does not stop in time."""
    proc.terminate()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
