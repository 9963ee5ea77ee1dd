"""Staff passwords: the argon2 hasher and the policy a new password must meet.

The policy refuses what a guesser tries first: fewer than 12 characters, one or two characters
repeated (`aaaaaaaaaaaa`, `abababababab`), a sequence (`abcdefghijkl`, `123456789012`, `qwerty…`),
or mostly a common word or the username with such padding (`password1234`, `matkhau@2026`). It is
a short built-in list, not a breached-password corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vss_tickets.domain.errors import unprocessable
from vss_tickets.domain.text import nfc

MIN_LENGTH = 12
# Left once the predictable parts and the separators (spaces, punctuation) are taken out, a
# password must keep this many letters and digits, of at least MIN_DISTINCT different ones.
MIN_REST = 6
MIN_DISTINCT = 4
RUN = 3  # a sequence or repetition this long counts as predictable

# Common passwords and words of Vietnamese and English staff passwords (lower case, no accents).
COMMON_WORDS = (
    "password", "passwd", "pass", "matkhau", "admin", "administrator", "root", "login",
    "welcome", "hello", "xinchao", "iloveyou", "anhyeuem", "emyeuanh", "letmein", "secret",
    "qwerty", "azerty", "bhxh", "baohiem", "xahoi", "baohiemxahoi", "vss", "vietnam",
    "hanoi", "saigon", "officer", "canbo", "supervisor", "staff", "user", "test", "changeme",
)  # fmt: skip
_COMMON = re.compile("|".join(sorted(map(re.escape, COMMON_WORDS), key=len, reverse=True)))
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-real-password")  # verified for unknown users (same timing)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an unknown user (None) costs the same argon2 work."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _step(a: str, b: str) -> int | None:
    """+1 / -1 when `b` follows or precedes `a` in the alphabet, the digits or a keyboard row."""
    if a.isascii() and b.isascii() and abs(ord(a) - ord(b)) == 1 and a.isalnum() and b.isalnum():
        return ord(b) - ord(a)
    for row in KEYBOARD_ROWS:
        if a in row and b in row and abs(row.index(a) - row.index(b)) == 1:
            return row.index(b) - row.index(a)
    return 0 if a == b else None


def _without_runs(text: str) -> str:
    """`text` without its runs of RUN or more characters each one step (or zero) from the
    previous in the same direction: `aaa`, `abc`, `987`, `qwe`."""
    kept: list[str] = []
    i = 0
    while i < len(text):
        j, step = i + 1, None
        while j < len(text):
            s = _step(text[j - 1], text[j])
            if s is None or (step is not None and s != step):
                break
            step, j = s, j + 1
        if j - i >= RUN:
            i = j
        else:
            kept.append(text[i])
            i += 1
    return "".join(kept)


def _letters_and_digits(text: str) -> str:
    """`text` without spaces and punctuation (`pass-word` reads as `password`)."""
    return "".join(c for c in text if c.isalnum())


def _periodic(text: str) -> bool:
    """`text` is a shorter piece repeated (`abab…`, `ab12ab12…`)."""
    return text in (text + text)[1:-1]


def weakness(password: str, username: str = "") -> tuple[str, str] | None:
    """Why `password` is refused (Vietnamese, English), or None when it meets the policy."""
    if len(password) < MIN_LENGTH:
        return (
            f"Mật khẩu phải có ít nhất {MIN_LENGTH} ký tự",
            f"Password must have at least {MIN_LENGTH} characters",
        )
    text = nfc(password).casefold()
    rest, name = _letters_and_digits(text), _letters_and_digits(username.casefold())
    rest = _without_runs(_COMMON.sub("", rest.replace(name, "") if len(name) >= 3 else rest))
    if _periodic(text) or len(rest) < MIN_REST or len(set(rest)) < MIN_DISTINCT:
        return (
            "Mật khẩu quá dễ đoán: phần lớn là ký tự lặp lại, dãy liên tiếp (abc, 123, qwerty), "
            "từ thông dụng hoặc tên đăng nhập; hãy dùng một cụm vài từ không liên quan nhau",
            "Password too easy to guess: it is mostly repeated characters, sequences (abc, 123, "
            "qwerty), common words or the username; use a phrase of several unrelated words",
        )
    return None


@dataclass(frozen=True)
class NewPassword:
    """The argon2 hash of a password that met the policy; built by `of`, before any transaction
    (hashing takes tens of milliseconds)."""

    password_hash: str

    @classmethod
    def of(cls, password: str, username: str) -> NewPassword:
        """Hash `password` for `username`, or raise 422 `invalid` saying why it is refused."""
        problem = weakness(password, username)
        if problem is not None:
            raise unprocessable(*problem)
        return cls(hash_password(password))

