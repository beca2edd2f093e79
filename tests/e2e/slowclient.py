#!/usr/bin/env python3
"""slowclient.py - slow HTTP clients for tests/e2e/http.bats (slowloris).

  slowclient.py hold PORT COUNT SOURCE SECONDS
      Open COUNT connections from address SOURCE to 127.0.0.1:PORT, send each
      the first half of a request, print "holding N" (N: connections the
      server has not closed), then trickle a byte every 2 s on each (so no
      idle timeout ends them) until SECONDS pass or stdin closes; print
      "open N" with the connections still open at the end, close them all.

  slowclient.py trickle PORT SECONDS [body]
      Send a request line, then one header byte a second (with "body": whole
      headers announcing a 1 MB body, then one body byte a second) until the
      server closes the connection or SECONDS pass. Prints "closed after S"
      or "open after S".

Only loopback addresses; every loop is bounded in count and time.
"""
import resource
import select
import socket
import sys
import time


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))


def closed_by_server(s):
    """True when the server has closed s (EOF or reset); never blocks."""
    try:
        p = select.poll()
        p.register(s, select.POLLIN)
        if not p.poll(0):
            return False
        return s.recv(4096) == b""
    except OSError:
        return True


def hold(port, count, source, seconds):
    raise_fd_limit(count + 64)
    socks = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((source, 0))
            s.connect(("127.0.0.1", port))
            s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: kith\r\nX-Slow: ")
            socks.append(s)
        except OSError:
            s.close()
    time.sleep(0.5)
    still = []
    for s in socks:
        if closed_by_server(s):
            s.close()
        else:
            still.append(s)
    socks = still
    print("holding", len(socks), flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        r, _, _ = select.select([sys.stdin], [], [], 2)
        if r and not sys.stdin.readline():
            break
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
    print("open", sum(1 for s in socks if not closed_by_server(s)), flush=True)
    for s in socks:
        s.close()


def trickle(port, seconds, body):
    s = socket.create_connection(("127.0.0.1", port))
    if body:
        s.sendall(b"POST /api/v1/contacts HTTP/1.1\r\nHost: kith\r\n"
                  b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
    else:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: kith\r\nX-Slow: ")
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        time.sleep(1)
        if closed_by_server(s):
            print("closed after %.1f" % (time.monotonic() - start), flush=True)
            return
        try:
            s.send(b" " if body else b"a")
        except OSError:
            print("closed after %.1f" % (time.monotonic() - start), flush=True)
            return
    print("open after %.1f" % (time.monotonic() - start), flush=True)
    s.close()


def main():
    mode = sys.argv[1]
    if mode == "hold":
        hold(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    elif mode == "trickle":
        trickle(int(sys.argv[2]), float(sys.argv[3]), len(sys.argv) > 4 and sys.argv[4] == "body")
    else:
        sys.exit("usage: slowclient.py hold PORT COUNT SOURCE SECONDS | trickle PORT SECONDS [body]")


if __name__ == "__main__":
    main()
