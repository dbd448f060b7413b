"""Run the emulator: `python -m gemini_ops.emulator --port 8765 --api-key KEY [--seed-demo]`."""

from __future__ import annotations

import argparse
import logging
import socket
import sys

from gemini_ops.emulator import DEFAULT_API_KEY, DEFAULT_VERTEX_TOKEN, create_app


def _listen(family: socket.AddressFamily, host: str, port: int) -> socket.socket:
    """A listening TCP socket whose protocol is IPPROTO_TCP.

    asyncio turns on TCP_NODELAY only for sockets that say they are TCP; one made by
    `socket.create_server` says protocol 0, and every answer would then wait ~40 ms for the
    client's delayed ACK.
    """
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(socket.SOMAXCONN)
    except OSError:
        sock.close()
        raise
    return sock


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, print the endpoints and credentials, and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m gemini_ops.emulator",
        description="A local server that speaks Google's long-running operations API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0: any free)")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="the accepted x-goog-api-key")
    parser.add_argument(
        "--vertex-token", default=DEFAULT_VERTEX_TOKEN, help="the accepted Vertex AI bearer token"
    )
    parser.add_argument(
        "--cancel-delay",
        type=float,
        default=0.0,
        help="seconds a cancel takes to land (default: 0)",
    )
    parser.add_argument(
        "--seed-demo", action="store_true", help="start with demo operations and jobs"
    )
    parser.add_argument("--log-level", default="info", help="log level (default: info)")
    args = parser.parse_args(argv)

    # Imported here so that `--help` works without the emulator extra installed.
    import uvicorn

    from gemini_ops.emulator._demo import seed_demo
    from gemini_ops.emulator._server import make_config

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(
        api_key=args.api_key, vertex_token=args.vertex_token, cancel_delay=args.cancel_delay
    )
    seeded = seed_demo(app.state) if args.seed_demo else []
    # Bind before printing, so that `--port 0` prints the port actually chosen.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = _listen(family, args.host, args.port)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if family == socket.AF_INET6 else args.host
    base = f"http://{host}:{port}"
    print(f"gemini-ops emulator on {base}", flush=True)
    print(f"  base URL:      {base}  (gemini-ops --base-url, base_url=; no version)", flush=True)
    print(f"  Gemini API:    {base}/v1beta  (x-goog-api-key: {args.api_key})", flush=True)
    print(
        f"  Vertex AI:     {base}/v1      (Authorization: Bearer {args.vertex_token})", flush=True
    )
    print(f"  control plane: {base}/_emulator/", flush=True)
    for name in seeded:
        print(f"  seeded: {name}", flush=True)
    server = uvicorn.Server(
        make_config(app, host=args.host, port=args.port, log_level=args.log_level)
    )
    try:
        server.run(sockets=[sock])
    finally:
        app.state.closing = True
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
