"""The web chat's server, through aiohttp's test client: sign-in, CSRF, events, pushes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType

from bot.server import WEB_DIR
from bot.web.access import Invitations, secret_key
from bot.web.chat import STATIQUE
from flows.messages import ChoiceEvent, Origin
from flows.notation import Aller
from tests.harnais import Utilisateur
from tests.web.outils import (
    CREATION,
    EV,
    appli,
    boutons,
    connecter,
    envoyer,
    fil,
    flux,
    texte,
)


async def _pousse(ws: Any, timeout: float = 2.0) -> dict[str, Any]:
    message = await ws.receive(timeout=timeout)
    assert message.type == WSMsgType.TEXT, message
    return dict(message.json())


async def _rien_de_pousse(ws: Any) -> None:
    try:
        message = await ws.receive(timeout=0.3)
    except TimeoutError:
        return
    raise AssertionError(f"unexpected push: {message.data}")


async def test_healthz_says_the_server_is_up_and_which_channels_are_on(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        client = await a.client()
        reponse = await client.get("/healthz")
        assert reponse.status == 200
        assert await reponse.json() == {
            "statut": "ok",
            "canaux": {"web": True, "slack": False, "teams": False},
        }
        await client.close()


async def test_local_mode_each_page_says_who_it_is_and_posts_need_the_csrf_token(
    tmp_path: Path,
) -> None:
    async with appli(tmp_path) as a:
        client = await a.client()
        page = await client.get("/")
        assert page.status == 200 and "cqp-bot" in await page.text()
        cookie = page.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        session = await (await client.get("/api/session")).json()
        assert session["utilisateur"] is None and session["local"] is True
        assert [p["id"] for p in session["personnes"]] == ["claire", "karim", "lea"]

        # Nobody picked, or someone not in the users file: not signed in.
        assert (await client.get("/api/fils")).status == 401
        inconnu = await client.get("/api/fils", headers={"X-CQP-Utilisateur": "mallory"})
        assert inconnu.status == 401

        # Two pages of one browser, two people: each request says which.
        claire = {"X-CSRF-Token": session["csrf"], "X-CQP-Utilisateur": "claire"}
        karim = {"X-CSRF-Token": session["csrf"], "X-CQP-Utilisateur": "karim"}
        assert await envoyer(client, claire, "r-00000001", type="texte", texte="bloc B1") == 200
        assert await envoyer(client, karim, "r-00000002", type="texte", texte="aide") == 200
        assert "B1.C1" in texte((await fil(client, claire))[-1])
        assert "critere" in texte((await fil(client, karim))[-1])
        assert "bloc B1" not in [texte(e) for e in await fil(client, karim)]

        sans_jeton = {"X-CQP-Utilisateur": "claire"}
        assert await envoyer(client, sans_jeton, "r-00000003", type="texte", texte="aide") == 403
        assert len(await fil(client, claire)) == 2
        await client.close()


async def test_local_mode_answers_only_to_loopback_names(tmp_path: Path) -> None:
    """A site rebinding its name onto 127.0.0.1 does not get a page that acts for someone."""
    async with appli(tmp_path) as a:
        client = await a.client()
        entetes = await connecter(client, "claire")
        ailleurs = {"Host": "evil.example:8080", "Origin": "http://evil.example:8080"}
        assert (await client.get("/api/session", headers=ailleurs)).status == 421
        statut = await envoyer(
            client, {**entetes, **ailleurs}, "r-00000001", type="formulaire",
            formulaire="nouvelle", valeurs=CREATION,
        )  # fmt: skip
        assert statut == 421
        assert await a.service.store.evaluations() == []
        await client.close()


async def test_off_loopback_a_page_without_a_sign_in_link_is_a_401(tmp_path: Path) -> None:
    async with appli(tmp_path, local=False) as a:
        client = await a.client()
        page = await client.get("/")
        assert page.status == 401
        assert "Connexion requise" in await page.text()
        assert (await client.get("/api/fils")).status == 401
        assert (await client.get("/api/session")).status == 401
        assert (await client.get("/connexion?jeton=faux")).status == 401
        # Saying who you are is for loopback only.
        assert (
            await client.get("/api/fils", headers={"X-CQP-Utilisateur": "claire"})
        ).status == 401
        await client.close()


async def test_a_sign_in_link_opens_a_session_and_a_new_invitation_ends_the_old_one(
    tmp_path: Path,
) -> None:
    async with appli(tmp_path, local=False) as a:
        invitations = Invitations(tmp_path / WEB_DIR, secret_key(tmp_path / WEB_DIR))
        ancien = invitations.inviter("karim")
        client = await a.client()
        entree = await client.get(f"/connexion?jeton={ancien}", allow_redirects=False)
        assert entree.status == 303 and entree.headers["Location"] == "/"
        assert (await client.get("/")).status == 200
        session = await (await client.get("/api/session")).json()
        assert session["utilisateur"]["id"] == "karim" and "personnes" not in session
        entetes = {"X-CSRF-Token": session["csrf"]}
        assert await envoyer(client, entetes, "r-00000001", type="texte", texte="aide") == 200
        assert "critere" in texte((await fil(client, entetes))[-1])

        # Invited again (a lost phone): the old link and the session it opened both end.
        nouveau = invitations.inviter("karim")
        assert (await client.get("/")).status == 401
        assert await envoyer(client, entetes, "r-00000002", type="texte", texte="aide") == 401
        refuse = await client.get(f"/connexion?jeton={ancien}", allow_redirects=False)
        assert refuse.status == 401 and "remplacé" in await refuse.text()
        assert (await client.get(f"/connexion?jeton={nouveau}")).status == 200

        # A token for someone not in the users file opens nothing.
        autre = await a.client()
        assert (await autre.get(f"/connexion?jeton={invitations.inviter('mallory')}")).status == 401
        await client.close()
        await autre.close()


async def test_a_post_without_the_csrf_token_or_from_another_site_changes_nothing(
    tmp_path: Path,
) -> None:
    async with appli(tmp_path) as a:
        claire = await a.client()
        entetes = await connecter(claire, "claire")
        creer = {"type": "formulaire", "formulaire": "nouvelle", "valeurs": CREATION}
        mauvais = {**entetes, "X-CSRF-Token": "mauvais-jeton"}
        assert await envoyer(claire, mauvais, "r-00000001", **creer) == 403
        autre_site = {**entetes, "Origin": "https://ailleurs.example"}
        assert await envoyer(claire, autre_site, "r-00000002", **creer) == 403
        assert await a.service.store.evaluations() == []
        assert await fil(claire, entetes) == []
        await claire.close()


async def test_events_are_answered_in_the_fil_and_pushed_live_to_the_people_concerned(
    tmp_path: Path,
) -> None:
    async with appli(tmp_path) as a:
        claire, karim, lea = await a.client(), await a.client(), await a.client()
        h_claire = await connecter(claire, "claire")
        h_karim = await connecter(karim, "karim")
        await connecter(lea, "lea")
        ws_karim = await flux(karim, "karim")
        ws_lea = await flux(lea, "lea")

        statut = await envoyer(
            claire, h_claire, "r-creation", type="formulaire", formulaire="nouvelle",
            valeurs=CREATION,
        )  # fmt: skip
        assert statut == 200
        assert "créée" in texte((await fil(claire, h_claire))[-1])
        [evaluation] = await a.service.store.evaluations()  # named as the users file names them
        assert [e.nom for e in evaluation.evaluateurs] == ["Karim Haddad", "Léa Martin"]
        invitation_karim = await _pousse(ws_karim)
        assert invitation_karim["type"] == "nouveau"
        assert "C042" in texte(invitation_karim["entree"])
        assert "Jeanne" not in texte(invitation_karim["entree"])
        assert "C042" in texte((await _pousse(ws_lea))["entree"])

        # Karim starts and scores: his pushes only, nothing of his grid reaches Léa.
        commencer = boutons(invitation_karim["entree"])["Commencer la grille"]
        await envoyer(
            karim, h_karim, "r-commencer", type="choix", payload=commencer,
            message=invitation_karim["entree"]["id"],
        )  # fmt: skip
        question = (await _pousse(ws_karim))["entree"]
        assert "B1.C1.1" in texte(question)
        acquis = next(p for label, p in boutons(question).items() if label.startswith("A "))
        await envoyer(
            karim, h_karim, "r-note-1", type="choix", payload=acquis, message=question["id"]
        )
        # The compétence's card, updated in place: B1.C1.1 answered on it, B1.C1.2 asked.
        maj = await _pousse(ws_karim)
        assert maj["type"] == "maj" and maj["entree"]["id"] == question["id"]
        [passes] = [b for b in maj["entree"]["message"]["blocks"] if b["type"] == "fields"]
        assert passes["items"][0][0] == "B1.C1.1" and passes["items"][0][1].startswith("A — ")
        assert "B1.C1.2 —" in texte(maj["entree"])
        await _rien_de_pousse(ws_karim)  # nothing new posted
        await _rien_de_pousse(ws_lea)
        dossier = await a.service.store.dossier(EV)
        assert dossier is not None and [r.critere for r in dossier.reponses] == ["B1.C1.1"]

        # The same click again (a retry): one answer stored, the fil unchanged.
        avant = await fil(karim, h_karim)
        await envoyer(
            karim, h_karim, "r-note-1", type="choix", payload=acquis, message=question["id"]
        )
        dossier = await a.service.store.dossier(EV)
        assert dossier is not None and len(dossier.reponses) == 1
        assert [texte(e) for e in await fil(karim, h_karim)] == [texte(e) for e in avant]
        for client in (claire, karim, lea):
            await client.close()


async def test_a_line_too_long_is_refused_in_french_and_nothing_is_stored(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        claire = await a.client()
        entetes = await connecter(claire, "claire")
        assert await envoyer(claire, entetes, "r-00000001", type="texte", texte="x" * 10_001) == 200
        dernier = (await fil(claire, entetes))[-1]
        assert "trop long" in texte(dernier) and "rien n'a été enregistré" in texte(dernier)
        assert await a.service.store.evaluations() == []
        mal_forme = await claire.post("/api/evenements", data="pas du json", headers=entetes)
        assert mal_forme.status == 400 and "invalide" in (await mal_forme.json())["erreur"]
        await claire.close()


async def test_the_jury_export_is_downloadable_by_its_coordinateur_only(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        claire, karim = await a.client(), await a.client()
        h_claire = await connecter(claire, "claire")
        h_karim = await connecter(karim, "karim")
        await envoyer(
            claire, h_claire, "r-creation", type="formulaire", formulaire="nouvelle",
            valeurs=CREATION,
        )  # fmt: skip
        await envoyer(claire, h_claire, "r-export-1", type="texte", texte=f"export {EV}")
        avant = (await fil(claire, h_claire))[-1]
        # Blind until both grids are submitted: no file yet, a French reason instead.
        assert avant["fichier"] is None and "soumis" in texte(avant)

        bloc = a.service.referentiel.bloc("B1")
        assert bloc is not None
        for qui in ("karim", "lea"):  # both grids, straight through the service
            u = Utilisateur(a.service, qui)
            await u.cliquer(Aller(evaluation=EV, action="reprendre").pack())
            for competence in bloc.competences:
                for critere in competence.criteres:
                    await u.cliquer(f"v:{EV}:{critere.id}:A")
                await u.taper(f"{competence.id} : constaté.")
            await u.cliquer(Aller(evaluation=EV, action="soumettre").pack())

        await envoyer(claire, h_claire, "r-export-2", type="texte", texte=f"export {EV}")
        pret = (await fil(claire, h_claire))[-1]
        assert pret["fichier"] is not None and pret["fichier"]["nom"] == "cqp-C042.json"
        telecharge = await claire.get(pret["fichier"]["url"], headers=h_claire)
        assert telecharge.status == 200
        assert "attachment" in telecharge.headers["Content-Disposition"]
        assert '"reference": "C042"' in await telecharge.text()
        refuse = await karim.get(pret["fichier"]["url"], headers=h_karim)
        assert refuse.status == 404 and "export" in (await refuse.json())["erreur"]
        await claire.close()
        await karim.close()


async def test_several_pages_of_one_person_all_receive_the_pushes(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        claire = await a.client()
        entetes = await connecter(claire, "claire")
        ws1, ws2 = await flux(claire, "claire"), await flux(claire, "claire")
        await envoyer(claire, entetes, "r-00000001", type="texte", texte="bloc B1")
        for ws in (ws1, ws2):
            echo = await _pousse(ws)
            assert echo["entree"]["auteur"] == "moi" and echo["entree"]["texte"] == "bloc B1"
            assert "B1.C1" in texte((await _pousse(ws))["entree"])
        await claire.close()


async def test_a_websocket_from_another_site_is_refused(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        claire = await a.client()
        await connecter(claire, "claire")
        reponse = await claire.get(
            "/api/flux?utilisateur=claire",
            headers={
                "Origin": "https://ailleurs.example", "Connection": "Upgrade",
                "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            },
        )  # fmt: skip
        assert reponse.status == 403
        await claire.close()


def test_the_page_loads_nothing_from_another_site() -> None:
    """The bot may run on a closed network: no CDN, no external font or script."""
    for fichier in STATIQUE.iterdir():
        contenu = fichier.read_text(encoding="utf-8")
        assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", contenu), fichier.name


async def _cree_pour_karim(claire: Any, karim: Any) -> dict[str, str]:
    """Claire creates the evaluation (Karim and Léa évaluateurs); Karim's page headers."""
    h_claire, h_karim = await connecter(claire, "claire"), await connecter(karim, "karim")
    statut = await envoyer(
        claire, h_claire, "r-creation", type="formulaire", formulaire="nouvelle",
        valeurs=CREATION,
    )  # fmt: skip
    assert statut == 200
    return h_karim


