"""The TinyDB store on a real disk: restarts, bad files, one owner, migrations, interrupted work."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows import catalogue
from flows.evaluation import Adresse, EtatConversation, Evenement
from flows.inscription import FicheCandidat, SessionCertification
from flows.messages import CommandEvent, Origin
from flows.service import Service
from flows.store import Ecriture
from referentiel import CodeValeur, default
from storage import DiskStore, files, open_store
from storage.durable import decode, encode
from storage.errors import CorruptData, EvaluationExists, NewerSchema, NoMigrationPath, WriteFailed
from storage.kinds import EVALUATION, T_PURGES, document
from storage.layout import file_name
from storage.startup import Verification
from tests.store_outils import T0, evaluation, reponse

RACINE_PROJET = Path(__file__).resolve().parents[1]


async def _store_avec_une_evaluation(dossier: Path, reponses: int = 3) -> DiskStore:
    store = await open_store(dossier)
    await store.creer(evaluation(), par="u-coord")
    for i in range(reponses):
        await store.enregistrer("ev-C042-1", reponse(i), par="u-expert")
    return store


def _crash(store: DiskStore) -> None:
    """Leave like a killed process: the lock is released, as the kernel would; nothing else."""
    store._verrou.release()


def _fichier(dossier: Path) -> Path:
    return dossier / "candidats" / "C042" / "evaluations" / "ev-C042-1.json"


def _contenus(dossier: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in dossier.rglob("*") if p.is_file()}


async def test_everything_acknowledged_is_back_after_a_crash(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=5)
    _crash(store)
    store = await open_store(tmp_path)
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and len(dossier.reponses) == 5
    await store.fermer()


async def test_the_summaries_are_current_after_a_crash_whatever_the_index_holds(
    tmp_path: Path,
) -> None:
    """The summaries are a cache written without an fsync, when read: a click since the last
    read, or an index whose write a power cut lost, leaves the index behind its evaluation."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=2)
    index = tmp_path / "candidats" / "C042" / "candidat.json"
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 2  # read: written
    avant, quand = index.read_bytes(), index.stat().st_mtime_ns
    await store.enregistrer("ev-C042-1", reponse(2), par="u-expert")
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 3
    await store.enregistrer("ev-C042-1", reponse(3), par="u-expert")  # not read since
    _crash(store)
    index.write_bytes(avant)  # the last write of the index lost, as at a power cut
    os.utime(index, ns=(quand, quand))
    store = await open_store(tmp_path)
    [grille, _] = (await store.resumes())["ev-C042-1"].grilles
    assert (grille.evaluateur, grille.faites) == ("u-expert", 4)
    await store.fermer()
    _, tables = decode(index.read_bytes())
    assert tables["resumes"]["ev-C042-1"]["grilles"][0]["faites"] == 4  # and written back


async def test_an_index_without_summaries_gets_them_when_read(tmp_path: Path) -> None:
    """A data directory written before the summaries existed: each is made from its file."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=4)
    await store.fermer()
    index = tmp_path / "candidats" / "C042" / "candidat.json"
    schema, tables = decode(index.read_bytes())
    del tables["resumes"]
    index.write_bytes(encode(tables, schema))
    store = await open_store(tmp_path)
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 4
    await store.fermer()


async def test_a_summary_stays_right_through_two_crashes_and_a_start_up_s_reindexing(
    tmp_path: Path,
) -> None:
    """Found in review: start-up rewrote a candidate's index (an evaluation no index named, a
    crash during its creation) before marking that index's stale summaries, so the next
    start-up trusted them."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=2)
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 2  # read: written
    await store.fermer()
    time.sleep(0.05)
    store = await open_store(tmp_path)
    await store.enregistrer("ev-C042-1", reponse(2), par="u-expert")  # 3 now, not read since
    seconde = evaluation(2)  # its file written, then the process dies before its index entry
    database = store.open(store.layout.evaluation("C042", seconde.id), EVALUATION)
    store._write(database, seconde.id, seconde, "u-coord", None, None, True)
    _crash(store)
    time.sleep(0.05)
    _crash(await open_store(tmp_path))  # start-up indexes it, then a crash before any read
    store = await open_store(tmp_path)
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 3
    await store.fermer()


