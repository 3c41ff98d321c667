"""A local Bot Framework token issuer for the tests: RSA keys, their metadata and JWKS on loopback.

It plays login.botframework.com: an aiohttp app on 127.0.0.1 serves the
OpenID metadata (``/v1/.well-known/openidconfiguration``) and the keys
(``/v1/.well-known/keys``, each with its ``endorsements``), and ``jeton()``
signs tokens the way the Bot Connector does (RS256, ``kid`` in the header,
``serviceurl`` claim). ``tourner()`` rotates the key, ``autre_cle=True``
forges a token under a published ``kid``, ``en_panne`` makes the endpoints
fail and ``lenteur`` slows them; ``nb_requetes_cles`` counts the JWKS fetches.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa

CHEMIN_OPENID = "/v1/.well-known/openidconfiguration"
CHEMIN_CLES = "/v1/.well-known/keys"


def _b64url_entier(n: int) -> str:
    octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(octets).rstrip(b"=").decode("ascii")


def _nouvelle_cle() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class _Cle:
    kid: str
    privee: rsa.RSAPrivateKey
    endorsements: list[str] | None

    def jwk(self) -> dict[str, Any]:
        publics = self.privee.public_key().public_numbers()
        jwk: dict[str, Any] = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": _b64url_entier(publics.n),
            "e": _b64url_entier(publics.e),
        }
        if self.endorsements is not None:
            jwk["endorsements"] = list(self.endorsements)
        return jwk


@dataclass
class Emetteur:
    """A local Bot Framework token issuer.

    An RSA key generated at start (cryptography), its OpenID metadata and
    JWKS served by an aiohttp app on 127.0.0.1.
    """

    ISSUER = "https://api.botframework.com"

    endorsements: list[str] | None = field(default_factory=lambda: ["msteams"])
    """Those of the keys made from now on; None publishes keys without the property."""
    en_panne: bool = False
    """The endpoints answer 500 while set."""
    lenteur: float = 0.0
    """Seconds the metadata endpoint waits before answering."""
    nb_requetes_cles: int = 0
    nb_requetes_metadata: int = 0
    serveur: TestServer | None = None
    _numeros: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _cles: list[_Cle] = field(default_factory=list)
    _faussaire: rsa.RSAPrivateKey | None = None

    def __post_init__(self) -> None:
        self._cles.append(self._cle())

    def _cle(self) -> _Cle:
        return _Cle(f"cle-locale-{next(self._numeros)}", _nouvelle_cle(), self.endorsements)

    @property
    def kid(self) -> str:
        """The current signing key's id."""
        return self._cles[-1].kid

    @property
    def base_url(self) -> str:
        assert self.serveur is not None, "Emetteur not started"
        return str(self.serveur.make_url("")).rstrip("/")

    @property
    def openid_url(self) -> str:
        return self.base_url + CHEMIN_OPENID

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(CHEMIN_OPENID, self._metadata)
        app.router.add_get(CHEMIN_CLES, self._jwks)
        return app

    async def demarrer(self) -> None:
        self.serveur = TestServer(self.app(), host="127.0.0.1")
        await self.serveur.start_server()

    async def arreter(self) -> None:
        if self.serveur is not None:
            await self.serveur.close()

    async def __aenter__(self) -> Emetteur:
        await self.demarrer()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.arreter()

    def tourner(self, *, garder_ancienne: bool = True) -> str:
        """A new signing key, published (alongside the old one unless told); returns its kid."""
        nouvelle = self._cle()
        self._cles = [*self._cles, nouvelle] if garder_ancienne else [nouvelle]
        return nouvelle.kid

    def jeton(
        self,
        *,
        aud: str,
        serviceurl: str | None,
        iss: str | None = None,
        expire_dans: float = 3600,
        autre_cle: bool = False,
        kid: str | None = None,
        algorithme: str = "RS256",
        **claims: Any,
    ) -> str:
        """A token as the Bot Connector signs it; ``serviceurl=None`` leaves the claim out.

        ``autre_cle`` signs with a key nobody published, under the current
        ``kid`` (a forgery); ``kid`` names another key in the header.
        """
        maintenant = time.time()
        contenu: dict[str, Any] = {
            "iss": iss or self.ISSUER,
            "aud": aud,
            "iat": int(maintenant) - 10,
            "nbf": int(maintenant) - 10,
            "exp": int(maintenant + expire_dans),
        }
        if serviceurl is not None:
            contenu["serviceurl"] = serviceurl
        contenu.update(claims)
        cle: Any = self._cles[-1].privee
        if autre_cle:
            if self._faussaire is None:
                self._faussaire = _nouvelle_cle()
            cle = self._faussaire
        if algorithme == "none":
            cle = None
        return jwt.encode(
            contenu, cle, algorithm=algorithme, headers={"kid": kid or self.kid, "typ": "JWT"}
        )

    async def _metadata(self, request: web.Request) -> web.Response:
        self.nb_requetes_metadata += 1
        if self.lenteur:
            await asyncio.sleep(self.lenteur)
        if self.en_panne:
            return web.Response(status=500, text="panne")
        return web.json_response(
            {
                "issuer": self.ISSUER,
                "authorization_endpoint": "https://invalid.example/authorize",
                "jwks_uri": self.base_url + CHEMIN_CLES,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _jwks(self, request: web.Request) -> web.Response:
        self.nb_requetes_cles += 1
        if self.en_panne:
            return web.Response(status=500, text="panne")
        return web.json_response({"keys": [cle.jwk() for cle in self._cles]})
