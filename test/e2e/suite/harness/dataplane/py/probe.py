"""Test scaffolding of the e2e (probes.ts): sends each probe from its source network namespace and says what
happened. Input on stdin: a JSON list of {id, netns, dst, port, proto: TCP|UDP, timeoutMs, http?: path, host?}.
Output on stdout: one JSON line per probe, in order: {id, outcome, reply, errno, ms}, where outcome is
  open         the peer answered (reply holds the first line of its answer: the listener names itself)
  refused      connection refused / ICMP port unreachable (kube-router rejects denied traffic this way)
  unreachable  no route, host or network unreachable
  timeout      nothing came back within timeoutMs (every probe is bounded)
  error        anything else (errno and reply say what)
HTTP probes (http set) send a GET of that path and report the status line as reply."""
import errno
import json
import socket
import sys
import time

from netns import Switch


def classify(e):
    if isinstance(e, socket.timeout):
        return "timeout"
    code = getattr(e, "errno", None)
    if code == errno.ECONNREFUSED:
        return "refused"
    if code in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return "unreachable"
    return "error"


def probe(p):
    timeout = p.get("timeoutMs", 2000) / 1000.0
    proto = p["proto"]
    kind = socket.SOCK_STREAM if proto == "TCP" else socket.SOCK_DGRAM
    with Switch(f"/run/netns/{p['netns']}"):
        s = socket.socket(socket.AF_INET6 if ":" in p["dst"] else socket.AF_INET, kind)
    s.settimeout(timeout)
    start = time.monotonic()
    try:
        s.connect((p["dst"], p["port"]))
        if "http" in p:
            s.sendall(f"GET {p['http']} HTTP/1.1\r\nHost: {p.get('host', p['dst'])}\r\nConnection: close\r\n\r\n".encode())
        else:
            s.sendall(f"PROBE {p['id']}\n".encode())
        data = b""
        while b"\n" not in data and len(data) < 4096:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        reply = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        outcome = "open" if reply else "error"
        return {"outcome": outcome, "reply": reply, "errno": None, "ms": round((time.monotonic() - start) * 1000)}
    except OSError as e:
        return {"outcome": classify(e), "reply": str(e), "errno": getattr(e, "errno", None), "ms": round((time.monotonic() - start) * 1000)}
    finally:
        s.close()


def main():
    for p in json.load(sys.stdin):
        r = probe(p)
        r["id"] = p["id"]
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
