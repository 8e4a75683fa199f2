"""`archivecheck serve`: the caseworkers' web page over the library.

    from archivecheck.web import CheckService, CheckStore, create_app
    service = CheckService(settings, CheckStore(path))
    app = create_app(service)          # a WSGI application

Modules: `store` (checks in SQLite), `service` (the library steps, one shared session),
`letters` (the corrected .docx or text), `app` (Flask routes, CSRF, headers, error pages),
`vendor` (copies GOV.UK Frontend's built files into static/).
"""

from .app import create_app
from .service import CheckService
from .store import CheckStore

__all__ = ["CheckService", "CheckStore", "create_app"]
