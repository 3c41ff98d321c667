"""The whole evaluation of bloc 1 in Slack, asserted from what the fake Slack API received.

A coordinateur creates the evaluation in a modal (user pickers); the two
évaluateurs score every critère by button clicks in their DMs, with comments
in modals and précisions typed in the DM; they disagree on two critères,
reconcile them, give their visas; the result lands in the private results
channel and in the coordinateur's DM.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from referentiel import default
from tests.slack.outils import COORD, EXPERT, INTERNE, RESULTATS, Slack, slack, textes_de

BLOC_1 = default().blocs[0]
GROUPE = "G" + "-".join(sorted((EXPERT, INTERNE)))  # the fake's id for their group DM
ECARTS = {"B1.C1.2": "NA", "B1.C2.4": "ECA"}


async def _attendre_dm(s: Slack, utilisateur: str, contenant: str, n_avant: int) -> dict[str, Any]:
    canal = f"D{utilisateur}"
    await s.attendre(lambda: any(contenant in textes_de(m) for m in s.messages_a(canal)[n_avant:]))
    return s.dernier_a(canal, contenant)


PAR_COMPETENCE = 3
"""New messages a compétence leaves in the DM: its card (updated in place as the évaluateur
moves on), the précisions' prompt and their confirmation. Each comment adds at most
PAR_COMMENTAIRE (its prompt, its confirmation, the next card below them). Before the cards, a
grid of bloc 1 left one message per critère: 44 scored without a comment, 51 with two."""
PAR_COMMENTAIRE = 4


def _carte(s: Slack, utilisateur: str, critere: str) -> dict[str, Any] | None:
    """The message of the DM that asks ``critere`` now: posted, or a card updated to ask it."""
    canal = f"D{utilisateur}"
    for appel in reversed(s.faux.appels):
        if (
            appel.methode in ("chat.postMessage", "chat.update")
            and appel.args.get("channel") == canal
            and f"{critere} —" in textes_de(appel.args)
        ):
            return appel.args
    return None


async def _noter(s: Slack, utilisateur: str, ecarts: dict[str, str]) -> int:
    """Score the whole grid by clicks on the cards; the number of new messages it left."""
    canal = f"D{utilisateur}"
    invitation = s.dernier_a(canal, "Commencer la grille")
    debut = n = len(s.messages_a(canal))
    await s.cliquer(utilisateur, invitation, "Commencer la grille")
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            await s.attendre(lambda: _carte(s, utilisateur, critere.id) is not None)  # noqa: B023
            carte = _carte(s, utilisateur, critere.id)
            assert carte is not None
            n = len(s.messages_a(canal))
            valeur = ecarts.get(critere.id, "A")
            mises_a_jour = len(s.faux.de("chat.update"))
            assert (await s.cliquer(utilisateur, carte, f"{valeur} ·")).status == 200
            # The card clicked on is updated in place: the next critère of its compétence, its
            # recap once the compétence is done, or the value marked before a comment.
            await s.attendre(lambda: len(s.faux.de("chat.update")) > mises_a_jour)  # noqa: B023
            maj = s.faux.de("chat.update")[-1]
            assert maj["ts"] == carte["ts"]
            dernier = critere.id == competence.criteres[-1].id
            if valeur in ("ECA", "NA"):
                assert f"✓ {valeur} ·" in textes_de(maj)
                demande = await _attendre_dm(s, utilisateur, "Un commentaire pour justifier", n)
                n = len(s.messages_a(canal))
                ouvertures = len(s.faux.de("views.open"))
                await s.cliquer(utilisateur, demande, "Envoyer")
                await s.attendre(lambda: len(s.faux.de("views.open")) > ouvertures)  # noqa: B023
                vue = s.faux.de("views.open")[-1]["view"]
                assert [b["block_id"] for b in vue["blocks"] if b["type"] == "input"] == ["texte"]
                await s.soumettre_vue(
                    utilisateur, vue, {"texte": f"Vu à l'entretien 2 ({critere.id})."}
                )
                await _attendre_dm(s, utilisateur, f"Commentaire enregistré pour {critere.id}", n)
            elif dernier:
                assert f"Compétence {competence.id} : {len(competence.criteres)}/" in textes_de(maj)
            else:
                assert f"{valeur} — " in textes_de(maj)  # the answered critère, on the card
                assert len(s.messages_a(canal)) == n  # and nothing new posted
        await _attendre_dm(s, utilisateur, f"Compétence {competence.id} terminée", n)
        n = len(s.messages_a(canal))
        await s.ecrire(
            utilisateur, f"{competence.id} : mise en œuvre constatée sur trois entretiens."
        )
        await _attendre_dm(s, utilisateur, f"Précisions enregistrées pour {competence.id}", n)
    revue = await _attendre_dm(s, utilisateur, "Soumettre la grille", 0)
    n = len(s.messages_a(canal))
    await s.cliquer(utilisateur, revue, "Soumettre la grille")
    await _attendre_dm(s, utilisateur, "Grille soumise et verrouillée", n)
    return len(s.messages_a(canal)) - debut


async def test_a_whole_evaluation_of_bloc_1_in_slack(tmp_path: Path) -> None:
    async with slack(tmp_path) as s:
        # Creation: the modal, with user pickers for the évaluateurs.
        await s.commande(COORD, "nouvelle", canal=f"D{COORD}")
        await s.attendre(lambda: bool(s.faux.de("views.open")))
        vue = s.faux.de("views.open")[-1]["view"]
        elements = {
            b["block_id"]: b["element"]["type"] for b in vue["blocks"] if b["type"] == "input"
        }
        assert elements["evaluateur_1"] == elements["evaluateur_2"] == "users_select"
        reponse = await s.soumettre_vue(COORD, vue, {
            "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
            "evaluateur_1": EXPERT, "role_1": "expert_habilite",
            "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
            "echeance": "",
        })  # fmt: skip
        assert reponse.status == 200
        # The pickers give ids: the évaluateurs are named as Slack names them (users.info).
        [evaluation] = await s.service.store.evaluations()
        assert [e.nom for e in evaluation.evaluateurs] == [f"Nom de {EXPERT}", f"Nom de {INTERNE}"]
        for u in (EXPERT, INTERNE):
            await _attendre_dm(s, u, "Commencer la grille", 0)
            assert "Jeanne" not in textes_de(s.dernier_a(f"D{u}", "Commencer la grille"))

        # One card per compétence: a grid no longer floods the DM (44 and 51 messages before;
        # 20 and 28 now). The review and the submission's confirmation come last.
        sans_commentaire = await _noter(s, EXPERT, {})
        assert sans_commentaire <= PAR_COMPETENCE * len(BLOC_1.competences) + 2
        avec_deux = await _noter(s, INTERNE, ECARTS)
        assert avec_deux <= sans_commentaire + PAR_COMMENTAIRE * len(ECARTS)
        for u in (EXPERT, INTERNE):
            comparaison = await _attendre_dm(s, u, "Les deux grilles sont soumises", 0)
            assert "B1.C1.2, B1.C2.4" in textes_de(comparaison)

        # Reconciliation: the expert proposes A for B1.C1.2, the other accepts.
        n = len(s.messages_a(f"D{EXPERT}"))
        await s.cliquer(EXPERT, s.dernier_a(f"D{EXPERT}", "Voir les écarts"), "Voir les écarts")
        ecarts = await _attendre_dm(s, EXPERT, "2 restant(s)", n)
        assert "Vu à l'entretien 2 (B1.C1.2)." in textes_de(ecarts)  # the other's comment
        await s.cliquer(EXPERT, ecarts, "Proposer A")
        await _attendre_dm(s, EXPERT, "justification", n)
        await s.ecrire(EXPERT, "Reformulations présentes dans 4 entretiens sur 5.")
        # The proposal is posted where both évaluateurs discuss: a thread in their group DM.
        await s.attendre(lambda: bool(s.messages_a(GROUPE)))
        demande = s.dernier_a(GROUPE, f"Nom de {EXPERT} propose A pour B1.C1.2")
        assert demande.get("thread_ts") is None  # it starts the thread
        assert f"<@{INTERNE}>" in str(demande["blocks"][0])  # the addressee is notified
        assert not any("propose A" in textes_de(m) for m in s.messages_a(f"D{INTERNE}"))
        n_interne = len(s.messages_a(f"D{INTERNE}"))
        await s.cliquer(INTERNE, {**demande, "channel": GROUPE}, "Accepter A")
        reste = await _attendre_dm(s, INTERNE, "1 restant(s)", n_interne)

        # B1.C2.4: the other évaluateur proposes ECA; the expert accepts.
        await s.cliquer(INTERNE, reste, "Proposer A")
        await _attendre_dm(s, INTERNE, "justification", n_interne)
        await s.ecrire(INTERNE, "Procédure vérifiée sur dossier.")
        await s.attendre(
            lambda: any("propose A pour B1.C2.4" in textes_de(m) for m in s.messages_a(GROUPE))
        )
        demande = s.dernier_a(GROUPE, "propose A pour B1.C2.4")
        fil = s.messages_a(GROUPE)[0]["ts"]
        assert demande["thread_ts"] == fil  # the same discussion, the same thread
        await s.cliquer(EXPERT, {**demande, "channel": GROUPE}, "Accepter A")
        await s.attendre(
            lambda: any("a accepté votre proposition" in textes_de(m) for m in s.messages_a(GROUPE))
        )
        for u in (EXPERT, INTERNE):
            fin = await _attendre_dm(s, u, "Voir la proposition consolidée", 0)
            n = len(s.messages_a(f"D{u}"))
            await s.cliquer(u, fin, "Voir la proposition consolidée")
            proposition = await _attendre_dm(s, u, "Donner mon visa", n)
            await s.cliquer(u, proposition, "Donner mon visa")

        await s.attendre(lambda: bool(s.messages_a(RESULTATS)))
        [publie] = s.messages_a(RESULTATS)
        assert "Résultat proposé — candidat C042, bloc B1" in textes_de(publie)
        assert "Jeanne" not in textes_de(publie)
        assert {"channel": RESULTATS} in [
            {"channel": a["channel"]} for a in s.faux.de("conversations.info")
        ]
        await _attendre_dm(s, COORD, "Résultat proposé — candidat C042, bloc B1", 0)
        dossier = await s.service.store.dossier("ev-C042-B1")
        assert dossier is not None and len(dossier.reponses) == 60 and len(dossier.visas) == 2
