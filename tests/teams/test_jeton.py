"""The Bot Connector's tokens are checked by every documented rule, against an issuer on loopback.

Each refusal is paired with the good token it differs from by one thing,
and the refusal's reason is matched, so that a test cannot pass because
the token was refused for some other reason.
"""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.teams.jeton import JetonRefuse, VerificateurJeton, memes_service_urls
from tests.teams.jetons import Emetteur

APP_ID = "00000000-aaaa-bbbb-cccc-000000000001"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
CANAL = "msteams"


class Horloge:
    """Monotonic seconds the test moves forward (the key cache's clock)."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def avancer(self, secondes: float) -> None:
        self.t += secondes


@pytest.fixture
async def emetteur():
    async with Emetteur() as e:
        yield e


@pytest.fixture
def horloge():
    return Horloge()


@pytest.fixture
async def verificateur(emetteur, horloge):
    v = VerificateurJeton(APP_ID, openid_url=emetteur.openid_url, horloge=horloge)
    yield v
    await v.fermer()


def bon_jeton(emetteur: Emetteur, **changes) -> str:
    arguments = {"aud": APP_ID, "serviceurl": SERVICE_URL, **changes}
    return emetteur.jeton(**arguments)


async def test_a_good_token_gives_its_claims(emetteur, verificateur):
    claims = await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    assert claims["aud"] == APP_ID
    assert claims["iss"] == "https://api.botframework.com"
    assert claims["serviceurl"] == SERVICE_URL


@pytest.mark.parametrize(
    ("changes", "raison"),
    [
        ({"aud": "11111111-0000-0000-0000-000000000002"}, "audience"),
        ({"expire_dans": -7 * 60}, "expired"),
        ({"iss": "https://sts.windows.net/evil/"}, "issuer"),
        ({"iss": "https://api.botframework.com.evil.example"}, "issuer"),
        ({"serviceurl": "https://attacker.example/emea/"}, "serviceurl"),
        ({"serviceurl": "https://smba.trafficmanager.net/amer/"}, "serviceurl"),
        ({"serviceurl": None}, "no 'serviceurl' claim"),
        ({"autre_cle": True}, "signature"),
        ({"algorithme": "none"}, "algorithm"),
    ],
    ids=[
        "wrong-audience",
        "expired-7-min-ago",
        "wrong-issuer",
        "issuer-lookalike",
        "wrong-serviceurl-host",
        "wrong-serviceurl-path",
        "no-serviceurl-claim",
        "forged-signature",
        "alg-none",
    ],
)
async def test_a_token_off_by_one_rule_is_refused(emetteur, verificateur, changes, raison):
    # The same verifier takes the good token: the refusal is this one difference's.
    assert await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    with pytest.raises(JetonRefuse, match=raison):
        await verificateur.verifier(f"Bearer {bon_jeton(emetteur, **changes)}", SERVICE_URL, CANAL)


async def test_a_token_of_another_algorithm_is_refused_before_any_key_fetch(emetteur, verificateur):
    jeton = bon_jeton(emetteur, algorithme="none", kid="inconnu")
    with pytest.raises(JetonRefuse, match="algorithm"):
        await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_cles == 0


async def test_five_minutes_of_clock_skew_are_allowed(emetteur, verificateur):
    claims = await verificateur.verifier(
        f"Bearer {bon_jeton(emetteur, expire_dans=-2 * 60)}", SERVICE_URL, CANAL
    )
    assert claims["aud"] == APP_ID
    with pytest.raises(JetonRefuse, match="expired"):
        await verificateur.verifier(
            f"Bearer {bon_jeton(emetteur, expire_dans=-6 * 60)}", SERVICE_URL, CANAL
        )


async def test_a_token_not_yet_valid_beyond_the_skew_is_refused(emetteur, verificateur):
    jeton = bon_jeton(emetteur, nbf=int(time.time()) + 10 * 60)
    with pytest.raises(JetonRefuse, match="not yet valid"):
        await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)


@pytest.mark.parametrize(
    ("authorization", "raison"),
    [
        (None, "no Authorization"),
        ("", "no Authorization"),
        ("Basic dXNlcjpwYXNzd29yZA==", "not a Bearer"),
        ("Bearer", "malformed"),
        ("Bearer ", "malformed"),
        ("Bearer abc def", "malformed"),
        ("Bearer not.a.jwt", "malformed token"),
        ("Bearer-{jeton}", "not a Bearer"),
        ("{jeton}", "not a Bearer"),
    ],
)
async def test_a_request_without_a_bearer_token_is_refused(
    emetteur, verificateur, authorization, raison
):
    jeton = bon_jeton(emetteur)
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    if authorization is not None:
        authorization = authorization.replace("{jeton}", jeton)
    with pytest.raises(JetonRefuse, match=raison):
        await verificateur.verifier(authorization, SERVICE_URL, CANAL)


async def test_the_bearer_scheme_is_case_insensitive(emetteur, verificateur):
    assert await verificateur.verifier(f"bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)


@pytest.mark.parametrize(
    "url_activite",
    [
        "https://smba.trafficmanager.net/emea/",
        "https://smba.trafficmanager.net/emea",
        "HTTPS://SMBA.TrafficManager.net/emea/",
    ],
)
async def test_the_service_url_may_differ_by_a_trailing_slash_or_case_of_host(
    emetteur, verificateur, url_activite
):
    assert await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", url_activite, CANAL)


@pytest.mark.parametrize(
    ("url_activite", "raison"),
    [
        ("https://smba.trafficmanager.net/EMEA/", "serviceurl"),
        ("https://smba.trafficmanager.net/emea/x", "serviceurl"),
        ("http://smba.trafficmanager.net/emea/", "serviceurl"),
        ("https://smba.trafficmanager.net:8443/emea/", "serviceurl"),
        ("https://attacker.example/emea/", "serviceurl"),
        ("not a url", "serviceurl"),
        (None, "no serviceUrl"),
        ("", "no serviceUrl"),
    ],
)
async def test_the_token_is_bound_to_the_activitys_service_url(
    emetteur, verificateur, url_activite, raison
):
    jeton = bon_jeton(emetteur)
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    with pytest.raises(JetonRefuse, match=raison):
        await verificateur.verifier(f"Bearer {jeton}", url_activite, CANAL)


def test_service_urls_compare_as_documented():
    assert memes_service_urls("https://a.example/x/", "https://A.EXAMPLE/x")
    assert not memes_service_urls("https://a.example/x/", "https://a.example/X")
    assert not memes_service_urls("https://a.example/x", "https://a.example/x//")
    assert not memes_service_urls("", "")


@pytest.mark.parametrize("canal", ["webchat", "emulator", "", None])
async def test_a_key_endorsed_for_other_channels_cannot_vouch_for_this_one(
    emetteur, verificateur, canal
):
    jeton = bon_jeton(emetteur)
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, "msteams")
    with pytest.raises(JetonRefuse, match="endorsed"):
        await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, canal)


async def test_a_key_without_endorsements_vouches_for_any_channel(horloge):
    async with Emetteur(endorsements=None) as emetteur:
        v = VerificateurJeton(APP_ID, openid_url=emetteur.openid_url, horloge=horloge)
        try:
            assert await v.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, "webchat")
        finally:
            await v.fermer()


async def test_another_issuer_is_accepted_only_when_configured(emetteur, horloge):
    autre = "https://api.botframework.us"
    jeton = bon_jeton(emetteur, iss=autre)
    v = VerificateurJeton(
        APP_ID,
        openid_url=emetteur.openid_url,
        emetteurs=frozenset({"https://api.botframework.com", autre}),
        horloge=horloge,
    )
    try:
        assert (await v.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL))["iss"] == autre
    finally:
        await v.fermer()


async def test_the_keys_are_fetched_once_for_many_tokens(emetteur, verificateur, horloge):
    for _ in range(5):
        await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
        horloge.avancer(3600)
    assert emetteur.nb_requetes_cles == 1
    assert emetteur.nb_requetes_metadata == 1


async def test_concurrent_first_requests_fetch_the_keys_once(emetteur, verificateur):
    jetons = [bon_jeton(emetteur, n=i) for i in range(20)]
    resultats = await asyncio.gather(
        *(verificateur.verifier(f"Bearer {j}", SERVICE_URL, CANAL) for j in jetons)
    )
    assert [r["n"] for r in resultats] == list(range(20))
    assert emetteur.nb_requetes_cles == 1


async def test_the_keys_are_fetched_again_after_a_day(emetteur, verificateur, horloge):
    await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    horloge.avancer(24 * 3600 + 1)
    await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_cles == 2


async def test_a_rotated_key_is_fetched_once_when_a_token_names_it(emetteur, verificateur, horloge):
    ancien = bon_jeton(emetteur)
    await verificateur.verifier(f"Bearer {ancien}", SERVICE_URL, CANAL)
    horloge.avancer(120)
    nouveau_kid = emetteur.tourner()
    for _ in range(3):
        claims = await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
        assert claims["aud"] == APP_ID
    assert emetteur.nb_requetes_cles == 2
    assert verificateur._cles.keys() >= {nouveau_kid}
    # The old key, still published, still verifies.
    assert await verificateur.verifier(f"Bearer {ancien}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_cles == 2


async def test_an_unknown_kid_is_refused_after_one_refetch_and_a_flood_fetches_no_more(
    emetteur, verificateur, horloge
):
    await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    horloge.avancer(61)
    with pytest.raises(JetonRefuse, match="not among"):
        await verificateur.verifier(
            f"Bearer {bon_jeton(emetteur, kid='forge-0')}", SERVICE_URL, CANAL
        )
    assert emetteur.nb_requetes_cles == 2
    for i in range(1, 50):
        with pytest.raises(JetonRefuse, match="not among"):
            await verificateur.verifier(
                f"Bearer {bon_jeton(emetteur, kid=f'forge-{i}')}", SERVICE_URL, CANAL
            )
        horloge.avancer(1)
    # 49 forged kids within a minute: no refetch...
    assert emetteur.nb_requetes_cles == 2
    # ...and a minute after the last one, the next unknown kid may refetch once.
    horloge.avancer(12)
    with pytest.raises(JetonRefuse, match="not among"):
        await verificateur.verifier(
            f"Bearer {bon_jeton(emetteur, kid='forge-x')}", SERVICE_URL, CANAL
        )
    assert emetteur.nb_requetes_cles == 3


async def test_a_rotation_within_the_minute_waits_for_the_next_allowed_fetch(
    emetteur, verificateur, horloge
):
    await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    emetteur.tourner()
    with pytest.raises(JetonRefuse, match="not among"):
        await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    horloge.avancer(60)
    assert await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_cles == 2


async def test_an_unreachable_key_endpoint_refuses_without_crashing(
    emetteur, verificateur, horloge, caplog
):
    emetteur.en_panne = True
    jeton = bon_jeton(emetteur)
    with (
        caplog.at_level(logging.WARNING, logger="bot.teams.jeton"),
        pytest.raises(JetonRefuse, match="could not be fetched"),
    ):
        await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    assert "not fetched" in caplog.text
    # The failure is not retried on every request...
    with pytest.raises(JetonRefuse, match="could not be fetched"):
        await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_metadata == 1
    # ...but once the endpoint is back and a minute has passed, it is.
    emetteur.en_panne = False
    horloge.avancer(60)
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)


async def test_a_request_cancelled_during_the_fetch_does_not_hold_the_next_one_back(
    emetteur, verificateur
):
    emetteur.lenteur = 0.5
    jeton = bon_jeton(emetteur)
    tache = asyncio.create_task(verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL))
    while emetteur.nb_requetes_metadata == 0:
        await asyncio.sleep(0.01)
    tache.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tache
    emetteur.lenteur = 0
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)


async def test_a_failed_refresh_keeps_the_keys_already_known(emetteur, verificateur, horloge):
    jeton = bon_jeton(emetteur)
    await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    emetteur.en_panne = True
    horloge.avancer(24 * 3600 + 1)
    assert await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_metadata == 2


async def test_a_key_endpoint_that_does_not_listen_refuses_without_crashing(horloge):
    async with Emetteur() as emetteur:
        url = emetteur.openid_url
        jeton = bon_jeton(emetteur)
    v = VerificateurJeton(APP_ID, openid_url=url, horloge=horloge, delai_http=2)
    try:
        with pytest.raises(JetonRefuse, match="could not be fetched"):
            await v.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
    finally:
        await v.fermer()


async def test_the_token_is_never_logged_nor_in_the_reason(emetteur, verificateur, horloge, caplog):
    refuses = [
        bon_jeton(emetteur, aud="other"),
        bon_jeton(emetteur, autre_cle=True),
        bon_jeton(emetteur, kid="inconnu"),
        bon_jeton(emetteur, serviceurl="https://attacker.example/"),
    ]
    with caplog.at_level(logging.DEBUG):
        for jeton in refuses:
            with pytest.raises(JetonRefuse) as refus:
                await verificateur.verifier(f"Bearer {jeton}", SERVICE_URL, CANAL)
            assert jeton not in str(refus.value)
            assert jeton.split(".")[1] not in str(refus.value)
        emetteur.en_panne = True
        horloge.avancer(24 * 3600 + 1)
        bon = bon_jeton(emetteur)
        await verificateur.verifier(f"Bearer {bon}", SERVICE_URL, CANAL)
    assert "not fetched" in caplog.text  # the log was captured at all
    refuses.append(bon)
    for jeton in refuses:
        assert jeton.split(".")[1] not in caplog.text


async def test_the_session_is_closed_and_reopened_on_need(emetteur, verificateur, horloge):
    await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    session = verificateur._session
    assert session is not None
    await verificateur.fermer()
    assert session.closed
    await verificateur.fermer()  # twice is harmless
    horloge.avancer(24 * 3600 + 1)
    assert await verificateur.verifier(f"Bearer {bon_jeton(emetteur)}", SERVICE_URL, CANAL)
    assert emetteur.nb_requetes_cles == 2


def test_an_app_id_is_required():
    with pytest.raises(ValueError, match="App ID"):
        VerificateurJeton("")
