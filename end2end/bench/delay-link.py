#!/usr/bin/env python3
"""A link with a fixed delay, in user space (this machine's kernel has no netem).

Usage: delay-link.py NAMESPACE ONE_WAY_MS

Makes two TUN devices, keeps the first in this network namespace as 10.78.0.1 and moves the
second into NAMESPACE as 10.78.0.2 (point to point), then carries every packet from one to
the other after ONE_WAY_MS milliseconds, in order, in both directions. Prints "ready" once the
link is up, and runs until killed. Root only.
"""

import collections
import fcntl
import os
import select
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
NEAR_IP, FAR_IP = "10.78.0.1", "10.78.0.2"


def tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def ip(*args):
    subprocess.run(["ip", *args], check=True)


def main():
    namespace, one_way = sys.argv[1], float(sys.argv[2]) / 1000
    tag = f"cfd{os.getpid() % 100000}"
    near_name, far_name = f"{tag}n", f"{tag}f"
    near, far = tun(near_name), tun(far_name)
    ip("addr", "add", NEAR_IP, "peer", FAR_IP, "dev", near_name)
    ip("link", "set", near_name, "up")
    # The device keeps working through this file descriptor after it moves.
    ip("link", "set", far_name, "netns", namespace)
    ip("-n", namespace, "addr", "add", FAR_IP, "peer", NEAR_IP, "dev", far_name)
    ip("-n", namespace, "link", "set", far_name, "up")
    print("ready", flush=True)

    # Packets on their way: (when due, bytes), per destination; the delay is the same for
    # all, so each queue is already in order.
    queues = {near: collections.deque(), far: collections.deque()}
    other = {near: far, far: near}
    while True:
        now = time.monotonic()
        for fd, queue in queues.items():
            while queue and queue[0][0] <= now:
                try:
                    os.write(fd, queue.popleft()[1])
                except OSError:
                    pass  # a full or closed device drops the packet, as a link would
        due = [queue[0][0] for queue in queues.values() if queue]
        timeout = max(0.0, min(due) - now) if due else None
        readable, _, _ = select.select([near, far], [], [], timeout)
        arrived = time.monotonic()
        for fd in readable:
            for _ in range(64):
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                queues[other[fd]].append((arrived + one_way, packet))


if __name__ == "__main__":
    main()
