"""Secrets: generation and hashing of passwords, client secrets and tokens.

Passwords get a slow, salted hash (Argon2id). Hashes imported from Qiita are
bcrypt (`$2a$`, `$2b$`, `$2y$`): still accepted, and replaced by an Argon2id hash
at the next successful sign-in (`password_needs_rehash`). Client secrets (255 random
characters) and access tokens (55) have far more entropy than any password,
so a plain SHA-256 is the right tool for them: fast to check, impossible to
reverse, and unlike bcrypt it reads every byte.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ALPHANUMERIC = string.ascii_letters + string.digits
TOKEN_LENGTH = 55
CLIENT_ID_LENGTH = 50
CLIENT_SECRET_LENGTH = 255
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
BCRYPT_MAX_BYTES = 72

_password_hasher = PasswordHasher()


def random_alphanumeric(length: int) -> str:
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def new_token() -> str:
    return random_alphanumeric(TOKEN_LENGTH)


def new_client_id() -> str:
    return random_alphanumeric(CLIENT_ID_LENGTH)


def new_client_secret() -> str:
    return random_alphanumeric(CLIENT_SECRET_LENGTH)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_client_secret(secret: str) -> str:
    return sha256_hex(secret)


def verify_client_secret(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(sha256_hex(secret), stored_hash)


def hash_token(token: str) -> str:
    return sha256_hex(token)


def hash_password(password: str) -> str:
    return _password_hasher.hash(password)


def is_bcrypt_hash(stored_hash: str) -> bool:
    return stored_hash.startswith(BCRYPT_PREFIXES)


def password_needs_rehash(stored_hash: str) -> bool:
    """True for hashes of another scheme (bcrypt, imported from Qiita)."""
    return is_bcrypt_hash(stored_hash)


def verify_password(password: str, stored_hash: str) -> bool:
    if is_bcrypt_hash(stored_hash):
        # bcrypt reads at most 72 bytes; Qiita's hashes were made from that prefix.
        try:
            return bcrypt.checkpw(password.encode()[:BCRYPT_MAX_BYTES], stored_hash.encode())
        except ValueError:
            return False
    try:
        return _password_hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
