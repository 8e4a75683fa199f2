"""The Flask application: routes, CSRF, security headers and error pages.

Flask (on waitress, see cli/serve.py) because the library is synchronous — requests and threads —
so a WSGI app calls it directly, with no event loop to bridge; Jinja2 escapes every value by
default; and both are pure Python, installed by `pip install -e .` on Windows desktops as well as
Linux servers.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import HTTPException

from ..errors import InputError
from ..robustlinks import robust_link
from ..report import render_markdown, summarise
from . import present
from ..check import is_doubted
from .decisions import CHOICES, needs_decision, options
from .confirm import Answer, Confirmations, ConfirmedLink, can_confirm, clean_name
from .service import CheckService, TooManyLinks
from .store import CheckStore

log = logging.getLogger("archivecheck.web")

CSRF_COOKIE = "archivecheck_csrf"
# Over HTTPS the cookie is `__Host-`: the browser then refuses it unless it is Secure, for this
# host only and for every path, so a neighbouring subdomain cannot plant one (#19).
CSRF_COOKIE_HTTPS = "__Host-archivecheck_csrf"
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


def create_app(service: CheckService, *, max_upload: int = 10_000_000, keep_days: float = 30,
               public_url: str | None = None, user_header: str | None = None) -> Flask:
    """The web application over `service`; `max_upload` caps a request's size in bytes.

    `public_url` is the service's address as colleagues reach it: the only base ever written into
    a page or record (never the request's Host header, which the client chooses). `user_header`
    names a header set by a signing-in reverse proxy: who made each decision."""
    app = Flask(__name__)
    public_url = public_url.rstrip("/") if public_url else None
    # The CSRF token is an HMAC of the cookie's random value under this secret, which never leaves
    # the process: a cookie and token planted together by someone else do not match (#19).
    secret = secrets.token_bytes(32)
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

    def cookie_name() -> str:
        return CSRF_COOKIE_HTTPS if request.is_secure else CSRF_COOKIE

    def sign(nonce: str) -> str:
        return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()

    def csrf_token() -> str:
        nonce = request.cookies.get(cookie_name())
        if not nonce or not re.fullmatch(r"[A-Za-z0-9_-]{32,64}", nonce):
            nonce = request.environ.get("archivecheck.csrf") or secrets.token_urlsafe(32)
        request.environ["archivecheck.csrf"] = nonce
        return sign(nonce)

    @app.after_request
    def set_csrf_cookie(response: Response) -> Response:
        nonce = request.environ.get("archivecheck.csrf")
        if nonce and nonce != request.cookies.get(cookie_name()):
            response.set_cookie(cookie_name(), nonce, httponly=True, samesite="Strict", secure=request.is_secure,
                                path="/")
        return response

    @app.before_request
    def check_csrf():
        # The form's token must be the HMAC of the cookie's value: another site can neither read
        # the cookie nor (SameSite=Strict) make the browser send it, and cannot forge the HMAC.
        if request.method == "POST":
            nonce, sent = request.cookies.get(cookie_name(), ""), request.form.get("csrf_token", "")
            if not nonce or not hmac.compare_digest(sign(nonce).encode(), sent.encode()):
                abort(403)

    confirmations = Confirmations(store.path)  # (#20) people's confirmations of links not checked

    def signed_in() -> str | None:
        """The user the trusted proxy names, or None (then a person types their name)."""
        return (clean_name(request.headers.get(user_header, "")) or None) if user_header else None

    def who() -> str:
        name = request.headers.get(user_header, "").strip() if user_header else ""
        return name[:100] if name else "not signed in"

    @app.context_processor
    def helpers():
        return {"public_url": public_url, "long_date": present.long_date, "archive_name": lambda code: present.archive_name(service.settings.registry, code),
                "in_words": lambda detail: present.in_words(service.settings.registry, detail),
                "options": options, "needs_decision": needs_decision, "is_doubted": is_doubted, "keep_days": keep_days,
                "keep_letter_days": service.keep_letter_days, "hold_minutes": service.hold_seconds / 60,
                "max_links": service.max_links, "choice_words": present.CHOICE_WORDS,
                "short_date": present.short_date, "can_confirm": can_confirm,
                "sentence_for": lambda link: present.sentence_for(service.settings.registry, link),
                "robust_link": robust_link}

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
        finally:
            data = upload = None  # noqa: F841 - the bytes go as soon as the letter is read
        check_id = service.start(letter)
        del letter
        return redirect(url_for("show_check", check_id=check_id), code=303)

    def load(check_id: str):
        check = store.get(check_id) if re.fullmatch(r"[A-Za-z0-9_-]{8,64}", check_id) else None
        if check is None:
            abort(404)
        return check

    def page(template: str, check_id: str, **extra):
        check = load(check_id)
        corrected = service.corrected_letter(check) if check.state == "done" else None
        text = None
        if corrected is not None and corrected.data is not None and corrected.kind in ("txt", "md"):
            text = corrected.data.decode("utf-8")
        return render_template(template, check=check, summary=summarise(check.results), corrected_text=text,
                               corrected=corrected, has_letter=corrected is not None, queue_position=service.queue_position(check.id),
                               pack=service.packs.find(check.id),
                               csrf_token=csrf_token(), confirmations=confirmations.of_check(check.id),
                               signed_in=signed_in(), **extra)

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
                        "letters_ahead": service.queue_position(check.id),  # None once a worker has it
                        "results": [dict(link.result.to_dict(), **link.added_fields()) for link in check.decided_links],
                        "summary": summarise(check.results),
                        # Anything not read (a PDF page, a part, an attachment): not fully checked (#18).
                        "fully_checked": check.fully_checked, "not_read": list(check.problems),
                        "corrected_letter": _corrected_record(service.corrected_letter(check)
                                                              if check.state == "done" else None)})

    @app.post("/checks/<check_id>/links/<int:position>/decision")
    def decide(check_id: str, position: int):
        check = load(check_id)
        if not 0 <= position < len(check.links):
            abort(404)
        link = check.links[position]
        pick = request.form.get("pick", "")
        if pick.isdigit():
            i = int(pick)
            choice, url = request.form.get(f"choice-{i}", ""), request.form.get(f"url-{i}", "")
            # Only a link the check itself offered may enter a letter: the form's choice is taken
            # by its place in the offer and must still be the same link (a re-check may change it).
            offered = options(link.input, link.result)
            if i >= len(offered) or choice not in CHOICES or (offered[i].choice, offered[i].url) != (choice, url):
                abort(400)
            service.decide(check, position, choice, url, who())
        return redirect(url_for("show_check", check_id=check.id, _anchor=f"link-{position + 1}"), code=303)

    @app.post("/checks/<check_id>/links/<int:position>/confirmation")
    def confirm_link(check_id: str, position: int):
        """(#20) A person opened a capture the machine could not check and says what they saw. Not
        a choice of link (that is `decide`) and never a verdict: the result stays as it is."""
        check = load(check_id)
        if not 0 <= position < len(check.links) or not can_confirm(check.links[position].result):
            abort(404)
        link = check.links[position]
        try:
            answer = Answer(request.form.get("answer", ""))
        except ValueError:
            abort(400)
        name, source = signed_in(), "proxy"
        if name is None:
            name, source = clean_name(request.form.get("name", "")), "entered"
        if not name:
            return page("check.html", check_id, confirm_errors={position: "Enter your name"}), 422
        confirmations.add(check.id, position, answer, who=name, who_from=source, shown=link.result.url)
        return redirect(url_for("show_check", check_id=check.id, _anchor=f"link-{position + 1}"), code=303)

    @app.post("/checks/<check_id>/links/<int:position>/recheck")
    def recheck(check_id: str, position: int):
        check = load(check_id)
        if not 0 <= position < len(check.links) or check.state == "running":
            abort(404 if check.state != "running" else 400)
        result = check.links[position].result
        if result is None or result.status.value != "unverifiable":
            abort(400)
        service.recheck(check, position)
        return redirect(url_for("show_check", check_id=check.id, _anchor=f"link-{position + 1}"), code=303)

    @app.get("/checks/<check_id>/letter")
    def corrected_letter(check_id: str):
        check = load(check_id)
        found = service.corrected_letter(check) if check.state == "done" else None
        if found is None or found.data is None:  # not held any more, or refused by the read-back proof
            abort(404)
        data, kind = found.data, found.kind
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(check.name).stem).strip("-.") or "letter"
        # An HTML letter is a download, never shown from this site: its markup is the caseworker's.
        mime = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "md": "text/markdown; charset=utf-8", "html": "application/octet-stream",
                "eml": "message/rfc822"}.get(kind, "text/plain; charset=utf-8")
        return Response(data, mimetype=mime, headers={
            "Content-Disposition": f'attachment; filename="{stem}-corrected.{kind}"'})

    # The check's address opens it for anyone holding it: the records meant for the case file carry
    # it only when asked (?address=1), and then only under the configured public base.
    @app.get("/checks/<check_id>/evidence")
    def evidence(check_id: str):
        check = load(check_id)
        return render_template("evidence.html", check=check, summary=summarise(check.results),
                               with_address=request.args.get("address") == "1", pack=service.packs.find(check.id),
                               confirmations=confirmations.of_check(check.id))

    @app.get("/checks/<check_id>/evidence.wacz")
    def evidence_pack(check_id: str):
        check = load(check_id)
        pack = service.packs.find(check.id)
        if pack is None:
            abort(404)
        return send_file(pack.path, mimetype="application/wacz+zip", as_attachment=True,
                         download_name=f"evidence-{check.id}.wacz", etag=pack.sha256, max_age=0)

    @app.get("/checks/<check_id>/evidence.md")
    def evidence_markdown(check_id: str):
        check = load(check_id)
        heading = f"Evidence record: archive links in {check.name}"
        confirmed = confirmations.of_check(check.id)
        links = [ConfirmedLink(link, tuple(confirmed.get(link.position, ()))) for link in check.decided_links]
        text = render_markdown(links, heading=heading, not_read=check.problems)
        if request.args.get("address") == "1" and public_url:
            text += f"\nPermanent record: {public_url}{url_for('show_check', check_id=check.id)}\n"
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


def _corrected_record(corrected) -> dict | None:
    """The corrected letter as the JSON view gives it: offered or not (and why), what changed."""
    if corrected is None:
        return None
    return {"offered": corrected.data is not None, "type": corrected.kind, "in_place": corrected.in_place,
            "refused": corrected.refused, "changes": [list(change) for change in corrected.changes]}


def _safe_name(filename: str) -> str:
    # Only a display name and a hint for the format: never a path on this machine.
    return Path(filename.replace("\\", "/")).name[:200] or "letter"


def _reason(exc: InputError, name: str) -> str:
    message = str(exc)
    if message.startswith(f"{name}: "):
        message = message[len(name) + 2:]
    if "No web links" in message or isinstance(exc, TooManyLinks):
        return message
    return f"{name} could not be read as a letter: {message}. Upload a .txt, .md, .html, .docx, .pdf or .eml file"
