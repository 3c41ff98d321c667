"""The brief's story, end to end through the service and the delivery, once for every channel
(over a fake transport; each channel runs it for real in its own tests): a coordinateur
creates the evaluation of bloc 1, two évaluateurs score it blind, three disagreements are
reconciled and one stays for the jury, both give their visa, and the proposal reaches the
coordinateur and the results channel."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.delivery import Delivery
from flows.messages import FormEvent, Origin, Reply
from flows.notation import Aller
from flows.rapprochement import Consolider, Rapprocher
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.faux_transport import At, FakeTransport
from tests.harnais import Horloge, Utilisateur

A, ECA, NA, NO = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA, CodeValeur.NO
BLOC_1 = default().blocs[0]
EV = "ev-C042-B1"
# The second évaluateur differs on four critères; three will be reconciled, one not.
DIFFERENCES = {"B1.C1.2": NA, "B1.C2.4": ECA, "B1.C3.1": NA, "B1.C5.3": NO}


async def _noter_la_grille(u: Utilisateur, differences: dict[str, CodeValeur]) -> None:
    await u.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            valeur = differences.get(critere.id, A)
            await u.cliquer(f"v:{EV}:{critere.id}:{valeur.value}")
            if valeur in (ECA, NA):
                await u.taper(f"Observé lors de l'entretien 2 ({critere.id}).")
        await u.taper(f"{competence.id} : mise en œuvre constatée sur trois entretiens.")
    await u.cliquer(Aller(evaluation=EV, action="soumettre").pack())


def _destinataires(replies: tuple[Reply, ...]) -> list[str]:
    return sorted(
        f"{r.to.kind}:{r.to.user or r.to.target or ''}" for r in replies if r.to.kind != "origin"
    )


def _recus(transport: FakeTransport, depuis: int = 0) -> list[tuple[str, str]]:
    """Who received what since the ``depuis``-th send: (how and to whom, summary)."""
    return [(f"{e[0]}:{e[1]}", e[2]) for e in transport.envois[depuis:]]


async def test_a_whole_evaluation_of_bloc_1_from_creation_to_the_posted_result(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = Service(MemoryStore(), default(), Horloge(), coordinateurs=("u-coord",))
    transport = FakeTransport(prives={"resultats-cqp"})
    livraison: Delivery[Any] = Delivery(transport, service, frozenset({"u-coord"}))
    coordinateur = Utilisateur(service, "u-coord", livraison)
    expert = Utilisateur(service, "u-expert", livraison)
    interne = Utilisateur(service, "u-interne", livraison)

    valeurs = {
        "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
        "evaluateur_1": "u-expert", "role_1": "expert_habilite",
        "evaluateur_2": "u-interne", "role_2": "expert_interne", "destination": "resultats-cqp",
    }  # fmt: skip
    origine = Origin(channel="web", conversation="dm", user="u-coord")
    replies = await service.handle(
        FormEvent(origin=origine, request_id="new-1", form="nouvelle", values=valeurs)
    )
    assert _destinataires(replies) == ["user:u-expert", "user:u-interne"]
    await livraison.deliver(origine, replies, At(), "new-1")
    invites = {q for q, _ in _recus(transport) if not q.startswith("answer")}
    assert invites == {"direct:u-expert", "direct:u-interne"}  # each in their own DM

    await _noter_la_grille(expert, {})
    avant_la_seconde = len(transport.envois)
    assert "Reformulations" not in await interne.cliquer(
        Aller(evaluation=EV, action="reprendre").pack()
    )
    await _noter_la_grille(interne, DIFFERENCES)
    assert _destinataires(interne.replies) == ["user:u-expert", "user:u-interne"]
    assert "Accord : 87 % des critères (26/30)" in interne.lu()
    # Blind until both submitted: while the second scored, only the comparison reached the
    # first, once the second grid was in.
    pour_l_expert = [r for q, r in _recus(transport, avant_la_seconde) if q == "direct:u-expert"]
    assert pour_l_expert == ["Les deux grilles sont soumises — candidat C042, bloc B1"]

    # Reconciliation: both see each other's value and comment; propose, counter, accept.
    liste = await expert.cliquer(Rapprocher(evaluation=EV, action="liste").pack())
    assert "4 restant(s)" in liste and "Observé lors de l'entretien 2 (B1.C1.2)" in liste
    await expert.cliquer(
        Rapprocher(evaluation=EV, action="proposer", critere="B1.C1.2", valeur="A").pack()
    )
    await expert.taper("Reformulations présentes dans 4 entretiens sur 5.")
    assert _destinataires(expert.replies) == ["user:u-interne"]
    await interne.cliquer(
        Rapprocher(evaluation=EV, action="accepter", critere="B1.C1.2", valeur="A").pack()
    )
    assert "Valeur commune enregistrée : B1.C1.2 = A." in interne.lu()

    await interne.cliquer(
        Rapprocher(evaluation=EV, action="proposer", critere="B1.C2.4", valeur="ECA").pack()
    )
    await interne.taper("Le contrôle interne n'est pas encore maîtrisé.")
    await expert.cliquer(
        Rapprocher(evaluation=EV, action="proposer", critere="B1.C2.4", valeur="A").pack()
    )
    await expert.taper("Vérifié sur dossier : procédure appliquée.")  # counter-proposal
    lu = await interne.cliquer(
        Rapprocher(evaluation=EV, action="accepter", critere="B1.C2.4", valeur="ECA").pack()
    )
    assert (
        "Cette proposition a changé depuis" in lu
    )  # the older proposal cannot be accepted any more
    await interne.cliquer(
        Rapprocher(evaluation=EV, action="accepter", critere="B1.C2.4", valeur="A").pack()
    )

    await expert.cliquer(
        Rapprocher(evaluation=EV, action="proposer", critere="B1.C3.1", valeur="NA").pack()
    )
    assert "justification" in await expert.taper("   ")
    await expert.taper("Questionnement trop fermé.")
    assert "propre proposition" in await expert.cliquer(
        Rapprocher(evaluation=EV, action="accepter", critere="B1.C3.1", valeur="NA").pack()
    )
    await interne.cliquer(
        Rapprocher(evaluation=EV, action="accepter", critere="B1.C3.1", valeur="NA").pack()
    )
    # B1.C5.3 (A against NO) stays disputed: it goes to the jury.

    proposition = await expert.cliquer(Consolider(evaluation=EV, action="voir").pack())
    assert "B1.C3: non validé" in proposition and "B1.C5: à arbitrer par le jury" in proposition
    assert "Proposition pour le bloc : à arbitrer par le jury" in proposition
    assert (
        "Désaccords persistants, transmis au jury avec les deux positions : B1.C5.3" in proposition
    )

    assert "En attente du visa" in await expert.cliquer(
        Consolider(evaluation=EV, action="viser").pack()
    )
    avant_le_visa = len(transport.envois)
    resultat = await interne.cliquer(Consolider(evaluation=EV, action="viser").pack())
    assert _destinataires(interne.replies) == ["results:resultats-cqp", "user:u-coord"]
    publies = {q for q, _ in _recus(transport, avant_le_visa) if not q.startswith("answer")}
    assert publies == {"post:resultats-cqp", "direct:u-coord"}  # the private results channel
    assert "Résultat proposé — candidat C042, bloc B1" in resultat
    assert "Compétences non validées ou à compléter : B1.C3, B1.C5." in resultat
    assert "Jeanne" not in resultat  # the reference only, wherever it is posted
    assert "Précisions sur B1.C3 — u-interne : B1.C3 : mise en œuvre constatée" in resultat

    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert {a.critere: a.valeur for a in dossier.accords} == {
        "B1.C1.2": A,
        "B1.C2.4": A,
        "B1.C3.1": NA,
    }
    assert len(dossier.visas) == 2
    assert "Résultat proposé — candidat C042, bloc B1" in await coordinateur.taper(f"resultat {EV}")
    assert "Aucune évaluation" in await Utilisateur(service, "u-intrus").taper(f"resultat {EV}")

    # Signed by both: closed until a coordinateur re-opens it.
    lu = await interne.cliquer(
        Rapprocher(evaluation=EV, action="proposer", critere="B1.C5.3", valeur="A").pack()
    )
    assert "la proposition est close" in lu

    # The jury's file, for the coordinateur only.
    assert "Seuls les coordinateurs" in await expert.taper(f"export {EV}")
    avant_l_export = len(transport.envois)
    await coordinateur.taper(f"export {EV}")
    [(envoi, _)] = _recus(transport, avant_l_export)
    assert envoi == "upload:u-coord"  # the file to its owner, privately
    # Nothing of the candidate was ever posted anywhere but the private results channel.
    assert {q for q, _ in _recus(transport) if q.startswith("post:")} == {"post:resultats-cqp"}
    fichier = coordinateur.replies[0].fichier
    assert fichier is not None and fichier.nom == "cqp-C042.json"
    export = json.loads(fichier.contenu)
    [grilles] = export["dossiers"]
    assert (
        len(grilles["reponses"]) == 60
        and len(grilles["accords"]) == 3
        and len(grilles["visas"]) == 2
    )
    assert export["accords"][EV]["accord_observe"] == pytest.approx(26 / 30)
    assert any(e["quoi"] == "reponses" for e in export["historique"])

    # Re-opened: agreements reached before no longer count — nothing stands that nobody holds now.
    await coordinateur.taper(f"rouvrir {EV} Grille de l'expert à revoir")
    dossier_rouvert = await service.store.dossier(EV)
    assert dossier_rouvert is not None and dossier_rouvert.accords_actifs == ()
    assert len(dossier_rouvert.accords) == 3  # still in the history
    assert not [r for r in caplog.records if r.name == "bot.delivery"]  # every send went out