async def test_reprendre_in_the_review_of_an_unfinished_grid_shows_the_next_critere(
    tmp_path: Path,
) -> None:
    """Found when tried in the web chat: « Reprendre » posted the same review again."""
    async with appli(tmp_path) as a:
        claire, karim = await a.client(), await a.client()
        h_karim = await _cree_pour_karim(claire, karim)

        async def cliquer(requete: str, label: str) -> dict[str, Any]:
            entree = next(e for e in reversed(await fil(karim, h_karim)) if label in boutons(e))
            statut = await envoyer(
                karim, h_karim, requete, type="choix", payload=boutons(entree)[label],
                message=entree["id"],
            )  # fmt: skip
            assert statut == 200
            return (await fil(karim, h_karim))[-1]

        question = await cliquer("r-clic-1", "Commencer la grille")
        acquis = next(label for label in boutons(question) if label.startswith("A "))
        await cliquer("r-clic-2", acquis)
        assert "Revue de la grille" in texte(await cliquer("r-clic-3", "Revoir la grille"))
        suite = await cliquer("r-clic-4", "Reprendre")
        assert "B1.C1.2" in texte(suite) and "Revue de la grille" not in texte(suite)
        for client in (claire, karim):
            await client.close()


async def _carte_de_karim(a: Any) -> tuple[Any, dict[str, str], dict[str, Any]]:
    """Claire creates the evaluation, Karim starts his grid: his page, its headers, the card
    of the first critère."""
    claire, karim = await a.client(), await a.client()
    h_karim = await _cree_pour_karim(claire, karim)
    [invitation] = await fil(karim, h_karim)
    commencer = boutons(invitation)["Commencer la grille"]
    await envoyer(
        karim, h_karim, "r-commencer", type="choix", payload=commencer,
        message=invitation["id"],
    )  # fmt: skip
    return karim, h_karim, (await fil(karim, h_karim))[-1]


