"""Teams: authentication, proactive messages, channels, retries, failures, restarts, export."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from flows.messages import (
    ChoiceEvent,
    FormEvent,
    Origin,
    TextEvent,
)
from flows.notation import Aller, Noter
from flows.payloads import (
    Envoyer,
)
from flows.rapprochement import Consolider
from tests.teams.faux_connecteur import Appel
from tests.teams.outils import (
    APP_ID,
    COORD,
    EXPERT,
    INTERNE,
    INTRUS,
    RESULTATS,
    TENANT,
    Teams,
    conversation_de,
    teams,
)

EV = "ev-C042-B1"
VALEURS = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": EXPERT, "role_1": "expert_habilite",
    "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
}  # fmt: skip


async def _creer(t: Teams, par_le_canal: bool = False) -> None:
    """The evaluation created by the coordinatrice (through Teams: the invitations go out)."""
    if par_le_canal:
        envoi = {"cqp": Envoyer(formulaire="nouvelle").pack(), "formulaire": "nouvelle"}
        assert (await t.poster(t.activite(COORD, value={**envoi, **VALEURS}))).status == 202
        return
    origine = Origin(channel="teams", conversation=conversation_de(COORD), user=COORD)
    await t.service.handle(
        FormEvent(origin=origine, request_id="creation", form="nouvelle", values=VALEURS)
    )


async def _formulaire_de_creation(t: Teams) -> Appel:
    """The coordinatrice has the app and asked for the creation form: the card."""
    await t.installer(COORD)
    await t.ecrire(COORD, "nouvelle")
    return t.dernier_a(COORD, "Nouvelle évaluation")


async def _commencer(t: Teams) -> Appel:
    """The expert has the app, the evaluation exists, the first critère is on screen."""
    await t.installer(EXPERT)
    await _creer(t, par_le_canal=True)
    await t.cliquer(EXPERT, t.dernier_a(EXPERT, "Commencer la grille"), "Commencer la grille")
    return t.dernier_a(EXPERT, "B1.C1.1 —")


async def _reponses(t: Teams, qui: str = EXPERT) -> list[str]:
    dossier = await t.service.store.dossier(EV)
    assert dossier is not None
    return [r.critere for r in dossier.reponses if r.evaluateur == qui]


@pytest.mark.parametrize(
    ("cas", "jeton"),
    [
        ("no token", None),
        ("wrong audience", {"aud": "99999999-9999-4999-8999-999999999999"}),
        ("expired", {"expire_dans": -600}),
        ("wrong issuer", {"iss": "https://sts.windows.net/autre/"}),
        ("wrong serviceUrl", {"serviceurl": "https://smba.example.com/emea/"}),
        ("forged signature", {"autre_cle": True}),
    ],
)
async def test_an_unauthenticated_request_is_a_401_with_no_effect(
    tmp_path: Path, cas: str, jeton: dict[str, Any] | None
) -> None:
    async with teams(tmp_path) as t:
        await _creer(t)
        forge = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        corps = t.activite(EXPERT, value={"cqp": forge}, replyToId="act-1")
        if jeton is None:
            reponse = await t.poster(corps, jeton=None)
        else:
            options = {"aud": APP_ID, "serviceurl": t.service_url, **jeton}
            reponse = await t.poster(corps, jeton=t.emetteur.jeton(**options))
        assert reponse.status == 401, cas
        assert "jeton" in (await reponse.json())["erreur"]
        assert t.faux.appels == []  # nothing said to anyone
        assert await _reponses(t) == []  # nothing recorded
        assert await t.service.store.adresse("teams", EXPERT) is None  # nothing remembered
        # The same activity with a good token is applied.
        assert (await t.poster(corps)).status == 202
        assert await _reponses(t) == ["B1.C1.1"]


async def test_an_outsider_forging_a_card_submission_is_refused_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        await _creer(t)
        forge = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        corps = t.activite(INTRUS, value={"cqp": forge}, replyToId="act-1")
        assert (await t.poster(corps)).status == 202
        refus = t.dernier_a(INTRUS).texte
        assert "Seuls les deux évaluateurs désignés" in refus and "rien n'a été enregistré" in refus
        assert await _reponses(t, INTRUS) == [] and await _reponses(t) == []


async def test_a_double_click_and_a_redelivered_activity_apply_and_answer_once(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        avant = len(t.faux.vers(conversation_de(EXPERT)))
        await t.cliquer(EXPERT, question, "A ·")
        await t.cliquer(EXPERT, question, "A ·")  # a double click: another activity id
        assert await _reponses(t) == ["B1.C1.1"]
        recus = t.faux.vers(conversation_de(EXPERT))[avant:]
        assert len([a for a in recus if "B1.C1.2 —" in a.texte]) == 1
        # The same activity delivered twice (the connector retrying): one answer.
        corps = t.activite(EXPERT, text="aide")
        avant = len(t.faux.appels)
        assert (await t.poster(corps)).status == 202
        assert (await t.poster(corps)).status == 202
        assert len([a for a in t.faux.appels[avant:] if "critere" in a.texte]) == 1


async def test_a_change_of_mind_keeps_the_last_value(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        await t.cliquer(EXPERT, question, "A ·")
        await t.cliquer(EXPERT, question, "NO ·")
        dossier = await t.service.store.dossier(EV)
        assert dossier is not None
        assert [(r.critere, r.valeur.value) for r in dossier.reponses] == [("B1.C1.1", "NO")]


async def test_the_second_evaluateur_is_reached_without_having_written_first(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        formulaire = await _formulaire_de_creation(t)
        assert (await t.soumettre(COORD, formulaire, VALEURS)).status == 202
        # Neither évaluateur ever talked to the bot: a one-to-one conversation is created
        # for each, in the coordinatrice's tenant, and the invitation posted in it.
        creations = [a for a in t.faux.appels if a.methode == "creation"]
        assert sorted(c.activite["members"][0]["id"] for c in creations) == sorted(
            [EXPERT, INTERNE]
        )
        assert all(c.activite["tenantId"] for c in creations)
        for creation in creations:
            [invitation] = [a for a in t.faux.vers(creation.id) if a.methode != "creation"]
            assert "Commencer la grille" in invitation.texte
        # The conversation is remembered: the next message reuses it.
        adresse = await t.service.store.adresse("teams", EXPERT)
        assert adresse is not None


async def test_a_command_typed_in_a_channel_is_answered_in_private(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await t.installer(EXPERT)
        canal = {"conversationType": "channel", "tenantId": TENANT, "id": "19:general@thread.tacv2",
                 "isGroup": True}  # fmt: skip
        corps = t.activite(
            EXPERT, conversation=canal, text="<at>cqp-bot</at> mes-evaluations",
            entities=[{"type": "mention", "text": "<at>cqp-bot</at>",
                       "mentioned": {"id": f"28:{APP_ID}", "name": "cqp-bot"}}],
        )  # fmt: skip
        assert (await t.poster(corps)).status == 202
        [dans_le_canal] = t.faux.vers("19:general@thread.tacv2")
        assert "message privé" in dans_le_canal.texte
        assert "évaluation" in t.dernier_a(EXPERT).texte  # the list, in the personal chat


@pytest.mark.parametrize(
    ("destination", "avis"),
    [("19:public@thread.tacv2", "n'est pas privé"),
     ("19:inconnu@thread.tacv2", "ne connaît pas cette conversation")],
)  # fmt: skip
async def test_a_result_is_never_posted_in_a_standard_or_unknown_channel(
    tmp_path: Path, destination: str, avis: str
) -> None:
    async with teams(tmp_path) as t:
        await t.ajouter_au_canal(COORD, "19:public@thread.tacv2", prive=False)
        await t.installer(COORD)
        envoi = {"cqp": Envoyer(formulaire="nouvelle").pack(), "formulaire": "nouvelle"}
        valeurs = {**VALEURS, "destination": destination}
        assert (await t.poster(t.activite(COORD, value={**envoi, **valeurs}))).status == 202
        for qui in (EXPERT, INTERNE):  # both grids, the same: nothing to reconcile
            await _grille(t, qui)
        for qui in (EXPERT, INTERNE):  # both visas, clicked in Teams
            viser = Consolider(evaluation=EV, action="viser").pack()
            assert (await t.poster(t.activite(qui, value={"cqp": viser}))).status == 202
        assert len(t.faux.vers("19:public@thread.tacv2")) == 1  # only the bot's own note
        assert t.faux.vers("19:inconnu@thread.tacv2") == []
        assert avis in t.dernier_a(COORD).texte  # the evaluation's coordinatrice is told why
        t.dernier_a(COORD, "Résultat proposé — candidat C042, bloc B1")  # and has the result


async def test_a_busy_connector_is_retried_and_the_next_question_arrives(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        t.faux.pannes = [429, 503]  # throttled, then unavailable, then fine
        assert (await t.cliquer(EXPERT, question, "A ·")).status == 202
        assert await _reponses(t) == ["B1.C1.1"]
        assert "B1.C1.2 —" in t.dernier_a(EXPERT).texte
        assert t.faux.pannes == []


async def test_connector_failures_lose_no_answer(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        t.faux.pannes = [503] * 9  # the update, the next question… all refused, even retried
        assert (await t.cliquer(EXPERT, question, "A ·")).status == 202
        assert await _reponses(t) == ["B1.C1.1"]  # stored all the same
        t.faux.pannes = []
        await t.ecrire(EXPERT, "mes-evaluations")
        await t.cliquer(EXPERT, t.dernier_a(EXPERT, "C042"), "Noter C042")
        assert "B1.C1.2 —" in t.dernier_a(EXPERT).texte


async def test_a_restart_in_the_middle_of_a_grid_loses_nothing(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        for valeur in ("A ·", "A ·", "A ·"):
            await t.cliquer(EXPERT, question, valeur)
            question = t.faux.vers(conversation_de(EXPERT))[-1]
    async with teams(tmp_path) as t:  # the server and its store, started again
        assert await _reponses(t) == ["B1.C1.1", "B1.C1.2", "B1.C1.3"]
        # Proactive messages still reach the expert: the reference was kept on disk.
        assert await t.service.store.adresse("teams", EXPERT) is not None
        await t.ecrire(EXPERT, "mes-evaluations")
        liste = t.dernier_a(EXPERT, "C042")
        await t.cliquer(EXPERT, liste, "Noter C042")
        assert "B1.C1.4 —" in t.dernier_a(EXPERT).texte


async def test_a_card_left_unsent_by_a_crash_is_updated_when_the_bot_starts_again(
    tmp_path: Path,
) -> None:
    """Deliveries resume from the store: a click handled and stored, the server gone before
    its answer reached Teams; started again, the bot updates that card in a proactive turn of
    the person's chat, once."""
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        origine = Origin(channel="teams", conversation=conversation_de(EXPERT), user=EXPERT)
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        await t.service.handle(  # handled and stored; the server dies before answering
            ChoiceEvent(origin=origine, request_id="avant-panne", payload=a, message=question.id)
        )
        port = t.port_connecteur
    async with teams(tmp_path, port_connecteur=port) as t:  # the same Bot Connector
        await asyncio.wait_for(_une_maj(t), 5)
        [maj] = [c for c in t.faux.appels if c.methode == "maj"]
        assert maj.cible == question.id and maj.conversation == conversation_de(EXPERT)
        assert "B1.C1.2 —" in maj.texte
    async with teams(tmp_path, port_connecteur=port) as t:  # sent, and noted: not again
        await asyncio.sleep(0.3)
        assert not [c for c in t.faux.appels if c.methode == "maj"]


