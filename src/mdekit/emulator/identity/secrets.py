"""Client secrets: made like Entra's (40 characters, the first three are the public hint,
`Q~` after the fourth) and stored only as a salted hash.

A secret is 34 random characters of 66 symbols (about 200 bits), so a fast salted SHA-256
is enough: stretching (scrypt, bcrypt) protects guessable passwords, not random keys, and
would cost the token endpoint more than its RSA signature."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

_ALPHABET = string.ascii_letters + string.digits + "_~.-"
_HINT_ALPHABET = string.ascii_letters + string.digits


def new_secret() -> str:
    """A new secret value in the shape Entra issues (e.g. `Abc8Q~...`, 40 characters)."""
    hint = "".join(secrets.choice(_HINT_ALPHABET) for _ in range(3))
    digit = secrets.choice(string.digits)
    body = "".join(secrets.choice(_ALPHABET) for _ in range(34))
    return f"{hint}{digit}Q~{body}"


def hint_of(secret: str) -> str:
    return secret[:3]


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_secret(secret: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def secret_matches(secret: str, salt: str, expected_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret, salt), expected_hash)
