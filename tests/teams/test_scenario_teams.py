"""The whole evaluation of bloc 1 in Teams, asserted from what the fake Bot Connector received.

A coordinatrice creates the evaluation in a card (people pickers); the two
évaluateurs score every critère by clicking the cards' buttons in their
personal chats (one card per compétence, updated in place as they move on), with
comments typed in the card that asks for them and précisions typed in the
chat; they disagree on two critères, reconcile them, give their visas; the
result lands in the private results channel and in the coordinatrice's chat, where
her dashboard (``tableau``) then shows the candidate's blocs.
Teams answers within the request: when a POST returns, what the bot sent is
at the fake connector.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from referentiel import default
from tests.teams.faux_connecteur import Appel
from tests.teams.outils import COORD, EXPERT, INTERNE, RESULTATS, Teams, conversation_de, teams

BLOC_1 = default().blocs[0]
ECARTS = {"B1.C1.2": "NA", "B1.C2.4": "ECA"}


def _depuis(t: Teams, personne: str, n: int, contenant: str) -> Appel:
    """The last message to ``personne`` since the ``n``-th one that contains ``contenant``."""
    recents = t.faux.vers(conversation_de(personne))[n:]
    for appel in reversed(recents):
        if contenant in appel.texte:
            return appel
    raise AssertionError(
        f"nothing with {contenant!r}: " + " | ".join(a.texte[:60] for a in recents)
    )


def _n(t: Teams, personne: str) -> int:
    return len(t.faux.vers(conversation_de(personne)))


def _carte(t: Teams, personne: str, critere: str) -> Appel:
    """The card that asks ``critere`` now: posted, or a card updated in place to ask it."""
    for appel in reversed(t.faux.vers(conversation_de(personne))):
        if f"{critere} —" in appel.texte and appel.boutons():
            return (
                replace(appel, id=appel.cible) if appel.methode == "maj" and appel.cible else appel
            )
    raise AssertionError(f"no card asks {critere}")


async def _noter(t: Teams, personne: str, ecarts: dict[str, str]) -> int:
    """Score the whole grid by clicks on the cards; the number of new messages it left."""
    invitation = t.dernier_a(personne, "Commencer la grille")
    debut = n = _n(t, personne)
    assert (await t.cliquer(personne, invitation, "Commencer la grille")).status == 202
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            carte = _carte(t, personne, critere.id)
            n = _n(t, personne)
            valeur = ecarts.get(critere.id, "A")
            assert (await t.cliquer(personne, carte, f"{valeur} ·")).status == 202
            # The card clicked on is updated in place: the next critère of its compétence, its
            # recap once the compétence is done, or the value marked before a comment.
            maj = next(a for a in t.faux.vers(conversation_de(personne))[n:] if a.methode == "maj")
            assert maj.cible == carte.id
            if valeur in ("ECA", "NA"):
                assert any(b.startswith(f"✓ {valeur} ·") for b in maj.boutons())
                demande = _depuis(t, personne, n, "Un commentaire pour justifier")
                champs = [
                    e["id"] for c in demande.cartes for e in c["body"] if e["type"] == "Input.Text"
                ]
                assert champs == ["texte"]
                n = _n(t, personne)
                await t.soumettre(
                    personne, demande, {"texte": f"**Vu** à l'entretien 2 ({critere.id})."}
                )
                _depuis(t, personne, n, f"Commentaire enregistré pour {critere.id}")
            elif critere.id == competence.criteres[-1].id:
                assert f"Compétence {competence.id} : {len(competence.criteres)}/" in maj.texte
            else:
                assert f"{valeur} — " in maj.texte  # the answered critère, on the card
            n = _n(t, personne) - 1
        _depuis(t, personne, n, f"Compétence {competence.id} terminée")
        n = _n(t, personne)
        await t.ecrire(personne, f"{competence.id} : mise en œuvre constatée sur trois entretiens.")
        _depuis(t, personne, n, f"Précisions enregistrées pour {competence.id}")
    revue = t.dernier_a(personne, "Soumettre la grille")
    n = _n(t, personne)
    await t.cliquer(personne, revue, "Soumettre la grille")
    _depuis(t, personne, n, "Grille soumise et verrouillée")
    return len([a for a in t.faux.vers(conversation_de(personne))[debut:] if a.methode != "maj"])


async def test_a_whole_evaluation_of_bloc_1_in_teams(tmp_path: Path) -> None:
    async with teams(tmp_path) as t:
        await derouler(t)


async def derouler(t: Teams) -> None:
    """The whole evaluation, each step asserted from what Teams received."""
    for personne in (COORD, EXPERT, INTERNE):
        assert (await t.installer(personne)).status == 202
    assert (await t.ajouter_au_canal(COORD, RESULTATS, prive=True)).status == 202

    # Creation: a card with people pickers for the évaluateurs.
    await t.ecrire(COORD, "nouvelle")
    formulaire = t.dernier_a(COORD, "Nouvelle évaluation")
    corps = formulaire.cartes[0]["body"]
    pickers = {e["id"]: e for e in corps if e["type"] == "Input.ChoiceSet"}
    assert pickers["evaluateur_1"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    reponse = await t.soumettre(COORD, formulaire, {
        "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
        "evaluateur_1": EXPERT, "role_1": "expert_habilite",
        "evaluateur_2": INTERNE, "role_2": "expert_interne", "destination": RESULTATS,
        "echeance": "",
    })  # fmt: skip
    assert reponse.status == 202
    for personne in (EXPERT, INTERNE):
        invitation = t.dernier_a(personne, "Commencer la grille")
        assert "Jeanne" not in invitation.texte

    # One card per compétence, as in Slack: three messages a compétence (its card, the
    # précisions' prompt and their confirmation), the review and the submission.
    assert await _noter(t, EXPERT, {}) <= 3 * len(BLOC_1.competences) + 2
    await _noter(t, INTERNE, ECARTS)
    for personne in (EXPERT, INTERNE):
        assert "B1.C1.2, B1.C2.4" in t.dernier_a(personne, "Les deux grilles sont soumises").texte

    # Reconciliation: the expert proposes A for B1.C1.2; the other accepts.
    n = _n(t, EXPERT)
    await t.cliquer(EXPERT, t.dernier_a(EXPERT, "Voir les écarts"), "Voir les écarts")
    ecarts = _depuis(t, EXPERT, n, "2 restant(s)")
    assert "**Vu** à l'entretien 2 (B1.C1.2)." in ecarts.texte  # the other's comment, as typed
    await t.cliquer(EXPERT, ecarts, "Proposer A")
    _depuis(t, EXPERT, n, "justification")
    n_interne = _n(t, INTERNE)
    await t.ecrire(EXPERT, "Reformulations présentes dans 4 entretiens sur 5.")
    # A proactive message, naming the expert as Teams does (not by her Entra id).
    demande = _depuis(t, INTERNE, n_interne, "Karim Expert propose A pour B1.C1.2")
    assert EXPERT not in demande.texte
    await t.cliquer(INTERNE, demande, "Accepter A")
    reste = _depuis(t, INTERNE, n_interne, "1 restant(s)")

    # B1.C2.4: the other évaluateur proposes A; the expert accepts.
    await t.cliquer(INTERNE, reste, "Proposer A")
    n_expert = _n(t, EXPERT)
    await t.ecrire(INTERNE, "Procédure vérifiée sur dossier.")
    demande = _depuis(t, EXPERT, n_expert, "propose A pour B1.C2.4")
    await t.cliquer(EXPERT, demande, "Accepter A")
    for personne in (EXPERT, INTERNE):
        fin = t.dernier_a(personne, "Voir la proposition consolidée")
        n = _n(t, personne)
        await t.cliquer(personne, fin, "Voir la proposition consolidée")
        proposition = _depuis(t, personne, n, "Donner mon visa")
        await t.cliquer(personne, proposition, "Donner mon visa")

    [publie] = t.faux.vers(RESULTATS)[1:]  # after the note posted when the bot was added
    assert "Résultat proposé — candidat C042, bloc B1" in publie.texte
    assert "Jeanne" not in publie.texte
    t.dernier_a(COORD, "Résultat proposé — candidat C042, bloc B1")
    dossier = await t.service.store.dossier("ev-C042-B1")
    assert dossier is not None and len(dossier.reponses) == 60 and len(dossier.visas) == 2

    # The coordinatrice's dashboard, typed: a card, the candidate's blocs in words.
    await t.ecrire(COORD, "tableau")
    tableau = t.dernier_a(COORD, "Tableau de bord — 1 candidat(s)")
    assert "C042 — Jeanne Martin" in tableau.texte
    assert "B1 visée par les deux évaluateurs" in tableau.texte
    assert "B2 non commencé" in tableau.texte
    assert t.faux.refuses == 0  # every call carried the bot's token
