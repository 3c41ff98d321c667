"""A data directory of the earlier format (journal + snapshot shards), converted once at start-up.

The directory in tests/data/donnees-v1 was written by cqp-bot at the last commit of that
format, through the service, and left as a killed process leaves it (its README says what it
holds): what it says must all be there after the conversion, and the old files kept aside.
"""

from __future__ import annotations

import shutil
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from flows import catalogue
from flows.evaluation import Evenement
from referentiel import CodeValeur
from storage import files, legacy, open_store
from storage.errors import LegacyUnreadable

V1 = Path(__file__).parent / "data" / "donnees-v1"
A, ECA = CodeValeur.A, CodeValeur.ECA
ECRIT_LE = datetime(2026, 12, 3, 9, tzinfo=UTC)
"""The day after the directory was written: the request ids it applied are still remembered
(a day, ``storage.store.REQUEST_TTL``)."""


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    copie = tmp_path / "donnees"
    shutil.copytree(V1, copie, ignore=shutil.ignore_patterns("README.md"))
    return copie


def _anciens(dossier: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(dossier)): p.read_bytes()
        for nom in legacy.ANCIENS
        for p in ([dossier / nom] if (dossier / nom).is_file() else (dossier / nom).rglob("*"))
        if p.is_file()
    }


async def test_every_record_of_the_old_format_is_there_after_the_conversion(dossier: Path) -> None:
    anciens = _anciens(dossier)
    store = await open_store(dossier, verification="complet", clock=lambda: ECRIT_LE)
    assert store.conversion is not None
    assert (store.conversion.evaluations, store.conversion.conversations) == (2, 3)

    assert [e.id for e in await store.evaluations()] == ["ev-C042-B1", "ev-C043-B2"]
    b1 = await store.dossier("ev-C042-B1")
    assert b1 is not None and b1.evaluation.candidat.nom == "Jeanne Martin"
    assert len(b1.reponses) == 60 and len(b1.precisions) == 12
    valeurs = {(r.critere, r.evaluateur): r.valeur for r in b1.reponses}
    assert valeurs[("B1.C1.2", "u-interne")] is CodeValeur.NA
    assert valeurs[("B1.C5.3", "u-interne")] is CodeValeur.NO
    assert {a.critere: a.valeur for a in b1.accords} == {"B1.C1.2": A, "B1.C2.4": ECA}
    assert len(b1.soumissions) == 2 and len(b1.visas) == 2
    assert [r.raison for r in b1.reouvertures] == ["Grille de l'expert à revoir"]
    assert [(e.numero, e.situation_difficile) for e in b1.entretiens] == [(1, True)]
    assert await store.requete_traitee("ev-C042-B1", "ent-1")  # a retry still applies once
    historique = await store.historique("ev-C042-B1")
    assert historique[0].quoi == "evaluation" and historique[-1].quoi == "reouvertures"
    assert [h.quand for h in historique] == sorted(h.quand for h in historique)

    b2 = await store.dossier("ev-C043-B2")
    assert b2 is not None and b2.evaluation.candidat.nom == "Élodie Fèvre-Næss"
    assert len(b2.reponses) == 7  # the line torn by the crash was never acknowledged
    assert {r.critere: r.valeur for r in b2.reponses}["B2.C1.1"] is ECA

    audit = await store.historique_systeme()
    assert [(e.quoi, e.cle) for e in audit] == [
        ("export_candidat", "C042"),
        ("purge_candidat", "C099"),
    ]
    assert not (dossier / "candidats" / "C099").exists()
    adresse = await store.adresse("teams", "aad-lea")
    assert adresse is not None and adresse.donnees["conversation"] == {"id": "a:1"}
    for utilisateur in ("u-coord", "u-expert", "u-interne"):
        etat = await store.etat("web", utilisateur)
        assert etat is not None
        derniere = etat.donnees["recentes"][-1]["requete"]
        # The replies kept for a retry: the purge of C099 forgot those of before (the
        # coordinateur's); the évaluateurs' last commands came after it.
        reponses = await store.replique("web", utilisateur, derniere)
        assert (reponses is None) == (utilisateur == "u-coord"), utilisateur
    await store.fermer()

    sauvegarde = store.conversion.sauvegarde
    assert sauvegarde.parent == dossier and sauvegarde.name.startswith("sauvegarde-format-1-")
    assert _anciens(sauvegarde) == anciens  # kept byte for byte
    assert not legacy.needed(dossier)
    store = await open_store(dossier)  # once only
    assert store.conversion is None and len(await store.evaluations()) == 2
    await store.fermer()


