"""Slack when things go wrong: retries, double clicks, forged clicks, API errors, restarts."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.slack.settings import SlackSettings
from bot.slack.transport import SlackAt, web_client
from flows.evaluation import EtatConversation, Precisions, Reponse, Soumission
from flows.messages import (
    Destination,
    FormEvent,
    Origin,
    say,
)
from flows.notation import Aller, Noter
from flows.payloads import (
    Preuve,
)
from flows.rapprochement import Rapprocher
from referentiel import CodeValeur, default
from tests.slack.outils import COORD, EXPERT, INTERNE, INTRUS, RESULTATS, Slack, slack, textes_de

EV = "ev-C042-B1"
DM = f"D{EXPERT}"
VALEURS = {
    "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
    "evaluateur_1": EXPERT, "role_1": "expert_habilite",
    "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
}  # fmt: skip
MESSAGE = {"channel": DM, "ts": "1700000000.000001", "blocks": []}


async def _creer(s: Slack) -> None:
    """The coordinateur's creation, handled and delivered as the channel does (the
    invitations in the évaluateurs' DMs)."""
    origine = Origin(channel="slack", conversation=f"D{COORD}", user=COORD)
    replies = await s.service.handle(
        FormEvent(origin=origine, request_id="creation", form="nouvelle", values=VALEURS)
    )
    assert s.canal is not None
    await s.canal.delivery.deliver(origine, replies, SlackAt(origine), "creation")


async def _commencer(s: Slack) -> None:
    await _creer(s)
    payload = Aller(evaluation=EV, action="reprendre").pack()
    await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:0.0", payload)
    await s.attendre(lambda: any("B1.C1.1 —" in textes_de(m) for m in s.messages_a(DM)))


async def _na_puis_commentaire(s: Slack) -> None:
    """The grid started, NA clicked on its first critère: the comment is asked for."""
    await _commencer(s)
    na = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
    await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.2", na)
    await s.attendre(lambda: any("commentaire" in textes_de(m) for m in s.messages_a(DM)))


async def test_a_click_naming_someone_elses_dm_is_answered_in_the_clickers_own(
    tmp_path: Path,
) -> None:
    """Found when tried as a Slack user would: a click replayed by an outsider, its container
    naming an évaluateur's DM, made the bot write its refusal there."""
    async with slack(tmp_path) as s:
        await _creer(s)
        avant = len(s.messages_a(DM))
        forge = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        message = {"channel": DM, "ts": "1700000000.000001", "blocks": []}  # the expert's DM
        assert (await s.cliquer_valeur(INTRUS, message, "cqp:4.2", forge)).status == 200
        await s.attendre(lambda: bool(s.messages_a(f"D{INTRUS}")))
        assert "Seuls les deux évaluateurs désignés" in textes_de(s.messages_a(f"D{INTRUS}")[-1])
        await _pause()
        assert len(s.messages_a(DM)) == avant
        assert not [u for u in s.faux.de("chat.update") if u.get("channel") == DM]
        assert await _reponses(s) == []


async def _reponses(s: Slack, qui: str = EXPERT) -> list[str]:
    dossier = await s.service.store.dossier(EV)
    assert dossier is not None
    return [r.critere for r in dossier.reponses if r.evaluateur == qui]


async def test_a_retried_event_and_a_double_click_apply_and_answer_once(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        avant = len(s.messages_a(DM))
        # Two clicks on the same button, a few milliseconds apart.
        t = time.time()
        avant = len(s.recus(DM))
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a, action_ts=f"{t:.6f}")
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a, action_ts=f"{t + 0.002:.6f}")
        await s.attendre(lambda: len(s.recus(DM)) > avant)
        await _pause()
        assert await _reponses(s) == ["B1.C1.1"]
        suivantes = [m for m in s.recus(DM)[avant:] if "B1.C1.2 —" in textes_de(m)]
        assert len(suivantes) == 1  # the card moved on once

        # An event delivered twice (Slack's retry, same event id): one answer.
        evenement = {
            "type": "message", "channel": DM, "user": EXPERT, "text": "aide",
            "ts": "1700000200.000001", "channel_type": "im", "client_msg_id": "m-aide",
        }  # fmt: skip
        avant = len(s.messages_a(DM))
        assert (await s.evenement(evenement, event_id="EvAIDE")).status == 200
        retry = await s.evenement(
            evenement, event_id="EvAIDE", entetes={"X-Slack-Retry-Num": "1",
                                                   "X-Slack-Retry-Reason": "http_timeout"},
        )  # fmt: skip
        assert retry.status == 200
        await s.attendre(lambda: len(s.messages_a(DM)) > avant)
        await _pause()
        assert len([m for m in s.messages_a(DM)[avant:] if "critere" in textes_de(m)]) == 1


async def _pause() -> None:
    """Replies go out after the ack: give the ones that must *not* come the time to come."""
    await asyncio.sleep(0.3)


