"""A certification session's story, end to end: three candidates imported from a spreadsheet
with their évaluateur pairs, their evaluations created at once, the 4 blocs of one evaluated up
to the CQP proposal, a partial validation for another, the third not started — then read as
the coordinatrice reads it: the candidate's view, the dashboard, ``cqp-bot candidats liste``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.cli import main
from flows.lot import FORMULAIRE
from flows.messages import FormEvent
from flows.notation import Aller
from flows.rapprochement import Consolider, Rapprocher
from flows.service import Service
from referentiel import CodeValeur, default
from storage import open_store
from tests.harnais import Horloge, Utilisateur

REFERENTIEL = default()
SESSION = "Lyon printemps 2027"
A, ECA, NA = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA


async def _grille(u: Utilisateur, ev: str, ecarts: dict[str, CodeValeur] | None = None) -> None:
    """A whole grid, critère by critère, the précisions after each compétence, submitted."""
    bloc = REFERENTIEL.bloc(ev.rsplit("-", 1)[1])
    assert bloc is not None
    await u.cliquer(Aller(evaluation=ev, action="reprendre").pack())
    for competence in bloc.competences:
        for critere in competence.criteres:
            valeur = (ecarts or {}).get(critere.id, A)
            await u.cliquer(f"v:{ev}:{critere.id}:{valeur.value}")
            if valeur in (ECA, NA):
                await u.taper(f"Observé en entretien ({critere.id}).")
        await u.taper(f"{competence.id} : constaté sur trois entretiens.")
    assert "soumise" in (await u.cliquer(Aller(evaluation=ev, action="soumettre").pack())).lower()


async def _evaluer(
    expert: Utilisateur, interne: Utilisateur, ev: str, ecarts: dict[str, CodeValeur] | None = None
) -> None:
    """Both grids, the disagreements reconciled on A, both visas."""
    await _grille(expert, ev)
    await _grille(interne, ev, ecarts)
    for critere in ecarts or {}:
        await expert.cliquer(
            Rapprocher(evaluation=ev, action="proposer", critere=critere, valeur="A").pack()
        )
        await expert.taper("Vu ensemble sur l'enregistrement de l'entretien 3.")
        await interne.cliquer(
            Rapprocher(evaluation=ev, action="accepter", critere=critere, valeur="A").pack()
        )
    await expert.cliquer(Consolider(evaluation=ev, action="viser").pack())
    await interne.cliquer(Consolider(evaluation=ev, action="viser").pack())


async def test_a_session_from_its_spreadsheet_to_the_cqp_proposal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dossier, fichier = tmp_path / "donnees", tmp_path / "candidats.csv"
    fichier.write_text(
        "reference;nom;prenom;formateur referent;evaluateur 1;role 1;evaluateur 2;role 2\n"
        "C201;Bernard;Sophie;Claire Petit;u-expert;expert_habilite;u-interne;expert_interne\n"
        "C202;Girard;Paul;;u-expert;expert_habilite;u-interne;expert_interne\n"
        "C203;Morel;Lina;;u-expert;expert_habilite;u-interne;expert_interne\n",
        encoding="utf-8",
    )
    assert await asyncio.to_thread(main, [  # the command line, as a coordinatrice runs it
        "candidats", "--dossier", str(dossier), "importer", str(fichier), "--session", SESSION,
        "--coordinateur", "u-claire",
    ]) == 0  # fmt: skip
    store = await open_store(dossier)
    service = Service(store, REFERENTIEL, Horloge())
    claire = Utilisateur(service, "u-claire")
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")

    creees = await service.handle(FormEvent(
        origin=claire.origine, request_id="lot-1", form=FORMULAIRE,
        values={"session": SESSION, "candidats": "C201 C202"},
        names={"u-expert": "Amel Haddad", "u-interne": "Paul Roche"},  # as the web chat names
    ))  # fmt: skip  # each candidate's pair, from the spreadsheet
    assert "8 évaluation(s) créée(s) pour la session « Lyon printemps 2027 »" in (
        creees[0].message.summary
    )
    for bloc in ("B1", "B2", "B3", "B4"):
        await _evaluer(expert, interne, f"ev-C201-{bloc}", {f"{bloc}.C1.1": ECA})
    await _evaluer(expert, interne, "ev-C202-B1")
    await _evaluer(expert, interne, "ev-C202-B2")
    await _grille(expert, "ev-C202-B3", {"B3.C1.2": NA})  # agreed: observed, not acquired
    await _grille(interne, "ev-C202-B3", {"B3.C1.2": NA})
    await expert.cliquer(Consolider(evaluation="ev-C202-B3", action="viser").pack())
    await interne.cliquer(Consolider(evaluation="ev-C202-B3", action="viser").pack())

    sophie = await claire.taper("candidat sophie bernard")
    assert (
        "Candidat C201 — Sophie Bernard" in sophie and "Session « Lyon printemps 2027 »" in sophie
    )
    assert sophie.count("visée par les deux évaluateurs : validé") == 4
    assert "CQP proposé : les 4 blocs sont proposés validés" in sophie
    paul = await claire.taper("candidat C202")
    assert "visée par les deux évaluateurs : non validé (ev-C202-B3)" in paul
    assert "blocs proposés validés : B1, B2 ; restent : B3, B4 (le jury décide)" in paul
    tableau = await claire.taper("tableau")
    assert "Tableau de bord — 3 candidat(s)" in tableau
    assert "C203 — Lina Morel: B1 non commencé" in tableau
    assert "— CQP proposé (le jury décide)" in tableau and "blocs acquis : B1, B2" in tableau
    assert "Sophie" not in await Utilisateur(service, "u-intrus").taper("tableau")
    await store.fermer()

    capsys.readouterr()
    liste = ["candidats", "--dossier", str(dossier), "liste", "--format", "csv"]
    assert await asyncio.to_thread(main, liste) == 0
    lignes = capsys.readouterr().out.splitlines()
    assert lignes[0] == "Référence;Nom;Session;B1;B2;B3;B4;Proposition de CQP"
    assert lignes[1].startswith("C201;Sophie Bernard;Lyon printemps 2027;visée par les deux")
    assert lignes[1].endswith(";CQP proposé (le jury décide)")
    assert lignes[2].endswith(";blocs acquis : B1, B2")
    assert lignes[3] == "C203;Lina Morel;Lyon printemps 2027;non commencé;non commencé;" \
        "non commencé;non commencé;blocs acquis : aucun"  # fmt: skip
