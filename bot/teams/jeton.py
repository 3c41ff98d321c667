"""Checks that a request really comes from the Bot Connector service, for this bot.

Microsoft Teams reaches the bot through the Bot Connector service, which
signs every request with a JWT in the ``Authorization`` header. Anyone can
POST an activity to our endpoint, so nothing in it is acted upon before the
token passes every rule of "Authenticate requests from the Bot Connector
service to your bot"
(https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-authentication):

- the header is ``Authorization: Bearer <token>``;
- the token is signed (RS256, an algorithm the OpenID metadata lists) with a
  key of the JWKS whose URL is the ``jwks_uri`` of the OpenID metadata
  document (``https://login.botframework.com/v1/.well-known/openidconfiguration``);
- its issuer is ``https://api.botframework.com``;
- its audience is the bot's Microsoft App ID (a token for another bot is no
  token for us);
- it has not expired, 5 minutes of clock skew allowed;
- its ``serviceurl`` claim is the activity's ``serviceUrl``: the bot answers
  at that URL with its own credentials, so an unbound URL would let a
  replayed token send the bot's answers (and its access token) elsewhere;
- when the signing key carries ``endorsements``, the activity's
  ``channelId`` is one of them (a key endorsed for another channel cannot
  vouch for a Teams activity).

Why not the Microsoft 365 Agents SDK's own validator
(``microsoft_agents.hosting.core.authorization.jwt.jwt_token_validator``):
it hard-codes the JWKS URLs (no loopback issuer for the tests), checks the
issuer only when opted in, allows 300 s of leeway on top of nothing else,
and does not bind the ``serviceurl`` claim to the activity. This module uses
PyJWT for the cryptography and claims, and aiohttp to fetch the keys
without a thread.

Keys are cached (24 h by default: the documentation calls the list
"relatively stable"). A token naming a key we do not have triggers one
re-fetch (key rotation), at most once a minute so that a flood of forged
``kid`` values cannot turn the bot into a hammer on Microsoft's endpoint.
If a re-fetch fails, the keys already known stay in use.

The token itself is never logged nor put in an exception's message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt

logger = logging.getLogger(__name__)

OPENID_BOT_FRAMEWORK = "https://login.botframework.com/v1/.well-known/openidconfiguration"
"""Where the Bot Connector's OpenID metadata (and so its keys' URL) is published."""
EMETTEUR_BOT_FRAMEWORK = "https://api.botframework.com"
"""The ``iss`` of the tokens the Bot Connector sends to bots."""

DECALAGE_HORLOGE = 300.0
"""Seconds of skew allowed on ``exp``/``nbf``: the documentation's "industry-standard" 5 minutes."""
DUREE_CACHE = 24 * 3600.0
"""Seconds the metadata and keys are kept before being fetched again."""
INTERVALLE_RAFRAICHISSEMENT = 60.0
"""Minimum seconds between two fetches of the keys (an unknown ``kid``, a failed fetch)."""
DELAI_HTTP = 10.0
"""Seconds a fetch of the metadata or the keys may take."""

ALGORITHMES_ACCEPTES = frozenset({"RS256"})
"""The Bot Connector signs with RS256; never ``none``, never an HMAC keyed by a public key."""
CLAIM_SERVICE_URL = "serviceurl"
"""The claim's name as the Bot Connector spells it (the SDKs' ``SERVICE_URL_CLAIM``)."""


class JetonRefuse(Exception):
    """A refused request token: ``str()`` says why, in English, for the log (never the token)."""


@dataclass(frozen=True)
class _Cle:
    cle: jwt.PyJWK
    endorsements: frozenset[str] | None
    """None when the key carries no ``endorsements``: it vouches for no channel in particular."""


def _url_normalisee(url: str) -> tuple[str, str, str, str, str] | None:
    """Scheme and host case-insensitive, path exact but for one trailing "/"."""
    try:
        parties = urlsplit(url.strip())
    except ValueError:
        return None
    if not parties.scheme or not parties.netloc:
        return None
    chemin = parties.path[:-1] if parties.path.endswith("/") else parties.path
    return (
        parties.scheme.lower(),
        parties.netloc.lower(),
        chemin,
        parties.query,
        parties.fragment,
    )


def memes_service_urls(a: str, b: str) -> bool:
    """Whether two service URLs name the same endpoint.

    The Bot Connector writes them with or without a trailing slash
    (``https://smba.trafficmanager.net/emea/``), and a host is case-insensitive;
    the path is not.

    >>> memes_service_urls("https://smba.trafficmanager.net/emea/", "HTTPS://SMBA.trafficmanager.net/emea")
    True
    >>> memes_service_urls("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/amer/")
    False
    >>> memes_service_urls("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/EMEA/")
    False
    """
    na, nb = _url_normalisee(a), _url_normalisee(b)
    return na is not None and na == nb


