"""Run pywb in its own process: ``python -m tests.archive.pywb_process ROOT [PORT]``.

Why a subprocess rather than a thread: ``pywb.apps.frontendapp`` runs ``gevent.monkey.patch_all()``
on import and starts its internal WarcServer as a gevent greenlet that the rewriter then calls over
HTTP. In the pytest process that would monkeypatch threading/socket/ssl for the code under test (and
without patching, the greenlet server never runs and the rewriter deadlocks). A child process keeps
gevent out of the tests; startup is about a second.

Two FrontEndApps share the collections under ROOT:
  * ``/web/...`` -> ``redirect_to_exact: true``, unframed: like the Wayback Machine, a replay
    request whose timestamp is not a capture's redirects (pywb says 307; the front makes it 302 as
    web.archive.org does) to the nearest capture's exact URL.
  * everything else (``/ukgwa/...``) -> ``redirect_to_exact: false``, framed like UKGWA: the
    nearest capture is served directly (200 with Memento-Datetime).
Prints ``PYWB_READY <port>`` on stdout once listening.
"""
from gevent.monkey import patch_all

patch_all()

import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

CONFIG = """\
collections_root: collections
enable_memento: true
framed_replay: true
redirect_to_exact: false
debug: false
"""


def make_app(root):
    from pywb.apps.frontendapp import FrontEndApp

    os.chdir(root)
    with open("config.yaml", "w") as f:
        f.write(CONFIG)
    nearest = FrontEndApp(config_file="config.yaml")
    exact = FrontEndApp(config_file="config.yaml",
                        custom_config={"redirect_to_exact": True, "framed_replay": False})

    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        app = exact if path.startswith("/web/") else nearest
        return app(environ, start_response)

    return dispatch


def main(argv):
    from gevent.pywsgi import WSGIServer

    root = argv[1]
    port = int(argv[2]) if len(argv) > 2 else 0
    logging.basicConfig(level=logging.WARNING)
    app = make_app(root)
    server = WSGIServer(("127.0.0.1", port), app, log=None, error_log=sys.stderr)
    server.init_socket()
    print("PYWB_READY %d" % server.address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
