"""WebSocket echo server on 127.0.0.1 for interop tests (see ../python.ts).

Usage: /usr/bin/python3 echo_server.py '<json config>'

Config keys (all optional):
  subprotocols  list of subprotocols the server accepts
  max_size      largest incoming message in bytes; null for no limit
  compression   true to accept permessage-deflate (default false)
  cert, key     PEM strings: serve wss:// instead of ws://
  lifetime      seconds before the server exits by itself (default 120)

Binds port 0 and prints JSON lines on stdout:
  {"event": "listening", "port": N}
  {"event": "open", "id": I, "path": ..., "headers": [[name, value], ...], "subprotocol": ...}
  {"event": "closed", "id": I, "code": C, "reason": R}
Echoes every message; a text message "!close <code> <reason>" closes instead.
Pings are off. Exits when stdin closes (the parent died) or after `lifetime`.
"""

import asyncio
import json
import os
import ssl
import sys
import tempfile
import threading

try:
    import websockets
except ImportError:
    sys.stderr.write("python3-websockets is missing: .ci/run installs it (apt-get install python3-websockets)\n")
    sys.exit(3)

try:  # websockets >= 13: the new asyncio implementation
    from websockets.asyncio.server import serve

    NEW_API = True
except ImportError:  # older releases (Debian bookworm ships 10.4): the legacy implementation
    from websockets.server import serve

    NEW_API = False

from websockets.exceptions import ConnectionClosed


def emit(obj):
    print(json.dumps(obj), flush=True)


def parse_close(message):
    parts = message.split(" ", 2)
    code = int(parts[1]) if len(parts) > 1 and parts[1] else 1000
    reason = parts[2] if len(parts) > 2 else ""
    return code, reason


counter = 0


async def handler(ws):
    global counter
    counter += 1
    ident = counter
    request = ws.request if NEW_API else ws
    path = request.path
    headers = (ws.request.headers if NEW_API else ws.request_headers).raw_items()
    emit({"event": "open", "id": ident, "path": path, "headers": [list(h) for h in headers], "subprotocol": ws.subprotocol})
    try:
        async for message in ws:
            if isinstance(message, str) and message.startswith("!close"):
                code, reason = parse_close(message)
                await ws.close(code, reason)
                break
            await ws.send(message)
    except ConnectionClosed:
        pass
    await ws.wait_closed()
    emit({"event": "closed", "id": ident, "code": ws.close_code, "reason": ws.close_reason or ""})


def watch_stdin():
    sys.stdin.read()
    os._exit(0)


async def main(config):
    kwargs = {"ping_interval": None, "compression": "deflate" if config.get("compression") else None}
    if "max_size" in config:
        kwargs["max_size"] = config["max_size"]
    if config.get("subprotocols"):
        kwargs["subprotocols"] = config["subprotocols"]
    if config.get("cert"):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("cert", "key"):
                with open(os.path.join(tmp, name), "w") as f:
                    f.write(config[name])
            context.load_cert_chain(os.path.join(tmp, "cert"), os.path.join(tmp, "key"))
        kwargs["ssl"] = context
    async with serve(handler, "127.0.0.1", 0, **kwargs) as server:
        emit({"event": "listening", "port": server.sockets[0].getsockname()[1]})
        await asyncio.sleep(config.get("lifetime", 120))


if __name__ == "__main__":
    threading.Thread(target=watch_stdin, daemon=True).start()
    asyncio.run(main(json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}))