async def test_a_summaries_read_writes_the_index_durably(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the index also holds the candidate's record, which nothing rebuilds;
    the summaries a read writes into it are fsynced like the record."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=2)
    ecrits: list[tuple[str, bool]] = []
    vraie = files.write_atomic

    def notee(chemin: Path, contenu: bytes, durable: bool = True) -> None:
        ecrits.append((chemin.name, durable))
        vraie(chemin, contenu, durable)

    monkeypatch.setattr(files, "write_atomic", notee)
    await store.resumes()
    assert ecrits == [("candidat.json", True)]
    await store.fermer()


async def test_a_damaged_summary_is_made_again_and_never_stops_the_bot(tmp_path: Path) -> None:
    """A summary is a cache: one that is not what a summary is (edited by hand, an older
    shape) is made again from its evaluation when read, and start-up goes on."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=2)
    await store.fermer()
    index = tmp_path / "candidats" / "C042" / "candidat.json"
    schema, tables = decode(index.read_bytes())
    tables["resumes"]["ev-C042-1"]["grilles"] = "abîmé"
    index.write_bytes(encode(tables, schema))
    store = await open_store(tmp_path)
    assert (await store.resumes())["ev-C042-1"].grilles[0].faites == 2
    await store.fermer()
    assert decode(index.read_bytes())[1]["resumes"]["ev-C042-1"]["grilles"][0]["faites"] == 2


async def test_summaries_read_from_the_index_open_no_evaluation_file(tmp_path: Path) -> None:
    """A session of thousands starts, and its dashboard is read, without opening its
    evaluations: only those changed since their summary was written are read again."""
    store = await open_store(tmp_path)
    for n in range(1, 4):
        await store.creer(evaluation(n, reference=f"C{n:03d}"), par="u-coord")
        await store.enregistrer(f"ev-C{n:03d}-{n}", reponse(0), par="u-expert")
    await store.fermer()
    store = await open_store(tmp_path)
    await store.enregistrer("ev-C003-3", reponse(1), par="u-expert")
    resumes = await store.resumes()
    assert [r.grilles[0].faites for _, r in sorted(resumes.items())] == [1, 1, 2]
    ouvertes = {d.path.name for d in store.databases.opened()}
    assert "ev-C003-3.json" in ouvertes
    assert not {"ev-C001-1.json", "ev-C002-2.json"} & ouvertes
    await store.fermer()


async def test_an_acknowledged_write_is_in_its_file_when_it_returns(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=2)
    _, tables = decode(_fichier(tmp_path).read_bytes())
    assert sorted(tables["reponses"]) == [f"{reponse(i).critere}|u-expert" for i in range(2)]
    assert len(tables["evenements"]) == 3  # the creation and each answer, audited
    await store.fermer()


async def test_a_click_rewrites_its_own_evaluation_only_whatever_else_is_stored(
    tmp_path: Path,
) -> None:
    """No write rewrites a file that grows with the number of evaluations stored."""
    store = await open_store(tmp_path)
    for n in range(1, 31):
        await store.creer(evaluation(n, reference=f"C{n:03d}"), par="u-coord")
    avant = _contenus(tmp_path)
    await store.enregistrer("ev-C007-7", reponse(0), par="u-expert")
    assert [p for p, c in _contenus(tmp_path).items() if avant.get(p) != c] == [
        tmp_path / "candidats" / "C007" / "evaluations" / "ev-C007-7.json"
    ]
    etat = EtatConversation(canal="web", utilisateur="u-expert", flow="cqp", horodatage=T0)
    avant = _contenus(tmp_path)
    await store.sauver_etat(etat)
    assert [p for p, c in _contenus(tmp_path).items() if avant.get(p) != c] == [
        tmp_path / "conversations" / "web" / "u-expert.json"
    ]
    await store.fermer()


async def test_a_stored_address_is_back_after_a_crash(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    reference = {"serviceUrl": "https://smba.example/emea/", "conversation": {"id": "a:1"}}
    await store.sauver_adresse(
        Adresse(canal="teams", cle="aad-lea", donnees=reference, horodatage=datetime.now(UTC))
    )
    _crash(store)
    store = await open_store(tmp_path)
    adresse = await store.adresse("teams", "aad-lea")
    assert adresse is not None and adresse.donnees == reference
    await store.fermer()


async def test_replies_memorised_with_a_state_are_back_after_a_crash_and_checked(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    etat = EtatConversation(
        canal="slack", utilisateur="U1", flow="cqp", donnees={"recentes": []}, horodatage=T0
    )
    await store.sauver_etat(etat, repliques={"r-1": "AAAA", "r-2": "BBBB"})
    await store.sauver_etat(etat, repliques={"r-1": None})
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    assert await store.replique("slack", "U1", "r-1") is None
    assert await store.replique("slack", "U1", "r-2") == "BBBB"
    await store.fermer()


async def test_a_person_whose_id_is_no_file_name_has_a_file_of_their_own(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    for utilisateur in ("29:1a/b", "29:1a_b", "..", "a" * 150):
        etat = EtatConversation(
            canal="teams", utilisateur=utilisateur, flow="cqp", donnees={"qui": utilisateur},
            horodatage=T0,
        )  # fmt: skip
        await store.sauver_etat(etat)
    _crash(store)
    store = await open_store(tmp_path)
    for utilisateur in ("29:1a/b", "29:1a_b", "..", "a" * 150):
        lu = await store.etat("teams", utilisateur)
        assert lu is not None and lu.donnees == {"qui": utilisateur}
    fichiers = sorted(p.name for p in (tmp_path / "conversations" / "teams").iterdir())
    assert len(fichiers) == 4 and all(f.startswith("~") for f in fichiers)
    assert file_name("U0123ABC") == "U0123ABC" and file_name("claire.dubois") == "claire.dubois"
    await store.fermer()


async def test_a_damaged_conversation_file_is_set_aside_said_and_started_afresh(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    service = Service(store, default(), lambda: datetime.now(UTC))
    origine = Origin(channel="web", conversation="dm", user="u-expert")
    assert (
        "aide"
        in (await service.handle(CommandEvent(origin=origine, name="aide", request_id="r-1")))[
            0
        ].message.summary
    )
    fichier = tmp_path / "conversations" / "web" / "u-expert.json"
    fichier.write_text(fichier.read_text(encoding="utf-8").replace('"flow":"cqp"', '"flow":7'))
    store = await _reouvrir(store, tmp_path)  # the quick check at start-up sees a whole file
    service = Service(store, default(), lambda: datetime.now(UTC))
    [refus] = await service.handle(CommandEvent(origin=origine, name="aide", request_id="r-2"))
    assert "Non enregistré" in refus.message.summary and "mis de côté" in refus.message.summary
    assert not fichier.exists() and next(fichier.parent.glob("u-expert.json.corrupt-*"))
    [aide] = await service.handle(CommandEvent(origin=origine, name="aide", request_id="r-3"))
    assert "Non enregistré" not in aide.message.summary and fichier.exists()
    await store.fermer()


async def _reouvrir(store: DiskStore, dossier: Path) -> DiskStore:
    await store.fermer()
    return await open_store(dossier)


async def test_the_files_hold_no_candidate_name_in_their_paths(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    assert all("Martin" not in str(p) for p in tmp_path.rglob("*"))


def _ouvrir_dans_un_autre_processus(dossier: Path) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(
        f"""
        import asyncio
        from storage import open_store
        from storage.errors import StoreLocked
        from flows.catalogue import erreur_stockage
        try:
            asyncio.run(open_store({str(dossier)!r}))
        except StoreLocked as exc:
            print(erreur_stockage(exc))
            raise SystemExit(3)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=RACINE_PROJET,
        check=False,
    )


