#!/usr/bin/env python3
"""HTTP(S) test server with fault injection for trin's fetch tests.

Started by Tests/TrinTestSupport/TestHTTPServer.swift on 127.0.0.1 and an
ephemeral port. Prints one line `PORT <n>` on stdout when ready, appends one
JSON line per request it receives to the --log file (before answering, so a
client that has its answer can read the log), and exits when stdin closes (the
test process ended or stopped it).

Scenarios are chosen by path; counters are per path, so a server started per
test gives each test its own "fail N times, then succeed" sequence.
"""

import argparse
import base64
import json
import os
import ssl
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

BEARER_TOKEN = "s3cret-bearer-token"
BASIC_USER = "trin"
BASIC_PASSWORD = "pa55:word"
CSV_BODY = b"id;name\r\n1;alpha\r\n2;beta\r\n"
ETAG = '"v1-csv"'
LAST_MODIFIED = "Wed, 01 Oct 2025 02:00:00 GMT"

counters = {}
counters_lock = threading.Lock()
log_lock = threading.Lock()


def next_count(key):
    with counters_lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server_version = "trin-test/1"

    def log_message(self, format, *args):  # quiet: the JSON log is the record
        pass

    def record(self):
        entry = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }
        with log_lock:
            with open(self.server.log_path, "a") as f:
                f.write(json.dumps(entry) + "\n")
                f.flush()

    def send_body(self, status, body, content_type="text/csv; charset=windows-1252", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.record()
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/files/"):
            self.serve_file(url.path, query)
            return
        route = getattr(self, "route_" + url.path.strip("/").replace("-", "_").replace(".", "_").replace("/", "_"), None)
        if route is None:
            self.send_body(404, b"<html><body>not found</body></html>", "text/html")
            return
        route(url.path, query)

    # 200 with validators; 304 when the client's validators match.
    def route_data_csv(self, path, query):
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            if ETAG in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                self.send_not_modified()
                return
        elif ims is not None:
            try:
                if parsedate_to_datetime(ims) >= parsedate_to_datetime(LAST_MODIFIED):
                    self.send_not_modified()
                    return
            except (TypeError, ValueError):
                pass
        self.send_body(200, CSV_BODY, headers=[("ETag", ETAG), ("Last-Modified", LAST_MODIFIED)])

    # /files/NAME: NAME from the --root folder, with an ETag and Last-Modified from
    # its size and modification time, and 304 when the client's copy is current.
    # ?fail=N: the first N requests for this path get 500 first.
    def serve_file(self, path, query):
        if "fail" in query and next_count("fail " + path) <= int(query["fail"]):
            self.send_body(500, b"<html>internal error</html>", "text/html")
            return
        root = self.server.root
        name = path[len("/files/"):]
        full = os.path.realpath(os.path.join(root or "/nonexistent", name))
        if not root or not full.startswith(os.path.realpath(root) + os.sep) or not os.path.isfile(full):
            self.send_body(404, b"<html>no such export</html>", "text/html")
            return
        st = os.stat(full)
        etag = '"%x-%x"' % (st.st_mtime_ns, st.st_size)
        last_modified = formatdate(int(st.st_mtime), usegmt=True)
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        current = False
        if inm is not None:
            current = etag in [t.strip() for t in inm.split(",")]
        elif ims is not None:
            try:
                current = parsedate_to_datetime(ims).timestamp() >= int(st.st_mtime)
            except (TypeError, ValueError):
                pass
        if current:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", last_modified)
            self.end_headers()
            return
        content_type = "application/xml" if name.endswith(".xml") else "text/csv; charset=windows-1252"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(st.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", last_modified)
        self.end_headers()
        if self.command == "HEAD":
            return
        try:
            with open(full, "rb") as f:
                while True:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
        except OSError:
            pass

    def route_data_xml(self, path, query):
        self.send_body(200, b'<?xml version="1.0"?>\n<export/>\n', "application/xml")

    def send_not_modified(self):
        self.send_response(304)
        self.send_header("ETag", ETAG)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()

    # ?fail=N: the first N requests fail with the status, then 200.
    def failing(self, path, query, status, extra_headers):
        if next_count(path) <= int(query.get("fail", "1")):
            self.send_body(status, b"<html>try later</html>", "text/html", extra_headers)
        else:
            self.send_body(200, CSV_BODY)

    def route_flaky_500(self, path, query):
        self.failing(path, query, 500, [])

    def route_busy_503(self, path, query):
        retry_after = query.get("retry_after", "1")
        if retry_after == "date":  # an HTTP date `seconds` from now
            retry_after = formatdate(time.time() + int(query.get("seconds", "30")), usegmt=True)
        self.failing(path, query, 503, [("Retry-After", retry_after)])

    def route_limited_429(self, path, query):
        self.failing(path, query, 429, [("Retry-After", query.get("retry_after", "0"))])

    def route_redirect(self, path, query):
        self.send_response(302)
        self.send_header("Location", query.get("to", "/data.csv"))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_loop(self, path, query):
        n = int(query.get("n", "0"))
        self.send_response(302)
        self.send_header("Location", "/loop?n=%d" % (n + 1))
        self.send_header("Content-Length", "0")
        self.end_headers()

    # Headers and half the body, then silence longer than the client's stall timeout.
    def route_stall(self, path, query):
        total = int(query.get("size", "4000"))
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(total))
        self.end_headers()
        self.wfile.write(b"x" * (total // 2))
        self.wfile.flush()
        time.sleep(float(query.get("sleep", "4")))
        try:
            self.wfile.write(b"x" * (total - total // 2))
        except OSError:
            pass

    # Promises more than it sends, then closes.
    def route_short(self, path, query):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", query.get("length", "1000"))
        self.end_headers()
        self.wfile.write(b"y" * int(query.get("send", "400")))
        self.wfile.flush()
        self.close_connection = True

    # A portal's error page served with status 200.
    def route_html_error(self, path, query):
        self.send_body(200, b"<!DOCTYPE html>\n<html><body>Service unavailable</body></html>", "text/html; charset=utf-8")

    # HTML labelled as CSV, behind a BOM and whitespace.
    def route_html_sniff(self, path, query):
        self.send_body(200, b"\xef\xbb\xbf \r\n\t<HTML><body>login</body></HTML>", "text/csv")

    def route_missing(self, path, query):
        self.send_body(404, b"<html>no such export</html>", "text/html")

    def route_bearer(self, path, query):
        if self.headers.get("Authorization") == "Bearer " + BEARER_TOKEN:
            self.send_body(200, CSV_BODY)
        else:
            self.send_body(401, b"unauthorized", "text/plain", [("WWW-Authenticate", 'Bearer realm="trin"')])

    def route_basic(self, path, query):
        expected = "Basic " + base64.b64encode((BASIC_USER + ":" + BASIC_PASSWORD).encode()).decode()
        if self.headers.get("Authorization") == expected:
            self.send_body(200, CSV_BODY)
        else:
            self.send_body(401, b"unauthorized", "text/plain", [("WWW-Authenticate", 'Basic realm="trin"')])

    # ?size=N bytes; ?length=no omits Content-Length (body ends at close).
    def route_big(self, path, query):
        size = int(query.get("size", "100000"))
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        if query.get("length", "yes") != "no":
            self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"z" * 8192
        sent = 0
        try:
            while sent < size:
                n = min(len(chunk), size - sent)
                self.wfile.write(chunk[:n])
                sent += n
        except OSError:
            pass
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--root", help="folder served under /files/")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log_path = args.log
    server.root = args.root
    open(args.log, "w").close()
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)

    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)
    sys.stdin.read()  # returns at EOF: the test process stopped us or ended
    os._exit(0)


if __name__ == "__main__":
    main()
