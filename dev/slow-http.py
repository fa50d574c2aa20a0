#!/usr/bin/env python3
"""Serves one file over HTTP on 127.0.0.1 at a bounded rate, so a flow that reads it runs long
enough to watch, detach from and cancel (dev/cli-test.sh). Prints the port, then serves until
killed or until --lifetime seconds have passed.

    dev/slow-http.py FILE [--rate BYTES_PER_SECOND] [--lifetime SECONDS]
"""
import argparse, http.server, os, socketserver, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("file")
ap.add_argument("--rate", type=int, default=4 << 20)
ap.add_argument("--lifetime", type=int, default=900)
args = ap.parse_args()
size = os.path.getsize(args.file)


class Handler(http.server.BaseHTTPRequestHandler):
    def headers_only(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()

    def do_HEAD(self):
        self.headers_only()

    def do_GET(self):
        self.headers_only()
        chunk = 64 << 10
        start = time.monotonic()
        sent = 0
        try:
            with open(args.file, "rb") as f:
                while True:
                    data = f.read(chunk)
                    if not data:
                        break
                    self.wfile.write(data)
                    sent += len(data)
                    ahead = sent / args.rate - (time.monotonic() - start)
                    if ahead > 0:
                        time.sleep(ahead)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the reader gave up (a cancel): fine

    def log_message(self, *a):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


httpd = Server(("127.0.0.1", 0), Handler)
print(httpd.server_address[1], flush=True)
threading.Timer(args.lifetime, httpd.shutdown).start()
httpd.serve_forever()
