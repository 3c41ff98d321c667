"""Erasing a candidate for good (RGPD): their directory, and every copy that names them.

A purge first records itself as pending in ``audit.json``; then it erases the
candidate's directory (every evaluation, their index), every copy elsewhere
that names the candidate (a backup before a migration, a file moved aside,
the format-1 backup), and the replies remembered for retries (opaque, they
may name anyone: all are forgotten, and the store still applies no request
twice); last, one commit clears the pending record and writes the audit line
(who, when, why, the reference — not the data). A crash half-way is finished
at start-up, before anything reads the files it was erasing
(``storage.startup``), so purged data never comes back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flows.evaluation import Evaluation, Evenement
from storage import files, legacy
from storage.database import get, items
from storage.kinds import CONVERSATION, EVALUATION, T_EVALUATION, T_REPLIQUES, document
from storage.layout import CONVERSATIONS, inventory

if TYPE_CHECKING:
    from storage.store import TinyDBStore


def purge(store: TinyDBStore, reference: str, *, par: str, pourquoi: str) -> int:
    """Erase all data of a candidate; how many evaluations were erased."""
    ids = sorted({*store.candidate_evaluations(reference), *_on_disk(store, reference)})
    evenement = Evenement(
        quand=store.clock(), qui=par, quoi="purge_candidat", cle=reference,
        nouveau={"evaluations": len(ids)}, pourquoi=pourquoi,
    )  # fmt: skip
    store.audit_system(None, {reference: {"evaluations": ids, "audit": document(evenement)}})
    finish(store, reference, ids, evenement)
    return len(ids)


def finish(store: TinyDBStore, reference: str, ids: list[str], evenement: Evenement) -> None:
    """Do (or finish, after a crash) the purge of ``reference`` recorded as pending.

    Nothing here awaits: no request runs while the candidate's files go.
    """
    noms = _names(store, reference, ids)
    dossier = store.layout.candidat_dir(reference)
    for database in store.databases.opened():
        if database.path.is_relative_to(dossier):
            store.forget(database.path)
    if not store.in_memory:
        _erase_files(store.layout.root, dossier, reference, noms)
    _forget_replies(store)
    store.audit_system(evenement, {reference: None})
    for evaluation_id in ids:
        store.index.pop(evaluation_id, None)


def _on_disk(store: TinyDBStore, reference: str) -> list[str]:
    """Evaluation files of the candidate that the index does not know (a crash at creation)."""
    if store.in_memory:
        return []
    return inventory(store.layout.root).evaluations.get(reference, [])


def _names(store: TinyDBStore, reference: str, ids: Iterable[str]) -> set[str]:
    """The candidate's names, as their evaluations' headers give them (to find copies)."""
    noms = {e.candidat.nom for i in ids if (e := store.index.get(i)) is not None}
    for evaluation_id in ids:
        if evaluation_id not in store.index and not store.in_memory:
            chemin = store.layout.evaluation(reference, evaluation_id)
            entete = get(store.open(chemin, EVALUATION).table(T_EVALUATION), "evaluation")
            if entete is not None:
                noms.add(Evaluation.model_validate(entete).candidat.nom)
    return noms


def _erase_files(root: Path, dossier: Path, reference: str, noms: set[str]) -> None:
    """The candidate's directory, and every copy elsewhere that names them (blocking)."""
    marques = [json.dumps(reference).encode()]
    for nom in noms:
        marques += [nom.encode(), json.dumps(nom).encode()]  # as written, and \\u-escaped
    copies = [*inventory(root).copies, *legacy.backup_files(root)]
    a_effacer = [
        p
        for p in copies
        if not p.is_relative_to(dossier)
        and (
            p.is_relative_to(root / CONVERSATIONS)  # replies remembered: all forgotten
            or reference in p.relative_to(root).parts
            or any(m in p.read_bytes() for m in marques)
        )
    ]
    files.remove_files(*a_effacer)
    files.remove_tree(dossier)


def _forget_replies(store: TinyDBStore) -> None:
    """Forget the replies remembered for retries, in every person's conversation."""
    chemins = {d.path for d in store.databases.opened()}
    if not store.in_memory:
        chemins |= {Path(p) for p in inventory(store.layout.root).databases.get("conversation", [])}
    for chemin in sorted(chemins):
        if not chemin.is_relative_to(store.layout.root / CONVERSATIONS):
            continue
        database = store.open(chemin, CONVERSATION)
        if items(database.table(T_REPLIQUES)):
            with database.writing() as db:
                db.table(T_REPLIQUES).truncate()
