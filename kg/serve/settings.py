"""Settings of the SPARQL server, declared once with defaults and help; layered defaults < env < flags."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.settings import coerce_setting

ENV_PREFIX = "KG_"


def _setting(default: Any, help: str) -> Any:  # noqa: A002 - "help" reads best here
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class ServeSettings:
    """Everything `kg serve` can be told. Each field has a default and a help text."""

    host: str = _setting("127.0.0.1", "interface to bind; loopback unless deliberately exposed")
    port: int = _setting(8000, "TCP port")
    store: Path | None = _setting(Path("build/store"), "built pyoxigraph store directory (local backend)")
    endpoint: str | None = _setting(None, "external SPARQL endpoint URL (remote backend) instead of a store")
    remote_graph_prefix: str | None = _setting(
        None, "with --endpoint: IRI prefix of the project's graphs there (default: every non-system graph)")
    workers: int = _setting(2, "query worker processes (local backend); a runaway query holds one at most")
    timeout: float = _setting(30.0, "server-side query time limit in seconds; clients may ask for less")
    max_rows: int = _setting(10_000, "rows (or triples) returned at most; beyond it the result is truncated")
    max_query_chars: int = _setting(20_000, "longest query text accepted")
    max_request_bytes: int = _setting(256 * 1024, "largest request body accepted")
    service_allowlist: tuple[str, ...] = _setting(
        (), "hosts (host or host:port) that SERVICE may call; empty refuses every SERVICE")
    cache_entries: int = _setting(2048, "results kept in the in-memory cache (0 disables it)")
    cache_bytes: int = _setting(64 * 1024 * 1024, "memory the result cache may use")
    cache_max_age: int = _setting(300, "Cache-Control max-age in seconds for query results")
    queries_dir: Path = _setting(Path("queries"), "folder of example queries (*.rq) shown in the UI")
    templates_dir: Path = _setting(Path("site/templates"), "Jinja templates (sparql.html)")
    static_dir: Path = _setting(Path("site/static"), "static files served under /static (vendored YASGUI)")

    def __post_init__(self) -> None:
        if self.store is None and not self.endpoint:
            raise ConfigError("either a store directory or an --endpoint URL is needed")
        for name in ("workers", "max_rows", "max_query_chars", "max_request_bytes"):
            if getattr(self, name) < 1:
                raise ConfigError(f"setting {name} must be at least 1")
        if self.timeout <= 0:
            raise ConfigError("setting timeout must be positive")

    @classmethod
    def help(cls) -> dict[str, str]:
        """Field name → help text, for the CLI's option help."""
        return {f.name: f.metadata["help"] for f in dataclasses.fields(cls)}

    @classmethod
    def build(cls, env: dict[str, str] | None = None, **overrides: Any) -> ServeSettings:
        """Defaults, then ``KG_*`` environment variables, then explicit overrides (CLI flags).

        Overrides that are None are ignored, so a CLI can pass every option through unchanged.
        Unknown keys and values of the wrong type raise ConfigError.
        """
        env = os.environ if env is None else env
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for name, f in fields.items():
            raw = env.get(ENV_PREFIX + name.upper())
            if raw is not None:
                values[name] = _coerce(name, f.default, raw)
        for name, value in overrides.items():
            if name not in fields:
                raise ConfigError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = _coerce(name, fields[name].default, value)
        if values.get("endpoint") and "store" not in values:
            values["store"] = None  # an endpoint replaces the default store
        return cls(**values)


def _coerce(name: str, default: Any, value: Any) -> Any:
    """Convert a flag or environment value to the type of the field's default (the store may be unset)."""
    if name == "store" or name == "endpoint":
        return None if value is None else (Path(value) if name == "store" else str(value))
    return coerce_setting(name, value, default)


def serve_settings_from(settings: Any, **flags: Any) -> ServeSettings:
    """ServeSettings from the project's ``kg.settings.Settings`` plus `kg serve` flags (None = unset).

    ``flags`` may be ``host``, ``port``, ``store``, ``endpoint`` or any other ServeSettings field;
    ``--endpoint`` replaces the store, and the remote graphs default to those under ``{base}graph/``.
    """
    site = Path(settings.site_templates)
    values: dict[str, Any] = {
        "host": settings.host, "port": settings.port, "store": settings.store_path,
        "timeout": settings.query_timeout, "max_rows": settings.max_rows,
        "service_allowlist": settings.service_allowlist, "workers": settings.workers,
        "queries_dir": settings.queries, "templates_dir": site / "templates", "static_dir": site / "static",
        "remote_graph_prefix": settings.base.rstrip("/") + "/graph/",
    }
    values.update({k: v for k, v in flags.items() if v is not None})
    if flags.get("endpoint"):
        values["store"] = None
    return ServeSettings.build(env={}, **values)