def _endorsements_de(jwk: dict[str, Any]) -> frozenset[str] | None:
    """The channels a key vouches for; a malformed list vouches for none (fail closed)."""
    endorsements = jwk.get("endorsements")
    if endorsements is None:
        return None
    if not isinstance(endorsements, list):
        return frozenset()
    return frozenset(e for e in endorsements if isinstance(e, str))


def _jeton_du_header(authorization: str | None) -> str:
    if not authorization:
        raise JetonRefuse("no Authorization header")
    schema, _, jeton = authorization.strip().partition(" ")
    if schema.lower() != "bearer":
        raise JetonRefuse("Authorization header is not a Bearer token")
    jeton = jeton.strip()
    if not jeton or any(c.isspace() for c in jeton):
        raise JetonRefuse("malformed Bearer token")
    return jeton


_RAISONS: tuple[tuple[type[jwt.PyJWTError], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidAudienceError, "token audience is not this bot's app id"),
    (jwt.InvalidIssuerError, "token issuer not accepted"),
    (jwt.InvalidSignatureError, "token signature does not verify"),
    (jwt.InvalidAlgorithmError, "token signing algorithm not accepted"),
    (jwt.DecodeError, "malformed token"),
)


def _raison(erreur: jwt.PyJWTError) -> str:
    """Our own words for PyJWT's refusals: its messages are not promised to leave the token out."""
    if isinstance(erreur, jwt.MissingRequiredClaimError):
        return f"token has no {erreur.claim!r} claim"
    for classe, raison in _RAISONS:
        if isinstance(erreur, classe):
            return raison
    return f"invalid token ({type(erreur).__name__})"


