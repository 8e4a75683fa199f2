"""Write archivecheck/data/errorwords.json: what software prints on its error pages, in every
language its translators gave, read from the software's own translation catalogs (issue #17).

Run once, by hand, over catalogs installed on this machine; the output is committed and CI never
runs this. Each message below is one the package's own error-page template or view prints (the
template is named in `used_in`, read in the installed package); every translation of it is taken
from the installed catalog, with its provenance (package, version, catalog file, msgid).

    python3 -m venv /tmp/cat && /tmp/cat/bin/pip install --no-deps Django==5.2.20 mkdocs==1.6.1 \\
        wagtail==8.0.1 weblate==5.14.3 ckan==2.12.0 plone.app.locales==7.0.4 Trac==1.6 django-allauth==65.22.1
    apt-get install mediawiki            # /usr/share/mediawiki/languages/i18n/*.json
    apt-get download wordpress-l10n roundcube-core redmine && dpkg-deb -x <each>.deb /tmp/debroot
    PYTHONPATH=. python tools/extract_catalog_phrases.py --site-packages /tmp/cat/lib/python3.11/site-packages \\
        --deb-root /tmp/debroot

Roles: `headline` — the message is the page's title or main heading ("Page not found", "Server
error (500)", "Insufficient Privileges"); `claim` — a sentence of its opening ("The requested page
could not be found."); `sign-in` — the heading of a sign-in page (it makes a page a sign-in wall
only together with a password form). Kinds: not-found, server-error, forbidden, unavailable,
bad-request, login-required, error (a bare "Error" / "Oops…").
"""

from __future__ import annotations

import argparse
import gettext
import glob
import gzip
import json
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from archivecheck.errorwords import normalise  # noqa: E402  (the judge's own normalisation)

OUT = Path(__file__).resolve().parents[1] / "archivecheck" / "data" / "errorwords.json"

