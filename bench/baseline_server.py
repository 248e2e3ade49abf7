"""The physical baselines: a bare ASGI app on the same server stack (uvicorn, TLS) that does
only the unavoidable work, so the emulator's figures are ratios against the hardware.

- `POST /token`: sign one RS256 token with the same claims as the emulator's, and return it
  in the v2 token response shape.
- `GET /alerts`: verify one RS256 bearer token and return a fixed page of 100 alerts.

Run: python -m bench.baseline_server --cert C --key K --port 0 --page FILE (prints its port)."""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
import uuid

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa

PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC = PRIVATE.public_key()


def sign() -> str:
    now = int(time.time())
    tid = str(uuid.uuid4())
    claims = {
        "aud": "https://api.securitycenter.microsoft.com",
        "iss": f"https://sts.windows.net/{tid}/",
        "iat": now - 300,
        "nbf": now - 300,
        "exp": now + 3600,
        "aio": "x" * 80,
        "app_displayname": "mdekit-dev",
        "appid": str(uuid.uuid4()),
        "appidacr": "1",
        "idp": f"https://sts.windows.net/{tid}/",
        "oid": str(uuid.uuid4()),
        "rh": "0." + "y" * 64 + ".",
        "roles": ["Alert.Read.All", "Alert.ReadWrite.All", "Machine.Read.All", "Machine.Isolate"]
        * 7,
        "sub": str(uuid.uuid4()),
        "tid": tid,
        "uti": "z" * 22,
        "ver": "1.0",
    }
    return jwt.encode(
        claims, PRIVATE, algorithm="RS256", headers={"kid": "k" * 27, "x5t": "k" * 27}
    )


def make_app(page: bytes):  # type: ignore[no-untyped-def]
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return
        if scope["path"] == "/token":
            while (await receive()).get("more_body"):
                pass
            body = json.dumps(
                {
                    "token_type": "Bearer",
                    "expires_in": 3599,
                    "ext_expires_in": 3599,
                    "access_token": sign(),
                }
            ).encode()
        else:
            auth = dict(scope["headers"]).get(b"authorization", b"").decode()
            jwt.decode(
                auth.removeprefix("Bearer "),
                PUBLIC,
                algorithms=["RS256"],
                options={"verify_aud": False},
            )
            body = page
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--page", required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    sock = socket.socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    print(sock.getsockname()[1], flush=True)
    with open(args.page, "rb") as handle:
        page = handle.read()
    config = uvicorn.Config(
        make_app(page),
        ssl_certfile=args.cert,
        ssl_keyfile=args.key,
        log_level="critical",
        access_log=False,
        lifespan="off",
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    sys.exit(main())
