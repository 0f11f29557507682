"""GraphiQL, the in-browser IDE, served entirely by the app: the page and its vendored scripts
(hub/static/graphiql, see SOURCES.md there), so it works on machines without internet access."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "static"
ASSETS = STATIC / "graphiql"
MOUNT = "/static/graphiql"


@cache
def _template() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def page(root_path: str = "") -> str:
    """The GraphiQL page; ``root_path`` is the ASGI root path when the app is mounted under a prefix."""
    return _template().replace("{{static}}", root_path.rstrip("/") + MOUNT)


def assets_mount() -> Mount:
    """Serves the vendored scripts and styles (only mounted where the IDE is on)."""
    return Mount(MOUNT, app=StaticFiles(directory=ASSETS), name="graphiql")
