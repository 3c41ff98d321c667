"""The TinyDB store on a real disk: restarts, bad files, one owner, migrations, interrupted work."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows import catalogue
from flows.evaluation import Adresse, EtatConversation, Evenement
from flows.store import Ecriture
from referentiel import CodeValeur
from storage import disk, disque, files
from storage import shard as module_shard
from storage.disk import StoreTinyDB, open_store
from storage.errors import (
    CorruptData,
    EvaluationExists,
    NewerSchema,
    NoMigrationPath,
    WriteFailed,
)
from storage.format import (
    Tables,
    decode_snapshot,
    encode_document,
    encode_record,
    encode_snapshot,
)
from tests.store_outils import T0, evaluation, reponse

RACINE_PROJET = Path(__file__).resolve().parents[1]


async def _store_avec_une_evaluation(dossier: Path, reponses: int = 3) -> StoreTinyDB:
    store = await open_store(dossier)
    await store.creer(evaluation(), par="u-coord")
    for i in range(reponses):
        await store.enregistrer("ev-C042-1", reponse(i), par="u-expert")
    return store


def _crash(store: StoreTinyDB) -> None:
    """Leave like a killed process: no final snapshot; the lock is released, as the kernel would."""
    store._lock.release()


def _fichier(dossier: Path) -> Path:
    return dossier / "evaluations" / "C042" / "ev-C042-1.json"


async def test_everything_acknowledged_is_back_after_a_crash(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=5)
    _crash(store)
    store = await open_store(tmp_path)
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and len(dossier.reponses) == 5
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
    await store.sauver_etat(etat, durable=False, repliques={"r-1": "AAAA", "r-2": "BBBB"})
    await store.sauver_etat(etat, durable=False, repliques={"r-1": None})
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    assert await store.replique("slack", "U1", "r-1") is None
    assert await store.replique("slack", "U1", "r-2") == "BBBB"
    await store.fermer()


async def test_closing_writes_snapshots_and_empties_the_journals(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    assert (tmp_path / "evaluations" / "C042" / "ev-C042-1.journal").stat().st_size == 0
    schema, _, tables = decode_snapshot(_fichier(tmp_path).read_bytes())
    assert (schema, len(tables["reponses"])) == (1, 3)
    store = await open_store(tmp_path)
    assert len((await store.dossier("ev-C042-1")).reponses) == 3  # type: ignore[union-attr]
    await store.fermer()


async def test_the_snapshot_is_rewritten_every_so_many_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module_shard, "SNAPSHOT_EVERY", 10)
    store = await _store_avec_une_evaluation(tmp_path, reponses=25)
    _, _, tables = decode_snapshot(_fichier(tmp_path).read_bytes())
    assert len(tables["reponses"]) >= 19
    lignes = _fichier(tmp_path).with_suffix(".journal").read_bytes().count(b"\n")
    assert lignes < 10
    await store.fermer()


async def test_a_large_snapshot_is_rewritten_once_the_journal_is_as_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each small write must not pay for rewriting a large shard (the system shard holds the
    # index of every evaluation): its snapshot waits until the journal holds as many bytes.
    monkeypatch.setattr(module_shard, "SNAPSHOT_EVERY", 5)
    store = await open_store(tmp_path)
    for i in range(60):  # a system shard of some size: 60 evaluations indexed
        await store.creer(evaluation(reference=f"C{i:03d}"), par="u-coord")
    await store.fermer()
    systeme = tmp_path / "systeme.json"
    journal = systeme.with_suffix(".journal")
    taille = systeme.stat().st_size
    store = await open_store(tmp_path)
    plus_long, n = 0, 0
    while True:
        n += 1
        await store.sauver_etat(
            EtatConversation(
                canal="slack", utilisateur="U1", flow="cqp", donnees={"n": n}, horodatage=T0
            ),
            durable=False,
        )
        if journal.stat().st_size == 0:
            break  # folded into the snapshot
        assert systeme.stat().st_size == taille, "rewritten before the journal was as large"
        plus_long = journal.stat().st_size
    assert n > 5 and plus_long > 0.9 * taille
    assert systeme.stat().st_size > taille  # the new snapshot holds the state
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    relu = await store.etat("slack", "U1")
    assert relu is not None and relu.donnees == {"n": n}
    assert len(await store.evaluations()) == 60
    await store.fermer()


def test_a_snapshot_made_of_encoded_records_has_the_same_bytes() -> None:
    tables: Tables = {
        "index": {"ev-1": {"nom": "Élodie « É »", "n": [1, 2.5, None, True]}, "ev-2": {}},
        "vide": {},
        "conversations": {"slack|U1": {"donnees": {"recentes": []}}},
    }
    attendu = json.dumps(
        {"schema": 1, "seq": 7, "tables": tables}, ensure_ascii=False, separators=(",", ":")
    ).replace('{"schema":1,"seq":7,"tables":', '{"schema": 1, "seq": 7, "tables": ', 1)
    deja = {"index": {c: encode_record(c, encode_document(d)) for c, d in tables["index"].items()}}
    assert encode_snapshot(tables, 7, fragments=deja) == (attendu + "\n").encode("utf-8")
    assert encode_snapshot({"vide": {}}, 1, fragments={"vide": {}}) == encode_snapshot(
        {"vide": {}}, 1
    )
    assert encode_snapshot(tables, 7) == (attendu + "\n").encode("utf-8")
    assert encode_snapshot({}, 0) == b'{"schema": 1, "seq": 0, "tables": {}}\n'


async def test_a_snapshot_encodes_no_record_and_holds_every_write_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The system shard is megabytes (the index of every evaluation): its snapshot is made of the
    # records as each write encoded them, instead of encoding them all in the event loop.
    store = await open_store(tmp_path)
    for i in range(5):
        await store.creer(evaluation(reference=f"C{i:03d}"), par="u-coord")
    for n, qui in enumerate(["U1", "U2", "U1", "U3"]):  # U1 rewritten: keeps its place
        await store.sauver_etat(
            EtatConversation(
                canal="slack", utilisateur=qui, flow="cqp", donnees={"n": n}, horodatage=T0
            ),
            repliques={"r1": f"réponse {n}", "r0": None},
        )
    await store.purger_candidat("C001", par="u-admin", pourquoi="demande RGPD")  # deletions
    await store.sauver_etat(
        EtatConversation(canal="slack", utilisateur="U2", flow="cqp", donnees={}, horodatage=T0)
    )
    systeme = await store._system()
    avant = {nom: list(table.items()) for nom, table in systeme.tables().items()}
    encodages: list[dict[str, object]] = []

    def encoder(document: dict[str, object]) -> str:
        encodages.append(document)
        return "{}"

    monkeypatch.setattr(module_shard, "encode_document", encoder)
    await store.fermer()  # every snapshot written
    assert encodages == []
    _, _, relues = decode_snapshot((tmp_path / "systeme.json").read_bytes())
    assert {nom: list(table.items()) for nom, table in relues.items()} == avant
    assert "ev-C001-1" not in relues["index"] and "ev-C002-1" in relues["index"]
    assert [cle for cle, _ in avant["conversations"]] == ["slack|U1", "slack|U2", "slack|U3"]


async def test_a_snapshot_re_encodes_the_tables_changed_since_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module_shard, "SNAPSHOT_EVERY", 2)
    store = await _store_avec_une_evaluation(tmp_path, reponses=4)  # snapshots in between
    await store.enregistrer("ev-C042-1", reponse(0, valeur=CodeValeur.NA), par="u-expert")
    await store.fermer()
    _, _, tables = decode_snapshot(_fichier(tmp_path).read_bytes())
    assert tables["reponses"][reponse(0).cle]["valeur"] == "NA"
    assert len(tables["reponses"]) == 4


async def test_the_files_hold_no_candidate_name_in_their_paths(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    assert all("Martin" not in str(p) for p in tmp_path.rglob("*"))


def _ouvrir_dans_un_autre_processus(dossier: Path) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(
        f"""
        import asyncio
        from storage.disk import open_store
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
    "tronque": None,  # filled below from a real file
    "dechets_a_la_fin": None,
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
    }.get(cas, MAUVAIS_CONTENUS[cas])
    assert contenu is not None
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