async def test_a_conversion_cut_short_by_a_crash_is_done_again_from_the_old_files(
    dossier: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ecrire = files.write_atomic

    def panne(chemin: Path, contenu: bytes, durable: bool = True) -> None:
        if chemin.name == "audit.json":  # the last file of the new layout
            raise KeyboardInterrupt  # stands for the process killed there
        ecrire(chemin, contenu, durable)

    monkeypatch.setattr(files, "write_atomic", panne)
    with pytest.raises(KeyboardInterrupt):
        await open_store(dossier)
    monkeypatch.setattr(files, "write_atomic", ecrire)
    assert legacy.needed(dossier) and (dossier / "candidats").exists()
    store = await open_store(dossier, verification="complet")
    assert [e.id for e in await store.evaluations()] == ["ev-C042-B1", "ev-C043-B2"]
    assert len((await store.dossier("ev-C042-B1")).reponses) == 60  # type: ignore[union-attr]
    await store.fermer()


async def test_a_damaged_old_file_stops_start_up_and_nothing_is_converted(dossier: Path) -> None:
    journal = dossier / "evaluations" / "C042" / "ev-C042-B1.journal"
    lignes = journal.read_bytes().split(b"\n")
    lignes[0] = lignes[0].replace(b'"ECA"', b'"ECB"', 1)  # a bad line before the last one
    journal.write_bytes(b"\n".join(lignes))
    anciens = _anciens(dossier)
    with pytest.raises(LegacyUnreadable) as info:
        await open_store(dossier)
    message = catalogue.erreur_stockage(info.value)
    assert str(journal) in message and "Rien n'a été converti ni modifié" in message
    assert _anciens(dossier) == anciens
    assert not (dossier / "audit.json").exists()


async def test_an_old_journal_with_an_operation_it_never_wrote_is_not_converted(
    dossier: Path,
) -> None:
    journal = dossier / "evaluations" / "C042" / "ev-C042-B1.journal"
    lignes = journal.read_bytes().split(b"\n")
    corps = lignes[0][9:].replace(b'"op":"put"', b'"op":"vider"', 1)
    assert corps != lignes[0][9:]
    lignes[0] = f"{zlib.crc32(corps):08x} ".encode() + corps  # a whole line, CRC right
    journal.write_bytes(b"\n".join(lignes))
    anciens = _anciens(dossier)
    with pytest.raises(LegacyUnreadable) as info:
        await open_store(dossier)
    assert "opération inconnue" in catalogue.erreur_stockage(info.value)
    assert _anciens(dossier) == anciens


def test_the_command_line_says_what_was_converted_and_where_the_old_files_are(
    dossier: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["donnees", "--dossier", str(dossier), "verifier"])
    sortie = " ".join(capsys.readouterr().out.split())
    assert code == 0
    assert "ont été converties au format de cette version de cqp-bot" in sortie
    assert "2 évaluation(s), 3 conversation(s)" in sortie
    assert "L'ancien format est conservé dans" in sortie and "sauvegarde-format-1-" in sortie
    assert "2 évaluation(s), 67 réponse(s)" in sortie


async def test_a_purge_after_the_conversion_erases_the_candidate_from_the_old_files_too(
    dossier: Path,
) -> None:
    store = await open_store(dossier)
    assert store.conversion is not None
    await store.purger_candidat("C042", par="u-admin", pourquoi="demande RGPD")
    restes = b"".join(p.read_bytes() for p in dossier.rglob("*") if p.is_file())
    assert b"Jeanne" not in restes and "Élodie".encode() in restes
    assert isinstance((await store.historique_systeme())[-1], Evenement)
    await store.fermer()