async def test_a_card_shown_before_a_restart_is_updated_in_place_when_clicked_after(
    tmp_path: Path,
) -> None:
    """Found when tried as a user would: an old card clicked after a restart posted a copy."""
    async with appli(tmp_path) as a:
        karim, h_karim, carte = await _carte_de_karim(a)
        assert "B1.C1.1 —" in texte(carte)
    async with appli(tmp_path) as a:  # the server restarted; Karim's page kept its card
        karim = await a.client()
        h_karim = await connecter(karim, "karim")
        ws = await flux(karim, "karim")
        acquis = next(p for label, p in boutons(carte).items() if label.startswith("A "))
        statut = await envoyer(
            karim, h_karim, "r-apres-redemarrage", type="choix", payload=acquis,
            message=carte["id"],
        )  # fmt: skip
        assert statut == 200
        maj = await _pousse(ws)
        assert maj["type"] == "maj" and maj["entree"]["id"] == carte["id"]  # that card, updated
        assert "B1.C1.2 —" in texte(maj["entree"])
        await _rien_de_pousse(ws)  # no copy


async def test_an_answer_a_crash_kept_from_the_page_is_there_when_the_server_is_back(
    tmp_path: Path,
) -> None:
    """Deliveries resume from the store: a click handled and stored, the server gone before
    its answer reached the page; started again, the card shows the answer, in place, once."""
    async with appli(tmp_path) as a:
        karim, h_karim, carte = await _carte_de_karim(a)
        acquis = next(p for label, p in boutons(carte).items() if label.startswith("A "))
        origine = Origin(channel="web", conversation="dm-karim", user="karim")
        await a.service.handle(  # handled and stored; the server dies before delivering
            ChoiceEvent(
                origin=origine, request_id="web-r-avant-panne", payload=acquis,
                message=carte["id"],
            )
        )  # fmt: skip
        assert "B1.C1.1 —" in texte((await fil(karim, h_karim))[-1])
    async with appli(tmp_path) as a:
        karim = await a.client()
        [maj] = await fil(karim, await connecter(karim, "karim"))
        assert maj["id"] == carte["id"] and "B1.C1.2 —" in texte(maj)  # that card, updated
    async with appli(tmp_path) as a:  # delivered and noted: not again
        karim = await a.client()
        assert await fil(karim, await connecter(karim, "karim")) == []


