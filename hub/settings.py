"""Settings, read from ``HUB_*`` environment variables (one place, no globals).

``HUB_ENV=production`` turns the safe defaults on: GraphiQL and introspection off, HSTS on.
Any of them can still be set explicitly."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from graph_model.errors import FieldError, ValidationFailed

STORES = ("embedded", "neo4j")
_ON, _OFF = ("1", "on", "true", "yes"), ("0", "off", "false", "no")
_ZERO_ALLOWED = ("HUB_RATE_LIMIT", "HUB_EXECUTING")  # numbers whose 0 means off


@dataclass(frozen=True)
class Limits:
    """What one request may ask for; every limit is checked before any store work."""

    depth: int = 12  # HUB_MAX_DEPTH: nesting of selections
    aliases: int = 30  # HUB_MAX_ALIASES: aliased fields in one operation
    tokens: int = 4000  # HUB_MAX_TOKENS: lexical tokens of the document
    cost: int = 100_000  # HUB_MAX_COST: estimated items (connection sizes multiplied through nesting)
    page: int = 100  # HUB_MAX_PAGE: largest `first` / `last`
    body_bytes: int = 1_048_576  # HUB_MAX_BODY_BYTES: request body
    rate_per_minute: int = 600  # HUB_RATE_LIMIT: requests per minute per key (0: no limit)
    rate_burst: int = 60  # HUB_RATE_BURST: requests a key may send at once
    # HUB_MAX_LIST: items in any one list-valued argument or input field (ids, filter lists, what-if
    # changes, nested lists), checked before the operation runs; every item counts 1 in the cost
    list_items: int = 100
    # HUB_MAX_CONCURRENT_ANALYTICS: operations with an analytics field (networks, coverage, 3W,
    # suggestions: hub.execution.weights) one key may run at once; one more is refused
    # LIMIT_EXCEEDED at once (hub.execution.concurrency)
    concurrent_analytics: int = 2
    # HUB_UPLOAD_MAX_BYTES: a file uploaded to the `importFile` mutation (multipart/form-data on POST
    # /graphql, hub.http.uploads); such a body may be this plus HUB_MAX_BODY_BYTES for its JSON parts
    upload_bytes: int = 52_428_800


@dataclass(frozen=True)
class Settings:
    store: str = "embedded"  # HUB_STORE: embedded | neo4j
    data_dir: Path = Path(".hub")  # HUB_DATA_DIR: the embedded server's folder
    graph: str = "hub"  # HUB_GRAPH: graph name inside the embedded server
    neo4j_uri: str = "neo4j://localhost:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    # HUB_STATEMENT_TIMEOUT_MS: per store statement; a longer one is stopped (a write rolled
    # back) with the error STATEMENT_TIMEOUT.
    statement_timeout_ms: int = 30_000
    # HUB_FSYNC: the embedded server's appendfsync (always | everysec | no). "always": a write
    # is in the append-only file and fsynced before it is acknowledged, so every acknowledged
    # write survives a kill -9 of the database process, an OS crash and a power cut. "everysec"
    # usually survives a kill -9 too (the write(2) reached the page cache before the reply), but
    # not always: while a slow background fsync runs, redis postpones that write(2) for up to 2 s
    # and still replies; and a power cut loses the last second. The cost of "always" (one fsync
    # per event-loop turn, shared by concurrent writes): ~0.6 ms more per write at p50, 1.2 ms
    # instead of 0.6 (benchmarks/README.md); the hub's writes (people editing) never feel it.
    fsync: str = "always"
    env: str = "development"  # HUB_ENV: development | production
    # -- trust ---------------------------------------------------------------------------
    anonymous: bool = False  # HUB_ANONYMOUS: requests without credentials run as the anonymous role
    jwt_key: str = ""  # HUB_JWT_KEY: HS256 secret or RS256 public key (PEM); empty: JWTs refused
    jwt_algorithm: str = "HS256"  # HUB_JWT_ALGORITHM: HS256 | RS256
    jwt_issuer: str = ""  # HUB_JWT_ISSUER: required `iss`
    jwt_audience: str = ""  # HUB_JWT_AUDIENCE: required `aud`
    # HUB_TRUSTED_PROXIES: comma-separated addresses or networks (10.0.0.0/8) of reverse proxies whose
    # X-Forwarded-For is believed (hub.http.rate_limit.client_address); default none: the peer's address
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    privacy_k: int = 5  # HUB_PRIVACY_K: aggregates over fewer individual donors are suppressed
    # HUB_DISCLOSURE_WAIT_MS: how long a request waits for the complementary-suppression pattern of
    # the graph as it is (graph_model.donation_disclosure); past it, the figures it protects are
    # withheld from that request while the pattern is computed in the background.
    disclosure_wait_ms: int = 500
    # HUB_CURSOR_KEY: the secret list cursors are sealed with (hub.execution.cursors); empty: a random key
    # per process, so cursors end with it. Set it when running several workers or to keep cursors over a restart.
    cursor_key: str = ""
    key_cache_seconds: float = 5.0  # HUB_KEY_CACHE_SECONDS: how long a looked-up API key is trusted
    limits: Limits = Limits()
    allowlist: bool = False  # HUB_ALLOWLIST: only registered operations run
    cors_origins: tuple[str, ...] = ()  # HUB_CORS_ORIGINS: comma-separated allowed origins
    introspection: bool | None = None  # HUB_INTROSPECTION; None: on unless production
    graphiql: bool | None = None  # HUB_GRAPHIQL; None: on unless production
    # HUB_COMPILED: queries' objects completed by compiled plans (hub.execution.compiled); 0: by graphql-core
    # field by field, as before (the same answers, slower: for comparison and as a way out)
    compiled: bool = True
    # HUB_FUSED_READS: a request's reads made together sent as one statement (graph_model.stores.fused);
    # 0: each on its own (the same answers, more round trips)
    fused_reads: bool = True
    # HUB_PREPARED: a query text that ran once is answered again straight through graphql-core, without
    # strawberry's view and Schema.execute around it (hub.http.prepared); 0: always through them (the same answers)
    prepared: bool = True
    # HUB_AHEAD: a prepared query's first reads sent to the store as the request arrives, as its first request
    # of the same text and rights made them (hub.execution.ahead); 0: when its resolvers ask (the same answers)
    ahead: bool = True
    # HUB_DIRECT: a query of one object by key answered straight from the rows of its reads sent ahead, where
    # hub.execution.direct covers it; 0: through graphql-core and the compiled plans (the same answers)
    direct: bool = True
    # HUB_EXECUTING: how many prepared queries execute at once; the others wait their turn
    # (hub.execution.turns); 0: no turns
    executing: int = 4

    def __post_init__(self) -> None:
        # Refused at start-up however the settings are made (from the environment or in code).
        if (problem := jwt_key_problem(self.jwt_key, self.jwt_algorithm)) is not None:
            raise ValidationFailed("invalid settings", [FieldError("HUB_JWT_KEY", problem)])

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_on(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @property
    def graphiql_on(self) -> bool:
        return (not self.production) if self.graphiql is None else self.graphiql

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        errors: list[FieldError] = []

        def number(name: str, default: int) -> int:  # 0 only where it means off
            raw = env.get(name, str(default)).strip()
            if not raw.isdigit() or (int(raw) <= 0 and name not in _ZERO_ALLOWED):
                errors.append(FieldError(name, f"{raw!r} is not a positive integer"))
                return default
            return int(raw)

        def switch(name: str, default: bool | None) -> bool | None:
            raw = env.get(name)
            if raw is None or raw.strip() == "":
                return default
            if raw.strip().lower() in _ON:
                return True
            if raw.strip().lower() in _OFF:
                return False
            errors.append(FieldError(name, f"{raw!r} is not on or off"))
            return default

        base = Limits()
        limits = Limits(
            depth=number("HUB_MAX_DEPTH", base.depth), aliases=number("HUB_MAX_ALIASES", base.aliases),
            tokens=number("HUB_MAX_TOKENS", base.tokens), cost=number("HUB_MAX_COST", base.cost),
            page=number("HUB_MAX_PAGE", base.page), body_bytes=number("HUB_MAX_BODY_BYTES", base.body_bytes),
            rate_per_minute=number("HUB_RATE_LIMIT", base.rate_per_minute),
            rate_burst=number("HUB_RATE_BURST", base.rate_burst),
            list_items=number("HUB_MAX_LIST", base.list_items),
            concurrent_analytics=number("HUB_MAX_CONCURRENT_ANALYTICS", base.concurrent_analytics),
            upload_bytes=number("HUB_UPLOAD_MAX_BYTES", base.upload_bytes))
        cache_seconds = env.get("HUB_KEY_CACHE_SECONDS", "5")
        try:
            key_cache = float(cache_seconds)
        except ValueError:
            errors.append(FieldError("HUB_KEY_CACHE_SECONDS", f"{cache_seconds!r} is not a number of seconds"))
            key_cache = 5.0
        proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for proxy in (p.strip() for p in env.get("HUB_TRUSTED_PROXIES", "").split(",") if p.strip()):
            try:
                proxies.append(ipaddress.ip_network(proxy, strict=False))
            except ValueError:
                errors.append(FieldError("HUB_TRUSTED_PROXIES", f"{proxy!r} is not an address or network"))
        settings = cls(
            store=env.get("HUB_STORE", "embedded").strip().lower(),
            data_dir=Path(env.get("HUB_DATA_DIR", ".hub")),
            graph=env.get("HUB_GRAPH", "hub"),
            neo4j_uri=env.get("HUB_NEO4J_URI", cls.neo4j_uri),
            neo4j_user=env.get("HUB_NEO4J_USER", cls.neo4j_user),
            neo4j_password=env.get("HUB_NEO4J_PASSWORD", ""),
            neo4j_database=env.get("HUB_NEO4J_DATABASE", cls.neo4j_database),
            statement_timeout_ms=number("HUB_STATEMENT_TIMEOUT_MS", 30_000),
            fsync=env.get("HUB_FSYNC", "always"),
            env=env.get("HUB_ENV", "development").strip().lower(),
            anonymous=bool(switch("HUB_ANONYMOUS", False)),
            jwt_key=env.get("HUB_JWT_KEY", ""),
            jwt_algorithm=env.get("HUB_JWT_ALGORITHM", "HS256").strip().upper(),
            jwt_issuer=env.get("HUB_JWT_ISSUER", ""),
            jwt_audience=env.get("HUB_JWT_AUDIENCE", ""),
            trusted_proxies=tuple(proxies),
            privacy_k=number("HUB_PRIVACY_K", 5),
            disclosure_wait_ms=number("HUB_DISCLOSURE_WAIT_MS", 500),
            cursor_key=env.get("HUB_CURSOR_KEY", ""),
            key_cache_seconds=key_cache,
            limits=limits,
            allowlist=bool(switch("HUB_ALLOWLIST", False)),
            cors_origins=tuple(o.strip() for o in env.get("HUB_CORS_ORIGINS", "").split(",") if o.strip()),
            introspection=switch("HUB_INTROSPECTION", None),
            graphiql=switch("HUB_GRAPHIQL", None),
            compiled=bool(switch("HUB_COMPILED", True)),
            fused_reads=bool(switch("HUB_FUSED_READS", True)),
            prepared=bool(switch("HUB_PREPARED", True)),
            ahead=bool(switch("HUB_AHEAD", True)),
            direct=bool(switch("HUB_DIRECT", True)),
            executing=number("HUB_EXECUTING", 4),
        )
        settings = replace(settings, **overrides) if overrides else settings
        if settings.store not in STORES:
            errors.append(FieldError("HUB_STORE", f"{settings.store!r} is not one of {', '.join(STORES)}"))
        if settings.fsync not in ("always", "everysec", "no"):
            errors.append(FieldError("HUB_FSYNC", f"{settings.fsync!r} is not always, everysec or no"))
        if settings.env not in ("development", "production"):
            errors.append(FieldError("HUB_ENV", f"{settings.env!r} is not development or production"))
        if settings.jwt_algorithm not in ("HS256", "RS256"):
            errors.append(FieldError("HUB_JWT_ALGORITHM", f"{settings.jwt_algorithm!r} is not HS256 or RS256"))
        if errors:
            raise ValidationFailed("invalid settings", errors)
        return settings


# RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output, 256 bits.
MIN_HS256_KEY_BYTES = 32


def jwt_key_problem(key: str, algorithm: str) -> str | None:
    """Why ``key`` cannot sign ``algorithm`` tokens safely (None when it can, or when JWTs are off)."""
    if key and algorithm == "HS256" and len(key.encode("utf-8")) < MIN_HS256_KEY_BYTES:
        return (f"an HS256 key must be at least {MIN_HS256_KEY_BYTES} bytes (this one has "
                f"{len(key.encode('utf-8'))}): a short secret can be guessed offline from any token it signed; "
                "generate one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`")
    return None
