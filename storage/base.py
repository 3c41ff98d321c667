"""The store's rules, written once for every backend.

Which write wins, what the audit trail records, how a request id makes a
retry harmless, how a candidate is exported and purged: all of it is here,
over shards. A backend only says where shards come from (memory, disk) —
so the in-memory store used by the flows' tests cannot drift from the real
one, and one contract test suite covers both.

Lock order, to rule out deadlocks: an evaluation's shard, then the system
shard; never the other way round.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.evaluation import (
    ELEMENTS,
    Adresse,
    Dossier,
    Element,
    EtatConversation,
    Evaluation,
    Evenement,
)
from flows.store import Ecriture, ExportCandidat
from storage.errors import (
    CorruptData,
    EvaluationExists,
    ReferenceChanged,
    UnknownEvaluation,
)
from storage.shard import Op, Shard

REQUEST_TTL = timedelta(hours=24)
"""How long a processed request id is remembered: far beyond Slack's retries (minutes)."""
MAX_REQUEST_IDS = 512
"""Expired request ids are swept each time a shard's table reaches a multiple of this."""

T_EVALUATION = Evaluation.TABLE
T_EVENEMENTS = "evenements"
T_REQUETES = "requetes"
T_INDEX = "index"
T_CONVERSATIONS = "conversations"
T_PURGES = "purges"
T_ADRESSES = "adresses"
T_REPLIQUES = "repliques"
SYSTEM = "systeme"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def _json(modele: BaseModel) -> dict[str, Any]:
    return modele.model_dump(mode="json")


def _put(table: str, cle: str, doc: dict[str, Any]) -> Op:
    return {"op": "put", "table": table, "cle": cle, "doc": doc}


def _del(table: str, cle: str) -> Op:
    return {"op": "del", "table": table, "cle": cle}


def _dossier_apres(shard: Shard, avant: int, table: str, cle: str, doc: dict[str, Any]) -> None:
    """Keep the shard's memoised Dossier current through one write, validating that record only.

    Re-validating the whole Dossier after every answer costs as much as the rest of the
    answer's storage; the record is validated from the very document stored, so the Dossier
    is the one a full rebuild would give. Anything unexpected: the memo is dropped, and the
    next read rebuilds (and reports corruption) as before.
    """
    memo = shard.memo.pop("dossier", None)
    if memo is None or memo[0] != avant:
        return
    dossier: Dossier = memo[1]
    try:
        if table == T_EVALUATION:
            maj: dict[str, Any] = {"evaluation": Evaluation.model_validate(doc)}
        elif table in ELEMENTS:
            element = ELEMENTS[table].model_validate(doc)
            autres = [e for e in getattr(dossier, table) if e.cle != cle]
            maj = {table: tuple(sorted([*autres, element], key=lambda e: e.cle))}
        else:
            return
    except ValidationError:
        return
    shard.memo["dossier"] = (shard.seq, dossier.model_copy(update=maj))