async def test_a_double_click_in_the_web_chat_is_answered_once(tmp_path: Path) -> None:
    """The page sends each click with a request id of its own: the service sees the same
    button of the same card twice, and the second click adds nothing to the fil."""
    async with appli(tmp_path) as a:
        claire, karim = await a.client(), await a.client()
        h_karim = await _cree_pour_karim(claire, karim)
        [invitation] = await fil(karim, h_karim)
        commencer = boutons(invitation)["Commencer la grille"]
        for requete in ("r-double-1", "r-double-2"):
            statut = await envoyer(
                karim, h_karim, requete, type="choix", payload=commencer,
                message=invitation["id"],
            )  # fmt: skip
            assert statut == 200
        cartes = [e for e in await fil(karim, h_karim) if "B1.C1.1 —" in texte(e)]
        assert len(cartes) == 1


async def test_a_candidate_is_looked_up_in_the_web_chat(tmp_path: Path) -> None:
    """« candidat » typed in the web chat: the 4 blocs for the coordinatrice who created the
    evaluation, the évaluateur's own reading for Karim (no CQP line)."""
    async with appli(tmp_path) as a:
        claire, karim = await a.client(), await a.client()
        h_karim = await _cree_pour_karim(claire, karim)
        h_claire = await connecter(claire, "claire")
        assert (
            await envoyer(claire, h_claire, "r-cand-1", type="texte", texte="candidat C042") == 200
        )
        vue = texte((await fil(claire, h_claire))[-1])
        assert "Candidat C042" in vue and "Validation partielle proposée" in vue
        statut = await envoyer(karim, h_karim, "r-cand-2", type="texte", texte="candidat C042")
        assert statut == 200
        sienne = texte((await fil(karim, h_karim))[-1])
        assert "notation : vous 0/30" in sienne and "Validation partielle" not in sienne
