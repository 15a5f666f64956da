"""Review-login passwords: Argon2id hashes through argon2-cffi; a plain password is never kept.

argon2-cffi's defaults are RFC 9106's low-memory profile (64 MiB, 3 passes, 4 lanes, a 16-byte
random salt): about 0.2 s a hash here, cheap for one login, dear for a guesser. Each hash names
its own parameters, so hashes made with other ones (a test's cheap hasher) still verify.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gradewise.store.users import UserError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # a megabyte "password" would only make the server hash for nothing
DEFAULT = PasswordHasher()


def check_password(password: str) -> str:
    """`password` if it is long enough to keep, else UserError saying so."""
    if len(password) < MIN_LENGTH:
        raise UserError(
            f"the password is shorter than {MIN_LENGTH} characters",
            fix="choose a longer one (a few words make a good one)",
        )
    if len(password) > MAX_LENGTH:
        raise UserError(
            f"the password is longer than {MAX_LENGTH} characters", fix="choose a shorter one"
        )
    return password


def hash_password(password: str, hasher: PasswordHasher = DEFAULT) -> str:
    """The Argon2id hash to store for `password` (checked with `check_password` first)."""
    return hasher.hash(check_password(password))


def verify(password_hash: str | None, password: str, hasher: PasswordHasher = DEFAULT) -> bool:
    """Whether `password` matches; an unknown user (None) costs as much time as a known one."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        # With no user, a decoy hash is checked anyway: a quick "no" would tell a guesser
        # which names exist.
        matched = hasher.verify(password_hash or _decoy(hasher), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


@cache
def _decoy(hasher: PasswordHasher) -> str:
    return hasher.hash("not a password of anyone's")
