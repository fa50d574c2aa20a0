#!/usr/bin/env python3
"""Serves one directory over loopback HTTP/1.1 with HEAD, Range and sendfile, for bench/http-bench.sh.

python's http.server answers neither Range nor keep-alive the way qemu's curl driver needs (it reads
the image in ranges), so this is http.server's handler plus those two; the body goes out with
os.sendfile, as nginx would send it.  Usage: range-http.py DIR PORT (binds 127.0.0.1).
"""
import http.server
import os
import re
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.serve(body=False)

    def do_GET(self):
        self.serve(body=True)

    def serve(self, body):
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            self.send_error(404)
            return
        size = os.path.getsize(path)
        start, end = 0, size - 1
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if m and (m.group(1) or m.group(2)):
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            else:
                start = max(0, size - int(m.group(2)))
            if start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        if not body:
            return
        self.wfile.flush()
        with open(path, "rb") as f:
            off, left = start, end - start + 1
            try:
                while left > 0:
                    n = os.sendfile(self.connection.fileno(), f.fileno(), off, min(left, 1 << 24))
                    if n == 0:
                        break
                    off += n
                    left -= n
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # a client that read only the head (the format probe)


if __name__ == "__main__":
    os.chdir(sys.argv[1])
    http.server.ThreadingHTTPServer.daemon_threads = True
    http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])), Handler).serve_forever()
