"""The kinds of databases the store keeps: their tables, and the model of each table's records.

A database's records are checked against these models when it is first read
(``validate``), so that a file with a record of the wrong shape is refused
whole — moved aside, never half-loaded — rather than failing later, mid-flow.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.evaluation import ELEMENTS, Adresse, EtatConversation, Evaluation, Evenement
from flows.inscription import FicheCandidat, SessionCertification
from flows.resume import Resume
from storage.database import Database, get, items
from storage.durable import BadFormat

T_EVALUATION = Evaluation.TABLE
T_EVENEMENTS = "evenements"
T_REQUETES = "requetes"
T_ETAT = "etat"
T_REPLIQUES = "repliques"
T_ADRESSES = "adresses"
T_PURGES = "purges"
T_INDEX = "evaluations"
T_FICHE = "fiche"
T_SESSIONS = "sessions"
T_RESUMES = Resume.TABLE

Modeles = Mapping[str, type[BaseModel] | None]
EVALUATION: Modeles = {
    T_EVALUATION: Evaluation,
    **ELEMENTS,
    T_EVENEMENTS: Evenement,
    T_REQUETES: None,
}
"""One evaluation: its header, its records, its audit trail, the request ids it applied."""
HEADERS: Mapping[str, str] = {T_EVALUATION: "evaluation"}
"""The documents a stored file of a kind always holds: an evaluation's header (written with
the file, never removed)."""
INDEX: Modeles = {T_INDEX: Evaluation, T_FICHE: FicheCandidat, T_RESUMES: None}
"""A candidate's index: the headers of their evaluations and where each stands (its summary,
``storage.resumes``: a cache, checked when first read, not at start-up); their record, once
enrolled."""
SESSIONS: Modeles = {T_SESSIONS: SessionCertification}
"""The certification sessions, by name."""
CONVERSATION: Modeles = {T_ETAT: EtatConversation, T_REPLIQUES: None, T_REQUETES: None}
"""A person's conversation on a channel: the state, the replies kept for retries."""
ADRESSES: Modeles = {T_ADRESSES: Adresse}
AUDIT: Modeles = {T_EVENEMENTS: Evenement, T_PURGES: None}
"""Exports and purges (they outlive the candidates), and the purges under way."""


def document(modele: BaseModel) -> dict[str, Any]:
    """A model as the document stored for it."""
    return modele.model_dump(mode="json")


def validate(database: Database, modeles: Modeles) -> dict[str, dict[str, BaseModel]]:
    """Every record of every table has the shape its model says; else the file is moved aside.

    Returns the records as models, by table and key (free-form tables left out).
    """
    lus: dict[str, dict[str, BaseModel]] = {}
    try:
        for nom in sorted(database.tinydb.tables()):
            if nom not in modeles:
                raise BadFormat("table_inconnue", table=nom)
            modele = modeles[nom]
            if modele is None:
                continue
            lus[nom] = {}
            for cle, doc in items(database.table(nom)):
                try:
                    lus[nom][cle] = modele.model_validate(doc)
                except ValidationError as exc:
                    raise BadFormat(
                        "enregistrement", table=nom, cle=cle, erreurs=exc.error_count()
                    ) from exc
        if database.storage.stored:
            for nom, cle in HEADERS.items():
                if nom in modeles and get(database.table(nom), cle) is None:
                    raise BadFormat("sans_entete", table=nom)
    except BadFormat as exc:
        raise database.storage.corrupt(exc.code, **exc.details) from exc
    return lus