# (msgid, kind, role, where the package prints it)
DJANGO = [
    ("Page not found", "not-found", "headline", "django/contrib/admin/templates/admin/404.html (title, h2)"),
    ("We’re sorry, but the requested page could not be found.", "not-found", "claim", "django/contrib/admin/templates/admin/404.html"),
    ("Server error (500)", "server-error", "headline", "django/contrib/admin/templates/admin/500.html (title)"),
    ("Server Error <em>(500)</em>", "server-error", "headline", "django/contrib/admin/templates/admin/500.html (h1)"),
    ("Server error", "server-error", "headline", "django/contrib/admin/templates/admin/500.html (breadcrumb)"),
    ("There’s been an error. It’s been reported to the site administrators via email and should be fixed shortly. "
     "Thanks for your patience.", "server-error", "claim", "django/contrib/admin/templates/admin/500.html"),
    ("Forbidden", "forbidden", "headline", "django/views/csrf.py (CSRF failure page title, h1)"),
    ("CSRF verification failed. Request aborted.", "forbidden", "claim", "django/views/csrf.py"),
    ("Log in", "sign-in", "sign-in", "django/contrib/admin/templates/admin/login.html"),
]
MKDOCS = [("Page not found", "not-found", "headline", "mkdocs/themes/{mkdocs,readthedocs}/404.html")]
WAGTAIL = [
    ("Error 404: Page not found", "not-found", "headline", "wagtail/admin/templates/wagtailadmin/404.html (title)"),
    ("Error 404", "not-found", "headline", "wagtail/admin/templates/wagtailadmin/404.html (h1)"),
    ("The requested page could not be found.", "not-found", "claim", "wagtail/admin/templates/wagtailadmin/404.html"),
    ("Sign in", "sign-in", "sign-in", "wagtail/admin/templates/wagtailadmin/login.html (title)"),
]
WEBLATE = [
    ("Page Not Found", "not-found", "headline", "weblate/templates/404.html (h2)"),
    ("The page you are looking for was not found.", "not-found", "claim", "weblate/templates/404.html"),
    ("Permission Denied", "forbidden", "headline", "weblate/templates/403.html, 403_csrf.html (h2)"),
    ("Insufficient privileges to display this page.", "forbidden", "claim", "weblate/templates/403.html"),
    ("Bad request", "bad-request", "headline", "weblate/templates/400.html (h2)"),
    ("We’re sorry but something appears to be wrong with the request you made.", "bad-request", "claim", "weblate/templates/400.html"),
    ("Internal Server Error", "server-error", "headline", "weblate/templates/500.html (breadcrumb)"),
    ("Server Error", "server-error", "headline", "weblate/templates/500.html (h2)"),
    ("The server had serious problems serving your request. You might want to contact server admins in case the error "
     "persists.", "server-error", "claim", "weblate/templates/500.html"),
    ("Sign in", "sign-in", "sign-in", "weblate/templates/accounts/login.html"),
]
CKAN = [  # abort(code, _(message)): error_document_template.html prints the message as the page's content
    ("Not found", "not-found", "headline", "ckan/views/api.py abort(404)"),
    ("Dataset not found", "not-found", "headline", "ckan/views/dataset.py abort(404)"),
    ("Resource not found", "not-found", "headline", "ckan/views/resource.py abort(404)"),
    ("Group not found", "not-found", "headline", "ckan/views/group.py abort(404)"),
    ("Organization not found", "not-found", "headline", "ckan/views/group.py abort(404)"),
    ("User not found", "not-found", "headline", "ckan/views/user.py abort(404)"),
    ("Access denied", "forbidden", "headline", "ckan/views/api.py abort(403)"),
    ("Bad request", "bad-request", "headline", "ckan/views/api.py abort(400)"),
    ("You might need to login to access this page.", "login-required", "claim", "ckan/templates/error_document_template.html"),
]
PLONE = [  # Plone's msgids are ids; the English is the .pot's Default
    ("heading_site_there_seems_to_be_an_error", "not-found", "headline", "Products/CMFPlone/browser/templates/error_message.pt (h1)"),
    ("description_site_error", "not-found", "claim", "Products/CMFPlone/browser/templates/error_message.pt"),
    ("heading_site_error_sorry", "server-error", "headline", "Products/CMFPlone/browser/templates/basic_error_message.pt (h1)"),
    ("heading_no_privileges", "forbidden", "headline", "Products/CMFPlone/browser/login/templates/insufficient_privileges.pt (h1)"),
    ("description_no_privileges_for_page", "forbidden", "claim", "Products/CMFPlone/browser/login/templates/insufficient_privileges.pt"),
    ("label_log_in", "sign-in", "sign-in", "Products/CMFPlone/browser/login/login.py"),
]
TRAC = [
    ("Oops…", "error", "headline", "trac/templates/error.html (h1)"),
    ("Trac detected an internal error:", "server-error", "claim", "trac/templates/error.html"),
]
ALLAUTH = [("Sign In", "sign-in", "sign-in", "allauth/templates/account/login.html (title, h1)")]
MEDIAWIKI = [  # message keys; English from en.json
    ("nosuchspecialpage", "not-found", "headline", "includes/specialpage/SpecialPageFactory.php (page title)"),
    ("badtitle", "bad-request", "headline", "includes/exception/BadTitleError.php (page title)"),
    ("nosuchaction", "bad-request", "headline", "includes/actions/ActionFactory / MediaWiki.php (page title)"),
    ("badaccess", "forbidden", "headline", "includes/exception/PermissionsError.php (page title)"),
    ("permissionserrors", "forbidden", "headline", "includes/exception/PermissionsError.php (page title)"),
    ("img-auth-accessdenied", "forbidden", "headline", "img_auth.php (page title)"),
    ("loginreqtitle", "login-required", "headline", "includes/exception/UserNotLoggedIn.php (page title)"),
    ("databaseerror", "server-error", "headline", "includes/exception/MWExceptionRenderer.php (page title)"),
    ("internalerror", "server-error", "headline", "includes/exception/MWExceptionRenderer.php (page title)"),
    ("readonly", "unavailable", "headline", "includes/exception/ReadOnlyError.php (page title)"),
    ("errorpagetitle", "error", "headline", "includes/exception/ErrorPageError.php (page title)"),
    ("badaccess-group0", "forbidden", "claim", "includes/exception/PermissionsError.php"),
    ("databaseerror-textcl", "server-error", "claim", "includes/exception/MWExceptionRenderer.php"),
    ("readonlytext", "unavailable", "claim", "includes/exception/ReadOnlyError.php (first sentence)"),
]
WORDPRESS = [
    ("Page not found", "not-found", "headline", "wp-includes/general-template.php wp_get_document_title() on a 404"),
    ("Briefly unavailable for scheduled maintenance. Check back in a minute.", "unavailable", "claim", "wp-includes/load.php wp_maintenance()"),
    ("Maintenance", "unavailable", "headline", "wp-includes/load.php wp_maintenance() (title)"),
    ("Error establishing a database connection", "server-error", "headline", "wp-includes/functions.php dead_db() (h1)"),
    ("Log In", "sign-in", "sign-in", "wp-login.php"),
]
ROUNDCUBE = [  # program/localization/<lang>/messages.inc keys, printed by program/actions/utils/error.php
    ("errnotfound", "not-found", "headline", "program/actions/utils/error.php (404)"),
    ("errnotfoundexplain", "not-found", "claim", "program/actions/utils/error.php (404)"),
    ("errauthorizationfailed", "forbidden", "headline", "program/actions/utils/error.php (401)"),
    ("errunauthorizedexplain", "forbidden", "claim", "program/actions/utils/error.php (401)"),
    ("errrequestcheckfailed", "forbidden", "headline", "program/actions/utils/error.php (403)"),
    ("servererror", "server-error", "headline", "program/actions/utils/error.php (500)"),
    ("dberror", "server-error", "headline", "program/actions/utils/error.php (601)"),
    ("errortitle", "error", "headline", "program/actions/utils/error.php (title)"),
]