async def test_an_outsider_forwarding_a_button_is_refused_and_nothing_is_stored(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        forge = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        message = {"channel": f"D{INTRUS}", "ts": "1.1", "blocks": []}
        assert (await s.cliquer_valeur(INTRUS, message, "cqp:0.0", forge)).status == 200
        await s.attendre(lambda: bool(s.messages_a(f"D{INTRUS}")))
        refus = textes_de(s.messages_a(f"D{INTRUS}")[-1])
        assert "Seuls les deux évaluateurs désignés" in refus and "rien n'a été enregistré" in refus
        assert await _reponses(s, INTRUS) == [] and await _reponses(s) == []


async def test_a_4000_character_comment_typed_in_the_dm_is_kept_whole(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        commentaire = "Écoute active insuffisante ; " * 138  # about 4,000 characters
        await s.ecrire(EXPERT, commentaire)
        await s.attendre(
            lambda: any("Commentaire enregistré" in textes_de(m) for m in s.messages_a(DM))
        )
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        [reponse] = dossier.reponses
        assert reponse.commentaire == commentaire.strip() and len(reponse.commentaire) > 3900
        for message in s.faux.de("chat.postMessage") + s.faux.de("chat.update"):
            assert len(message["blocks"]) <= 50
            assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message["blocks"])


async def test_a_comment_typed_in_the_dm_is_stored_as_it_reads_not_in_slacks_encoding(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        # What Slack delivers when « délai < 5 min & rappel @Paul, voir site » is typed.
        await s.ecrire(
            EXPERT, "délai &lt; 5 min &amp; rappel <@UPAUL>, voir <https://ex.fr/p|site> <!here>"
        )
        await s.attendre(
            lambda: any("Commentaire enregistré" in textes_de(m) for m in s.messages_a(DM))
        )
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        [reponse] = dossier.reponses
        assert reponse.commentaire == (
            "délai < 5 min & rappel @UPAUL, voir site (https://ex.fr/p) @here"
        )
        # And what the bot writes as a message's text is escaped: shown, never a ping or a link.
        for message in s.faux.de("chat.postMessage") + s.faux.de("chat.update"):
            assert "<!" not in message.get("text", "") and "<@" not in message.get("text", "")


async def test_a_creation_goes_through_when_slack_cannot_name_the_people_picked(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await s.commande(COORD, "nouvelle", canal=f"D{COORD}")
        await s.attendre(lambda: bool(s.faux.de("views.open")))

        async def coupe(**_: Any) -> Any:
            raise RuntimeError("connexion perdue")  # any error, not only Slack's own

        assert s.canal is not None
        s.canal.client.users_info = coupe  # type: ignore[method-assign]
        reponse = await s.soumettre_vue(
            COORD, s.faux.de("views.open")[-1]["view"], {**VALEURS, "echeance": ""}
        )
        assert reponse.status == 200
        [evaluation] = await s.service.store.evaluations()
        assert [e.nom for e in evaluation.evaluateurs] == [EXPERT, INTERNE]  # ids, as before


async def test_slack_api_errors_lose_no_answer(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        # Rate-limited once: the SDK waits Retry-After and sends again.
        s.faux.echecs["chat.update"] = [("ratelimited", 1)]
        avant = len(s.recus(DM))
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        assert (await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)).status == 200
        await s.attendre(
            lambda: any("B1.C1.2 —" in textes_de(m) for m in s.recus(DM)[avant:]), delai=8
        )
        assert s.faux.echecs["chat.update"] == []  # refused once, sent again
        # The channel is gone: the answer is stored all the same, the click acknowledged.
        s.faux.echecs["chat.postMessage"] = [("channel_not_found", None)]
        s.faux.echecs["chat.update"] = [("channel_not_found", None)]
        a2 = Noter(evaluation=EV, critere="B1.C1.2", valeur="A").pack()
        assert (await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a2)).status == 200
        await _pause()
        assert await _reponses(s) == ["B1.C1.1", "B1.C1.2"]


async def test_a_result_is_never_posted_in_a_public_channel(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        assert s.canal is not None
        s.faux.canaux_publics.add("CPUBLIC1")
        resultat = say(
            "Résultat proposé — candidat C042, bloc B1",
            to=Destination(kind="results", target="CPUBLIC1"),
        )
        origine = Origin(channel="slack", conversation=DM, user=EXPERT)
        await s.canal.delivery.deliver(origine, (resultat,), SlackAt(origine))
        assert s.messages_a("CPUBLIC1") == []
        [avis] = s.messages_a(f"D{COORD}")
        assert "n'est pas privé" in avis["text"] and "CPUBLIC1" in avis["text"]
        # The evaluation's own coordinateur is told, rather than the settings' ones.
        sien = resultat.model_copy(update={"to": Destination(
            kind="results", target="CPUBLIC1", responsables=("UCOORD02",)
        )})  # fmt: skip
        await s.canal.delivery.deliver(origine, (sien,), SlackAt(origine))
        [avis] = s.messages_a("DUCOORD02")
        assert "n'est pas privé" in avis["text"]
        assert len(s.messages_a(f"D{COORD}")) == 1  # not told twice
        # A private one receives it.
        prive = resultat.model_copy(update={"to": Destination(kind="results", target=RESULTATS)})
        await s.canal.delivery.deliver(origine, (prive,), SlackAt(origine))
        assert len(s.messages_a(RESULTATS)) == 1


async def test_a_restart_in_the_middle_of_a_grid_loses_nothing(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        for critere in ("B1.C1.1", "B1.C1.2", "B1.C1.3"):
            payload = Noter(evaluation=EV, critere=critere, valeur="A").pack()
            await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", payload)
        await _pause()
    async with slack(tmp_path) as s:  # the server and its store, started again
        assert await _reponses(s) == ["B1.C1.1", "B1.C1.2", "B1.C1.3"]
        await s.commande(EXPERT, "mes-evaluations", canal=DM)
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        [liste] = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        assert "C042" in textes_de(liste)
        reprendre = Aller(evaluation=EV, action="reprendre").pack()
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:0.0", reprendre)
        await s.attendre(lambda: any("B1.C1.4 —" in textes_de(m) for m in s.messages_a(DM)))


async def test_a_card_left_unsent_by_a_crash_is_updated_when_the_bot_starts_again(
    tmp_path: Path,
) -> None:
    """Found when tried as a user would: after a kill -9 the acknowledged critère's message
    never got its ✓. The replies are stored with the answer, noted once sent; the bot started
    again sends those a crash kept back, the card updated in place, and only once.

    The crash: Slack hangs, and the process's sending is cut off (what is on disk is what a
    kill leaves: every write is a whole file, renamed into place)."""
    async with slack(tmp_path) as s:
        await _commencer(s)
        s.faux.suspendus.add("chat.update")
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        assert (await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)).status == 200
        await s.attendre(lambda: s.faux.en_suspens == 1)
        assert s.canal is not None
        for envoi in list(s.canal._sending):
            envoi.cancel()
        assert not s.faux.de("chat.update")
    async with slack(tmp_path) as s:
        await s.attendre(lambda: bool(s.faux.de("chat.update")))
        [carte] = s.faux.de("chat.update")
        assert carte["ts"] == MESSAGE["ts"] and carte["channel"] == DM
        assert "B1.C1.1\nA — " in textes_de(carte) and "B1.C1.2 —" in textes_de(carte)
    async with slack(tmp_path) as s:
        await _pause()
        assert not s.faux.de("chat.update")  # sent, and noted: not again


async def test_app_home_lists_my_evaluations(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        await s.evenement({"type": "app_home_opened", "user": EXPERT, "tab": "home",
                           "channel": DM, "event_ts": "1700000300.1"})  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")))
        [publication] = s.faux.de("views.publish")
        assert publication["user_id"] == EXPERT and publication["view"]["type"] == "home"
        vue = textes_de(publication["view"])
        assert "Mes évaluations" in vue and "C042" in vue


async def test_app_home_lists_my_evaluations_while_a_comment_waits(tmp_path: Path) -> None:
    """Found when tried as a Slack user would: NA clicked, the comment's modal closed, the
    Home read only « Toujours en attente : … » and the list went into the DM."""
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        avant = len(s.messages_a(DM))
        await s.evenement({"type": "app_home_opened", "user": EXPERT, "tab": "home",
                           "channel": DM, "event_ts": "1700000300.2"})  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")))
        vue = textes_de(s.faux.de("views.publish")[-1]["view"])
        assert "Mes évaluations" in vue and "C042" in vue and "Toujours en attente" not in vue
        await s.attendre(lambda: len(s.messages_a(DM)) > avant)  # the reminder, in the DM
        dm = [textes_de(m) for m in s.messages_a(DM)[avant:]]
        assert any("Toujours en attente" in t for t in dm) and not any("C042 ·" in t for t in dm)


async def test_a_change_of_mind_within_seconds_keeps_the_last_value(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        for valeur in ("A", "NO", "A"):
            payload = Noter(evaluation=EV, critere="B1.C1.1", valeur=valeur).pack()
            assert (await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", payload)).status == 200
        await _pause()
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        derniere = max(
            (r for r in dossier.reponses if r.critere == "B1.C1.1"), key=lambda r: r.horodatage
        )
        assert derniere.valeur.value == "A"


async def test_an_older_click_arriving_late_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        non = Noter(evaluation=EV, critere="B1.C1.1", valeur="NO").pack()
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        # NO clicked last, but delivered first; A, clicked before it, arrives after.
        t = time.time()
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.3", non, action_ts=f"{t + 0.5:.6f}")
        await s.attendre(lambda: bool(s.faux.de("chat.update")))
        assert (
            await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a, action_ts=f"{t + 0.1:.6f}")
        ).status == 200
        await _pause()
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        assert [r.valeur.value for r in dossier.reponses if r.critere == "B1.C1.1"] == ["NO"]
        [mise_a_jour] = s.faux.de("chat.update")  # the card still shows NO for B1.C1.1
        assert "B1.C1.1\nNO — " in textes_de(mise_a_jour)
        # Another block of the message (its navigation), clicked in between: taken.
        avant = len(s.messages_a(DM))
        revue = Aller(evaluation=EV, action="revue").pack()
        await s.cliquer_valeur(
            EXPERT, MESSAGE, "cqp:5.0", revue, action_ts=f"{t + 0.3:.6f}", block_id="nav"
        )
        await s.attendre(lambda: len(s.messages_a(DM)) > avant)


async def test_a_value_changed_on_an_earlier_critere_message_is_marked_on_it(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)
        await s.attendre(lambda: any("B1.C1.2 —" in textes_de(m) for m in s.recus(DM)))
        # A click on B1.C1.1's buttons of a card not yet refreshed (the grid is on B1.C1.2
        # now): NO instead of A.
        non = Noter(evaluation=EV, critere="B1.C1.1", valeur="NO").pack()
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.3", non)
        await s.attendre(lambda: len(s.faux.de("chat.update")) == 2)
        derniere = s.faux.de("chat.update")[-1]
        assert derniere["ts"] == MESSAGE["ts"]
        assert "B1.C1.1 —" in textes_de(derniere) and "✓ NO" in textes_de(derniere)
        assert "✓ A" not in textes_de(derniere)


async def test_a_click_refused_by_the_store_then_retried_is_applied_and_answered(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        assert s.capricieux is not None
        s.capricieux.refus = 1
        a = Noter(evaluation=EV, critere="B1.C1.1", valeur="A").pack()
        avant = len(s.messages_a(DM))
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)
        await s.attendre(lambda: len(s.messages_a(DM)) > avant)
        assert "Non enregistré" in textes_de(s.messages_a(DM)[-1])
        assert await _reponses(s) == []
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.0", a)  # the same button, at once
        await s.attendre(lambda: any("B1.C1.2 —" in textes_de(m) for m in s.recus(DM)))
        assert await _reponses(s) == ["B1.C1.1"]


async def test_a_comment_modal_refused_by_the_store_stays_open_with_the_text(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        na = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.2", na)
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        vue = s.faux.de("views.open")[-1]["view"]
        assert s.capricieux is not None
        s.capricieux.refus = 1
        reponse = await s.soumettre_vue(EXPERT, vue, {"texte": "Écoute active absente."})
        corps = await reponse.json()
        assert corps["response_action"] == "errors" and "Non enregistré" in corps["errors"]["texte"]
        reponse = await s.soumettre_vue(EXPERT, vue, {"texte": "Écoute active absente."})
        assert reponse.status == 200
        await s.attendre(
            lambda: any("Commentaire enregistré" in textes_de(m) for m in s.messages_a(DM))
        )


async def test_a_modal_that_cannot_open_still_lets_the_click_through(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _commencer(s)
        s.faux.echecs["views.open"] = [("expired_trigger_id", None)]
        na = Noter(evaluation=EV, critere="B1.C1.1", valeur="NA").pack()
        assert (await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:4.2", na)).status == 200
        await s.attendre(
            lambda: any("Un commentaire pour justifier" in textes_de(m) for m in s.messages_a(DM))
        )
        assert await _reponses(s) == ["B1.C1.1"]


async def test_a_grid_started_from_an_ephemeral_list_goes_on_in_the_dm(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        reprendre = Aller(evaluation=EV, action="reprendre").pack()
        ephemere = {"channel": "C0GENERAL", "ts": "1.1", "blocks": []}
        payload_ok = await s.cliquer_valeur(EXPERT, ephemere, "cqp:0.0", reprendre, ephemere=True)
        assert payload_ok.status == 200
        await s.attendre(lambda: any("B1.C1.1 —" in textes_de(m) for m in s.messages_a(DM)))
        assert not any(
            "B1.C1.1 —" in textes_de(a.args)
            for a in s.faux.appels
            if a.methode.startswith("response_url")
        )


async def test_app_home_shows_a_coordinateur_the_evaluations_they_follow(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        await s.evenement({"type": "app_home_opened", "user": COORD, "tab": "home",
                           "channel": f"D{COORD}", "event_ts": "1700000300.2"})  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")))
        vue = textes_de(s.faux.de("views.publish")[-1]["view"])
        assert "Suivi des évaluations que vous coordonnez" in vue and "C042" in vue


async def test_app_home_of_a_coordinateur_who_also_scores_shows_both_lists_with_counts(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        origine = Origin(channel="slack", conversation=f"D{COORD}", user=COORD)
        await s.service.handle(
            FormEvent(
                origin=origine, request_id="creation", form="nouvelle",
                values={**VALEURS, "evaluateur_1": COORD},
            )
        )  # fmt: skip
        await s.evenement({"type": "app_home_opened", "user": COORD, "tab": "home",
                           "channel": f"D{COORD}", "event_ts": "1700000300.3"})  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")))
        # Published: Slack refuses a view whose block ids repeat (the fake too).
        assert s.faux.appels[-1].methode == "views.publish"
        vue = textes_de(s.faux.de("views.publish")[-1]["view"])
        total = len(s.service.referentiel.bloc("B1").criteres)  # type: ignore[union-attr]
        assert "Vos évaluations" in vue and "Avancement des évaluations que vous suivez" in vue
        assert INTERNE not in vue  # how far the other évaluateur is: the blind rule hides it
        assert vue.count(f"0/{total}") == 3  # their own grid: the dashboard and both lists


async def test_app_home_shows_the_list_and_sends_a_pending_notice_to_the_dm(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        # A justification awaited from the DM, then expired: the next event gets the notice.
        await s.service.store.sauver_etat(
            EtatConversation(
                canal="slack", utilisateur=EXPERT, flow="cqp", horodatage=datetime.now(UTC),
                donnees={"justification": {
                    "evaluation": EV, "critere": "B1.C1.1", "valeur": "A",
                    "depuis": "2020-01-01T00:00:00+00:00",
                }},
            )
        )  # fmt: skip
        await s.evenement({"type": "app_home_opened", "user": EXPERT, "tab": "home",
                           "channel": DM, "event_ts": "1700000300.4"})  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")) and bool(s.messages_a(DM)))
        vue = textes_de(s.faux.de("views.publish")[-1]["view"])
        assert "Vos évaluations" in vue and "C042" in vue and "expiré" not in vue
        assert any("expiré" in textes_de(m) for m in s.messages_a(DM))


async def test_the_jury_export_is_uploaded_to_the_coordinateur_only(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _creer(s)
        bloc = s.service.referentiel.bloc("B1")
        assert bloc is not None
        for qui in (EXPERT, INTERNE):  # both grids, straight through the service
            origine = Origin(channel="slack", conversation=f"D{qui}", user=qui)
            u = _Rapide(s, origine)
            await u.cliquer(Aller(evaluation=EV, action="reprendre").pack())
            for competence in bloc.competences:
                for critere in competence.criteres:
                    await u.cliquer(Noter(evaluation=EV, critere=critere.id, valeur="A").pack())
                await u.taper(f"{competence.id} : constaté.")
            await u.cliquer(Aller(evaluation=EV, action="soumettre").pack())
        await s.commande(COORD, f"export {EV}", canal="C0GENERAL")
        await s.attendre(lambda: bool(s.faux.de("files.completeUploadExternal")))
        [fin] = s.faux.de("files.completeUploadExternal")
        assert fin["channel_id"] == f"D{COORD}"  # the DM, not the channel it was asked in
        [contenu] = s.faux.fichiers.values()
        assert b'"reference": "C042"' in contenu
        # Asked in a channel: said there, for the coordinateur only, where the file went.
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        [avis] = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        assert avis["response_type"] == "ephemeral"
        assert "cqp-C042.json est dans votre conversation privée" in avis["text"]

        await s.commande(EXPERT, f"export {EV}", canal=DM)
        await _pause()
        assert len(s.faux.de("files.completeUploadExternal")) == 1  # not for an évaluateur


class _Rapide:
    """An évaluateur acting through the service directly (to reach the export quickly)."""

    def __init__(self, s: Slack, origine: Origin) -> None:
        self.s, self.origine, self.n = s, origine, 0

    async def cliquer(self, payload: str) -> None:
        from flows.messages import ChoiceEvent

        self.n += 1
        await self.s.service.handle(
            ChoiceEvent(origin=self.origine, request_id=f"r{self.n}", payload=payload)
        )

    async def taper(self, texte: str) -> None:
        from flows.messages import TextEvent

        self.n += 1
        await self.s.service.handle(
            TextEvent(origin=self.origine, request_id=f"t{self.n}", text=texte)
        )


async def test_a_file_or_an_overlong_message_in_the_dm_is_answered_and_nothing_recorded(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        trop_long = {
            "type": "message", "channel": DM, "user": EXPERT, "text": "x" * 10_001,
            "ts": "1700000300.000001", "channel_type": "im", "client_msg_id": "m-long",
        }  # fmt: skip
        avant = len(s.messages_a(DM))
        await s.evenement(trop_long, event_id="EvLONG")
        await s.attendre(lambda: "trop long" in textes_de(s.messages_a(DM)[-1]))
        # Slack's retry of it (the same event): told once, through the service like any event.
        await s.evenement(
            trop_long,
            event_id="EvLONG",
            entetes={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"},
        )
        await _pause()
        assert sum("trop long" in textes_de(m) for m in s.messages_a(DM)[avant:]) == 1
        await s.evenement({"type": "message", "subtype": "file_share", "channel": DM,
                           "user": EXPERT, "text": "voici", "ts": "1700000400.1",
                           "channel_type": "im"})  # fmt: skip
        await s.attendre(lambda: "fichiers" in textes_de(s.messages_a(DM)[-1]))
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None and [r.commentaire for r in dossier.reponses] == [""]


async def test_the_creation_modal_proposes_the_results_channel_of_the_settings(
    tmp_path: Path,
) -> None:
    async with slack(tmp_path) as s:
        await s.commande(COORD, "nouvelle", canal=f"D{COORD}")
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        vue = s.faux.de("views.open")[-1]["view"]
        [destination] = [b for b in vue["blocks"] if b.get("block_id") == "destination"]
        assert destination["element"]["initial_conversation"] == RESULTATS


def test_the_web_api_client_formats_no_debug_line_unless_debug_is_wanted() -> None:
    """slack_sdk builds each request's debug line (the whole payload) when its logger's own
    level is NOTSET; the bot's client has one, the level in force (WARNING by default)."""
    reglages = SlackSettings(bot_token="xoxb-t", signing_secret="s" * 32)
    assert web_client(reglages).logger.level == logging.getLogger("slack_sdk").getEffectiveLevel()
    assert web_client(reglages).logger.level > logging.DEBUG


async def test_a_line_typed_after_moving_to_another_evaluation_is_stored_nowhere(
    tmp_path: Path,
) -> None:
    """Found when tried as a Slack user would: a free line typed in the DM went to the
    comment another evaluation was waiting for."""
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        coordinateur = Origin(channel="slack", conversation=f"D{COORD}", user=COORD)
        await s.service.handle(
            FormEvent(origin=coordinateur, request_id="creation-b2", form="nouvelle",
                      values={**VALEURS, "bloc": "B2"})
        )  # fmt: skip
        assert (await s.commande(EXPERT, "statut ev-C042-B2", canal=DM)).status == 200
        avant = len(s.messages_a(DM))
        await s.ecrire(EXPERT, "Le candidat hésite à reformuler.")
        await s.attendre(lambda: len(s.messages_a(DM)) > avant)
        lu = textes_de(s.messages_a(DM)[-1])
        assert "Ce texte n'a été enregistré nulle part" in lu
        assert "Le commentaire sur B1.C1.1 (candidat C042) attend toujours" in lu
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None and [r.commentaire for r in dossier.reponses] == [""]
        autre = await s.service.store.dossier("ev-C042-B2")
        assert autre is not None and autre.reponses == () and autre.precisions == ()


async def test_a_disagreement_that_will_not_settle_still_leads_to_the_visa(tmp_path: Path) -> None:
    """Found when tried as a Slack user would: with a persistent disagreement the list of
    gaps offered no way to the visa (only ``/cqp resultat``, whose ephemeral button goes)."""
    async with slack(tmp_path) as s:
        await _creer(s)
        bloc = default().blocs[0]
        for qui in (EXPERT, INTERNE):
            for critere in bloc.criteres:
                valeur = (
                    CodeValeur.NA if qui == INTERNE and critere.id == "B1.C1.1" else CodeValeur.A
                )
                reponse = Reponse(critere=critere.id, evaluateur=qui, valeur=valeur,
                                  horodatage=datetime.now(UTC))  # fmt: skip
                await s.service.store.enregistrer(EV, reponse, par=qui)
            for competence in bloc.competences:
                precisions = Precisions(
                    competence=competence.id, evaluateur=qui, texte="Constaté.",
                    horodatage=datetime.now(UTC),
                )  # fmt: skip
                await s.service.store.enregistrer(EV, precisions, par=qui)
            soumission = Soumission(evaluateur=qui, horodatage=datetime.now(UTC))
            await s.service.store.enregistrer(EV, soumission, par=qui)

        for qui in (EXPERT, INTERNE):
            dm = f"D{qui}"
            avant = len(s.messages_a(dm))
            liste = Rapprocher(evaluation=EV, action="liste").pack()
            await s.cliquer_valeur(
                qui, {"channel": dm, "ts": "1.1", "blocks": []}, "cqp:0.0", liste
            )
            await s.attendre(lambda: len(s.messages_a(dm)) > avant)  # noqa: B023
            ecarts = s.messages_a(dm)[-1]
            assert "B1.C1.1" in textes_de(ecarts) and "désaccord persistant" in textes_de(ecarts)
            etiquettes = {
                e.get("accessibility_label")
                for b in ecarts["blocks"]
                for e in b.get("elements", ())
            }
            assert "Proposer A pour B1.C1.1" in etiquettes  # said to a screen reader
            avant = len(s.messages_a(dm))
            await s.cliquer(qui, ecarts, "Voir la proposition consolidée")
            await s.attendre(lambda: len(s.messages_a(dm)) > avant)  # noqa: B023
            proposition = s.messages_a(dm)[-1]
            assert "B1.C1.1" in textes_de(proposition)
            await s.cliquer(qui, proposition, "Donner mon visa")
        await s.attendre(lambda: bool(s.messages_a(RESULTATS)))
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None and len(dossier.visas_actifs) == 2 and dossier.accords == ()
        assert "B1.C1.1" in textes_de(s.messages_a(RESULTATS)[-1])  # sent to the jury as such


async def test_a_slash_command_typed_with_its_accents_is_that_command(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        reponse = await s.commande(EXPERT, "critère accueil", canal=DM)
        assert reponse.status == 200
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        envois = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        lu = " ".join(textes_de(e) for e in envois)
        assert "B1.C1.1 — La posture d'accueil" in lu and "Je ne connais pas" not in lu


async def test_the_comment_modal_is_titled_by_what_it_asks(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await _na_puis_commentaire(s)
        demande = s.dernier_a(DM, "Un commentaire pour justifier")
        await s.cliquer(EXPERT, demande, "Envoyer")
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        assert s.faux.de("views.open")[-1]["view"]["title"]["text"] == "Commentaire · B1.C1.1"


async def test_a_competence_found_by_a_lookup_says_its_bloc_and_no_dash(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        await s.commande(EXPERT, "critere B1.C2", canal=DM)
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        [envoi] = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        lignes = [textes_de({"blocks": [b]}) for b in envoi["blocks"]]
        competence = next(i for i, t in enumerate(lignes) if t.startswith("B1.C2 —"))
        assert lignes[competence + 1] == "Bloc B1"  # was « Bloc B1 › — »
        assert "—" not in " ".join(t for t in lignes if t.startswith("Bloc"))


async def test_a_button_that_opens_a_form_opens_it_again_when_clicked_again(
    tmp_path: Path,
) -> None:
    """Found when tried as a Slack user would: « Saisir un entretien » clicked again within
    seconds of closing its modal did nothing (taken for a double click, its replies sent)."""
    async with slack(tmp_path) as s:
        await _creer(s)
        saisir = Preuve(evaluation=EV).pack()  # « Saisir un entretien » of the invitation
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:1.1", saisir)
        await s.attendre(lambda: len(s.faux.de("views.open")) == 1)
        postes = len(s.messages_a(DM))
        await s.cliquer_valeur(EXPERT, MESSAGE, "cqp:1.1", saisir)  # the modal was closed
        await s.attendre(lambda: len(s.faux.de("views.open")) == 2)
        await _pause()
        assert len(s.messages_a(DM)) == postes  # nothing posted twice


async def _deux_ecarts(s: Slack) -> None:
    """Both grids submitted through the store; they differ on B1.C1.1 and B1.C1.2."""
    bloc = default().blocs[0]
    for qui in (EXPERT, INTERNE):
        for critere in bloc.criteres:
            ecart = qui == INTERNE and critere.id in ("B1.C1.1", "B1.C1.2")
            reponse = Reponse(
                critere=critere.id, evaluateur=qui, horodatage=datetime.now(UTC),
                valeur=CodeValeur.NA if ecart else CodeValeur.A,
            )  # fmt: skip
            await s.service.store.enregistrer(EV, reponse, par=qui)
        for competence in bloc.competences:
            precisions = Precisions(
                competence=competence.id, evaluateur=qui, texte="Constaté.",
                horodatage=datetime.now(UTC),
            )  # fmt: skip
            await s.service.store.enregistrer(EV, precisions, par=qui)
        await s.service.store.enregistrer(
            EV, Soumission(evaluateur=qui, horodatage=datetime.now(UTC)), par=qui
        )


async def _proposer(s: Slack, qui: str, critere: str, justification: str) -> None:
    dm = f"D{qui}"
    proposer = Rapprocher(evaluation=EV, action="proposer", critere=critere, valeur="A").pack()
    avant = len(s.messages_a(dm))
    await s.cliquer_valeur(qui, {"channel": dm, "ts": "1.1", "blocks": []}, "cqp:1.0", proposer)
    await s.attendre(lambda: len(s.messages_a(dm)) > avant)
    await s.ecrire(qui, justification)
    await s.attendre(lambda: any(critere in textes_de(m) for m in s.messages_a(GROUPE)))


GROUPE = "G" + "-".join(sorted((EXPERT, INTERNE)))  # the fake's id for their group DM


async def test_after_a_restart_names_and_the_discussions_thread_are_still_known(
    tmp_path: Path,
) -> None:
    """Found when tried as a Slack user would: after a restart a mention read « @U… » and
    the next message of the reconciliation started a new thread."""
    async with slack(tmp_path) as s:
        await s.commande(COORD, "nouvelle", canal=f"D{COORD}")
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        vue = s.faux.de("views.open")[-1]["view"]
        assert (await s.soumettre_vue(COORD, vue, {**VALEURS, "echeance": ""})).status == 200
        await _deux_ecarts(s)
        await _proposer(s, EXPERT, "B1.C1.1", "Reformulations présentes.")
        fil = s.messages_a(GROUPE)[0]["ts"]
    async with slack(tmp_path) as s:  # the server started again
        await _proposer(s, INTERNE, "B1.C1.2", f"Vu avec <@{EXPERT}> à l'entretien 3.")
        [suite] = [m for m in s.messages_a(GROUPE) if "B1.C1.2" in textes_de(m)]
        assert suite.get("thread_ts") == fil  # the same discussion, the same thread
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        [proposition] = [p for p in dossier.propositions if p.critere == "B1.C1.2"]
        assert proposition.justification == f"Vu avec @Nom de {EXPERT} à l'entretien 3."


async def test_a_justification_typed_in_the_discussion_thread_is_taken(tmp_path: Path) -> None:
    """Found when tried as a Slack user would: the discussion runs in the group DM's thread,
    which the bot did not read; the justification had to be typed in the DM."""
    async with slack(tmp_path) as s:
        await _creer(s)
        await _deux_ecarts(s)
        await _proposer(s, EXPERT, "B1.C1.1", "Reformulations présentes.")
        fil = s.messages_a(GROUPE)[0]["ts"]

        def dans_le_groupe(qui: str, texte: str, **autres: Any) -> dict[str, Any]:
            return {"type": "message", "channel": GROUPE, "channel_type": "mpim", "user": qui,
                    "text": texte, "ts": f"{time.time():.6f}", **autres}  # fmt: skip

        # Chat in the thread, nothing awaited: nothing answered, nothing stored.
        avant = len(s.faux.appels)
        await s.evenement(dans_le_groupe(INTERNE, "On en parle demain ?", thread_ts=fil))
        # The other évaluateur proposes, then justifies in the thread.
        proposer = Rapprocher(evaluation=EV, action="proposer", critere="B1.C1.2", valeur="A")
        n = len(s.messages_a(f"D{INTERNE}"))
        await s.cliquer_valeur(INTERNE, {"channel": f"D{INTERNE}", "ts": "1.1", "blocks": []},
                               "cqp:1.0", proposer.pack())  # fmt: skip
        await s.attendre(lambda: len(s.messages_a(f"D{INTERNE}")) > n)
        await s.evenement(dans_le_groupe(INTERNE, "Vu à l'entretien 3.", thread_ts=fil))
        # A line of the group DM outside the thread is no input either.
        await s.evenement(dans_le_groupe(EXPERT, "Je reviens vers vous."))
        await s.attendre(lambda: any("B1.C1.2" in textes_de(m) for m in s.messages_a(GROUPE)))
        dossier = await s.service.store.dossier(EV)
        assert dossier is not None
        assert {p.critere: p.justification for p in dossier.propositions} == {
            "B1.C1.1": "Reformulations présentes.", "B1.C1.2": "Vu à l'entretien 3.",
        }  # fmt: skip
        await _pause()
        ignores = [a for a in s.faux.appels[avant:] if "On en parle" in str(a.args)]
        assert not [a for a in s.faux.appels if "Je n'attends pas de texte" in str(a.args)]
        assert ignores == []


async def test_the_app_home_is_not_posted_to_the_dm_after_a_restart(tmp_path: Path) -> None:
    """What the Home shows is answered once it is published: a restart resends none of it
    (found in review: the list reappeared in the DM after each restart)."""
    async with slack(tmp_path) as s:
        await _creer(s)
        await s.evenement(
            {"type": "app_home_opened", "user": EXPERT, "tab": "home", "channel": DM,
             "event_ts": "1700000300.1"}
        )  # fmt: skip
        await s.attendre(lambda: bool(s.faux.de("views.publish")))
        await _pause()
    async with slack(tmp_path) as s:
        await _pause()
        assert not [m for m in s.messages_a(DM) if "C042" in textes_de(m)]


async def test_a_candidate_is_looked_up_by_name_in_an_ephemeral_answer(tmp_path: Path) -> None:
    """« /cqp candidat » in a channel: the answer, with the candidate's name, for the
    coordinateur only (ephemeral); for an outsider, nothing about the candidate."""
    async with slack(tmp_path) as s:
        await _creer(s)
        await s.commande(COORD, "candidat jeanne martn", canal="C0GENERAL")
        await s.attendre(lambda: any(a.methode.startswith("response_url") for a in s.faux.appels))
        [reponse] = [a.args for a in s.faux.appels if a.methode.startswith("response_url")]
        assert reponse["response_type"] == "ephemeral"
        assert "Candidat C042 — Jeanne Martin" in textes_de(reponse)
        assert "B1 · " in textes_de(reponse) and "non commencé" in textes_de(reponse)
        await s.commande(INTRUS, "candidat C042", canal="C0GENERAL")
        await s.attendre(
            lambda: len([a for a in s.faux.appels if a.methode.startswith("response_url")]) == 2
        )
        refus = [a.args for a in s.faux.appels if a.methode.startswith("response_url")][-1]
        assert "Aucun candidat" in textes_de(refus) and "Jeanne" not in textes_de(refus)
