"""The Flask application: routes, CSRF, security headers and error pages.

Flask (on waitress, see cli/serve.py) because the library is synchronous — requests and threads —
so a WSGI app calls it directly, with no event loop to bridge; Jinja2 escapes every value by
default; and both are pure Python, installed by `pip install -e .` on Windows desktops as well as
Linux servers.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from ..errors import InputError
from ..report import render_markdown, summarise
from .service import CheckService
from .store import CheckStore

log = logging.getLogger("archivecheck.web")

CSRF_COOKIE = "archivecheck_csrf"
ACCEPTED = ".txt .md .html .docx .pdf .eml"
# Everything the page loads comes from this service: no CDN, no fonts or analytics elsewhere.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
_ERRORS = {
    400: ("There is a problem with the request", "The form could not be read. Go back to the start page and try again."),
    403: ("Your session has expired", "For your security the form expired. Go back to the start page and send the letter again."),
    404: ("Page not found", "There is no check at this address. Check the link you were given, or start a new check."),
    405: ("Page not found", "This address does not accept that kind of request. Start a new check."),
    413: ("The file is too large", "The letter is larger than this service accepts ({limit}). Send a smaller file, or paste the letter's text."),
    500: ("Sorry, there is a problem with the service", "Try again later. Your letter has not been kept."),
}


class _PrivateUploads:
    """Uploads are spooled only to a private temporary folder (mode 0700), as unnamed files the
    system deletes when the request ends; the folder itself goes when the service stops."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="archivecheck-uploads-")
        os.chmod(self.folder, 0o700)

    def stream(self, *args, **kwargs):
        return tempfile.TemporaryFile(dir=self.folder)

    def close(self) -> None:
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def create_app(service: CheckService, *, max_upload: int = 10_000_000, keep_days: float = 30) -> Flask:
    """The web application over `service`; `max_upload` caps a request's size in bytes."""
    app = Flask(__name__)
    uploads = _PrivateUploads()
    app.extensions["archivecheck"] = {"service": service, "uploads": uploads}
    app.config.update(MAX_CONTENT_LENGTH=max_upload, MAX_FORM_MEMORY_SIZE=max_upload)
    app.request_class = type("UploadRequest", (app.request_class,),
                             {"_get_file_stream": lambda self, *a, **k: uploads.stream()})
    store: CheckStore = service.store
    limit_words = f"{max_upload / 1_000_000:g} MB"

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Check ids are the only key to a check: never leak them to another site in a Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def csrf_token() -> str:
        token = request.cookies.get(CSRF_COOKIE)
        if not token or not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", token):
            token = secrets.token_urlsafe(32)
        request.environ["archivecheck.csrf"] = token
        return token

    @app.after_request
    def set_csrf_cookie(response: Response) -> Response:
        token = request.environ.get("archivecheck.csrf")
        if token and token != request.cookies.get(CSRF_COOKIE):
            response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure)
        return response

    @app.before_request
    def check_csrf():
        # Double-submit: the form's hidden token must match the cookie, which another site can
        # neither read nor (SameSite=Strict) make the browser send.
        if request.method == "POST":
            cookie, sent = request.cookies.get(CSRF_COOKIE, ""), request.form.get("csrf_token", "")
            if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
                abort(403)

    def form_page(errors: dict | None = None, text: str = "", status: int = 200):
        return render_template("index.html", errors=errors or {}, text=text, csrf_token=csrf_token(),
                               accepted=ACCEPTED, limit=limit_words), status

    @app.get("/")
    def index():
        return form_page()

    @app.post("/checks")
    def start_check():
        upload = request.files.get("letter")
        text = request.form.get("text", "")
        try:
            if upload is not None and upload.filename:
                data, name, field = upload.read(), _safe_name(upload.filename), "letter"
            elif text.strip():
                data, name, field = text.encode("utf-8"), "pasted text", "text"
            else:
                return form_page({"letter": "Choose a letter to upload, or paste the letter's text"}, text, 422)
            letter = service.read_letter(data, name)
        except InputError as exc:
            return form_page({field: _reason(exc, name)}, text if field == "text" else "", 422)
        store.purge(keep_days)
        check_id = service.start(letter)
        return redirect(url_for("show_check", check_id=check_id), code=303)

    def load(check_id: str):
        check = store.get(check_id) if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", check_id) else None
        if check is None:
            abort(404)
        return check

    def page(template: str, check_id: str):
        check = load(check_id)
        corrected = store.corrected(check.id, suggested=False) if check.state == "done" else None
        text = corrected[0].decode("utf-8") if corrected and corrected[1] != "docx" else None
        return render_template(template, check=check, summary=summarise(check.results), corrected_text=text)

    @app.get("/checks/<check_id>")
    def show_check(check_id: str):
        return page("check.html", check_id)

    @app.get("/checks/<check_id>/progress")
    def check_progress(check_id: str):
        # The JavaScript enhancement polls this: the same escaped markup as the full page.
        return page("_progress.html", check_id)

    @app.get("/checks/<check_id>.json")
    def check_json(check_id: str):
        check = load(check_id)
        return jsonify({"id": check.id, "state": check.state, "name": check.name, "created_at": check.created_at,
                        "finished_at": check.finished_at, "total": len(check.links), "decided": check.decided,
                        "results": [dict(link.result.to_dict(), **link.added_fields()) for link in check.decided_links],
                        "summary": summarise(check.results)})

    @app.get("/checks/<check_id>/letter")
    def corrected_letter(check_id: str):
        check = load(check_id)
        found = store.corrected(check.id, suggested=request.args.get("suggested") == "1")
        if found is None:
            abort(404)
        data, kind = found
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(check.name).stem).strip("-.") or "letter"
        mime = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "md": "text/markdown; charset=utf-8"}.get(kind, "text/plain; charset=utf-8")
        return Response(data, mimetype=mime, headers={
            "Content-Disposition": f'attachment; filename="{stem}-corrected.{kind}"'})

    @app.get("/checks/<check_id>/evidence")
    def evidence(check_id: str):
        check = load(check_id)
        return render_template("evidence.html", check=check, summary=summarise(check.results))

    @app.get("/checks/<check_id>/evidence.md")
    def evidence_markdown(check_id: str):
        check = load(check_id)
        text = render_markdown(check.decided_links, heading=f"Evidence record: archive links in {check.name}")
        return Response(text, mimetype="text/markdown", headers={
            "Content-Disposition": f'attachment; filename="evidence-{check.id}.md"'})

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code if exc.code in _ERRORS else 400
        title, body = _ERRORS[code]
        return render_template("error.html", title=title, body=body.format(limit=limit_words)), code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # Logged in full for whoever runs the service; the caseworker sees a plain page.
        log.exception("unexpected error on %s", request.path)
        title, body = _ERRORS[500]
        return render_template("error.html", title=title, body=body), 500

    return app


def _safe_name(filename: str) -> str:
    # Only a display name and a hint for the format: never a path on this machine.
    return Path(filename.replace("\\", "/")).name[:200] or "letter"


def _reason(exc: InputError, name: str) -> str:
    message = str(exc)
    if message.startswith(f"{name}: "):
        message = message[len(name) + 2:]
    if "No web links" in message:
        return message
    return f"{name} could not be read as a letter: {message}. Upload a .txt, .md, .html, .docx, .pdf or .eml file"