class ShardedStore(abc.ABC):
    """Implements flows' ``Store`` port over shards; subclasses provide the shards."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self.clock = clock
        self._purging: set[str] = set()

    # --- what a backend provides ------------------------------------------------

    @abc.abstractmethod
    async def _system(self) -> Shard:
        """The system shard: index of evaluations, conversations, global audit."""

    @abc.abstractmethod
    async def _open_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        """An evaluation's shard; created when ``reference`` (the candidate's) is given."""

    async def _unindexed_evaluations(self, reference: str) -> list[str]:
        """Evaluations of a candidate present in the backend but not (yet) indexed."""
        return []

    async def _shard(self, evaluation_id: str, reference: str | None = None) -> Shard | None:
        """An evaluation's shard, unless it is being purged (then it no longer exists)."""
        if evaluation_id in self._purging:
            return None
        return await self._open_shard(evaluation_id, reference)

    @abc.abstractmethod
    async def _erase(self, evaluation_id: str, reference: str) -> None:
        """Erase an evaluation's shard for good."""

    @abc.abstractmethod
    async def fermer(self) -> None: ...

    # --- helpers ----------------------------------------------------------------

    def _request_seen(self, shard: Shard, requete: str | None) -> bool:
        if requete is None:
            return False
        doc = shard.get(T_REQUETES, requete)
        return doc is not None and datetime.fromisoformat(doc["expire"]) > self.clock()

    def _request_ops(self, shard: Shard, requete: str | None) -> list[Op]:
        """Record the request id; every MAX_REQUEST_IDS ids, forget the expired ones.

        Sweeping on every write would scan the whole table each time; sweeping
        every so many ids keeps the cost of a write flat and the table bounded
        by a day's requests.
        """
        if requete is None:
            return []
        quand = self.clock()
        ops = [_put(T_REQUETES, requete, {"expire": (quand + REQUEST_TTL).isoformat()})]
        if (len(shard.tables().get(T_REQUETES, {})) + 1) % MAX_REQUEST_IDS == 0:
            ops += [
                _del(T_REQUETES, cle)
                for cle, doc in shard.items(T_REQUETES)
                if datetime.fromisoformat(doc["expire"]) <= quand
            ]
        return ops

    def _audit_op(self, shard: Shard, evenement: Evenement) -> Op:
        """An audit line; its key keeps the trail in order and is never reused."""
        return _put(T_EVENEMENTS, f"{shard.seq + 1:012d}", _json(evenement))

    async def _write(
        self,
        shard: Shard,
        evaluation_id: str,
        table: str,
        cle: str,
        nouveau: Element | Evaluation,
        par: str,
        pourquoi: str | None,
        requete: str | None,
        creation: bool = False,
    ) -> Ecriture:
        """The one path of every evaluation write: idempotency, staleness, audit, durability."""
        async with shard.writing():
            if self._request_seen(shard, requete):
                return Ecriture.DEJA_TRAITEE
            doc = _json(nouveau)
            ancien = shard.get(table, cle)
            if ancien == doc:
                return Ecriture.INCHANGEE
            if creation and ancien is not None:
                raise EvaluationExists(evaluation=evaluation_id)
            if (
                ancien is not None
                and datetime.fromisoformat(ancien["horodatage"]) > nouveau.horodatage
            ):
                return Ecriture.PERIMEE
            evenement = Evenement(
                quand=self.clock(), qui=par, quoi=table, evaluation=evaluation_id,
                cle=cle, ancien=ancien, nouveau=doc, pourquoi=pourquoi,
            )  # fmt: skip
            avant = shard.seq
            await shard.commit(
                [
                    _put(table, cle, doc),
                    self._audit_op(shard, evenement),
                    *self._request_ops(shard, requete),
                ]
            )
            _dossier_apres(shard, avant, table, cle, doc)
        return Ecriture.APPLIQUEE

    async def _reindex(self, shard: Shard) -> None:
        """Bring the index entry in line with the header stored in the shard."""
        entete = shard.get(T_EVALUATION, "evaluation")
        if entete is not None:
            await self._index(Evaluation.model_validate(entete))

    async def _index(self, evaluation: Evaluation) -> None:
        systeme = await self._system()
        async with systeme.writing():
            doc = _json(evaluation)
            if systeme.get(T_INDEX, evaluation.id) != doc:
                await systeme.commit([_put(T_INDEX, evaluation.id, doc)])

    def _reference(self, systeme: Shard, evaluation_id: str) -> str | None:
        doc = systeme.get(T_INDEX, evaluation_id)
        return None if doc is None else str(doc["candidat"]["reference"])

    # --- the port -----------------------------------------------------------------

    async def creer(
        self, evaluation: Evaluation, *, par: str, requete: str | None = None
    ) -> Ecriture:
        reference = self._reference(await self._system(), evaluation.id)
        if reference is not None and reference != evaluation.candidat.reference:
            # Same id, another candidate: never a new shard beside the old one.
            raise EvaluationExists(evaluation=evaluation.id)
        shard = await self._shard(evaluation.id, evaluation.candidat.reference)
        if shard is None:  # being purged
            raise EvaluationExists(evaluation=evaluation.id)
        resultat = await self._write(
            shard, evaluation.id, T_EVALUATION, evaluation.cle, evaluation, par, None, requete,
            creation=True,
        )  # fmt: skip
        # The shard is durable first; an index entry missing after a crash is rebuilt at
        # start-up, and a stale one is brought up to date by any later call.
        await self._reindex(shard)
        return resultat

    async def modifier(
        self,
        evaluation: Evaluation,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        shard = await self._shard(evaluation.id)
        stockee = None if shard is None else shard.get(T_EVALUATION, evaluation.cle)
        if shard is None or stockee is None:
            raise UnknownEvaluation(evaluation=evaluation.id)
        if stockee["candidat"]["reference"] != evaluation.candidat.reference:
            raise ReferenceChanged(evaluation=evaluation.id)
        resultat = await self._write(
            shard, evaluation.id, T_EVALUATION, evaluation.cle, evaluation, par, pourquoi, requete
        )
        await self._reindex(shard)
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
        shard = await self._shard(evaluation_id)
        if shard is None or shard.get(T_EVALUATION, "evaluation") is None:
            raise UnknownEvaluation(evaluation=evaluation_id)
        return await self._write(
            shard, evaluation_id, element.TABLE, element.cle, element, par, pourquoi, requete
        )

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        shard = await self._shard(evaluation_id)
        if shard is None:
            return None
        entete = shard.get(T_EVALUATION, "evaluation")
        if entete is None:
            return None
        memo = shard.memo.get("dossier")
        if (
            memo is not None and memo[0] == shard.seq
        ):  # unchanged since last built: no re-validation
            return memo[1]  # type: ignore[no-any-return]
        contenu: dict[str, Any] = {"evaluation": entete}
        for table in ELEMENTS:
            contenu[table] = [doc for _, doc in sorted(shard.items(table))]
        try:
            dossier = Dossier.model_validate(contenu)
            shard.memo["dossier"] = (shard.seq, dossier)
            return dossier
        except ValidationError as exc:
            raise CorruptData(
                fichier=shard.location.snapshot if shard.location else shard.name,
                probleme="enregistrement",
                details={"erreurs": exc.error_count()},
                deplace_vers=(),
            ) from exc

    async def requete_traitee(self, evaluation_id: str, requete: str) -> bool:
        shard = await self._shard(evaluation_id)
        return shard is not None and self._request_seen(shard, requete)

    async def evaluations(self) -> list[Evaluation]:
        systeme = await self._system()
        return [Evaluation.model_validate(doc) for _, doc in sorted(systeme.items(T_INDEX))]

    async def historique(self, evaluation_id: str) -> list[Evenement]:
        shard = await self._shard(evaluation_id)
        if shard is None:
            raise UnknownEvaluation(evaluation=evaluation_id)
        return [Evenement.model_validate(doc) for _, doc in sorted(shard.items(T_EVENEMENTS))]

    async def historique_systeme(self) -> list[Evenement]:
        """Audit lines that outlive evaluations: exports and purges."""
        systeme = await self._system()
        return [Evenement.model_validate(doc) for _, doc in sorted(systeme.items(T_EVENEMENTS))]

    async def etat(self, canal: str, utilisateur: str) -> EtatConversation | None:
        systeme = await self._system()
        doc = systeme.get(T_CONVERSATIONS, f"{canal}|{utilisateur}")
        return None if doc is None else EtatConversation.model_validate(doc)

    async def sauver_etat(
        self,
        etat: EtatConversation,
        *,
        requete: str | None = None,
        durable: bool = True,
        repliques: Mapping[str, str | None] | None = None,
    ) -> Ecriture:
        systeme = await self._system()
        async with systeme.writing():
            if self._request_seen(systeme, requete):
                return Ecriture.DEJA_TRAITEE
            doc = _json(etat)
            ancien = systeme.get(T_CONVERSATIONS, etat.cle)
            if ancien == doc and not repliques:
                return Ecriture.INCHANGEE
            if (
                ancien is not None
                and datetime.fromisoformat(ancien["horodatage"]) > etat.horodatage
            ):
                return Ecriture.PERIMEE
            memoire = [
                _put(T_REPLIQUES, f"{etat.cle}|{cle}", {"reponses": emballees})
                if emballees is not None
                else _del(T_REPLIQUES, f"{etat.cle}|{cle}")
                for cle, emballees in (repliques or {}).items()
            ]
            await systeme.commit(
                [
                    _put(T_CONVERSATIONS, etat.cle, doc),
                    *memoire,
                    *self._request_ops(systeme, requete),
                ],
                durable,
            )
        return Ecriture.APPLIQUEE

    async def replique(self, canal: str, utilisateur: str, requete: str) -> str | None:
        systeme = await self._system()
        doc = systeme.get(T_REPLIQUES, f"{canal}|{utilisateur}|{requete}")
        return None if doc is None else str(doc["reponses"])

    async def adresse(self, canal: str, cle: str) -> Adresse | None:
        systeme = await self._system()
        doc = systeme.get(T_ADRESSES, f"{canal}|{cle}")
        return None if doc is None else Adresse.model_validate(doc)

    async def adresses(self, canal: str) -> list[Adresse]:
        systeme = await self._system()
        return [
            Adresse.model_validate(doc)
            for cle, doc in sorted(systeme.items(T_ADRESSES))
            if cle.startswith(f"{canal}|")
        ]

    async def sauver_adresse(self, adresse: Adresse) -> Ecriture:
        systeme = await self._system()
        async with systeme.writing():
            doc = _json(adresse)
            ancien = systeme.get(T_ADRESSES, adresse.cle_complete)
            if ancien is not None and ancien["donnees"] == doc["donnees"]:
                return Ecriture.INCHANGEE  # the same address (the key names channel and person)
            await systeme.commit([_put(T_ADRESSES, adresse.cle_complete, doc)])
        return Ecriture.APPLIQUEE

    async def _candidate_evaluations(self, reference: str) -> list[str]:
        systeme = await self._system()
        indexees = [
            cle
            for cle, doc in sorted(systeme.items(T_INDEX))
            if doc["candidat"]["reference"] == reference
        ]
        return sorted({*indexees, *await self._unindexed_evaluations(reference)})

    async def _audit_system(self, evenement: Evenement) -> None:
        systeme = await self._system()
        async with systeme.writing():
            await systeme.commit([self._audit_op(systeme, evenement)])

    async def exporter_candidat(self, reference: str, *, par: str) -> ExportCandidat:
        dossiers, historique = [], []
        for evaluation_id in await self._candidate_evaluations(reference):
            dossier = await self.dossier(evaluation_id)
            if dossier is not None:
                dossiers.append(dossier)
                historique.extend(await self.historique(evaluation_id))
        await self._audit_system(
            Evenement(quand=self.clock(), qui=par, quoi="export_candidat", cle=reference,
                      nouveau={"evaluations": [d.evaluation.id for d in dossiers]})
        )  # fmt: skip
        return ExportCandidat(
            reference=reference, dossiers=tuple(dossiers), historique=tuple(historique)
        )

    async def purger_candidat(self, reference: str, *, par: str, pourquoi: str) -> int:
        ids = await self._candidate_evaluations(reference)
        evenement = Evenement(
            quand=self.clock(), qui=par, quoi="purge_candidat", cle=reference,
            nouveau={"evaluations": len(ids)}, pourquoi=pourquoi,
        )  # fmt: skip
        systeme = await self._system()
        # The purge is recorded as pending first, with its audit line: a crash half-way is
        # finished at start-up instead of leaving files that would be indexed again.
        async with systeme.writing():
            await systeme.commit(
                [_put(T_PURGES, reference, {"evaluations": ids, "audit": _json(evenement)})]
            )
        await self._finish_purge(reference, ids, evenement)
        return len(ids)

    async def _finish_purge(self, reference: str, ids: list[str], evenement: Evenement) -> None:
        self._purging.update(ids)
        try:
            for evaluation_id in ids:
                await self._erase(evaluation_id, reference)
            systeme = await self._system()
            async with systeme.writing():
                await systeme.commit(
                    [
                        *(_del(T_INDEX, i) for i in ids),
                        # Replies remembered for retries may name the candidate; opaque
                        # (compressed), they are all forgotten: a retry is then run again,
                        # and the store still applies no request twice.
                        *(_del(T_REPLIQUES, cle) for cle, _ in systeme.items(T_REPLIQUES)),
                        _del(T_PURGES, reference),
                        self._audit_op(systeme, evenement),
                    ]
                )
                # The system journal still holds the index lines with the candidate's name:
                # a snapshot now rewrites the system file without them and empties the journal.
                await systeme.snapshot()
        finally:
            self._purging.difference_update(ids)
