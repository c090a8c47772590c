"""Scripted WebSocket client for interop tests (see ../python.ts).

Usage: /usr/bin/python3 client.py < '<json config>'

Config (stdin, JSON):
  url            ws:// or wss:// URL
  messages       [{"text": "..."} | {"binary": "<base64>"}], sent in order
  subprotocols   list to offer (optional)
  ca             PEM to trust for wss:// (optional)
  expect_replies messages to receive before closing (default: len(messages))
  close          {"code": C, "reason": R} to close (default code 1000), or "wait"
                 to wait for the server to close
  max_size       largest incoming message; omitted: library default
  timeout        seconds for the whole run (default 10)

Prints one JSON object on stdout:
  {"opened", "subprotocol", "replies", "closeCode", "closeReason", "error"}
with the close code/reason received from the server. Pings are off.
"""

import asyncio
import base64
import json
import ssl
import sys

try:
    import websockets
except ImportError:
    sys.stderr.write("python3-websockets is missing: .ci/run installs it (apt-get install python3-websockets)\n")
    sys.exit(3)

try:  # websockets >= 13: the new asyncio implementation
    from websockets.asyncio.client import connect
except ImportError:  # older releases (Debian bookworm ships 10.4): the legacy implementation
    from websockets.client import connect

from websockets.exceptions import ConnectionClosed


def decode(message):
    if "text" in message:
        return message["text"]
    return base64.b64decode(message["binary"])


def encode(data):
    if isinstance(data, str):
        return {"text": data}
    return {"binary": base64.b64encode(data).decode("ascii")}


async def run(config, result):
    kwargs = {"ping_interval": None, "compression": None, "open_timeout": config.get("timeout", 10)}
    if config.get("subprotocols"):
        kwargs["subprotocols"] = config["subprotocols"]
    if "max_size" in config:
        kwargs["max_size"] = config["max_size"]
    if config["url"].startswith("wss:"):
        context = ssl.create_default_context()
        if config.get("ca"):
            context.load_verify_locations(cadata=config["ca"])
        kwargs["ssl"] = context
    messages = config.get("messages", [])
    expect = config.get("expect_replies", len(messages))
    close = config.get("close", {"code": 1000})
    ws = await connect(config["url"], **kwargs)
    result["opened"] = True
    result["subprotocol"] = ws.subprotocol
    try:
        for message in messages:
            await ws.send(decode(message))
        if close == "wait":
            async for data in ws:
                result["replies"].append(encode(data))
        else:
            for _ in range(expect):
                result["replies"].append(encode(await ws.recv()))
            await ws.close(close.get("code", 1000), close.get("reason", ""))
    except ConnectionClosed:
        pass
    await ws.wait_closed()
    result["closeCode"] = ws.close_code
    result["closeReason"] = ws.close_reason or ""


async def main():
    config = json.load(sys.stdin)
    result = {"opened": False, "subprotocol": None, "replies": [], "closeCode": None, "closeReason": "", "error": None}
    try:
        await asyncio.wait_for(run(config, result), config.get("timeout", 10))
    except asyncio.TimeoutError:
        result["error"] = "timeout"
    except Exception as e:  # reported to the test, which decides
        result["error"] = "%s: %s" % (type(e).__name__, e)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
