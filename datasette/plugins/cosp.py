"""Thin Datasette wiring for cosp-tracker: page routes and cell rendering.

The logic lives in ``pipelines.publish`` (pages: ``site``, ``entities``; links: ``pagekit``; server: ``hooks``);
this file only adapts it to Datasette's hooks.
"""
import re

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from pipelines.publish import entities, home, hooks, news, pagekit, resolutions, site
from pipelines.publish import redline as redline_pages
from pipelines.publish.versions import versions_page


@hookimpl
def startup(datasette):
    hooks.settle_heap()


@hookimpl
def prepare_connection(conn):
    hooks.bound_connection(conn)


@hookimpl
def handle_exception(datasette, request, exception):
    return hooks.error_response(datasette, request, exception)


def _replace_default_error_handler():
    """Datasette runs every handle_exception hook; its own prints a traceback with locals through
    rich for each 404 (and fails on some, answering 500), so ours replaces it."""
    from datasette.plugins import pm

    if pm.get_plugin("datasette.handle_exception") is not None:
        pm.unregister(name="datasette.handle_exception")


_replace_default_error_handler()


def _replace_default_permissions():
    """Datasette's default permission plugin merges the whole metadata, copied, for every table
    on every page (twice per table on the database page: 70 ms of its 110); the published
    metadata holds no ``allow`` block (tests check it), so its only rules are these two."""
    from datasette.plugins import pm

    if pm.get_plugin("datasette.default_permissions") is not None:
        pm.unregister(name="datasette.default_permissions")


_replace_default_permissions()


@hookimpl
def permission_allowed(actor, action, resource):
    if action in ("permissions-debug", "debug-menu"):
        return bool(actor and actor.get("id") == "root") or None
    if action == "view-database" and resource == "_internal" and not (actor and actor.get("id") == "root"):
        return False
    if action == "view-table" and isinstance(resource, tuple) and hooks.is_index_internal(resource[1]):
        return False  # the search index's own tables: no page of theirs answers anything a reader asks
    return None


@hookimpl
def asgi_wrapper(datasette):
    """Before each request: if a rebuild replaced the database file, serve the new one."""
    def wrap(app):
        async def reopening(scope, receive, send):
            if scope.get("type") == "http":
                hooks.reopen_if_rebuilt(datasette)
            await app(scope, receive, send)
        return reopening
    return wrap


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    raw = value.get("value") if isinstance(value, dict) else value  # a foreign key Datasette expanded
    if isinstance(raw, str) and (column in ("document", "documents") or "#" in raw) and table != "documents":
        async def named():  # a document shows by its name (symbol, or short title and date), not its file's
            return site.render_cell(raw, column, table, row, await _document_names(datasette))
        return named
    return site.render_cell(value, column, table, row)


@hookimpl
def extra_template_vars(datasette):
    async def names():  # for a table's row-key column (``_table.html``): "CAC/COSP/WG.2/2018/5#3", not a file's hash
        return {"document_names": await _document_names(datasette)}
    return names


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["tilde"] = pagekit.tilde_encode  # Datasette's row-key encoding ("8/9" -> "8~2F9")
    env.filters["named_keys"] = site.named_keys
    env.filters["named_id"] = site.named_id


async def _document_names(datasette) -> dict:
    """Every document's readable name by id, read once per opened database file (a rebuild
    opens a new Database object, and so a new map)."""
    db = _db(datasette)
    names = getattr(db, "_cosp_names", None)
    if names is None:
        try:
            names = {r[0]: r[1] for r in (await db.execute("select id, name from documents")).rows}
        except Exception:  # a database built before documents had names
            names = {}
        db._cosp_names = names
    return names


def _db(datasette):
    return next(d for n, d in datasette.databases.items() if n != "_internal")


async def _page(datasette, request, template, fn, *args):
    data = await _db(datasette).execute_fn(lambda conn: fn(conn, *args))
    if data is None:
        raise NotFound("Nothing here: build the database from documents that hold it")
    return Response.html(await datasette.render_template(template, dict(data, database=_db(datasette).name),
                                                         request=request))


async def document(datasette, request):
    return await _page(datasette, request, "cosp_document.html", site.document_page,
                       pagekit.document_id(request.url_vars["id"]), request.args.get("lang"))


async def versions(datasette, request):
    return await _page(datasette, request, "cosp_versions.html", versions_page, request.args.get("symbol"),
                       request.args.get("a"), request.args.get("b"))