async def _une_maj(t: Teams) -> None:
    while not any(c.methode == "maj" for c in t.faux.appels):
        await asyncio.sleep(0.02)


async def test_a_4000_character_comment_is_kept_whole(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        await t.cliquer(EXPERT, question, "NA ·")
        demande = t.dernier_a(EXPERT, "Un commentaire pour justifier")
        commentaire = "Écoute active insuffisante ; " * 138  # about 4,000 characters
        assert (await t.soumettre(EXPERT, demande, {"texte": commentaire})).status == 202
        t.dernier_a(EXPERT, "Commentaire enregistré pour B1.C1.1")
        dossier = await t.service.store.dossier(EV)
        assert dossier is not None
        [reponse] = dossier.reponses
        assert reponse.commentaire == commentaire.strip() and len(reponse.commentaire) > 3900


async def test_a_store_that_refuses_says_non_enregistre_and_a_retry_applies(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        question = await _commencer(t)
        assert t.capricieux is not None
        t.capricieux.refus = 1
        await t.cliquer(EXPERT, question, "A ·")
        assert "Non enregistré" in t.faux.appels[-1].texte or "non enregistré" in (
            t.faux.appels[-1].texte.lower()
        )
        assert await _reponses(t) == []
        await t.cliquer(EXPERT, question, "A ·")  # the same click again: applied now
        assert await _reponses(t) == ["B1.C1.1"]


async def test_the_jury_export_goes_to_the_coordinatrice_through_file_consent(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        await t.installer(COORD)
        await _creer(t)
        for qui in (EXPERT, INTERNE):  # both grids, straight through the service
            await _grille(t, qui)
        await t.ecrire(COORD, f"export {EV}")
        offre = t.dernier_a(COORD, "OneDrive")
        [piece] = offre.activite["attachments"]
        assert piece["contentType"] == "application/vnd.microsoft.teams.card.file.consent"
        contexte = piece["content"]["acceptContext"]
        # An évaluateur cannot accept it for her.
        invoke: dict[str, Any] = {
            "type": "invoke", "name": "fileConsent/invoke",
            "value": {"type": "fileUpload", "action": "accept", "context": contexte,
                      "uploadInfo": {"name": piece["name"], "uniqueId": "u1", "fileType": "json",
                                     "uploadUrl": str(t.faux_url("/onedrive/export.json")),
                                     "contentUrl": "https://onedrive.example/export.json"}},
        }  # fmt: skip
        reponse = await t.poster(t.activite(EXPERT, **invoke))
        assert reponse.status == 200
        assert t.faux.depots == {}
        reponse = await t.poster(t.activite(COORD, **invoke))
        assert reponse.status == 200
        await _attendre(lambda: "export.json" in t.faux.depots)  # uploaded after the answer
        assert b'"reference": "C042"' in t.faux.depots["export.json"]
        await _attendre(lambda: "enregistré dans votre OneDrive" in t.dernier_a(COORD).texte)
        info = t.dernier_a(COORD, "OneDrive")
        assert "enregistré dans votre OneDrive" in info.texte


async def _grille(t: Teams, qui: str) -> None:
    bloc = t.service.referentiel.bloc("B1")
    assert bloc is not None
    origine = Origin(channel="teams", conversation=conversation_de(qui), user=qui)
    n = 0

    async def envoyer(evenement: Any) -> None:
        await t.service.handle(evenement)

    async def cliquer(payload: str) -> None:
        nonlocal n
        n += 1
        await envoyer(ChoiceEvent(origin=origine, request_id=f"{qui}-c{n}", payload=payload))

    await cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for competence in bloc.competences:
        for critere in competence.criteres:
            await cliquer(Noter(evaluation=EV, critere=critere.id, valeur="A").pack())
        n += 1
        await envoyer(
            TextEvent(origin=origine, request_id=f"{qui}-t{n}", text=f"{competence.id} : vu.")
        )
    await cliquer(Aller(evaluation=EV, action="soumettre").pack())


async def test_a_reminder_reaches_each_evaluateur_in_their_own_chat(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        for personne in (COORD, EXPERT, INTERNE):
            await t.installer(personne)
        await _creer(t, par_le_canal=True)
        avant = {p: len(t.faux.vers(conversation_de(p))) for p in (EXPERT, INTERNE)}
        assert (await t.ecrire(COORD, "relancer C042")).status == 202
        assert "Rappel envoyé pour ev-C042-B1" in t.dernier_a(COORD).texte
        for personne in (EXPERT, INTERNE):
            [rappel] = t.faux.vers(conversation_de(personne))[avant[personne] :]
            assert "Rappel : votre grille du candidat C042" in rappel.texte
            assert "Jeanne" not in rappel.texte
            await t.cliquer(personne, rappel, "Noter C042")  # the button resumes the grid
            assert "B1.C1.1 —" in t.dernier_a(personne).texte


async def _attendre(condition: Any, delai: float = 5.0) -> None:
    """What the bot does after answering Teams (an upload): wait until it shows."""
    fin = asyncio.get_running_loop().time() + delai
    while not condition():
        assert asyncio.get_running_loop().time() < fin, "not done in time"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    ("champ", "valeur"),
    [("channelId", "directline"), ("channelId", "webchat"),
     ("conversation", {"conversationType": "personal", "id": "a:x",
                       "tenantId": "99999999-9999-4999-8999-999999999999"})],
)  # fmt: skip
async def test_another_channel_or_another_tenant_is_refused_with_no_effect(
    tmp_path: Path, champ: str, valeur: Any
) -> None:
    """A valid Bot Framework token is not enough: only Teams, only the mutuelle's tenant."""
    async with teams(tmp_path) as t:
        # The registration's keys are endorsed for its other channels too (Web Chat…).
        t.emetteur.endorsements = ["msteams", "directline", "webchat"]
        t.emetteur.tourner()
        envoi = {"cqp": Envoyer(formulaire="nouvelle").pack(), "formulaire": "nouvelle"}
        corps = t.activite(COORD, value={**envoi, **VALEURS})
        corps[champ] = valeur
        corps.pop("channelData")
        reponse = await t.poster(corps)
        assert reponse.status == 403
        assert "Microsoft Teams" in (await reponse.json())["erreur"]
        assert await t.service.store.evaluations() == []
        assert await t.service.store.adresses("teams") == []
        assert t.faux.appels == []


async def test_an_activity_without_an_entra_id_is_not_a_person(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        corps = t.activite(COORD, text="nouvelle")
        del corps["from"]["aadObjectId"]
        corps["from"]["id"] = COORD  # a client naming itself as the coordinatrice
        assert (await t.poster(corps)).status == 202
        assert t.faux.appels == [] and await t.service.store.adresses("teams") == []


async def test_a_stale_reference_gives_way_to_a_new_conversation(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await t.installer(COORD)
        await t.installer(INTERNE)
        t.faux.mortes.add(conversation_de(INTERNE))  # she removed the app since
        await t.ecrire(COORD, "nouvelle")
        formulaire = t.dernier_a(COORD, "Nouvelle évaluation")
        await t.soumettre(COORD, formulaire, VALEURS)
        [creation] = [
            a for a in t.faux.appels
            if a.methode == "creation" and a.activite["members"][0]["id"] == INTERNE
        ]  # fmt: skip
        assert any("Commencer la grille" in a.texte for a in t.faux.vers(creation.id))
        adresse = await t.service.store.adresse("teams", INTERNE)
        assert adresse is not None and adresse.donnees["conversation"]["id"] == creation.id


async def test_nobody_reachable_is_said_to_the_sender_without_the_message(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        formulaire = await _formulaire_de_creation(t)
        t.faux.pannes = [403, 403, 403, 403]  # creating the conversations is refused
        await t.soumettre(COORD, formulaire, VALEURS)
        recus = " ".join(a.texte for a in t.faux.vers(conversation_de(COORD)))
        assert "Je n'ai pas pu écrire à" in recus
        assert "Commencer la grille" not in recus  # the évaluateur's invitation is theirs
        assert len(await t.service.store.evaluations()) == 1  # the creation itself is kept


async def test_a_store_refusing_an_address_loses_no_invitation(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        formulaire = await _formulaire_de_creation(t)
        assert t.capricieux is not None
        t.capricieux.refus_adresses = 3  # the coordinatrice's, then both new conversations'
        assert (await t.soumettre(COORD, formulaire, VALEURS)).status == 202
        creations = [a for a in t.faux.appels if a.methode == "creation"]
        assert len(creations) == 2
        for creation in creations:
            assert any("Commencer la grille" in a.texte for a in t.faux.vers(creation.id))


async def test_an_unchanged_reference_is_not_written_again(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        assert t.capricieux is not None
        for texte in ("aide", "critere accueil", "bloc B1"):
            await t.ecrire(EXPERT, texte)
        assert t.capricieux.adresses_ecrites == ["appliquee", "inchangee", "inchangee"]


async def test_an_installation_is_welcomed_once(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await t.poster(t.activite(EXPERT, type="installationUpdate", action="add"))
        await t.installer(EXPERT)
        accueils = [a for a in t.faux.vers(conversation_de(EXPERT)) if "Commandes" in a.texte]
        assert len(accueils) == 1


async def test_a_refused_creation_form_keeps_the_people_picked(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await t.installer(COORD)
        await t.installer(EXPERT)  # her name is known: texts name her, the picker keeps her id
        await t.ecrire(COORD, "nouvelle")
        formulaire = t.dernier_a(COORD, "Nouvelle évaluation")
        incomplet = {k: v for k, v in VALEURS.items() if k != "role_2"}
        await t.soumettre(COORD, formulaire, incomplet)
        encore = t.faux.vers(conversation_de(COORD))[-1]
        champs = {e["id"]: e for c in encore.cartes for e in c["body"] if "id" in e}
        assert champs["evaluateur_1"].get("value") == EXPERT


async def test_the_export_is_uploaded_only_to_onedrive(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await t.installer(COORD)
        await _creer(t)
        for qui in (EXPERT, INTERNE):
            await _grille(t, qui)
        await t.ecrire(COORD, f"export {EV}")
        [piece] = t.dernier_a(COORD, "OneDrive").activite["attachments"]
        invoke: dict[str, Any] = {
            "type": "invoke", "name": "fileConsent/invoke",
            "value": {"type": "fileUpload", "action": "accept",
                      "context": piece["content"]["acceptContext"],
                      "uploadInfo": {"uploadUrl": "https://attaquant.example/recevoir"}},
        }  # fmt: skip
        assert (await t.poster(t.activite(COORD, **invoke))).status == 200
        await asyncio.sleep(0.1)
        assert t.faux.depots == {}
        assert "erreur" in t.dernier_a(COORD).texte


async def test_the_creation_card_proposes_the_results_conversation_of_the_settings(
    tmp_path: Path,
) -> None:
    async with teams(tmp_path) as t:
        formulaire = await _formulaire_de_creation(t)
        champs = {e["id"]: e for c in formulaire.cartes for e in c["body"] if "id" in e}
        assert champs["destination"]["value"] == RESULTATS  # TEAMS_RESULTS_CHANNEL
        assert "value" not in champs["candidat_nom"]


async def test_a_candidate_is_looked_up_in_teams_for_its_coordinatrice_only(
    tmp_path: Path,
) -> None:
    """« candidat » typed in the personal chat: the candidate's 4 blocs for the coordinatrice;
    for someone who follows none of their evaluations, nothing about them."""
    async with teams(tmp_path) as t:
        await t.installer(COORD)
        await _creer(t, par_le_canal=True)
        await t.ecrire(COORD, "candidat jeanne martn")
        vue = t.dernier_a(COORD, "Candidat C042")
        assert "Jeanne Martin" in vue.texte and "B1 · " in vue.texte
        assert "non commencé" in vue.texte and "Validation partielle proposée" in vue.texte
        await t.installer(INTRUS)
        await t.ecrire(INTRUS, "candidat C042")
        refus = t.dernier_a(INTRUS)
        assert "Aucun candidat" in refus.texte and "Jeanne" not in refus.texte
