"""Settings, read from ``HUB_*`` environment variables (one place, no globals)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from graph_model.errors import FieldError, ValidationFailed

STORES = ("embedded", "neo4j")


@dataclass(frozen=True)
class Settings:
    store: str = "embedded"  # HUB_STORE: embedded | neo4j
    data_dir: Path = Path(".hub")  # HUB_DATA_DIR: the embedded server's folder
    graph: str = "hub"  # HUB_GRAPH: graph name inside the embedded server
    neo4j_uri: str = "neo4j://localhost:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    statement_timeout_ms: int = 30_000  # HUB_STATEMENT_TIMEOUT_MS: per store statement
    # everysec: at most one second of acknowledged writes lost on a power cut; "always"
    # fsyncs every write (safer, slower). HUB_FSYNC.
    fsync: str = "everysec"
    env: str = "development"  # HUB_ENV: development | production

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        errors: list[FieldError] = []
        timeout = env.get("HUB_STATEMENT_TIMEOUT_MS", "30000")
        if not timeout.isdigit() or int(timeout) <= 0:
            errors.append(FieldError("HUB_STATEMENT_TIMEOUT_MS", f"{timeout!r} is not a positive integer"))
            timeout = "30000"
        settings = cls(
            store=env.get("HUB_STORE", "embedded").strip().lower(),
            data_dir=Path(env.get("HUB_DATA_DIR", ".hub")),
            graph=env.get("HUB_GRAPH", "hub"),
            neo4j_uri=env.get("HUB_NEO4J_URI", cls.neo4j_uri),
            neo4j_user=env.get("HUB_NEO4J_USER", cls.neo4j_user),
            neo4j_password=env.get("HUB_NEO4J_PASSWORD", ""),
            neo4j_database=env.get("HUB_NEO4J_DATABASE", cls.neo4j_database),
            statement_timeout_ms=int(timeout),
            fsync=env.get("HUB_FSYNC", "everysec"),
            env=env.get("HUB_ENV", "development"),
        )
        settings = replace(settings, **overrides) if overrides else settings
        if settings.store not in STORES:
            errors.append(FieldError("HUB_STORE", f"{settings.store!r} is not one of {', '.join(STORES)}"))
        if settings.fsync not in ("always", "everysec", "no"):
            errors.append(FieldError("HUB_FSYNC", f"{settings.fsync!r} is not always, everysec or no"))
        if errors:
            raise ValidationFailed("invalid settings", errors)
        return settings
