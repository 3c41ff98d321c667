"""Who is asking: sign-in links, signed session cookies and CSRF tokens.

itsdangerous (Pallets) signs the links and cookies: a well-kept library for
exactly this, so no HMAC code of our own. The secret key is created once in
the data directory (mode 0600) and kept across restarts, so sessions and
links survive them.

*Sign-in links*: ``cqp-bot users invite ID`` draws a new random nonce for the
person, stores it, and prints a link carrying ``{id, nonce}`` signed and
timestamped. A link is accepted for LINK_MAX_AGE while its nonce is the
person's current one; the session it opens carries the nonce too, so
inviting again or ``users revoke`` ends the sessions it opened as well.

*Sessions*: a signed, timestamped cookie with the person's id (or none yet)
and a random CSRF token. Every POST must send that token back in a header;
a page of another site can neither read it nor set that header, and the
cookie is ``SameSite=Lax`` as well (Lax: a sign-in link from a mail must arrive signed in).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from storage import write_atomic

SESSION_MAX_AGE = 7 * 24 * 3600
"""A week: an évaluateur signs in on Monday and scores until Friday."""
LINK_MAX_AGE = 14 * 24 * 3600
"""A sign-in link works two weeks (on each of the person's devices); then a new one is needed."""


def secret_key(dossier: Path) -> bytes:
    """The server's signing key, created on first use in ``dossier/secret.key`` (0600)."""
    chemin = dossier / "secret.key"
    try:
        cle = chemin.read_bytes()
    except FileNotFoundError:
        dossier.mkdir(parents=True, exist_ok=True)
        cle = secrets.token_bytes(32)
        write_atomic(chemin, cle)
        os.chmod(chemin, 0o600)
    if len(cle) < 32:
        raise ValueError(f"{chemin}: key too short")
    return cle


class Invitations:
    """Each person's current sign-in nonce, in ``dossier/invitations.json``."""

    def __init__(self, dossier: Path, cle: bytes) -> None:
        self.chemin = dossier / "invitations.json"
        self._signer = URLSafeTimedSerializer(cle, salt="cqp-invitation")
        self._memo: tuple[tuple[int, int, int], dict[str, str]] | None = None

    def _lire(self) -> dict[str, str]:
        """The nonces, read again only when the file changed (``users invite`` / ``revoke``
        write it from another process): every request off loopback checks its session here."""
        try:
            etat = self.chemin.stat()
        except FileNotFoundError:
            return {}
        marque = (etat.st_mtime_ns, etat.st_size, etat.st_ino)
        if self._memo is not None and self._memo[0] == marque:
            return dict(self._memo[1])
        donnees = json.loads(self.chemin.read_text(encoding="utf-8"))
        if not isinstance(donnees, dict):
            raise ValueError(f"{self.chemin}: not an object")
        nonces = {str(k): str(v) for k, v in donnees.items()}
        self._memo = (marque, nonces)
        return dict(nonces)

    def inviter(self, identifiant: str) -> str:
        """A new sign-in token for ``identifiant``; the previous one stops working."""
        nonces = self._lire()
        nonces[identifiant] = secrets.token_urlsafe(16)
        self.chemin.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.chemin, json.dumps(nonces, indent=1).encode())
        os.chmod(self.chemin, 0o600)
        return self._signer.dumps({"u": identifiant, "n": nonces[identifiant]})

    def revoquer(self, identifiant: str) -> bool:
        nonces = self._lire()
        if nonces.pop(identifiant, None) is None:
            return False
        write_atomic(self.chemin, json.dumps(nonces, indent=1).encode())
        return True

    def actuel(self, identifiant: str) -> str | None:
        """The person's current nonce (None: never invited, or revoked)."""
        try:
            return self._lire().get(identifiant)
        except (OSError, ValueError):
            return None

    def verifier(self, jeton: str) -> tuple[str, str] | None:
        """The person a link signs in and its nonce, or None (forged, revoked, expired)."""
        try:
            donnees = self._signer.loads(jeton, max_age=LINK_MAX_AGE)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(donnees, dict):
            return None
        identifiant, nonce = donnees.get("u"), donnees.get("n")
        if not isinstance(identifiant, str) or not isinstance(nonce, str):
            return None
        actuel = self.actuel(identifiant)
        if actuel is None or not secrets.compare_digest(actuel, nonce):
            return None
        return identifiant, nonce


@dataclass(frozen=True)
class Session:
    utilisateur: str | None
    csrf: str
    nonce: str | None = None
    """The sign-in link's nonce: when it is no longer the person's current one, the session ends."""


class Sessions:
    """Session cookies: signed and timestamped, never trusted unsigned or too old."""

    COOKIE = "cqp_session"

    def __init__(self, cle: bytes, max_age: int = SESSION_MAX_AGE) -> None:
        self._signer = URLSafeTimedSerializer(cle, salt="cqp-session")
        self.max_age = max_age

    def nouvelle(self, utilisateur: str | None = None, nonce: str | None = None) -> Session:
        return Session(utilisateur=utilisateur, csrf=secrets.token_urlsafe(24), nonce=nonce)

    def encoder(self, session: Session) -> str:
        return self._signer.dumps({"u": session.utilisateur, "c": session.csrf, "n": session.nonce})

    def decoder(self, valeur: str | None) -> Session | None:
        if not valeur:
            return None
        try:
            donnees = self._signer.loads(valeur, max_age=self.max_age)
        except BadSignature:  # includes SignatureExpired
            return None
        if not isinstance(donnees, dict) or not isinstance(donnees.get("c"), str):
            return None
        utilisateur = donnees.get("u")
        if utilisateur is not None and not isinstance(utilisateur, str):
            return None
        nonce = donnees.get("n")
        return Session(
            utilisateur=utilisateur,
            csrf=donnees["c"],
            nonce=nonce if isinstance(nonce, str) else None,
        )
