"""Receipt tokens: the secret on the citizen's receipt that proves a ticket is theirs.

A receipt is 12 random characters of Crockford's base32 (60 bits), shown as `XXXX-XXXX-XXXX`. It
is returned once, with the ticket created, and only its SHA-256 is stored (`tickets.receipt_hash`).
Typed back it is read leniently: case, spaces and hyphens do not matter, and the letters O, I and
L read as 0, 1 and 1.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
LENGTH = 12
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


def new_receipt() -> str:
    """A fresh receipt token, `XXXX-XXXX-XXXX`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise_receipt(typed: str) -> str:
    """The 12 characters of a typed receipt, or ValueError with a bilingual message."""
    value = typed.strip().upper().translate(_READ_AS)
    if len(value) != LENGTH or any(c not in ALPHABET for c in value):
        raise ValueError(
            f"Mã biên nhận gồm {LENGTH} chữ và số dạng XXXX-XXXX-XXXX / "
            f"A receipt is {LENGTH} letters and digits, XXXX-XXXX-XXXX"
        )
    return value


def receipt_digest(receipt: str) -> str:
    """SHA-256 of the receipt's 12 characters (as stored on the ticket)."""
    return hashlib.sha256(normalise_receipt(receipt).encode()).hexdigest()


def receipt_matches(stored_digest: str | None, receipt: str) -> bool:
    """Whether `receipt` is the one whose digest the ticket keeps (never for a ticket without)."""
    if stored_digest is None:
        return False
    return hmac.compare_digest(stored_digest, receipt_digest(receipt))
