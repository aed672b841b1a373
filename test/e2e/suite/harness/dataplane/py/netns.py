"""setns(2) for the e2e's test-only network helpers: a socket belongs to the network namespace of the thread that
created it, so a process can create sockets in several namespaces by switching before each one."""
import ctypes
import os

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def enter(path):
    """Moves the calling thread into the network namespace at `path` (e.g. /run/netns/<name>)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"setns({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


class Switch:
    """`with Switch(path):` runs the block in that namespace and returns to the original one."""

    def __init__(self, path):
        self.path = path
        self.home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)

    def __enter__(self):
        enter(self.path)
        return self

    def __exit__(self, *exc):
        if _libc.setns(self.home, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns back")
        os.close(self.home)
        return False
