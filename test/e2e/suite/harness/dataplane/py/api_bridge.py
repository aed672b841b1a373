"""Test scaffolding of the e2e (kube-router.ts): lets kube-router, which runs inside the test node's network
namespace, reach the test API server on the machine's loopback without any network link between the two: a
listening socket created inside the node namespace, each accepted connection piped to a socket created in this
process's own namespace. No interface, route or firewall rule is involved.

usage: api_bridge.py NETNS_PATH LISTEN_PORT TARGET_PORT   (both on 127.0.0.1; prints "ready"; runs until killed)"""
import socket
import sys
import threading

from netns import Switch


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    netns, listen_port, target_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with Switch(netns):
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", listen_port))
        srv.listen(64)
    print("ready", flush=True)
    while True:
        conn, _ = srv.accept()
        up = socket.create_connection(("127.0.0.1", target_port), timeout=10)
        up.settimeout(None)
        threading.Thread(target=pipe, args=(conn, up), daemon=True).start()
        threading.Thread(target=pipe, args=(up, conn), daemon=True).start()


if __name__ == "__main__":
    main()
