"""The store port: what the domain needs from persistence, and nothing more.

``flows`` owns this interface and ``storage`` implements it (in memory for
tests of the flows, TinyDB on disk for real). Models go in and come out;
documents, files and doc ids never cross it.

Every write is *durable when it returns*: an acknowledged answer survives a
crash. Writes are idempotent twice over: a request id already applied is not
applied again (a Slack retry, a replay), and a record older than the stored
one does not replace it (an earlier click delivered late).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from flows.evaluation import Adresse, Dossier, Element, EtatConversation, Evaluation, Evenement
from flows.inscription import FicheCandidat, SessionCertification
from flows.resume import Resume


class RefusStore(Exception):
    """A refusal of the store (disk full, shard busy, corrupt file…), whatever the backend.

    Backends raise subclasses carrying a ``code`` and ``details``, which
    ``flows.catalogue.erreur_stockage`` words in French.
    """

    code = "stockage"

    def __init__(self, **details: Any) -> None:
        self.details = details
        super().__init__(f"{self.code}: {details}")


class Ecriture(StrEnum):
    """What became of a write."""

    APPLIQUEE = "appliquee"
    """Stored, and recorded in the audit trail."""
    INCHANGEE = "inchangee"
    """The same record was already stored: nothing to do."""
    PERIMEE = "perimee"
    """A newer record is stored: this older one was not applied."""
    DEJA_TRAITEE = "deja_traitee"
    """This request id was already applied: nothing done again."""


class ExportCandidat(BaseModel):
    """All data of one candidate, for the candidate's access right (RGPD) or the jury."""

    model_config = ConfigDict(frozen=True)

    reference: str
    dossiers: tuple[Dossier, ...]
    historique: tuple[Evenement, ...]

    def en_json(self) -> dict[str, Any]:
        """The export as JSON-ready data."""
        return self.model_dump(mode="json")


class Store(Protocol):
    """Persistence of evaluations, audit trail and conversation states."""

    async def creer(
        self, evaluation: Evaluation, *, par: str, requete: str | None = None
    ) -> Ecriture:
        """Store a new evaluation (or the same one again: INCHANGEE)."""
        ...

    async def modifier(
        self,
        evaluation: Evaluation,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        """Replace an evaluation's header (status, deadline…), unless a newer one is stored."""
        ...

    async def enregistrer(
        self,
        evaluation_id: str,
        element: Element,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        """Store one record of an evaluation under its natural key."""
        ...

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        """Everything stored about an evaluation, or None if there is no such evaluation."""
        ...

    async def requete_traitee(self, evaluation_id: str, requete: str) -> bool:
        """Whether a write of request ``requete`` was applied to this evaluation.

        The ids are remembered as long as the store recognises a retry (a day):
        the service asks this to recognise a retried creation after the
        conversation state, and its memory of replies, were lost.
        """
        ...

    async def evaluations(self) -> list[Evaluation]:
        """Every evaluation's header."""
        ...

    async def historique(self, evaluation_id: str) -> list[Evenement]:
        """The audit trail of an evaluation, oldest first."""
        ...

    async def etat(self, canal: str, utilisateur: str) -> EtatConversation | None:
        """A user's conversation state on a channel."""
        ...

    async def sauver_etat(
        self,
        etat: EtatConversation,
        *,
        requete: str | None = None,
        durable: bool = True,
        repliques: Mapping[str, str | None] | None = None,
    ) -> Ecriture:
        """Store a user's conversation state (not audited: it is not evaluation data).

        ``durable=False``: the state survives a crash of the process but maybe not
        a power cut, and costs no fsync — for state the flows can rebuild from the
        evaluation's records (where a grid resumes is its first critère without a
        value; a retry is recognised by the records' own request ids).

        ``repliques``: with the state, in the same write, the replies given to this
        user's requests, by request id (None forgets one). Each is a record of its
        own, read back only for a retry: the state written on every event stays small.
        """
        ...

    async def replique(self, canal: str, utilisateur: str, requete: str) -> str | None:
        """The replies stored by ``sauver_etat(…, repliques=…)`` for that request, if kept."""
        ...

    async def livree(self, canal: str, utilisateur: str, requete: str) -> bool:
        """Whether the replies stored for that request were noted as sent (False when none
        is stored)."""
        ...

    async def marquer_livree(self, canal: str, utilisateur: str, requete: str) -> None:
        """Note that the replies stored for that request went out. No fsync: noted or not
        after a power cut, they go out at most once more."""
        ...

    async def a_livrer(self, canal: str, depuis: datetime) -> list[tuple[str, str, str]]:
        """``(utilisateur, requete, replies)`` stored on ``canal`` since ``depuis`` and not
        noted as sent: what a crash kept from going out."""
        ...

    async def adresse(self, canal: str, cle: str) -> Adresse | None:
        """How ``canal`` reaches ``cle`` (a person, a conversation), as last stored."""
        ...

    async def adresses(self, canal: str) -> list[Adresse]:
        """Every address a channel stored."""
        ...

    async def sauver_adresse(self, adresse: Adresse) -> Ecriture:
        """Store an address, durably (INCHANGEE when the same one is stored: no write)."""
        ...

    async def exporter_candidat(self, reference: str, *, par: str) -> ExportCandidat:
        """All data of a candidate; the export itself is recorded in the audit trail."""
        ...

    async def resumes(self) -> Mapping[str, Resume]:
        """Where each evaluation stands, by id: kept as the evaluations change, so that a
        session's thousands of evaluations are read without their dossiers."""
        ...

    async def fiches(self) -> list[FicheCandidat]:
        """Every enrolled candidate's record, by reference."""
        ...

    async def sessions(self) -> list[SessionCertification]:
        """Every certification session, by name."""
        ...

    async def inscrire(
        self, session: SessionCertification, fiches: Sequence[FicheCandidat], *, par: str
    ) -> int:
        """Store a session and enrol candidates in it (a record replaces the one of the same
        reference); how many records were written. Audited."""
        ...

    async def purger_candidat(self, reference: str, *, par: str, pourquoi: str) -> int:
        """Erase all data of a candidate; returns how many evaluations were erased.

        The audit trail keeps that a purge happened (who, when, why, the
        reference), not the data purged.
        """
        ...

    async def fermer(self) -> None:
        """Make everything durable in its final form and release the store."""
        ...