REDMINE = [  # config/locales/<lang>.yml keys; app/views/common/error.html.erb prints the status as <h2> and this as the page's text
    ("notice_file_not_found", "not-found", "claim", "app/views/common/error.html.erb (404)"),
    ("notice_not_authorized", "forbidden", "claim", "app/views/common/error.html.erb (403)"),
    ("notice_not_authorized_archived_project", "forbidden", "claim", "app/views/common/error.html.erb (403, archived project)"),
]

# What a translation may not carry to be usable as a whole headline or sentence: placeholders and markup.
_PLACEHOLDER = re.compile(r"%\(|%s|%d|\$\{|\$\d|\{\{|\[\[|\{\d*\}|<(?!/?em>)")


def _strip_markup(text: str) -> str:
    return re.sub(r"</?em>", "", text).replace("&rsquo;", "\u2019").replace("&#8217;", "\u2019")


def _first_sentence(text: str) -> str:
    """A claim is a sentence: the first one without a placeholder (Plone's '… contact the ${site_admin}.')."""
    sentences = re.split(r"(?<=[.!?\u3002\uff01])\s*|\n+", text)
    return sentences[0].strip() if sentences and sentences[0].strip() else text


def _mo_catalog(path: str) -> dict[str, str]:
    with open(path, "rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    return {(k[0] if isinstance(k, tuple) else k): v for k, v in catalog.items() if isinstance(k, (str, tuple))}


def _pip_version(site: str, dist: str) -> str:
    found = glob.glob(os.path.join(site, f"{dist}-*.dist-info"))
    if not found:
        raise SystemExit(f"{dist} is not installed in {site}")
    return Path(found[0]).name[len(dist) + 1:-len(".dist-info")]


def _deb_version(root: str, package: str) -> str:
    with gzip.open(os.path.join(root, "usr/share/doc", package, "changelog.Debian.gz"), "rt") as handle:
        return handle.readline().split("(", 1)[1].split(")", 1)[0]


class Collector:
    def __init__(self):
        self.messages: list[dict] = []
        self.phrases: dict[tuple[str, str, str], dict] = {}

    def message(self, package, version, msgid, english, kind, role, used_in) -> int:
        self.messages.append({"package": package, "version": version, "msgid": msgid, "english": english,
                              "kind": kind, "role": role, "used_in": used_in})
        return len(self.messages) - 1

    def add(self, index: int, lang: str, catalog: str, text: str | None) -> None:
        if not text:
            return
        message = self.messages[index]
        text = _strip_markup(text)
        if message["role"] == "claim":
            text = _first_sentence(text)
        if _PLACEHOLDER.search(text):
            return
        key = normalise(text)
        if not key or (message["role"] != "claim" and len(key) > 80):
            return
        entry = self.phrases.setdefault((key, message["kind"], message["role"]),
                                        {"text": text.strip(), "norm": key, "kind": message["kind"], "role": message["role"],
                                         "langs": [], "from": []})
        if lang not in entry["langs"]:
            entry["langs"].append(lang)
        entry["from"].append([index, lang, catalog])


def _gettext_package(out: Collector, site: str, package: str, dist: str, pattern: str, messages, english=None) -> None:
    version = _pip_version(site, dist)
    indexes = {msgid: out.message(package, version, msgid, (english or {}).get(msgid, msgid), kind, role, used)
               for msgid, kind, role, used in messages}
    for path in sorted(glob.glob(os.path.join(site, pattern))):
        rel = os.path.relpath(path, site)
        lang = rel.split("/LC_MESSAGES/")[0].rsplit("/", 1)[1]
        catalog = _mo_catalog(path)
        for msgid, index in indexes.items():
            out.add(index, lang, rel, catalog.get(msgid))
    for msgid, index in indexes.items():  # the English original is a headline too
        out.add(index, "en", "(msgid)", out.messages[index]["english"])


def _plone_english(site: str) -> dict[str, str]:
    pot = Path(site, "plone/app/locales/locales/plone.pot").read_text(encoding="utf-8")
    english = {}
    for block in pot.split("\n\n"):
        msgid = re.search(r'^msgid "(.*)"', block, re.M)
        default = re.search(r'#\. Default: "(.*)"', block)
        if msgid and default:
            english[msgid.group(1)] = default.group(1).replace('\\"', '"').replace("&#8217;", "\u2019")
    return english


def collect(site: str, deb_root: str, mediawiki: str) -> Collector:
    out = Collector()
    _gettext_package(out, site, "Django", "django", "django/conf/locale/*/LC_MESSAGES/django.mo",
                     [m for m in DJANGO if m[0] in ("Forbidden", "CSRF verification failed. Request aborted.")])
    _gettext_package(out, site, "Django", "django", "django/contrib/admin/locale/*/LC_MESSAGES/django.mo",
                     [m for m in DJANGO if m[0] not in ("Forbidden", "CSRF verification failed. Request aborted.")])
    _gettext_package(out, site, "mkdocs", "mkdocs", "mkdocs/themes/*/locales/*/LC_MESSAGES/messages.mo", MKDOCS)
    _gettext_package(out, site, "wagtail", "wagtail", "wagtail/admin/locale/*/LC_MESSAGES/django.mo", WAGTAIL)
    _gettext_package(out, site, "Weblate", "weblate", "weblate/locale/*/LC_MESSAGES/django.mo", WEBLATE)
    _gettext_package(out, site, "ckan", "ckan", "ckan/i18n/*/LC_MESSAGES/ckan.mo", CKAN)
    _gettext_package(out, site, "plone.app.locales", "plone_app_locales", "plone/app/locales/locales/*/LC_MESSAGES/plone.mo",
                     PLONE, _plone_english(site))
    _gettext_package(out, site, "Trac", "Trac", "trac/locale/*/LC_MESSAGES/messages.mo", TRAC)
    _gettext_package(out, site, "django-allauth", "django_allauth", "allauth/locale/*/LC_MESSAGES/django.mo", ALLAUTH)

    # MediaWiki: languages/i18n/<code>.json (qqq is the message documentation, not a language)
    version = _deb_version("/", "mediawiki")
    english = json.loads(Path(mediawiki, "en.json").read_text(encoding="utf-8"))
    indexes = {key: out.message("mediawiki (Debian)", version, key, english[key], kind, role, used)
               for key, kind, role, used in MEDIAWIKI}
    for path in sorted(glob.glob(os.path.join(mediawiki, "*.json"))):
        lang = Path(path).stem
        if lang in ("qqq", "qqx"):
            continue
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for key, index in indexes.items():
            value = data.get(key)
            out.add(index, lang, os.path.relpath(path, "/usr/share/mediawiki"), value if isinstance(value, str) else None)

    # WordPress core front-end catalogs (wordpress-l10n): wp-content/languages/<locale>.mo
    version = _deb_version(deb_root, "wordpress-l10n")
    indexes = {msgid: out.message("wordpress-l10n (Debian)", version, msgid, msgid, kind, role, used)
               for msgid, kind, role, used in WORDPRESS}
    for path in sorted(glob.glob(os.path.join(deb_root, "usr/share/wordpress/wp-content/languages/*.mo"))):
        name = Path(path).stem
        if "-" in name:  # admin-*, admin-network-*, continents-cities-*
            continue
        catalog = _mo_catalog(path)
        for msgid, index in indexes.items():
            out.add(index, name, os.path.relpath(path, deb_root), catalog.get(msgid))
    for msgid, index in indexes.items():
        out.add(index, "en", "(msgid)", msgid)

    # Roundcube (roundcube-core): program/localization/<lang>/messages.inc, PHP arrays of strings
    version = _deb_version(deb_root, "roundcube-core")
    base = os.path.join(deb_root, "usr/share/roundcube/program/localization")
    english = _roundcube(os.path.join(base, "en_US/messages.inc"))
    indexes = {key: out.message("roundcube-core (Debian)", version, key, english[key], kind, role, used)
               for key, kind, role, used in ROUNDCUBE}
    for path in sorted(glob.glob(os.path.join(base, "*/messages.inc"))):
        lang = Path(path).parent.name
        strings = _roundcube(path)
        for key, index in indexes.items():
            out.add(index, lang, os.path.relpath(path, deb_root), strings.get(key))

    # Redmine (redmine): config/locales/<lang>.yml, {lang: {key: text}}
    import yaml  # only this generator needs it

    version = _deb_version(deb_root, "redmine")
    base = os.path.join(deb_root, "usr/share/redmine/config/locales")
    english = yaml.safe_load(Path(base, "en.yml").read_text(encoding="utf-8"))["en"]
    indexes = {key: out.message("redmine (Debian)", version, key, english[key], kind, role, used)
               for key, kind, role, used in REDMINE}
    for path in sorted(glob.glob(os.path.join(base, "*.yml"))):
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        lang, strings = next(iter(data.items()))
        for key, index in indexes.items():
            value = strings.get(key)
            out.add(index, lang, os.path.relpath(path, deb_root), value if isinstance(value, str) else None)
    return out


_PHP_STRING = re.compile(r"""\$messages\['([^']+)'\]\s*=\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*;""")


def _roundcube(path: str) -> dict[str, str]:
    text = Path(path).read_text(encoding="utf-8")
    return {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)).replace("\\'", "'").replace('\\"', '"')
            for m in _PHP_STRING.finditer(text)}


