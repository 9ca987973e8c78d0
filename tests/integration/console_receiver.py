"""Plays the caller's side of --console-socket: accepts one connection,
receives the pty master over SCM_RIGHTS, optionally types INPUT into it, and
copies what the container writes to OUTPUT until the pty closes.

usage: console_receiver.py SOCKET OUTPUT [INPUT]
"""
import os
import select
import socket
import sys
import time

path, output_path = sys.argv[1], sys.argv[2]
typed = sys.argv[3].encode() if len(sys.argv) > 3 else b""
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
server.settimeout(30)
connection, _ = server.accept()
message, fds, _, _ = socket.recv_fds(connection, 1024, 1)
if not fds:
    sys.exit("no fd received")
master = fds[0]
collected = b""
if typed:
    os.write(master, typed)
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([master], [], [], 1)
    if not ready:
        continue
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO: the last slave fd closed
        break
    if not chunk:
        break
    collected += chunk
with open(output_path, "wb") as output:
    output.write(message + b"\n" + collected)