class VerificateurJeton:
    """Checks the Bot Connector's tokens for one bot (its Microsoft App ID).

    ``openid_url`` and ``emetteurs`` default to the public Bot Framework
    cloud; tests point them at a loopback issuer. ``horloge`` (monotonic
    seconds) times the key cache only; token expiry is checked against the
    wall clock by PyJWT.
    """

    def __init__(
        self,
        app_id: str,
        openid_url: str = OPENID_BOT_FRAMEWORK,
        emetteurs: frozenset[str] = frozenset({EMETTEUR_BOT_FRAMEWORK}),
        *,
        decalage: float = DECALAGE_HORLOGE,
        duree_cache: float = DUREE_CACHE,
        intervalle_rafraichissement: float = INTERVALLE_RAFRAICHISSEMENT,
        delai_http: float = DELAI_HTTP,
        horloge: Callable[[], float] = time.monotonic,
    ) -> None:
        if not app_id:
            raise ValueError("the bot's Microsoft App ID is required to check its tokens")
        if not emetteurs:
            raise ValueError("at least one accepted token issuer is required")
        self.app_id = app_id
        self.openid_url = openid_url
        self.emetteurs = frozenset(emetteurs)
        self.decalage = decalage
        self.duree_cache = duree_cache
        self.intervalle_rafraichissement = intervalle_rafraichissement
        self.delai_http = delai_http
        self._horloge = horloge
        self._session: aiohttp.ClientSession | None = None
        self._verrou = asyncio.Lock()
        self._cles: dict[str, _Cle] = {}
        self._algorithmes: list[str] = sorted(ALGORITHMES_ACCEPTES)
        self._charge_a: float | None = None
        """When the keys were last fetched successfully."""
        self._tente_a: float | None = None
        """When the keys were last fetched, successfully or not (the rate limit)."""

    async def verifier(
        self, authorization: str | None, service_url: str | None, channel_id: str | None
    ) -> dict[str, Any]:
        """The token's claims if the request comes from the Bot Connector for this bot.

        Else :class:`JetonRefuse`, whose message says why.

        ``authorization`` is the request's header, ``service_url`` and
        ``channel_id`` the activity's ``serviceUrl`` and ``channelId``.
        """
        jeton = _jeton_du_header(authorization)
        try:
            entete = jwt.get_unverified_header(jeton)
        except jwt.PyJWTError as erreur:
            raise JetonRefuse(_raison(erreur)) from None
        if entete.get("alg") not in ALGORITHMES_ACCEPTES:
            raise JetonRefuse("token signing algorithm not accepted")
        kid = entete.get("kid")
        if not isinstance(kid, str) or not kid:
            raise JetonRefuse("token names no signing key (kid)")

        cle = await self._cle(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                jeton,
                key=cle.cle,
                algorithms=self._algorithmes,
                audience=self.app_id,
                issuer=self.emetteurs,
                leeway=self.decalage,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as erreur:
            raise JetonRefuse(_raison(erreur)) from None

        url_du_jeton = claims.get(CLAIM_SERVICE_URL)
        if not isinstance(url_du_jeton, str) or not url_du_jeton:
            raise JetonRefuse(f"token has no {CLAIM_SERVICE_URL!r} claim")
        if not service_url:
            raise JetonRefuse("activity has no serviceUrl")
        if not memes_service_urls(url_du_jeton, service_url):
            raise JetonRefuse("token's serviceurl claim is not the activity's serviceUrl")

        if cle.endorsements is not None and (not channel_id or channel_id not in cle.endorsements):
            raise JetonRefuse("signing key is not endorsed for the activity's channelId")
        return claims

    async def fermer(self) -> None:
        """Closes the HTTP session used to fetch the keys (if one was opened)."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def _cle(self, kid: str) -> _Cle:
        async with self._verrou:
            maintenant = self._horloge()
            perimees = self._charge_a is None or maintenant - self._charge_a >= self.duree_cache
            inconnue = kid not in self._cles
            if (perimees or inconnue) and self._peut_rafraichir(maintenant):
                await self._charger(maintenant)
            cle = self._cles.get(kid)
        if cle is None:
            if self._charge_a is None:
                raise JetonRefuse("the Bot Framework's signing keys could not be fetched")
            raise JetonRefuse("token's signing key (kid) is not among the Bot Framework's keys")
        return cle

    def _peut_rafraichir(self, maintenant: float) -> bool:
        return (
            self._tente_a is None or maintenant - self._tente_a >= self.intervalle_rafraichissement
        )

    async def _charger(self, maintenant: float) -> None:
        """Fetches the metadata, then its JWKS; on failure logs and keeps the keys already known.

        The attempt is dated once it ends, so that a request cancelled mid-fetch
        does not hold the next fetch back for a minute.
        """
        try:
            metadata = await self._lire_json(self.openid_url)
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str) or not jwks_uri:
                raise ValueError("the OpenID metadata has no jwks_uri")
            algorithmes = self._algorithmes_de(metadata)
            cles = self._cles_de(await self._lire_json(jwks_uri))
        except (aiohttp.ClientError, TimeoutError, ValueError) as erreur:
            logger.warning(
                "Bot Framework signing keys not fetched from %s: %s (%s)",
                self.openid_url,
                type(erreur).__name__,
                erreur,
            )
            self._tente_a = maintenant
            return
        self._tente_a = maintenant
        self._cles = cles
        self._algorithmes = algorithmes
        self._charge_a = maintenant
        logger.info("Bot Framework signing keys fetched: %d key(s)", len(cles))

    @staticmethod
    def _algorithmes_de(metadata: dict[str, Any]) -> list[str]:
        """The algorithms the metadata lists, among those we accept (RS256 when it lists none)."""
        annonces = metadata.get("id_token_signing_alg_values_supported")
        if annonces is None:
            return sorted(ALGORITHMES_ACCEPTES)
        if not isinstance(annonces, list):
            raise ValueError("id_token_signing_alg_values_supported is not a list")
        retenus = sorted(
            ALGORITHMES_ACCEPTES.intersection(a for a in annonces if isinstance(a, str))
        )
        if not retenus:
            raise ValueError("the OpenID metadata lists no signing algorithm we accept")
        return retenus

    @staticmethod
    def _cles_de(jwks: dict[str, Any]) -> dict[str, _Cle]:
        brutes = jwks.get("keys")
        if not isinstance(brutes, list):
            raise ValueError("the JWKS has no keys list")
        cles: dict[str, _Cle] = {}
        for brute in brutes:
            if not isinstance(brute, dict) or brute.get("kty") != "RSA":
                continue
            kid = brute.get("kid")
            if not isinstance(kid, str) or not kid or brute.get("use", "sig") != "sig":
                continue
            try:
                cle = jwt.PyJWK(brute, algorithm="RS256")
            except (jwt.PyJWTError, ValueError):
                logger.warning("Bot Framework signing key %r unreadable; skipped", kid)
                continue
            cles[kid] = _Cle(cle, _endorsements_de(brute))
        if not cles:
            raise ValueError("the JWKS has no usable RSA signing key")
        return cles

    async def _lire_json(self, url: str) -> dict[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.delai_http)
            )
        async with self._session.get(url) as response:
            response.raise_for_status()
            document = await response.json(content_type=None)
        if not isinstance(document, dict):
            raise ValueError(f"{url} did not answer a JSON object")
        return document