def dumps(data: dict) -> str:
    """The data file's text: one message or phrase a line, so a regenerated file diffs by phrase."""
    def lines(items):
        return ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items)
    return (f'{{"about":{json.dumps(data["about"], ensure_ascii=False)},\n"messages":[\n{lines(data["messages"])}\n],\n'
            f'"phrases":[\n{lines(data["phrases"])}\n]}}\n')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-packages", required=True, help="site-packages of the scratch venv holding the pip packages")
    parser.add_argument("--deb-root", required=True, help="where wordpress-l10n and roundcube-core were unpacked")
    parser.add_argument("--mediawiki", default="/usr/share/mediawiki/languages/i18n")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    out = collect(args.site_packages, args.deb_root, args.mediawiki)
    phrases = sorted(out.phrases.values(), key=lambda p: (p["role"], p["kind"], p["norm"]))
    data = {"about": "Error-page headlines, claims and sign-in headings in every language of the packages' own "
                     "translation catalogs; written by tools/extract_catalog_phrases.py (issue #17). Each phrase's "
                     "`from` lists [message index, language, catalog file]; `messages` says which package, version "
                     "and msgid, and where the package prints it.",
            "messages": out.messages, "phrases": phrases}
    Path(args.out).write_text(dumps(data), encoding="utf-8")
    langs = {lang.replace("_", "-").split("-")[0].lower() for p in phrases for lang in p["langs"]}
    print(f"{len(out.messages)} messages, {len(phrases)} phrases, {len(langs)} languages -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