async def test_a_second_process_cannot_open_the_store(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    proc = _ouvrir_dans_un_autre_processus(tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert f"Un autre processus cqp-bot (pid {os.getpid()}) utilise déjà" in proc.stdout
    await store.fermer()
    assert _ouvrir_dans_un_autre_processus(tmp_path).returncode == 0


MAUVAIS_CONTENUS = {
    "vide": b"",
    "octets_nuls": b"\x00" * 4096,
    "liste": b"[1, 2, 3]\n",
}


@pytest.mark.parametrize(
    ("cas", "code"),
    [
        ("vide", "vide"),
        ("tronque", "tronque"),
        ("dechets_a_la_fin", "tronque"),
        ("octets_nuls", "octets_nuls"),
        ("liste", "entete"),
    ],
)
async def test_a_damaged_file_stops_start_up_and_is_moved_aside_not_reset(
    tmp_path: Path, cas: str, code: str
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    original = fichier.read_bytes()
    contenu = {
        "tronque": original[: len(original) // 2],
        "dechets_a_la_fin": original + b"garbage",
    }.get(cas) or MAUVAIS_CONTENUS[cas]
    fichier.write_bytes(contenu)

    with pytest.raises(CorruptData) as info:
        await open_store(tmp_path)
    assert info.value.details["probleme"] == code
    deplaces = info.value.details["deplace_vers"]
    assert not fichier.exists()
    assert any(
        p.name.startswith("ev-C042-1.json.corrupt-") and p.read_bytes() == contenu for p in deplaces
    )
    message = catalogue.erreur_stockage(info.value)
    assert str(fichier) in message and "mis de côté" in message and "sauvegarde" in message
    # Restarted as the message says: the other data is there, this evaluation is not.
    store = await open_store(tmp_path)
    assert await store.evaluations() == [] and await store.dossier("ev-C042-1") is None
    await store.fermer()


def _remplacer_dans_les_reponses(texte: str, par: str) -> str:
    """Damage an answer record (not its copy in the audit trail, which is free-form)."""
    position = texte.index('"valeur":"A"', texte.index('"reponses":{'))
    return texte[:position] + par + texte[position + len('"valeur":"A"') :]


@pytest.mark.parametrize(
    ("remplacer", "code"),
    [
        (lambda t: _remplacer_dans_les_reponses(t, '"valeur":12'), "enregistrement"),
        (lambda t: _remplacer_dans_les_reponses(t, '"valeur":NaN'), "constante"),
        (lambda t: _remplacer_dans_les_reponses(t, '"valeur":A"'), "json"),
        (lambda t: t.replace('"tables":{', '"tables":{"inconnue":{},', 1), "table_inconnue"),
    ],
)
async def test_a_file_wrong_inside_is_refused_when_read_in_full(
    tmp_path: Path, remplacer, code: str
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    texte = remplacer(fichier.read_text(encoding="utf-8"))
    fichier.write_text(texte, encoding="utf-8")
    # The quick start-up check sees a whole file; the full read finds what is wrong inside.
    store = await open_store(tmp_path)
    with pytest.raises(CorruptData) as info:
        await store.dossier("ev-C042-1")
    assert info.value.details["probleme"] == code
    await store.fermer()
    assert not fichier.exists()
    copie = next(fichier.parent.glob("ev-C042-1.json.corrupt-*"))
    assert copie.read_text(encoding="utf-8") == texte


@pytest.mark.parametrize("verification", ["entete", "complet"])
async def test_an_evaluation_file_without_its_header_takes_no_answer(
    tmp_path: Path, verification: Verification
) -> None:
    """Found in review: a file emptied of its header took an answer, said it was saved, and was
    moved aside (answer included) at the next read."""
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    fichier.write_text('{"schema":2,"tables":{}}\n', encoding="utf-8")
    if verification == "complet":  # the full check reads every record at start-up
        with pytest.raises(CorruptData) as info:
            await open_store(tmp_path, verification=verification)
    else:
        store = await open_store(tmp_path, verification=verification)
        with pytest.raises(CorruptData) as info:
            await store.enregistrer("ev-C042-1", reponse(7), par="u-expert")
        await store.fermer()
    assert info.value.details["probleme"] == "sans_entete"
    assert "l'en-tête de l'évaluation" in catalogue.erreur_stockage(info.value)
    assert not fichier.exists()  # set aside as it was, nothing written into it
    [copie] = fichier.parent.glob("ev-C042-1.json.corrupt-*")
    assert copie.read_text(encoding="utf-8") == '{"schema":2,"tables":{}}\n'


async def test_a_full_check_at_start_up_reads_every_file(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    fichier.write_text(
        _remplacer_dans_les_reponses(fichier.read_text(encoding="utf-8"), '"valeur":12'),
        encoding="utf-8",
    )
    with pytest.raises(CorruptData):
        await open_store(tmp_path, verification="complet")


async def test_a_file_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    nouveau = fichier.read_bytes().replace(b'{"schema":2,', b'{"schema":7,', 1)
    fichier.write_bytes(nouveau)
    with pytest.raises(NewerSchema) as info:
        await open_store(tmp_path)
    assert fichier.read_bytes() == nouveau
    assert "version 7" in catalogue.erreur_stockage(info.value)


async def test_an_old_file_is_migrated_on_read_its_original_kept_as_backup(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    ancien = fichier.read_bytes().replace(b'{"schema":2,', b'{"schema":1,', 1)
    fichier.write_bytes(ancien)

    def v1_vers_v2(tables):
        for doc in tables["reponses"].values():
            doc["commentaire"] = doc["commentaire"] or "migré"
        return tables

    store = await open_store(tmp_path, migrations={1: v1_vers_v2})
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and {r.commentaire for r in dossier.reponses} == {"migré"}
    assert fichier.with_name(fichier.name + ".bak-v1").read_bytes() == ancien
    assert fichier.read_bytes().startswith(b'{"schema":2,')
    await store.fermer()
    fichier.write_bytes(ancien)
    with pytest.raises(NoMigrationPath):
        await open_store(tmp_path, migrations={})
    assert fichier.read_bytes() == ancien


async def test_a_stale_temp_file_is_cleaned_at_start_up(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    reste = _fichier(tmp_path).with_name("ev-C042-1.json.tmp")
    reste.write_bytes(b'{"schema":2,"tab')
    store = await open_store(tmp_path)
    assert not reste.exists()
    assert len((await store.dossier("ev-C042-1")).reponses) == 3  # type: ignore[union-attr]
    await store.fermer()


async def test_a_write_the_disk_refuses_is_not_applied(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    temporaire = _fichier(tmp_path).with_name("ev-C042-1.json.tmp")
    temporaire.symlink_to("/dev/full")  # the next write of the file fills the disk
    with pytest.raises(WriteFailed) as info:
        await store.enregistrer("ev-C042-1", reponse(8, valeur=CodeValeur.NA), par="u-expert")
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and len(dossier.reponses) == 3
    assert len(await store.historique("ev-C042-1")) == 4  # no audit line for it either
    assert "disque plein" in catalogue.erreur_stockage(info.value)
    assert not temporaire.exists()
    assert await store.enregistrer("ev-C042-1", reponse(8), par="u-expert") is Ecriture.APPLIQUEE
    _crash(store)
    store = await open_store(tmp_path)
    assert len((await store.dossier("ev-C042-1")).reponses) == 4  # type: ignore[union-attr]
    await store.fermer()


@pytest.mark.parametrize("verification", ["entete", "complet"])
async def test_an_interrupted_purge_is_finished_at_start_up(
    tmp_path: Path, verification: Verification
) -> None:
    """Killed after the pending record and half the deletion: start-up finishes the purge."""
    store = await _store_avec_une_evaluation(tmp_path)
    evenement = Evenement(
        quand=T0, qui="u-admin", quoi="purge_candidat", cle="C042", pourquoi="RGPD"
    )
    store.audit_system(None, {"C042": {"evaluations": ["ev-C042-1"], "audit": document(evenement)}})
    _crash(store)
    (tmp_path / "candidats" / "C042" / "candidat.json").unlink()  # half-deleted
    store = await open_store(tmp_path, verification=verification)
    assert await store.evaluations() == []
    assert not (tmp_path / "candidats" / "C042").exists()
    assert (await store.historique_systeme())[-1] == evenement
    audit = store.open(store.layout.audit, {})
    assert len(audit.table(T_PURGES)) == 0
    await store.fermer()


async def test_an_evaluation_stored_but_not_yet_indexed_is_indexed_at_start_up(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    _crash(store)
    (tmp_path / "candidats" / "C042" / "candidat.json").unlink()  # a crash before the index
    store = await open_store(tmp_path)
    assert [e.id for e in await store.evaluations()] == ["ev-C042-1"]
    assert (tmp_path / "candidats" / "C042" / "candidat.json").exists()
    await store.fermer()


async def test_an_index_naming_an_evaluation_whose_file_is_gone_stops_start_up(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    _fichier(tmp_path).unlink()
    with pytest.raises(CorruptData) as info:
        await open_store(tmp_path)
    assert "une évaluation dont le fichier a disparu" in catalogue.erreur_stockage(info.value)


async def test_a_purge_leaves_no_trace_of_the_candidate_in_any_file(tmp_path: Path) -> None:
    """Not their files, nor backups, copies moved aside, the format-1 backup, or replies kept."""
    store = await _store_avec_une_evaluation(tmp_path)
    await store.creer(evaluation(1, reference="C777", nom="Autre Candidat"), par="u-coord")
    dossier = _fichier(tmp_path).parent
    (dossier / "ev-C042-1.json.bak-v1").write_text("Jeanne Martin", encoding="utf-8")
    (tmp_path / "audit.json.corrupt-20261101T000000").write_text(
        '{"nom":"Jeanne Martin"}', encoding="utf-8"
    )
    garde = tmp_path / "adresses.json.corrupt-20261101T000000"
    garde.write_text('{"nom":"Autre Candidat"}', encoding="utf-8")
    ancien = tmp_path / "sauvegarde-format-1-20261101T000000"
    (ancien / "evaluations" / "C042").mkdir(parents=True)
    (ancien / "evaluations" / "C042" / "ev-C042-1.journal").write_text("…", encoding="utf-8")
    (ancien / "systeme.json").write_text('{"nom":"Jeanne Martin"}', encoding="utf-8")
    (ancien / "evaluations" / "C777").mkdir(parents=True)
    (ancien / "evaluations" / "C777" / "ev-C777-1.json").write_text("…", encoding="utf-8")
    # A reply remembered for a retry that names her (stored compressed, in clear here).
    etat = EtatConversation(canal="web", utilisateur="u-coord", flow="cqp", horodatage=T0)
    await store.sauver_etat(etat, repliques={"r-1": "Jeanne Martin"})
    conversation = tmp_path / "conversations" / "web"
    (conversation / "u-coord.json.corrupt-20261101T000000").write_text("eAGdjj", encoding="utf-8")

    await store.purger_candidat("C042", par="u-admin", pourquoi="demande RGPD")
    # Before any close: what a crash right now would leave on disk.
    assert not dossier.parent.exists()
    restes = b"".join(c for c in _contenus(tmp_path).values())
    assert b"Jeanne" not in restes and b"eAGdjj" not in restes
    assert await store.replique("web", "u-coord", "r-1") is None
    assert garde.exists() and (ancien / "evaluations" / "C777" / "ev-C777-1.json").exists()
    assert await store.dossier("ev-C777-1") is not None
    await store.fermer()


async def test_an_id_taken_under_another_candidate_is_refused_after_a_restart(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    _crash(store)
    store = await open_store(tmp_path)
    autre = evaluation(1).model_copy(update={"candidat": evaluation(1, reference="C777").candidat})
    with pytest.raises(EvaluationExists):
        await store.creer(autre, par="u-coord")
    assert not (tmp_path / "candidats" / "C777").exists()
    await store.fermer()


async def test_no_other_request_runs_while_a_write_is_under_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write never awaits: no request can read it half-done, nor cancel it half-way."""
    store = await _store_avec_une_evaluation(tmp_path, reponses=1)
    vraie = files.write_atomic
    ecritures: list[tuple[float, float]] = []

    def lente(chemin: Path, contenu: bytes, durable: bool = True) -> None:
        debut = time.monotonic()
        time.sleep(0.02)  # a slow disk
        vraie(chemin, contenu, durable)
        ecritures.append((debut, time.monotonic()))

    async def autre_requete(vus: list[float]) -> None:
        while True:
            vus.append(time.monotonic())
            await asyncio.sleep(0.001)

    monkeypatch.setattr(files, "write_atomic", lente)
    vus: list[float] = []
    autre = asyncio.create_task(autre_requete(vus))
    await asyncio.sleep(0.01)
    taches = [
        asyncio.create_task(store.enregistrer("ev-C042-1", reponse(i), par="u-expert"))
        for i in range(1, 4)
    ]
    taches[2].cancel()  # cancelled before it started: nothing of it is written
    await asyncio.gather(*taches, return_exceptions=True)
    await asyncio.sleep(0.01)
    autre.cancel()
    assert len(ecritures) == 2 and len(vus) > 5
    assert not [t for t in vus for debut, fin in ecritures if debut < t < fin]
    monkeypatch.setattr(files, "write_atomic", vraie)
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    assert len((await store.dossier("ev-C042-1")).reponses) == 3  # type: ignore[union-attr]
    await store.fermer()


async def test_with_few_databases_in_memory_concurrent_writers_never_get_two_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await open_store(tmp_path, maximum=2)
    for n in range(1, 6):
        await store.creer(evaluation(n), par="u-coord")
    vraie = files.write_atomic

    def lente(chemin: Path, contenu: bytes, durable: bool = True) -> None:
        time.sleep(0.002)  # long enough for others to open other files meanwhile
        vraie(chemin, contenu, durable)

    monkeypatch.setattr(files, "write_atomic", lente)

    async def ecrire(i: int) -> None:
        await asyncio.sleep((i * 7 % 11) / 1000)
        await store.enregistrer(
            f"ev-C042-{1 + i % 5}", reponse(i // 5 % 30, secondes=i), par="u-expert"
        )

    await asyncio.gather(*(ecrire(i) for i in range(150)))
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    for n in range(1, 6):
        assert len((await store.dossier(f"ev-C042-{n}")).reponses) == 30  # type: ignore[union-attr]
    await store.fermer()


def test_the_stored_file_is_readable_utf8_json(tmp_path: Path) -> None:
    async def remplir() -> None:
        store = await _store_avec_une_evaluation(tmp_path)
        await store.enregistrer(
            "ev-C042-1", reponse(9, commentaire="écoute très active"), par="u-expert"
        )
        await store.fermer()

    asyncio.run(remplir())
    texte = _fichier(tmp_path).read_text(encoding="utf-8")
    assert "écoute très active" in texte
    document = json.loads(texte)
    assert document["schema"] == 2
    assert document["tables"]["evaluation"]["evaluation"]["candidat"]["nom"] == "Jeanne Martin"


async def test_enrolled_candidates_are_read_back_at_start_up_and_purged_from_disk(
    tmp_path: Path,
) -> None:
    store = await open_store(tmp_path)
    session = SessionCertification(nom="Session Lyon 2027", horodatage=T0)
    fiche = FicheCandidat(
        reference="C101", nom="Bernard", prenom="Sophie", session=session.nom,
        blocs=("B1",), formateur_referent="Marc Petit", horodatage=T0,
    )  # fmt: skip
    await store.inscrire(session, [fiche], par="u-coord")
    await store.fermer()
    store = await open_store(tmp_path)  # the index files read at start-up
    assert await store.fiches() == [fiche]
    await store.purger_candidat("C101", par="u-coord", pourquoi="RGPD")
    await store.fermer()
    for chemin in tmp_path.rglob("*"):
        if chemin.is_file():
            assert b"Bernard" not in chemin.read_bytes(), chemin
    store = await open_store(tmp_path)
    assert await store.fiches() == []
    await store.fermer()
