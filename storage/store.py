"""Flows' Store port on TinyDB, the rules written once for files and for memory.

- **Idempotency**: a request id (a Slack retry, a replay) is recorded in the commit of the
  write it caused and kept a day: the same id again is ``DEJA_TRAITEE``; the same record
  again, ``INCHANGEE``.
- **Staleness**: a record older (``horodatage``) than the stored one is ``PERIMEE``.
- **Audit trail**: every change of an evaluation commits with its line (who, when, what,
  old → new, why).
- **The index**: every evaluation's header in memory, read at start-up from the
  candidates' index files, which change at a creation, a modification or a purge only.

``MemoryStore`` keeps every file as an image in memory: the flows' tests run on the
rules of the real store. Files: ``storage.layout``; commits: ``storage.database``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from flows import catalogue
from flows.evaluation import (
    ELEMENTS,
    Adresse,
    Dossier,
    Element,
    EtatConversation,
    Evaluation,
    Evenement,
    horodatage_de,
)
from flows.inscription import FicheCandidat, SessionCertification
from flows.resume import Resume
from flows.store import Ecriture, ExportCandidat
from referentiel import Referentiel, default
from storage import inscriptions, purge, repliques, resumes
from storage.database import Database, Databases, get, items, put
from storage.durable import MIGRATIONS, Migration
from storage.errors import (
    CorruptData,
    EvaluationExists,
    ReferenceChanged,
    UnknownEvaluation,
)
from storage.kinds import (
    ADRESSES,
    AUDIT,
    CONVERSATION,
    EVALUATION,
    INDEX,
    T_ADRESSES,
    T_ETAT,
    T_EVALUATION,
    T_EVENEMENTS,
    T_INDEX,
    T_PURGES,
    T_REPLIQUES,
    T_REQUETES,
    Modeles,
    document,
    validate,
)
from storage.layout import Layout

Clock = Callable[[], datetime]
REQUEST_TTL = timedelta(hours=24)
"""How long a request id is remembered: far beyond Slack's retries (minutes)."""
MAX_REQUEST_IDS = 256
"""Expired request ids are swept each time a table reaches a multiple of this many."""
MAX_OPEN = 256
"""Databases kept in memory at once."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class TinyDBStore:
    """Implements flows' ``Store``; on disk, ``await storage.open_store(dossier)`` makes one."""

    def __init__(
        self,
        root: Path | None,
        *,
        clock: Clock = utc_now,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        maximum: int = MAX_OPEN,
        referentiel: Referentiel | None = None,
    ) -> None:
        self.clock = clock
        self.referentiel = referentiel or default()
        """Which critères each bloc has: the evaluations' summaries are made with it."""
        self.in_memory = root is None
        self.layout = Layout(root or Path(catalogue.FICHIER_EN_MEMOIRE))
        self.databases = Databases(
            in_memory=self.in_memory, maximum=maximum, migrations=migrations, clock=clock
        )
        self.index: dict[str, Evaluation] = {}
        """Every evaluation's header, by id."""
        self.inscrits: dict[str, FicheCandidat] = {}
        """Every enrolled candidate's record, by reference (read at start-up with the index)."""
        self.summaries: dict[str, Resume] = {}
        """Where each evaluation stands, by id (``storage.resumes``; read with the index)."""
        self.stored_summaries: dict[str, dict[str, Any]] = {}
        """The summaries start-up read from the indexes, not checked yet (``storage.resumes``)."""
        self.out_of_date: set[str] = set()
        """The evaluations changed since their summary was made."""

    # --- databases ------------------------------------------------------------------

    def open(self, path: Path, modeles: Modeles) -> Database:
        """The database of ``path``, its records checked against their models when first read."""
        database = self.databases.get(path)
        if not database.checked:
            self.check(database, modeles)
        return database

    def check(self, database: Database, modeles: Modeles) -> dict[str, dict[str, Any]]:
        """Check every record (``kinds.validate``); a damaged file is moved aside and let go."""
        try:
            lus = validate(database, modeles)
        except CorruptData:
            self.databases.forget(database.path)
            raise
        database.checked = True
        return lus

    def evaluation_database(self, evaluation_id: str) -> Database | None:
        """An indexed evaluation's database, or None.

        One found damaged leaves the index with CorruptData: unreachable, never
        written anew, until its file is put back and cqp-bot restarted.
        """
        entete = self.index.get(evaluation_id)
        if entete is None:
            return None
        try:
            return self.open(
                self.layout.evaluation(entete.candidat.reference, evaluation_id), EVALUATION
            )
        except CorruptData:
            del self.index[evaluation_id]
            raise

    def conversation(self, canal: str, utilisateur: str) -> Database:
        return self.open(self.layout.conversation(canal, utilisateur), CONVERSATION)

    # --- the rules --------------------------------------------------------------------

    def _request_seen(self, database: Database, requete: str | None) -> bool:
        doc = None if requete is None else get(database.table(T_REQUETES), requete)
        return doc is not None and datetime.fromisoformat(doc["expire"]) > self.clock()

    def _record_request(self, db: TinyDB, requete: str | None) -> None:
        """Record the request id; every MAX_REQUEST_IDS ids, forget the expired ones (sweeping
        at every write would scan the table each time)."""
        if requete is None:
            return
        table, maintenant = db.table(T_REQUETES), self.clock()
        put(table, requete, {"expire": (maintenant + REQUEST_TTL).isoformat()})
        if len(table) % MAX_REQUEST_IDS == 0:
            table.remove(Query().expire.test(lambda e: datetime.fromisoformat(e) <= maintenant))

    @staticmethod
    def _audit(db: TinyDB, evenement: Evenement) -> None:
        """An audit line, under the next number: the trail is append-only, in order."""
        table = db.table(T_EVENEMENTS)
        numero: Any = f"{len(table) + 1:06d}"
        table.insert(Document(document(evenement), doc_id=numero))

    def _write(
        self, database: Database, evaluation_id: str, nouveau: Element | Evaluation, par: str,
        pourquoi: str | None, requete: str | None, creation: bool = False,
    ) -> Ecriture:  # fmt: skip
        """The one path of every evaluation write: idempotency, staleness, audit, durability."""
        doc = document(nouveau)
        with database.writing() as db:
            if self._request_seen(database, requete):
                return Ecriture.DEJA_TRAITEE
            table = db.table(nouveau.TABLE)
            ancien = get(table, nouveau.cle)
            if ancien == doc:
                return Ecriture.INCHANGEE
            if creation and ancien is not None:
                raise EvaluationExists(evaluation=evaluation_id)
            if ancien is not None and horodatage_de(ancien) > nouveau.horodatage:
                return Ecriture.PERIMEE
            put(table, nouveau.cle, doc)
            self._audit(db, Evenement(
                quand=self.clock(), qui=par, quoi=nouveau.TABLE, evaluation=evaluation_id,
                cle=nouveau.cle, ancien=ancien, nouveau=doc, pourquoi=pourquoi,
            ))  # fmt: skip
            self._record_request(db, requete)
        self.out_of_date.add(evaluation_id)  # made again when read (``storage.resumes``)
        return Ecriture.APPLIQUEE

    def reindex(self, database: Database) -> None:
        """Bring the candidate's index in line with the header stored in the evaluation."""
        entete = get(database.table(T_EVALUATION), "evaluation")
        if entete is None:
            return
        evaluation = Evaluation.model_validate(entete)
        reference = evaluation.candidat.reference
        resumes.summarise(self, database)
        ids = {*self.candidate_evaluations(reference), evaluation.id}
        with self.open(self.layout.index(reference), INDEX).writing() as db:
            if get(db.table(T_INDEX), evaluation.id) != entete:
                put(db.table(T_INDEX), evaluation.id, entete)
            resumes.put_current(self, db, ids)  # an index never vouches for a stale summary
        self.index[evaluation.id] = evaluation

    def audit_system(
        self, evenement: Evenement | None, purges: Mapping[str, dict[str, Any] | None] = {}
    ) -> None:
        """An audit line that outlives evaluations, and purges recorded pending (or done)."""
        with self.open(self.layout.audit, AUDIT).writing() as db:
            if evenement is not None:
                self._audit(db, evenement)
            for reference, doc in purges.items():
                if doc is not None:
                    put(db.table(T_PURGES), reference, doc)
                else:
                    db.table(T_PURGES).remove(doc_ids=[reference])  # type: ignore[list-item]

    def candidate_evaluations(self, reference: str) -> list[str]:
        return sorted(i for i, e in self.index.items() if e.candidat.reference == reference)

    def by_candidate(self) -> dict[str, list[str]]:
        """Every candidate's evaluation ids, in one pass over the index (for a write of many
        indexes: ``candidate_evaluations`` for each would scan it each time)."""
        par_candidat: dict[str, list[str]] = {}
        for evaluation_id, entete in sorted(self.index.items()):
            par_candidat.setdefault(entete.candidat.reference, []).append(evaluation_id)
        return par_candidat

    # --- the port -----------------------------------------------------------------

    async def creer(
        self, evaluation: Evaluation, *, par: str, requete: str | None = None
    ) -> Ecriture:
        reference = evaluation.candidat.reference
        if (connue := self.index.get(evaluation.id)) and connue.candidat.reference != reference:
            raise EvaluationExists(evaluation=evaluation.id)  # never a second file beside it
        database = self.open(self.layout.evaluation(reference, evaluation.id), EVALUATION)
        resultat = self._write(database, evaluation.id, evaluation, par, None, requete, True)
        # The evaluation first: a crash before its index entry, and start-up makes the entry.
        self.reindex(database)
        return resultat

    async def modifier(
        self, evaluation: Evaluation, *, par: str, pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:  # fmt: skip
        database = self.evaluation_database(evaluation.id)
        if database is None:
            raise UnknownEvaluation(evaluation=evaluation.id)
        if self.index[evaluation.id].candidat.reference != evaluation.candidat.reference:
            raise ReferenceChanged(evaluation=evaluation.id)
        resultat = self._write(database, evaluation.id, evaluation, par, pourquoi, requete)
        self.reindex(database)
        return resultat

    async def enregistrer(
        self, evaluation_id: str, element: Element, *, par: str, pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:  # fmt: skip
        database = self.evaluation_database(evaluation_id)
        if database is None:
            raise UnknownEvaluation(evaluation=evaluation_id)
        return self._write(database, evaluation_id, element, par, pourquoi, requete)

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        database = self.evaluation_database(evaluation_id)
        return None if database is None else self.build_dossier(database)

    def build_dossier(self, database: Database) -> Dossier:
        """The evaluation's records as a Dossier, built once for each state of the file."""
        if (memo := database.memo.get("dossier")) is not None:  # unchanged since built
            return memo  # type: ignore[no-any-return]
        contenu: dict[str, Any] = {t: [d for _, d in items(database.table(t))] for t in ELEMENTS}
        contenu["evaluation"] = get(database.table(T_EVALUATION), "evaluation")
        # Every record passed its check when the file was read, the header included.
        dossier = database.memo["dossier"] = Dossier.model_validate(contenu)
        return dossier

    async def requete_traitee(self, evaluation_id: str, requete: str) -> bool:
        database = self.evaluation_database(evaluation_id)
        return database is not None and self._request_seen(database, requete)

    async def evaluations(self) -> list[Evaluation]:
        return [self.index[i] for i in sorted(self.index)]

    async def historique(self, evaluation_id: str) -> list[Evenement]:
        database = self.evaluation_database(evaluation_id)
        if database is None:
            raise UnknownEvaluation(evaluation=evaluation_id)
        return [Evenement.model_validate(d) for _, d in items(database.table(T_EVENEMENTS))]

    async def historique_systeme(self) -> list[Evenement]:
        """Audit lines that outlive evaluations: exports and purges."""
        audit = self.open(self.layout.audit, AUDIT).table(T_EVENEMENTS)
        return [Evenement.model_validate(d) for _, d in items(audit)]

    async def etat(self, canal: str, utilisateur: str) -> EtatConversation | None:
        doc = get(self.conversation(canal, utilisateur).table(T_ETAT), T_ETAT)
        return None if doc is None else EtatConversation.model_validate(doc)

    async def sauver_etat(
        self, etat: EtatConversation, *, requete: str | None = None, durable: bool = True,
        repliques: Mapping[str, str | None] | None = None,
    ) -> Ecriture:  # fmt: skip
        database = self.conversation(etat.canal, etat.utilisateur)
        doc = document(etat)
        with database.writing(durable) as db:
            if self._request_seen(database, requete):
                return Ecriture.DEJA_TRAITEE
            ancien = get(db.table(T_ETAT), T_ETAT)
            if ancien == doc and not repliques:
                return Ecriture.INCHANGEE
            if ancien is not None and horodatage_de(ancien) > etat.horodatage:
                return Ecriture.PERIMEE
            put(db.table(T_ETAT), T_ETAT, doc)
            for cle, packed in (repliques or {}).items():
                if packed is not None:
                    put(db.table(T_REPLIQUES), cle, {"reponses": packed, "livree": False})
                else:
                    db.table(T_REPLIQUES).remove(doc_ids=[cle])  # type: ignore[list-item]
            self._record_request(db, requete)
        return Ecriture.APPLIQUEE

    async def replique(self, canal: str, utilisateur: str, requete: str) -> str | None:
        return repliques.replique(self, canal, utilisateur, requete)

    async def livree(self, canal: str, utilisateur: str, requete: str) -> bool:
        return repliques.livree(self, canal, utilisateur, requete)

    async def marquer_livree(self, canal: str, utilisateur: str, requete: str) -> None:
        repliques.marquer_livree(self, canal, utilisateur, requete)

    async def a_livrer(self, canal: str, depuis: datetime) -> list[tuple[str, str, str]]:
        return repliques.a_livrer(self, canal, depuis)

    async def adresse(self, canal: str, cle: str) -> Adresse | None:
        doc = get(self.open(self.layout.adresses, ADRESSES).table(T_ADRESSES), f"{canal}|{cle}")
        return None if doc is None else Adresse.model_validate(doc)

    async def adresses(self, canal: str) -> list[Adresse]:
        table = self.open(self.layout.adresses, ADRESSES).table(T_ADRESSES)
        return [Adresse.model_validate(d) for c, d in items(table) if c.startswith(f"{canal}|")]

    async def sauver_adresse(self, adresse: Adresse) -> Ecriture:
        doc = document(adresse)
        with self.open(self.layout.adresses, ADRESSES).writing() as db:
            ancien = get(db.table(T_ADRESSES), adresse.cle_complete)
            if ancien is not None and ancien["donnees"] == doc["donnees"]:
                return Ecriture.INCHANGEE  # the same address (the key names channel and person)
            put(db.table(T_ADRESSES), adresse.cle_complete, doc)
        return Ecriture.APPLIQUEE

    async def exporter_candidat(self, reference: str, *, par: str) -> ExportCandidat:
        dossiers = [
            d for i in self.candidate_evaluations(reference) if (d := await self.dossier(i))
        ]
        historique = [e for d in dossiers for e in await self.historique(d.evaluation.id)]
        self.audit_system(
            Evenement(quand=self.clock(), qui=par, quoi="export_candidat", cle=reference,
                      nouveau={"evaluations": [d.evaluation.id for d in dossiers]})
        )  # fmt: skip
        return ExportCandidat(
            reference=reference, dossiers=tuple(dossiers), historique=tuple(historique)
        )

    async def resumes(self) -> Mapping[str, Resume]:
        resumes.flush(self)
        return self.summaries

    async def fiches(self) -> list[FicheCandidat]:
        return [self.inscrits[r] for r in sorted(self.inscrits)]

    async def sessions(self) -> list[SessionCertification]:
        return inscriptions.sessions(self)

    async def inscrire(
        self, session: SessionCertification, fiches: Sequence[FicheCandidat], *, par: str
    ) -> int:
        return inscriptions.inscrire(self, session, fiches, par)

    async def purger_candidat(self, reference: str, *, par: str, pourquoi: str) -> int:
        return purge.purge(self, reference, par=par, pourquoi=pourquoi)

    async def fermer(self) -> None:
        """Every write is durable when it returns; the summaries out of date are written (a
        cache: start-up would find them out of date otherwise)."""
        resumes.flush(self)


class MemoryStore(TinyDBStore):
    """The store with every database an image in memory: the flows' tests, the same rules."""

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__(None, clock=clock)
