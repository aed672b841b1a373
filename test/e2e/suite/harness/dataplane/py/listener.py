"""Test scaffolding of the e2e's test node (node-agent.ts), started inside a pod's or a test host's network
namespace: listens on the given TCP and UDP ports and answers every peer with its own name, so a probe knows which
listener answered; logs every connection and datagram (one JSON line each) so a denied probe can be told from a
port nobody listens on. A first line starting with an HTTP method gets an HTTP 200 answer (the smoke test's /healthz).

usage: listener.py --name NAME --log FILE [--tcp PORT]... [--udp PORT]...
Prints "ready" on stdout once every socket is bound. Runs until killed (by its PID)."""
import argparse
import json
import socket
import sys
import threading
import time

HTTP_METHODS = ("GET ", "HEAD ", "POST ", "PUT ", "OPTIONS ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--tcp", type=int, action="append", default=[])
    ap.add_argument("--udp", type=int, action="append", default=[])
    args = ap.parse_args()
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1)

    def record(**entry):
        entry["t"] = round(time.time(), 3)
        with lock:
            log.write(json.dumps(entry) + "\n")

    def serve_tcp(conn, peer, port):
        with conn:
            conn.settimeout(3)
            first = b""
            try:
                while b"\n" not in first and len(first) < 4096:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    first += chunk
            except OSError:
                pass
            line = first.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
            record(proto="TCP", peer=peer[0], port=port, line=line)
            body = f"vmafx-listener {args.name} TCP/{port} {line}\n"
            try:
                if line.startswith(HTTP_METHODS):
                    payload = "" if line.startswith("HEAD ") else body
                    conn.sendall(
                        f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                        f"Connection: close\r\n\r\n{payload}".encode()
                    )
                else:
                    conn.sendall(body.encode())
            except OSError:
                pass

    def accept_loop(sock, port):
        while True:
            conn, peer = sock.accept()
            threading.Thread(target=serve_tcp, args=(conn, peer, port), daemon=True).start()

    def udp_loop(sock, port):
        while True:
            data, peer = sock.recvfrom(4096)
            line = data.decode("utf-8", "replace").strip()
            record(proto="UDP", peer=peer[0], port=port, line=line)
            sock.sendto(f"vmafx-listener {args.name} UDP/{port} {line}\n".encode(), peer)

    for port in sorted(set(args.tcp)):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(64)
        threading.Thread(target=accept_loop, args=(s, port), daemon=True).start()
    for port in sorted(set(args.udp)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", port))
        threading.Thread(target=udp_loop, args=(s, port), daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