def _remplacer_dans_les_reponses(texte: str, par: str) -> str:
    """Damage an answer record (the ``reponses`` table comes last in the file)."""
    position = texte.rindex('"valeur":"A"')
    return texte[:position] + par + texte[position + len('"valeur":"A"') :]


@pytest.mark.parametrize(
    ("remplacer", "code"),
    [
        (lambda t: _remplacer_dans_les_reponses(t, '"valeur": 12'), "enregistrement"),
        (lambda t: _remplacer_dans_les_reponses(t, '"valeur": NaN'), "constante"),
        (lambda t: t.replace('"seq": ', '"seq": "x", "autre": ', 1), "json"),
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
    assert info.value.details["probleme"] in {code, "forme"}
    await store.fermer()
    assert not fichier.exists()
    assert (
        next(fichier.parent.glob("ev-C042-1.json.corrupt-*")).read_text(encoding="utf-8") == texte
    )


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
    nouveau = fichier.read_bytes().replace(b'{"schema": 1,', b'{"schema": 7,', 1)
    fichier.write_bytes(nouveau)
    with pytest.raises(NewerSchema) as info:
        await open_store(tmp_path)
    assert fichier.read_bytes() == nouveau
    assert "version 7" in catalogue.erreur_stockage(info.value)


async def test_an_old_file_is_migrated_on_a_copy_kept_as_backup(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    fichier = _fichier(tmp_path)
    ancien = fichier.read_bytes().replace(b'{"schema": 1,', b'{"schema": 0,', 1)
    fichier.write_bytes(ancien)

    def v0_vers_v1(tables):
        for doc in tables["reponses"].values():
            doc["commentaire"] = doc["commentaire"] or "migré"
        return tables

    store = await open_store(tmp_path, migrations={0: v0_vers_v1})
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and {r.commentaire for r in dossier.reponses} == {"migré"}
    assert fichier.with_name(fichier.name + ".bak-v0").read_bytes() == ancien
    await store.fermer()
    fichier.write_bytes(ancien)
    with pytest.raises(NoMigrationPath):
        await open_store(tmp_path, migrations={})


async def test_a_stale_temp_file_is_cleaned_at_start_up(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    await store.fermer()
    reste = _fichier(tmp_path).with_name("ev-C042-1.json.tmp")
    reste.write_bytes(b'{"schema": 1, "seq": 99, "tab')
    store = await open_store(tmp_path)
    assert not reste.exists()
    assert len((await store.dossier("ev-C042-1")).reponses) == 3  # type: ignore[union-attr]
    await store.fermer()


async def test_a_torn_last_journal_line_is_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=4)
    _crash(store)
    journal = _fichier(tmp_path).with_suffix(".journal")
    with journal.open("ab") as f:
        f.write(b'1234abcd {"seq": 99, "ops": [{"op": "put", "ta')
    store = await open_store(tmp_path)
    assert len((await store.dossier("ev-C042-1")).reponses) == 4  # type: ignore[union-attr]
    assert journal.read_bytes().endswith(b"\n")
    await store.enregistrer("ev-C042-1", reponse(10), par="u-expert")
    _crash(store)
    store = await open_store(tmp_path)
    assert len((await store.dossier("ev-C042-1")).reponses) == 5  # type: ignore[union-attr]
    await store.fermer()


async def test_a_damaged_line_inside_the_journal_is_corruption(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=4)
    _crash(store)
    journal = _fichier(tmp_path).with_suffix(".journal")
    lignes = journal.read_bytes().split(b"\n")
    lignes[1] = lignes[1].replace(b'"A"', b'"B"')
    journal.write_bytes(b"\n".join(lignes))
    store = await open_store(tmp_path)
    with pytest.raises(CorruptData) as info:
        await store.dossier("ev-C042-1")
    assert info.value.details["probleme"] == "journal"
    await store.fermer()


async def test_a_write_the_disk_refuses_is_not_applied(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    journal = _fichier(tmp_path).with_suffix(".journal")
    journal.unlink()
    journal.symlink_to("/dev/full")
    with pytest.raises(WriteFailed) as info:
        await store.enregistrer("ev-C042-1", reponse(8, valeur=CodeValeur.NA), par="u-expert")
    dossier = await store.dossier("ev-C042-1")
    assert dossier is not None and len(dossier.reponses) == 3
    assert "non enregistré" in catalogue.erreur_stockage(info.value)
    journal.unlink()
    assert await store.enregistrer("ev-C042-1", reponse(8), par="u-expert") is Ecriture.APPLIQUEE
    await store.fermer()


@pytest.mark.parametrize("verification", ["entete", "complet"])
async def test_an_interrupted_purge_is_finished_at_start_up(
    tmp_path: Path, verification: str
) -> None:
    """Killed after the pending record and half the deletion: start-up finishes the purge."""
    store = await _store_avec_une_evaluation(tmp_path)
    evenement = Evenement(
        quand=T0, qui="u-admin", quoi="purge_candidat", cle="C042", pourquoi="RGPD"
    )
    systeme = await store._system()
    async with systeme.writing():
        doc = {"evaluations": ["ev-C042-1"], "audit": evenement.model_dump(mode="json")}
        await systeme.commit([{"op": "put", "table": "purges", "cle": "C042", "doc": doc}])
    _crash(store)
    _fichier(tmp_path).unlink()  # half-deleted: the journal alone remains
    store = await open_store(tmp_path, verification=verification)
    assert await store.evaluations() == []
    assert not (tmp_path / "evaluations" / "C042").exists()
    assert (await store.historique_systeme())[-1] == evenement
    await store.fermer()


async def test_an_evaluation_stored_but_not_yet_indexed_is_indexed_at_start_up(
    tmp_path: Path,
) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    systeme = await store._system()
    async with systeme.writing():
        await systeme.commit([{"op": "del", "table": "index", "cle": "ev-C042-1"}])
    _crash(store)
    store = await open_store(tmp_path)
    assert [e.id for e in await store.evaluations()] == ["ev-C042-1"]
    await store.fermer()


async def test_a_purge_leaves_no_trace_of_the_candidate_in_any_file(tmp_path: Path) -> None:
    """Not the snapshot, journal, backups or copies moved aside, nor the system journal."""
    store = await _store_avec_une_evaluation(tmp_path)
    dossier = _fichier(tmp_path).parent
    (dossier / "ev-C042-1.json.bak-v0").write_text("Jeanne Martin", encoding="utf-8")
    (dossier / "ev-C042-1.json.corrupt-20261101T000000").write_text(
        "Jeanne Martin", encoding="utf-8"
    )
    # A reply remembered for a retry that names her (stored compressed, in clear here).
    etat = EtatConversation(canal="web", utilisateur="u-coord", flow="cqp", horodatage=T0)
    await store.sauver_etat(etat, durable=False, repliques={"r-1": "Jeanne Martin"})
    await store.purger_candidat("C042", par="u-admin", pourquoi="demande RGPD")
    # Before any close: what a crash right now would leave on disk.
    assert not dossier.exists()
    assert b"Jeanne" not in b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert await store.replique("web", "u-coord", "r-1") is None
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
    assert not (tmp_path / "evaluations" / "C777").exists()
    await store.fermer()


async def test_a_snapshot_that_fails_does_not_fail_the_acknowledged_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module_shard, "SNAPSHOT_EVERY", 5)
    store = await _store_avec_une_evaluation(tmp_path, reponses=0)

    def disque_plein(chemin: Path, contenu: bytes | list[bytes]) -> None:
        octets = contenu if isinstance(contenu, bytes) else b"".join(contenu)
        chemin.with_name(chemin.name + ".tmp").write_bytes(octets[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(files, "write_atomic", disque_plein)
        for i in range(12):
            assert (
                await store.enregistrer("ev-C042-1", reponse(i), par="u-expert")
                is Ecriture.APPLIQUEE
            )
    _crash(store)
    store = await open_store(tmp_path)
    assert len((await store.dossier("ev-C042-1")).reponses) == 12  # type: ignore[union-attr]
    assert not list(tmp_path.rglob("*.tmp"))
    await store.fermer()


async def test_a_cancelled_write_still_finishes_and_the_journal_stays_consistent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await _store_avec_une_evaluation(tmp_path, reponses=1)
    vraie = files.append_durable

    def lente(chemin: Path, ligne: bytes, durable: bool = True) -> None:
        time.sleep(0.3)
        vraie(chemin, ligne, durable)

    monkeypatch.setattr(files, "append_durable", lente)
    tache = asyncio.create_task(store.enregistrer("ev-C042-1", reponse(1), par="u-expert"))
    await asyncio.sleep(0.05)
    tache.cancel()
    with pytest.raises(asyncio.CancelledError):
        await tache
    monkeypatch.setattr(files, "append_durable", vraie)
    assert await store.enregistrer("ev-C042-1", reponse(2), par="u-expert") is Ecriture.APPLIQUEE
    _crash(store)
    store = await open_store(tmp_path, verification="complet")
    assert len((await store.dossier("ev-C042-1")).reponses) == 3  # type: ignore[union-attr]
    await store.fermer()


async def test_appends_go_to_the_event_loop_only_while_the_disk_keeps_fast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fast disk's fsync is made in the event loop (cheaper than a thread's round trip),
    # once enough appends in a row were fast; one slow append sends the next ones back to a
    # worker thread, so that a slow disk does not hold every request.
    monkeypatch.setattr(disque, "RAPIDES_DE_SUITE", 2)
    store = await _store_avec_une_evaluation(tmp_path, reponses=0)
    vraie = files.append_durable
    fils: list[str] = []

    def observee(chemin: Path, ligne: bytes, durable: bool = True) -> None:
        fils.append(threading.current_thread().name)
        if len(fils) == 3:
            time.sleep(disque.SEUIL_LENT_S * 2)  # the third append is slow
        vraie(chemin, ligne, durable)

    monkeypatch.setattr(files, "append_durable", observee)
    store._disque.mesure(1.0)  # from a slow disk (the creation's appends were fast)
    for i in range(7):
        await store.enregistrer("ev-C042-1", reponse(i), par="u-expert")
    dans_la_boucle = [f == threading.main_thread().name for f in fils]
    assert dans_la_boucle == [False, False, True, False, False, True, True]
    assert len((await store.dossier("ev-C042-1")).reponses) == 7  # type: ignore[union-attr]
    await store.fermer()


async def test_with_few_shards_in_memory_concurrent_writers_never_get_two_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(disk, "MAX_OPEN_SHARDS", 2)
    monkeypatch.setattr(module_shard, "SNAPSHOT_EVERY", 7)
    store = await open_store(tmp_path)
    for n in range(1, 6):
        await store.creer(evaluation(n), par="u-coord")

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


async def test_a_journal_without_its_snapshot_is_an_anomaly(tmp_path: Path) -> None:
    store = await _store_avec_une_evaluation(tmp_path)
    _crash(store)
    _fichier(tmp_path).unlink()
    store = await open_store(tmp_path)
    with pytest.raises(CorruptData) as info:
        await store.dossier("ev-C042-1")
    assert info.value.details["probleme"] == "instantane_absent"
    await store.fermer()


def test_the_stored_file_is_readable_utf8_json(tmp_path: Path) -> None:
    import asyncio

    async def remplir() -> None:
        store = await _store_avec_une_evaluation(tmp_path)
        await store.enregistrer(
            "ev-C042-1", reponse(9, commentaire="écoute très active"), par="u-expert"
        )
        await store.fermer()

    asyncio.run(remplir())
    texte = _fichier(tmp_path).read_text(encoding="utf-8")
    assert "écoute très active" in texte
    assert (
        json.loads(texte)["tables"]["evaluation"]["evaluation"]["candidat"]["nom"]
        == "Jeanne Martin"
    )


def test_a_file_written_in_parts_is_whole_even_when_the_system_writes_less(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A snapshot's parts go to os.writev unjoined, IOV_MAX at a time; a short write (a
    # signal, a full pipe of the kernel) must not lose the rest of a part.
    parties = [f"{i:05d}é,".encode() for i in range(3 * files.IOV_MAX + 7)]
    vrai = os.writev

    def court(fd: int, tampons: list[bytes]) -> int:
        return vrai(fd, [tampons[0][:3]])  # three bytes of the first part only

    chemin = tmp_path / "systeme.json"
    files.write_atomic(chemin, parties)
    assert chemin.read_bytes() == b"".join(parties)
    monkeypatch.setattr(os, "writev", court)
    files.write_atomic(chemin, parties[:50])
    assert chemin.read_bytes() == b"".join(parties[:50])
    assert not list(tmp_path.glob("*.tmp"))
