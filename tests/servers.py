"""Start a threaded loopback HTTP server for a test stand-in (live site, Save Page Now, …)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    """Serve `handler` on a free loopback port in a daemon thread; returns (server, base URL)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return httpd, "http://127.0.0.1:%d/" % httpd.server_address[1]


class LoopbackServer:
    """Base for stand-ins started with `serve_in_thread` into `self.httpd`: close and context manager."""

    httpd: ThreadingHTTPServer

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
