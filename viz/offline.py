"""The app works with no internet: what Solara's front end would fetch from a CDN is answered here.

Solara's page script loads KaTeX (for LaTeX in Markdown) from its CDN path on
every page, whether or not the page has any mathematics; solara-assets does
not ship KaTeX, so each page load logged 404s and a script error. The app
shows no mathematics, so the three files are answered with empty stand-ins
(a style sheet, and AMD modules whose renderers leave the page as it is).
"""

from __future__ import annotations

KATEX = "/_solara/cdn/katex@0.16.9/dist/"
STUBS = {
    "katex.min.css": ("text/css", "/* KaTeX is not used by this app */\n"),
    "katex.min.js": ("application/javascript",
                     "define([], function () { return {render: function () {}, renderToString: function (s) "
                     "{ return String(s); }}; });\n"),
    "contrib/auto-render.min.js": ("application/javascript",
                                   "define([], function () { return function renderMathInElement() {}; });\n"),
}


def serve_katex_stub() -> None:
    """Answer KaTeX's CDN paths on Solara's server (once; nothing happens outside a server)."""
    try:
        import solara.server.starlette as server
        from starlette.responses import Response
        from starlette.routing import Route
    except ImportError:  # pragma: no cover - Solara's server is part of the pinned install
        return
    if any(getattr(r, "path", "") == KATEX + "{file:path}" for r in server.app.router.routes):
        return

    async def stub(request):
        kind, body = STUBS.get(request.path_params["file"], ("text/plain", ""))
        return Response(body, media_type=kind, status_code=200 if body else 404)

    server.app.router.routes.insert(0, Route(KATEX + "{file:path}", endpoint=stub))
