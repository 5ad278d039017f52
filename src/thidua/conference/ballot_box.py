"""The sealed ballot box: how an online ballot stays secret while the vote is open (issue 5).

The problem. A cast writes two rows in one transaction: the register row (`VoterRecord`: who voted) and
the ballot. The one-ballot-per-voter rule and "no lost ballot" need that single transaction. But a
database administrator can then pair the two rows of a cast, whatever the schema says: both carry the id
of the transaction that wrote them (PostgreSQL `xmin`) and sit in the tables in the same physical order
(`ctid`, SQLite `rowid`). A plaintext ballot written that way is linked to its voter until it is rewritten.

The design. While the ballot is open the ballot row (`SealedBallot`) holds only:

- `sealed`: AES-256-GCM of the ballot's content (receipt code, abstention, chosen candidates) with a
  random 96-bit nonce and the ballot's id as associated data (a sealed row cannot be moved to another
  ballot). The plaintext is padded to a length fixed for the whole ballot (from its `max_choices`), so
  every sealed row of a ballot has the same size and sizes reveal nothing about the choices;
- `receipt_tag`: HMAC-SHA256 of the receipt code, so that a voter can check their receipt before closing
  (look-up by tag) and two ballots can never share a receipt (unique constraint) — without storing the
  receipt in clear.

Both keys are derived with HKDF-SHA256 from the server's `SECRET_KEY` and the ballot box's own random
salt (`Ballot.box_salt`, 32 bytes drawn when the ballot opens), with distinct `info` labels. The key is
never stored. The tally is therefore sealed cryptographically too: no query can count an open ballot.

Closing (`services.ballot_close`, under the ballot's row lock, in the same transaction that changes the
state) decrypts every sealed row, checks that there are as many ballots as register rows, gives each a
random sort key from the system CSPRNG (a uniform shuffle), writes them as plaintext anonymous rows
(`CastBallot`, `CastChoice`) in that random order, deletes the sealed rows and erases the salt. The published data (tally, receipts, ballots, SHA-256)
comes from those anonymous rows only.

Threat model.

- A database administrator alone (live database, dumps, backups, WAL, replicas) during or after the vote:
  can see who voted (the register is public to the conference anyway) and can pair each register row with
  a sealed row, but cannot read a sealed row nor compute any receipt tag, so learns nothing about any
  vote. After closing, the anonymous rows are all written by one transaction in random order: nothing
  pairs them with the register.
- The application server alone (SECRET_KEY, no database): holds no ballots.
- Someone holding both the database as it was during voting (live, or a dump, backup, WAL segment or dead
  tuples not yet vacuumed) and the server's SECRET_KEY can derive the key of the box and link voters to
  ballots. This is the accepted boundary: the server must read the ballots to count them, so whoever
  controls the server during the vote (its secret and its database) can always observe the votes as they
  arrive, whatever the storage format. Erasing the salt at close shortens the window: the live database
  no longer holds what is needed to derive the key, only older copies do. Operations should therefore
  keep SECRET_KEY out of the database host and its backups (docs/operations.md).

Key rotation: `SECRET_KEY_FALLBACKS` are tried when opening a box and looking up a receipt, so rotating the
server secret during a vote does not lose ballots. A box that no key opens refuses to close with a clear
message (restore the former key, then close).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

SALT_BYTES = 32
NONCE_BYTES = 12
_INFO_ENC = b"thidua.conference.ballot-box.v1.encrypt"
_INFO_TAG = b"thidua.conference.ballot-box.v1.receipt"


class BoxKeyError(Exception):
    """No server key (current or fallback) opens this ballot box."""


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def _server_secrets() -> list[bytes]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [k.encode() if isinstance(k, str) else bytes(k) for k in keys if k]


def _derive(secret: bytes, salt_hex: str, info: bytes, ballot_id: int) -> bytes:
    if not salt_hex:
        raise BoxKeyError("ballot box has no salt (not open)")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes.fromhex(salt_hex),
                info=info + b":" + str(ballot_id).encode()).derive(secret)


def padded_size(max_choices: int) -> int:
    """The plaintext size of every ballot of a box: room for the receipt, the flag and max_choices ids of up
    to 20 digits, rounded up to 256 bytes."""
    need = 2 + 64 + 22 * max(1, max_choices)
    return -(-need // 256) * 256


def _aad(ballot_id: int) -> bytes:
    return b"thidua-ballot:" + str(ballot_id).encode()


def _encode(receipt: str, abstain: bool, choices: list[int], size: int) -> bytes:
    body = json.dumps({"r": receipt, "a": bool(abstain), "c": sorted(int(c) for c in choices)},
                      separators=(",", ":")).encode()
    if len(body) + 2 > size:  # pragma: no cover - sizes are derived from max_choices, which bounds choices
        raise ValueError("ballot content larger than the box's fixed size")
    return struct.pack(">H", len(body)) + body + b"\0" * (size - 2 - len(body))


def _decode(plain: bytes) -> dict:
    (n,) = struct.unpack(">H", plain[:2])
    data = json.loads(plain[2:2 + n])
    return {"receipt": data["r"], "abstain": bool(data["a"]), "choices": [int(c) for c in data["c"]]}


def seal(*, ballot_id: int, salt: str, max_choices: int, receipt: str, abstain: bool,
         choices: list[int]) -> tuple[bytes, str]:
    """(sealed content, receipt tag) of one ballot, under the current server key."""
    secret = _server_secrets()[0]
    key = _derive(secret, salt, _INFO_ENC, ballot_id)
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + AESGCM(key).encrypt(nonce, _encode(receipt, abstain, choices, padded_size(max_choices)),
                                         _aad(ballot_id))
    return sealed, receipt_tags(ballot_id=ballot_id, salt=salt, receipt=receipt)[0]


def receipt_tags(*, ballot_id: int, salt: str, receipt: str) -> list[str]:
    """The receipt's tag under each server key (current first): HMAC-SHA256 with the box's derived key."""
    return [hmac.new(_derive(s, salt, _INFO_TAG, ballot_id), receipt.encode(), hashlib.sha256).hexdigest()
            for s in _server_secrets()]


def unseal_all(*, ballot_id: int, salt: str, sealed_rows: list[bytes]) -> list[dict]:
    """Decrypt every sealed ballot of a box; raises BoxKeyError if any row opens under no server key."""
    keys = [AESGCM(_derive(s, salt, _INFO_ENC, ballot_id)) for s in _server_secrets()]
    out = []
    for raw in sealed_rows:
        raw = bytes(raw)
        nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        for k in keys:
            try:
                out.append(_decode(k.decrypt(nonce, body, _aad(ballot_id))))
                break
            except InvalidTag:
                continue
        else:
            raise BoxKeyError("a sealed ballot opens under no server key")
    return out

