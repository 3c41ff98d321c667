"""Erasing a candidate for good (RGPD): their directory, and every copy that names them.

The purge is recorded as pending in ``audit.json`` first; then the candidate's
directory goes, with every copy elsewhere that names them (a backup before a
migration, a file moved aside, the format-1 backup) and the replies kept for
retries (opaque, they may name anyone: all are forgotten; the store still
applies no request twice); last, one commit clears the pending record and
writes the audit line (who, when, why, the reference — not the data). A crash
half-way is finished at start-up before anything else reads the directory.
Nothing here awaits: no request runs while the files go.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from flows.evaluation import Evaluation, Evenement
from storage import files, legacy
from storage.database import get
from storage.kinds import CONVERSATION, EVALUATION, T_EVALUATION, T_REPLIQUES, document
from storage.layout import CONVERSATIONS, inventory

if TYPE_CHECKING:
    from storage.store import TinyDBStore


def purge(store: TinyDBStore, reference: str, *, par: str, pourquoi: str) -> int:
    """Erase all data of a candidate; how many evaluations were erased."""
    sur_disque = {} if store.in_memory else inventory(store.layout.root).evaluations
    ids = sorted({*store.candidate_evaluations(reference), *sur_disque.get(reference, [])})
    evenement = Evenement(
        quand=store.clock(), qui=par, quoi="purge_candidat", cle=reference,
        nouveau={"evaluations": len(ids)}, pourquoi=pourquoi,
    )  # fmt: skip
    store.audit_system(None, {reference: {"evaluations": ids, "audit": document(evenement)}})
    finish(store, reference, ids, evenement)
    return len(ids)


def finish(store: TinyDBStore, reference: str, ids: list[str], evenement: Evenement) -> None:
    """Do (or, after a crash, finish) the purge of ``reference`` recorded as pending."""
    dossier = store.layout.candidat_dir(reference)
    noms = {e.candidat.nom for i in ids if (e := store.index.get(i)) is not None}
    if (fiche := store.inscrits.get(reference)) is not None:
        noms |= {fiche.nom, fiche.nom_complet}
    for evaluation_id in [i for i in ids if i not in store.index and not store.in_memory]:
        chemin = store.layout.evaluation(reference, evaluation_id)  # not indexed: a crash
        if entete := get(store.open(chemin, EVALUATION).table(T_EVALUATION), "evaluation"):
            noms.add(Evaluation.model_validate(entete).candidat.nom)
    for database in store.databases.opened():
        if database.path.is_relative_to(dossier):
            store.databases.forget(database.path)
    if not store.in_memory:
        _erase_files(store.layout.root, dossier, reference, noms)
    conversations = store.layout.root / CONVERSATIONS
    chemins = {d.path for d in store.databases.opened() if d.path.is_relative_to(conversations)}
    if not store.in_memory:
        chemins |= {Path(p) for p in inventory(store.layout.root).databases.get("conversation", [])}
    for chemin in sorted(chemins):
        conversation = store.open(chemin, CONVERSATION)
        if len(conversation.table(T_REPLIQUES)):
            with conversation.writing() as db:
                db.table(T_REPLIQUES).truncate()
    store.audit_system(evenement, {reference: None})
    for evaluation_id in ids:
        store.index.pop(evaluation_id, None)
        store.summaries.pop(evaluation_id, None)
        store.stored_summaries.pop(evaluation_id, None)
        store.out_of_date.discard(evaluation_id)
    store.inscrits.pop(reference, None)


def _erase_files(root: Path, dossier: Path, reference: str, noms: set[str]) -> None:
    """The candidate's directory, and every copy elsewhere that names them."""
    marques = [json.dumps(reference).encode()]  # as JSON writes it: "C042", quoted
    for nom in noms:
        marques += [nom.encode(), json.dumps(nom).encode()]  # as written, and \\u-escaped
    copies = [*inventory(root).copies, *legacy.backup_files(root)]
    files.remove_files(*(
        p for p in copies
        if not p.is_relative_to(dossier) and (
            p.is_relative_to(root / CONVERSATIONS)  # replies kept for retries: all forgotten
            or reference in p.relative_to(root).parts
            or _names_any(p, marques)
        )
    ))  # fmt: skip
    files.remove_tree(dossier)


def _names_any(chemin: Path, marques: list[bytes]) -> bool:
    """Whether the file holds any of ``marques`` (read once, whatever their number)."""
    contenu = chemin.read_bytes()
    return any(m in contenu for m in marques)