async def mandate(datasette, request):
    page = request.args.get("page", "1")
    return await _page(datasette, request, "cosp_mandate.html", site.mandate_page, request.args.get("thread"),
                       int(page) if page.isdigit() else 1)


async def resolution(datasette, request):
    rid = request.url_vars.get("id") or request.args.get("id")
    return await _page(datasette, request, "cosp_resolution.html", resolutions.resolution_page, rid)


async def home_page(datasette, request):
    return await _page(datasette, request, "cosp_home.html", home.home_page)


async def search(datasette, request):
    return await _page(datasette, request, "cosp_search.html", home.search_page, request.args.get("q"))


async def resolution_index(datasette, request):
    return await _page(datasette, request, "cosp_resolutions.html", resolutions.resolutions_index)


async def addressee(datasette, request):
    return await _page(datasette, request, "cosp_addressee.html", entities.addressee_page, request.args.get("name"))


async def threads(datasette, request):
    args = request.args
    return await _page(datasette, request, "cosp_threads.html", site.threads_page, args.get("resolution"),
                       args.get("addressee"), args.get("body"), args.get("observations") == "1")


def _entity(kind):
    async def view(datasette, request):
        return await _page(datasette, request, "cosp_entity.html", entities.entity_page, kind,
                           request.args.get("name"), _db(datasette).name)
    return view


async def documents(datasette, request):
    return await _page(datasette, request, "cosp_documents.html", site.documents_page)


async def new(datasette, request):
    return await _page(datasette, request, "cosp_new.html", news.news_page, _db(datasette).name)


async def redline(datasette, request):
    return await _page(datasette, request, "cosp_redline.html", redline_pages.redline_page,
                       request.args.get("from"), request.args.get("to"), request.args.get("shifts") == "1")


async def redline_download(datasette, request):
    """The redline to take away: ``/-/cosp/redline.docx`` (Word, tracked changes and comments)
    or ``/-/cosp/redline.html`` (one standalone, printable file), for the versions asked."""
    from pipelines.guidelines.redline import render_published
    from pipelines.guidelines.word import redline_docx

    args = request.args
    data = await _db(datasette).execute_fn(lambda conn: redline_pages.redline_page(conn, args.get("from"), args.get("to")))
    if data is None:
        raise NotFound("No guideline versions to compare: build the database from documents that print them")
    stem = "redline-" + re.sub(r"[^\w.-]+", "-", f"{data['from_label']}-to-{data['to_label']}").strip("-")[:120]
    if request.url_vars["format"] == "docx":
        body = redline_docx(data["from_label"], data["to_label"], data["guidelines"])
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        body = render_published(data["from_label"], data["to_label"], data["guidelines"]).encode("utf-8")
        kind = "text/html; charset=utf-8"
    return Response(body, content_type=kind,
                    headers={"content-disposition": f'attachment; filename="{stem}.{request.url_vars["format"]}"'})


@hookimpl
def register_routes():
    return [
        (r"^/$", home_page),  # the front door (Datasette's own index stays at /-/databases and /cosp)
        (r"^/-/cosp/search$", search),  # ?q=: straight to a resolution, document or network, else the text
        (r"^/-/cosp/document/(?P<id>.+)$", document),  # a file id, or a symbol: CAC/COSP/WG.2/2018/5
        (r"^/-/cosp/documents$", documents),
        (r"^/-/cosp/versions$", versions),  # ?symbol=S/RES/2504&a=en&b=fr: two language versions side by side
        (r"^/-/cosp/addressee$", addressee),
        (r"^/-/cosp/network$", _entity("network")),  # ?name=CARIN; with no name, every network named
        (r"^/-/cosp/organisation$", _entity("organisation")),
        (r"^/-/cosp/country$", _entity("country")),  # ?name=NGA or ?name=Nigeria
        (r"^/-/cosp/group$", _entity("regional_group")),  # ?name=African States
        (r"^/-/cosp/threads$", threads),
        (r"^/-/cosp/resolution/(?P<id>.+)$", resolution),  # /-/cosp/resolution/7/1
        (r"^/-/cosp/mandate$", mandate),
        (r"^/-/cosp/redline$", redline),
        (r"^/-/cosp/redline\.(?P<format>docx|html)$", redline_download),  # ?from=&to=: Word with tracked changes, or HTML
        (r"^/-/cosp/new$", new),  # the builds, newest first, and the feeds
        (r"^/-/cosp/resolution$", resolution),  # ?id=71/208, A/RES/71/208, resolution 7/1, CCPCJ 25/2
        (r"^/-/cosp/resolutions$", resolution_index),
    ]
