"""Is a body that is not an HTML page an HTTP error's own body? (issue #17)

A server or framework with no error page of its own answers a missing page with the status's reason
phrase as plain text ("Not Found", "404: Not Found", "Internal Server Error"), an API framework with
a small JSON object ({"detail": "Not Found"}, {"statusCode": 404, "error": "Not Found", …}, RFC 9457
problem details), and some servers with nothing at all. A site that answers so with status 200, or an
archive that recorded such a body, leaves a capture that is no document, however the page reads.

The reason phrases are the IANA HTTP Status Code Registry's (RFC 9110, section 15) as Python's
`http.HTTPStatus` carries them, so any server that states its status in words is read, not only the
ones in fixtures/errorpages (built-in bodies of aiohttp, FastAPI, Falcon, Litestar, hapi, Fastify,
restify, Koa, Hono, micro, Polka, web.py, Plack, Puma, BlackSheep, Emmett, H2O, Caddy, recorded on
loopback: fixtures/errorpages/README.md, batches s3 and s4).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from http import HTTPStatus

# Longer than this, a text body is a document that may mention an error, not an error's body: the
# built-in bodies above are 0-96 bytes; the longest framework message we know of (Puma's) is 77.
STATUS_BODY_CHARS = 300
# A JSON error object is small; a data document is not read as one past this size.
JSON_BODY_BYTES = 4096
# Members a JSON error object states its status in (RFC 9457 `status`; hapi/Fastify `statusCode`;
# Litestar `status_code`; others `code`), and those it says the error in.
_STATUS_MEMBERS = ("status", "statusCode", "status_code", "httpStatus", "http_status", "code", "errorCode", "error_code")
_TEXT_MEMBERS = ("error", "message", "detail", "title", "reason", "msg", "description", "error_description", "errorMessage")
_ERROR_MEMBERS = ("error", "message", "detail", "reason", "msg", "error_description", "errorMessage", "code")
# The error-code convention of many APIs that answer every call with HTTP 200: a code member that is 0
# (or "0", "ok", "success") on success, and a message member beside it — WeChat's Official Accounts
# API ({"errcode": 40013, "errmsg": "invalid appid"}; {"errcode": 0, "errmsg": "ok"} on success),
# Baidu's ({"error_code": 110, "error_msg": "…"}), Getui's ({"errno": 99999, "errcode": "system_err",
# "errmsg": "系统暂时不可用"}: s6-getui-openapi-system-err-json). The member names say it is an error,
# in whatever language the message is.
_CODE_MEMBERS = ("errcode", "errno", "err_code", "error_code", "errCode", "errorCode")
_MESSAGE_MEMBERS = ("errmsg", "err_msg", "error_msg", "errMsg", "errorMsg")
_SUCCESS = (0, "0", "", "ok", "success", None, False)
# Words a short status body uses besides the registry's phrases: "Resource not found", "Internal
# error", "A server error occurred", "/x does not exist", Express's "Cannot GET /x".
# Also the refusals a bare answer gives in words: Icecast's "You need to authenticate", "Access denied".
_ERROR_WORDS = re.compile(r"\b(?:errors?|not found|does not exist|cannot (?:get|post|head|find)|authenticate|"
                          r"authentication required|(?:access|permission) denied|not (?:allowed|authori[sz]ed|permitted)|"
                          r"(?:log|sign) ?in required)\b", re.IGNORECASE)
_LEADING_STATUS = re.compile(r"^(?:HTTP/\d(?:\.\d)?\s+)?([45]\d\d)\b")


@lru_cache(maxsize=1)
def _reason_phrases() -> re.Pattern:
    """Every 4xx/5xx reason phrase of the registry, as whole words in any case."""
    phrases = sorted({s.phrase.lower() for s in HTTPStatus if 400 <= s.value < 600}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


def is_empty(data: bytes | None) -> bool:
    """True when the whole body is known and holds nothing but white space."""
    return data is not None and not data.strip()


def status_body(data: bytes | None) -> str | None:
    """The error a short text or JSON body states ("404 Not Found", "Internal Server Error"), or
    None when the body is not one (or is not known whole)."""
    if data is None or len(data) > JSON_BODY_BYTES:
        return None
    text = data.decode("utf-8", "replace").strip().lstrip("\ufeff")
    if text[:1] in ("{", "["):
        return _json_error(text)
    flat = " ".join(text.split())
    if not flat or len(flat) > STATUS_BODY_CHARS:
        return None
    if _LEADING_STATUS.match(flat) or _reason_phrases().search(flat) or _ERROR_WORDS.search(flat):
        return _first_line(text)
    return None


def _json_error(text: str) -> str | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict):
        return None
    # {"error": {"code": 404, "message": "…"}} (Google APIs' style) and {"errors": [{…}]} carry the
    # error one level down.
    inner = value.get("error")
    if isinstance(inner, dict):
        value = {**value, **inner}
    elif isinstance(value.get("errors"), list) and value["errors"] and isinstance(value["errors"][0], dict):
        value = {**value, **value["errors"][0]}
    status = next((_as_status(value.get(m)) for m in _STATUS_MEMBERS if _as_status(value.get(m))), None)
    said = next((v for m in _TEXT_MEMBERS if isinstance(v := value.get(m), str) and v.strip()), None)
    # An error member may say it in any words; a `title` or `description` (a data document's metadata
    # too: {"title": "Error handling guidance"}) only when it is a status and nothing else (Falcon's
    # {"title": "404 Not Found"}).
    worded = next((v for m in _ERROR_MEMBERS if isinstance(v := value.get(m), str)
                   and (_reason_phrases().search(_words(v)) or _ERROR_WORDS.search(_words(v)))), None)
    worded = worded or next((v for m in ("title", "description") if isinstance(v := value.get(m), str)
                             and _is_status_only(v)), None)
    coded = next((value.get(m) for m in _CODE_MEMBERS if m in value), None)
    message = next((v for m in _MESSAGE_MEMBERS if isinstance(v := value.get(m), str) and v.strip()), None)
    if worded is None and message is not None and not _is_success(coded):
        worded = f"{coded}: {message}"
    if status is None and worded is None:
        return None
    shown = " ".join(" ".join(x for x in (status and str(status), said or worded) if x).split())
    return shown[:120]


def _is_success(code) -> bool:
    """An error-code member's success value (0, "0", "ok", "success"), or no code at all."""
    return code in _SUCCESS if not isinstance(code, str) else code.strip().lower() in _SUCCESS


def _is_status_only(text: str) -> bool:
    """"404 Not Found", "Not Found", "503": a status and nothing more."""
    flat = " ".join(text.split())
    code = _LEADING_STATUS.match(flat)
    rest = flat[code.end():].strip(" :.-") if code else flat
    return bool(code and not rest) or bool(rest and _reason_phrases().fullmatch(rest))


def _as_status(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and 400 <= value < 600 else None


def _words(value: str) -> str:
    """"ResourceNotFound" / "not_found" as words, so the registry's phrases can be found in them."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])|[_-]+", " ", value)


def _first_line(text: str) -> str:
    return " ".join(text.strip().splitlines()[0].split())[:120]
