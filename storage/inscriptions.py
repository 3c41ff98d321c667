"""Certification sessions and the candidates enrolled in them: ``sessions.json``, and each
candidate's record in their own index file (``candidat.json``, table ``fiche``), which
start-up reads into ``TinyDBStore.inscrits``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from flows.evaluation import Evenement
from flows.inscription import FicheCandidat, SessionCertification
from storage import resumes
from storage.database import items, put
from storage.kinds import INDEX, SESSIONS, T_FICHE, T_SESSIONS, document

if TYPE_CHECKING:
    from storage.store import TinyDBStore


def sessions(store: TinyDBStore) -> list[SessionCertification]:
    table = store.open(store.layout.sessions, SESSIONS).table(T_SESSIONS)
    return [SessionCertification.model_validate(d) for _, d in items(table)]


def inscrire(
    store: TinyDBStore, session: SessionCertification, fiches: Sequence[FicheCandidat], par: str
) -> int:
    """The session first, then each candidate's record in their own index file; a record
    already stored as it is is not written again. Audited once, with the count."""
    with store.open(store.layout.sessions, SESSIONS).writing() as db:
        put(db.table(T_SESSIONS), session.nom, document(session))
    ecrites = 0
    par_candidat = store.by_candidate()
    for fiche in fiches:
        ancienne = store.inscrits.get(fiche.reference)
        if (
            ancienne is not None
            and ancienne.model_copy(update={"horodatage": fiche.horodatage}) == fiche
        ):
            continue
        with store.open(store.layout.index(fiche.reference), INDEX).writing() as db:
            put(db.table(T_FICHE), T_FICHE, document(fiche))
            resumes.put_current(store, db, par_candidat.get(fiche.reference, []))
        store.inscrits[fiche.reference] = fiche
        ecrites += 1
    store.audit_system(Evenement(
        quand=store.clock(), qui=par, quoi="inscription", cle=session.nom,
        nouveau={"candidats": len(fiches), "ecrits": ecrites},
    ))  # fmt: skip
    return ecrites
