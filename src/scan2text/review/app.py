"""The review app: `scan2text review OUT` serves this on 127.0.0.1.

Pages in a queue (lowest confidence first), each shown as the cleaned image beside the original
with line and word boxes coloured by confidence, its text line by line editable in place, and the
record fields of its documents. Saves carry the version the reviewer loaded; a save over someone
else's newer edit is refused with HTTP 409 and shown in the page, never silently overwritten.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import webbrowser
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape
from pydantic import BaseModel

from scan2text.errors import ConflictError, CorrectionError, Scan2TextError
from scan2text.export.model import original_size
from scan2text.export.refresh import refresh_records
from scan2text.store import Store, StoreError
from scan2text.store.records import SOURCE_FIELDS
from scan2text.store.run_folder import RunFolder

from . import images, security

HERE = Path(__file__).parent
# Record fields offered for editing, with the labels reviewers see.
FIELDS = [("doc_type", "Type"), ("date", "Date (ISO)"), ("date_text", "Date as printed"), ("place", "Place"),
          ("title", "Title"), ("number", "Outgoing No."), ("collection_number", "Collection No."),
          ("addressee", "Addressee"), ("sheets", "Sheets")]
SOURCE_LABELS = {"archive": "Archive", "fund": "Fund", "inventory": "Inventory", "file": "File",
                 "sheets": "Sheets", "form": "Form"}


class LineEdit(BaseModel):
    page_id: str
    line_id: str
    text: str
    version: int
    author: str


class FieldEdit(BaseModel):
    record_id: str
    field: str
    value: str | None
    version: int
    author: str


class Approval(BaseModel):
    page_id: str | None = None
    record_id: str | None = None
    author: str


# Defence in depth behind escaping: no inline or foreign script runs, and no other site frames the app
# (a framed page could be tricked into Ctrl+Enter approvals).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(out_dir: Path, bind: str = "127.0.0.1", allow_hosts: list[str] | None = None) -> FastAPI:
    """The app for one output folder, answering to the Host names of `bind` (plus `allow_hosts`)."""
    folder = RunFolder.existing(out_dir)
    store = folder.open_store()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="scan2text review", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.guard = security.install(app, security.allowed_hosts(bind, allow_hosts or []))

    @app.middleware("http")
    async def _headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    # Every template escapes, whatever its suffix: the SVG overlay carries OCR and reviewers' text.
    templates = Jinja2Templates(env=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True))
    templates.env.filters["q"] = lambda s: quote(str(s), safe="/")
    templates.env.filters["mark"] = _mark
    templates.env.globals["out_dir"] = str(folder.root)

    def page_html(request: Request, name: str, **context: Any) -> HTMLResponse:
        # the name review.js keeps in a cookie, so the box is filled before any script runs
        context.setdefault("reviewer", unquote(request.cookies.get("scan2text_reviewer", ""))[:200])
        return templates.TemplateResponse(request, name, context)

    @app.exception_handler(CorrectionError)
    def _correction_error(request: Request, exc: CorrectionError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.message}, status_code=422)
        return HTMLResponse(f"<h1>Not found</h1><p>{_escape(exc.message)}</p>", status_code=404)

    @app.exception_handler(sqlite3.DatabaseError)
    @app.exception_handler(StoreError)
    def _store_unreadable(request: Request, exc: Exception) -> Response:
        message = (f"The store {folder.store_path} cannot be read ({exc}). If it is damaged, restore it from a "
                   "backup: the corrections are in it. Nothing was changed.")
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=503)
        return HTMLResponse(f"<h1>The store cannot be read</h1><p>{_escape(message)}</p>", status_code=503)

    @app.exception_handler(ConflictError)
    def _conflict(request: Request, exc: ConflictError) -> Response:
        extra = {k: getattr(exc, k, None) for k in ("current_version", "current_value", "author", "updated_at")}
        return JSONResponse({"error": exc.message, **extra}, status_code=409)

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        records = store.current_records()
        return page_html(request, "index.html", queue=store.queue(), records=records, runs=store.runs()[-5:])

    @app.get("/page/{page_id:path}", response_class=HTMLResponse)
    def page(request: Request, page_id: str) -> HTMLResponse:
        state = store.page_state(page_id)
        order = [q.page_id for q in store.queue()]
        at = order.index(page_id) if page_id in order else -1
        clean = images.clean_path(folder, state)
        clean_size = images.image_size(clean) if clean else None
        width, height = original_size(state.page, folder)
        original = images.original_path(state)
        return page_html(
            request, "page.html", state=state,
            prev_id=order[at - 1] if at > 0 else None,
            next_id=order[at + 1] if 0 <= at < len(order) - 1 else None,
            position=at + 1, total=len(order),
            clean=images.overlay(state.lines, images.IDENTITY, *(clean_size or (1, 1))) if clean_size else None,
            original=images.overlay(state.lines, state.page.preprocessing.to_original, width, height),
            original_missing=None if original else str(Path(state.input_dir) / state.page.image),
            records=[_record_view(store, rid) for rid in state.records],
            history=store.history(page_id=page_id, limit=15),
            level=images.level,
        )

    @app.get("/diff/{page_id:path}", response_class=HTMLResponse)
    def page_diff(request: Request, page_id: str) -> HTMLResponse:
        """The page's OCR against its corrected text, with the diff report's own view."""
        from scan2text.diff.align import diff_page
        from scan2text.diff.report import render_page_fragment, report_css
        from scan2text.diff.sources import SourceLine

        state = store.page_state(page_id)
        reference = [SourceLine(text=ln.text, id=ln.line_id, box=ln.box) for ln in state.lines]
        ocr = [SourceLine(text=ln.ocr_text if ln.ocr_text is not None else ln.text, id=ln.line_id, box=ln.box)
               for ln in state.lines]
        result = diff_page(page_id, reference, ocr, crop_side=None)
        fragment = render_page_fragment(result, crops=False, ref_label="corrected", hyp_label="OCR")
        return page_html(request, "diff.html", page_id=page_id, fragment=fragment, css=report_css(),
                         cer=result.chars.rate, edits=result.chars.edits, chars=result.chars.reference_length)

    @app.get("/doc/{record_id:path}", response_class=HTMLResponse)
    def doc(request: Request, record_id: str) -> HTMLResponse:
        view = _record_view(store, record_id)
        pages = []
        for ref in view["state"].record.pages:
            try:
                pages.append((ref, store.page_state(ref.page_id)))
            except CorrectionError:
                pages.append((ref, None))
        return page_html(request, "doc.html", record=view, pages=pages,
                         history=store.history(record_id=record_id, limit=30))

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "") -> HTMLResponse:
        return page_html(request, "search.html", q=q, hits=store.search(q, limit=100) if q.strip() else [])

    @app.get("/next")
    def next_page(start: str = "") -> Response:
        """The first unapproved page from `start` on in queue order (the page after the one just approved),
        else the first unapproved page at all, else the queue."""
        queue = store.queue()
        ids = [q.page_id for q in queue]
        later = queue[ids.index(start):] if start in ids else []
        todo = [q for q in later if not q.approved] or [q for q in queue if not q.approved]
        if not todo:
            return RedirectResponse("/", status_code=303)
        return RedirectResponse(f"/page/{quote(todo[0].page_id, safe='/')}", status_code=303)

    @app.get("/img/clean/{page_id:path}")
    def clean_image(page_id: str) -> Response:
        path = images.clean_path(folder, store.page_state(page_id))
        if path is None:
            return Response("cleaned image not found", status_code=404)
        return FileResponse(path, media_type="image/png")

    @app.get("/img/original/{page_id:path}")
    def original_image(page_id: str) -> Response:
        state = store.page_state(page_id)
        path = images.original_path(state)
        if path is None:
            return Response("original image not found", status_code=404)
        try:
            data = images.original_png(path, state.page.frame)
        except (Scan2TextError, OSError) as exc:
            return Response(f"cannot read the original: {exc}", status_code=404)
        return Response(data, media_type="image/png", headers={"Cache-Control": "max-age=300"})

    # A save and the records (and records.jsonl) rebuilt from it are one transaction: exports are current.
    @app.post("/api/line")
    def save_line(edit: LineEdit) -> dict[str, Any]:
        with store.transaction():
            before = store.page_state(edit.page_id).records
            version = store.correct_line(edit.page_id, edit.line_id, edit.text, edit.author, edit.version)
            refresh_records(folder, store, [edit.page_id])
        state = store.page_state(edit.page_id)
        line = next(s for s in state.lines if s.line_id == edit.line_id)
        # The corrected text may start or end a document: the page's record forms are then out of date.
        return {"version": version, "text": line.text, "corrected": line.corrected,
                "documents_changed": state.records != before}

    @app.post("/api/field")
    def save_field(edit: FieldEdit) -> dict[str, Any]:
        with store.transaction():
            version = store.correct_field(edit.record_id, edit.field, edit.value, edit.author, edit.version)
            refresh_records(folder, store)
        value = store.record_state(edit.record_id).fields[edit.field].value
        return {"version": version, "value": value}

    @app.post("/api/approve")
    def approve(approval: Approval) -> dict[str, Any]:
        if approval.page_id:
            store.approve_page(approval.page_id, approval.author)
        elif approval.record_id:
            store.approve_record(approval.record_id, approval.author)
        else:
            raise CorrectionError("say which page_id or record_id to approve")
        return {"approved": True}

    return app


def _record_view(store: Store, record_id: str) -> dict[str, Any]:
    state = store.record_state(record_id)
    fields = [(name, label, state.fields[name]) for name, label in FIELDS]
    sources = []
    for i in range(max(1, len(state.record.cited_source))):
        source = state.record.cited_source[i] if i < len(state.record.cited_source) else None
        sources.append({
            "text": source.text if source else "",
            "fields": [(f"cited_source.{i}.{a}", SOURCE_LABELS[a], state.fields[f"cited_source.{i}.{a}"])
                       for a in SOURCE_FIELDS],
        })
    return {"state": state, "fields": fields, "sources": sources}


def _mark(snippet: str) -> Markup:
    """A search snippet with the store's [match] brackets shown as <mark>, everything else escaped."""
    return Markup(re.sub(r"\[([^\[\]]*)\]", r"<mark>\1</mark>", str(escape(snippet))))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          allow_hosts: list[str] | None = None) -> None:
    """Run the review app until interrupted (Ctrl+C)."""
    import uvicorn

    app = create_app(out_dir, bind=host, allow_hosts=allow_hosts)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
