"""Settings, declared once: defaults < kg.toml < KG_* environment variables < command-line flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from kg.errors import ConfigError
from kg.vocab import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Every setting of kg, with its default; `help` metadata documents it for `kg --help`."""

    base: str = DEFAULT_BASE  # base IRI of instance data; the server answers under it
    corpus: Path = PROJECT_ROOT / "corpus"  # folder of source documents
    build: Path = PROJECT_ROOT / "build"  # output folder (swapped in whole)
    ontology: Path = PROJECT_ROOT / "ontology"
    shapes: Path = PROJECT_ROOT / "shapes"
    queries: Path = PROJECT_ROOT / "queries"
    site_templates: Path = PROJECT_ROOT / "site"
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 10.0  # seconds a query may run on the server
    max_rows: int = 10000  # rows returned before results are truncated (and say so)
    service_allowlist: tuple[str, ...] = ()  # hosts a SERVICE clause may reach
    workers: int = 2
    # RDF alternates `kg site` writes beside each entity page (file suffixes). Turtle alone by default: the
    # server answers every format from the store and the dumps hold every format; each further format is
    # another file per entity (400,000 more for a year of the whole country).
    site_rdf: tuple[str, ...] = ("ttl",)

    @property
    def store_path(self) -> Path:
        return self.build / "store"


def coerce_setting(name: str, value: Any, default: Any) -> Any:
    """Convert a file, environment or flag value to the type of the setting's default."""
    try:
        if isinstance(default, Path):
            return Path(value)
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            return tuple(value) if isinstance(value, list | tuple) else tuple(
                v.strip() for v in str(value).split(",") if v.strip())
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"setting {name}: {value!r} is not a valid {type(default).__name__}") from None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Layer the sources; unknown keys and wrong types raise ConfigError at once."""
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    layers: dict[str, Any] = {}
    config_file = config_file or (Path("kg.toml") if Path("kg.toml").is_file() else None)
    if config_file is not None:
        try:
            layers.update(tomllib.loads(config_file.read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{config_file}: {error}") from None
    for key, value in os.environ.items():
        if key.startswith("KG_") and key[3:].lower() in known:
            layers[key[3:].lower()] = value
    layers.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(layers) - set(known)
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    return replace(defaults, **{k: coerce_setting(k, v, known[k]) for k, v in layers.items()})
