"""The planners' web app at ``/``: the checked-in build of web/ (hub/static/app), so running the hub
needs no Node.

``index.html`` is revalidated on every load (``no-cache``) and names its scripts, styles and font
by content hash under ``/assets/``, which are therefore cached for a year as ``immutable``: a new
build is picked up at the next load, and nothing stale is ever mixed with it. Both are public (the
authentication middleware lists ``PUBLIC_PATHS`` and ``ASSETS``): they are static files that run no
operation; the app asks /graphql with the key the user pastes.

The app's Content-Security-Policy is stricter than the hub's default (hub.http.headers, which
lets GraphiQL's inline script and styles run): everything from the hub's own origin, no inline
script or style, no ``data:`` URLs, no framing. The assets are sent gzipped to browsers that accept
it (the font, already compressed, gains nothing but costs little).
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from hub.http.graphiql import STATIC

BUILD = STATIC / "app"
INDEX = "/"
ASSETS = "/assets"
PUBLIC_PATHS = frozenset({INDEX})

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
])


def is_public(path: str) -> bool:
    """Whether ``path`` (relative to the root path) is one of the app's static files."""
    return path in PUBLIC_PATHS or path.startswith(ASSETS + "/")


async def index(request: Request) -> Response:
    return FileResponse(BUILD / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Cache-Control": NO_CACHE, "Content-Security-Policy": CONTENT_SECURITY_POLICY})


class HashedAssets(StaticFiles):
    """The build's hashed files: a name never changes content, so browsers keep them a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = IMMUTABLE
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        return response


def routes() -> list[BaseRoute]:
    # check_dir=False: a checkout without the build still starts (the assets then answer 404).
    # gzip for browsers that ask (all do): the map view's first load falls from ~1 MB (604 KB of
    # outlines, 336 KB of JavaScript) to ~0.3 MB, which counts on a province office's line.
    assets = HashedAssets(directory=BUILD / "assets", check_dir=False)
    return [Route(INDEX, index, methods=["GET", "HEAD"], name="app"),
            Mount(ASSETS, app=GZipMiddleware(assets, minimum_size=1024, compresslevel=6), name="app-assets")]
