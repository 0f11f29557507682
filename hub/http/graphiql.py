"""GraphiQL, the in-browser IDE, served entirely by the app: the page and its vendored scripts
(hub/static/graphiql, see SOURCES.md there), so it works on machines without internet access."""

from __future__ import annotations

from collections.abc import Container
from functools import cache
from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parents[1] / "static"
ASSETS = STATIC / "graphiql"
MOUNT = "/static/graphiql"


# What strawberry's view renders the IDE for (strawberry.http.base.should_render_graphql_ide).
PAGE_MEDIA = ("text/html", "*/*")


def asks_for_page(method: str, params: Container[str], accept: str) -> bool:
    """Whether a request to /graphql asks for the GraphiQL page rather than for a result: a GET with
    no ``query`` (not even an empty one) and no ``extensions`` (an APQ GET names its query by hash),
    accepting HTML. The authentication middleware serves only such a request without credentials,
    and the view renders the page for exactly these (one rule, so the two cannot drift apart): a
    GET carrying a query is run as its caller, whatever it accepts."""
    return (method == "GET" and "query" not in params and "extensions" not in params
            and any(media in accept for media in PAGE_MEDIA))


@cache
def _template() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def page(root_path: str = "") -> str:
    """The GraphiQL page; ``root_path`` is the ASGI root path when the app is mounted under a prefix."""
    return _template().replace("{{static}}", root_path.rstrip("/") + MOUNT)


def assets_mount() -> Mount:
    """Serves the vendored scripts and styles (only mounted where the IDE is on)."""
    return Mount(MOUNT, app=StaticFiles(directory=ASSETS), name="graphiql")
