#!/usr/bin/env python3
"""Serves a folder of exports over HTTP for the trin demo, like a municipal export server:
each file with an ETag and Last-Modified, and 304 Not Modified when the client's copy is
current (If-None-Match / If-Modified-Since), so `trin run` twice shows `unchanged`.

    scripts/demo-server.py demo-exports --port 8731
    # trin.yaml: url: "http://127.0.0.1:8731/forloeb-2025-01-05.csv"

Listens on 127.0.0.1 only. Stop it with Ctrl-C or kill.
"""

import argparse
import functools
import os
from email.utils import formatdate
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".csv": "text/csv", ".xml": "application/xml"}

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isfile(path):
            st = os.stat(path)
            etag = '"%x-%x"' % (st.st_mtime_ns, st.st_size)
            inm = self.headers.get("If-None-Match")
            if inm is not None and etag in [t.strip() for t in inm.split(",")]:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", formatdate(int(st.st_mtime), usegmt=True))
                self.end_headers()
                return None
            self._etag = etag
        return super().send_head()  # adds Last-Modified and handles If-Modified-Since

    def end_headers(self):
        etag = getattr(self, "_etag", None)
        if etag:
            self.send_header("ETag", etag)
            self._etag = None
        super().end_headers()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=args.folder)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    print("serving %s on http://127.0.0.1:%d/" % (args.folder, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
