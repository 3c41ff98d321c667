"""Flows' Store port on TinyDB: a database per evaluation, per conversation, per candidate's index.

The rules are written once here, whatever the medium (files, or images in
memory for the flows' tests — ``MemoryStore``), so that a test of the flows
cannot pass on rules the real store does not keep:

- **Idempotency**: a request id (a Slack retry, a replay) is recorded in the
  same commit as the write it caused and kept a day; the same id again
  answers ``DEJA_TRAITEE``. The same record again answers ``INCHANGEE``.
- **Staleness**: every record carries the ``horodatage`` of the user action;
  an older one never replaces a newer one (``PERIMEE``).
- **Audit trail**: every change of an evaluation writes, in the same commit,
  an append-only line (who, when, what, key, old → new, why).
- **The index** (the evaluations of each candidate, hence of each person) is
  the candidates' index files, read at start-up; it changes when an
  evaluation is created, modified or purged, never on a click.
- **Concurrency**: no method awaits anything between its first read and its
  last commit (``storage.database``): concurrent calls are applied one after
  the other, whole.

Where files live: ``storage.layout``; how a database commits:
``storage.database``; start-up and recovery: ``storage.startup``; purges:
``storage.purge``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import Query, TinyDB
from tinydb.table import Document

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
from flows.store import Ecriture, ExportCandidat
from storage import purge
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
"""How long a processed request id is remembered: far beyond Slack's retries (minutes)."""
MAX_REQUEST_IDS = 256
"""Expired request ids are swept each time a database's table reaches a multiple of this."""
MAX_OPEN = 256
"""Databases kept in memory at once (the least recently used are let go: their files stay)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class TinyDBStore:
    """Implements flows' ``Store``. On disk: ``await storage.open_store(dossier)``."""

    def __init__(
        self,
        root: Path | None,
        *,
        clock: Clock = utc_now,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        maximum: int = MAX_OPEN,
    ) -> None:
        self.clock = clock
        self.layout = Layout(root or Path("(mémoire)"))
        self.in_memory = root is None
        self.databases = Databases(
            in_memory=self.in_memory, maximum=maximum, migrations=migrations, clock=clock
        )
        self.index: dict[str, Evaluation] = {}
        """Every evaluation's header, by id: the candidates' index files, read at start-up."""
        self._validated: set[Path] = set()

    # --- databases ------------------------------------------------------------------

    def open(self, path: Path, modeles: Modeles) -> Database:
        """The database of ``path``, its records checked against their models when first read."""
        database = self.databases.get(path)
        if path not in self._validated:
            self._validate(database, modeles)
        return database

    def _validate(self, database: Database, modeles: Modeles) -> dict[str, dict[str, Any]]:
        try:
            lus = validate(database, modeles)
        except CorruptData:
            self.forget(database.path)
            raise
        self._validated.add(database.path)
        return lus

    def read_index(self, reference: str) -> dict[str, Evaluation]:
        """A candidate's index file, its records checked (start-up reads every one)."""
        lus = self._validate(self.databases.get(self.layout.index(reference)), INDEX)
        return lus.get(T_INDEX, {})

    def forget(self, path: Path) -> None:
        """The file of ``path`` was erased or moved aside: no object of it stays in memory."""
        self.databases.forget(path)
        self._validated.discard(path)

    def evaluation_database(self, evaluation_id: str) -> Database | None:
        """An indexed evaluation's database (None if there is no such evaluation).

        One whose file is found damaged (moved aside, CorruptData raised) leaves
        the index: it is unreachable, never written anew, until its file is put
        back and cqp-bot restarted.
        """
        entete = self.index.get(evaluation_id)
        if entete is None:
            return None
        chemin = self.layout.evaluation(entete.candidat.reference, evaluation_id)
        try:
            return self.open(chemin, EVALUATION)
        except CorruptData:
            del self.index[evaluation_id]
            raise

    def _conversation(self, canal: str, utilisateur: str) -> Database:
        return self.open(self.layout.conversation(canal, utilisateur), CONVERSATION)

    # --- the rules --------------------------------------------------------------------

    def _request_seen(self, database: Database, requete: str | None) -> bool:
        if requete is None:
            return False
        doc = get(database.table(T_REQUETES), requete)
        return doc is not None and datetime.fromisoformat(doc["expire"]) > self.clock()

    def _record_request(self, db: TinyDB, requete: str | None) -> None:
        """Record the request id; every MAX_REQUEST_IDS ids, forget the expired ones.

        Sweeping on every write would scan the whole table each time; every so
        many ids keeps a write's cost flat and the table bounded by a day's requests.
        """
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
        self,
        database: Database,
        evaluation_id: str,
        nouveau: Element | Evaluation,
        par: str,
        pourquoi: str | None,
        requete: str | None,
        creation: bool = False,
    ) -> Ecriture:
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
        return Ecriture.APPLIQUEE

    def reindex(self, database: Database) -> None:
        """Bring the candidate's index in line with the header stored in the evaluation."""
        entete = get(database.table(T_EVALUATION), "evaluation")
        if entete is None:
            return
        evaluation = Evaluation.model_validate(entete)
        index = self.open(self.layout.index(evaluation.candidat.reference), INDEX)
        with index.writing() as db:
            if get(db.table(T_INDEX), evaluation.id) != entete:
                put(db.table(T_INDEX), evaluation.id, entete)
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
        """The ids of a candidate's evaluations."""
        return sorted(i for i, e in self.index.items() if e.candidat.reference == reference)

    # --- the port -----------------------------------------------------------------

    async def creer(
        self, evaluation: Evaluation, *, par: str, requete: str | None = None
    ) -> Ecriture:
        connue = self.index.get(evaluation.id)
        reference = evaluation.candidat.reference
        if connue is not None and connue.candidat.reference != reference:
            raise EvaluationExists(evaluation=evaluation.id)  # never a second file beside it
        database = self.open(self.layout.evaluation(reference, evaluation.id), EVALUATION)
        resultat = self._write(
            database, evaluation.id, evaluation, par, None, requete, creation=True
        )
        # The evaluation is durable first: an index entry missing after a crash is made at
        # start-up from the evaluation's own file (storage.startup).
        self.reindex(database)
        return resultat

    async def modifier(
        self,
        evaluation: Evaluation,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        database = self.evaluation_database(evaluation.id)
        if database is None:
            raise UnknownEvaluation(evaluation=evaluation.id)
        if self.index[evaluation.id].candidat.reference != evaluation.candidat.reference:
            raise ReferenceChanged(evaluation=evaluation.id)
        resultat = self._write(database, evaluation.id, evaluation, par, pourquoi, requete)
        self.reindex(database)
        return resultat

    async def enregistrer(
        self,
        evaluation_id: str,
        element: Element,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        database = self.evaluation_database(evaluation_id)
        if database is None:
            raise UnknownEvaluation(evaluation=evaluation_id)
        return self._write(database, evaluation_id, element, par, pourquoi, requete)

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        database = self.evaluation_database(evaluation_id)
        if database is None:
            return None
        memo = database.memo.get("dossier")
        if memo is not None:  # unchanged since it was last built
            return memo  # type: ignore[no-any-return]
        contenu: dict[str, Any] = {
            table: [doc for _, doc in items(database.table(table))] for table in ELEMENTS
        }
        contenu["evaluation"] = get(database.table(T_EVALUATION), "evaluation")
        try:
            dossier = Dossier.model_validate(contenu)
        except ValidationError as exc:  # each record is valid (checked when read): no header
            self.forget(database.path)
            del self.index[evaluation_id]
            raise database.storage.corrupt("enregistrement", erreurs=exc.error_count()) from exc
        database.memo["dossier"] = dossier
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
        audit = self.open(self.layout.audit, AUDIT)
        return [Evenement.model_validate(d) for _, d in items(audit.table(T_EVENEMENTS))]

    async def etat(self, canal: str, utilisateur: str) -> EtatConversation | None:
        doc = get(self._conversation(canal, utilisateur).table(T_ETAT), T_ETAT)
        return None if doc is None else EtatConversation.model_validate(doc)

    async def sauver_etat(
        self,
        etat: EtatConversation,
        *,
        requete: str | None = None,
        durable: bool = True,
        repliques: Mapping[str, str | None] | None = None,
    ) -> Ecriture:
        database = self._conversation(etat.canal, etat.utilisateur)
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
            table = db.table(T_REPLIQUES)
            for cle, emballees in (repliques or {}).items():
                if emballees is not None:
                    put(table, cle, {"reponses": emballees})
                else:
                    table.remove(doc_ids=[cle])  # type: ignore[list-item]
            self._record_request(db, requete)
        return Ecriture.APPLIQUEE

    async def replique(self, canal: str, utilisateur: str, requete: str) -> str | None:
        doc = get(self._conversation(canal, utilisateur).table(T_REPLIQUES), requete)
        return None if doc is None else str(doc["reponses"])

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
        dossiers, historique = [], []
        for evaluation_id in self.candidate_evaluations(reference):
            dossier = await self.dossier(evaluation_id)
            if dossier is not None:
                dossiers.append(dossier)
                historique.extend(await self.historique(evaluation_id))
        self.audit_system(
            Evenement(quand=self.clock(), qui=par, quoi="export_candidat", cle=reference,
                      nouveau={"evaluations": [d.evaluation.id for d in dossiers]})
        )  # fmt: skip
        return ExportCandidat(
            reference=reference, dossiers=tuple(dossiers), historique=tuple(historique)
        )

    async def purger_candidat(self, reference: str, *, par: str, pourquoi: str) -> int:
        return purge.purge(self, reference, par=par, pourquoi=pourquoi)

    async def fermer(self) -> None:
        """Every write is durable when it returns: nothing is left to write."""


class MemoryStore(TinyDBStore):
    """The store with every database an image in memory: for the flows' tests, same rules."""

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__(None, clock=clock)
