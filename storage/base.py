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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from flows.evaluation import (
    ELEMENTS,
    Dossier,
    Element,
    EtatConversation,
    Evaluation,
    Evenement,
)
from flows.store import Ecriture, ExportCandidat
from storage.erreurs import (
    EvaluationExistante,
    EvaluationInconnue,
    ReferenceModifiee,
    StockageCorrompu,
)
from storage.shard import Op, Shard

DUREE_REQUETES = timedelta(hours=24)
"""How long a processed request id is remembered: far beyond Slack's retries (minutes)."""
MAX_REQUETES = 512
"""Remembered request ids in a shard before the expired ones are swept."""

T_EVALUATION = Evaluation.TABLE
T_EVENEMENTS = "evenements"
T_REQUETES = "requetes"
T_INDEX = "index"
T_CONVERSATIONS = "conversations"
T_PURGES = "purges"
SYSTEME = "systeme"

Horloge = Callable[[], datetime]


def maintenant() -> datetime:
    return datetime.now(UTC)


def _json(modele: BaseModel) -> dict[str, Any]:
    return modele.model_dump(mode="json")


def _put(table: str, cle: str, doc: dict[str, Any]) -> Op:
    return {"op": "put", "table": table, "cle": cle, "doc": doc}


def _del(table: str, cle: str) -> Op:
    return {"op": "del", "table": table, "cle": cle}


class StoreDeShards(abc.ABC):
    """Implements flows' ``Store`` port over shards; subclasses provide the shards."""

    def __init__(self, horloge: Horloge = maintenant) -> None:
        self.horloge = horloge
        self._en_purge: set[str] = set()

    # --- what a backend provides ------------------------------------------------

    @abc.abstractmethod
    async def _systeme(self) -> Shard:
        """The system shard: index of evaluations, conversations, global audit."""

    @abc.abstractmethod
    async def _ouvrir_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        """An evaluation's shard; created when ``reference`` (the candidate's) is given."""

    async def _evaluations_hors_index(self, reference: str) -> list[str]:
        """Evaluations of a candidate present in the backend but not (yet) indexed."""
        return []

    async def _shard(self, evaluation_id: str, reference: str | None = None) -> Shard | None:
        """An evaluation's shard, unless it is being purged (then it no longer exists)."""
        if evaluation_id in self._en_purge:
            return None
        return await self._ouvrir_shard(evaluation_id, reference)

    @abc.abstractmethod
    async def _detruire(self, evaluation_id: str, reference: str) -> None:
        """Erase an evaluation's shard for good."""

    @abc.abstractmethod
    async def fermer(self) -> None: ...

    # --- helpers ----------------------------------------------------------------

    def _requete_vue(self, shard: Shard, requete: str | None) -> bool:
        if requete is None:
            return False
        doc = shard.lire(T_REQUETES, requete)
        return doc is not None and datetime.fromisoformat(doc["expire"]) > self.horloge()

    def _ops_requete(self, shard: Shard, requete: str | None) -> list[Op]:
        """Record the request id, and forget the expired ones while at it."""
        if requete is None:
            return []
        quand = self.horloge()
        ops = [
            _del(T_REQUETES, cle)
            for cle, doc in shard.tous(T_REQUETES)
            if datetime.fromisoformat(doc["expire"]) <= quand
        ]
        ops.append(_put(T_REQUETES, requete, {"expire": (quand + DUREE_REQUETES).isoformat()}))
        return ops

    def _evenement(self, shard: Shard, evenement: Evenement) -> Op:
        """An audit line; its key keeps the trail in order and is never reused."""
        return _put(T_EVENEMENTS, f"{shard.seq + 1:012d}", _json(evenement))

    async def _ecrire(
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
        async with shard.ecriture():
            if self._requete_vue(shard, requete):
                return Ecriture.DEJA_TRAITEE
            doc = _json(nouveau)
            ancien = shard.lire(table, cle)
            if ancien == doc:
                return Ecriture.INCHANGEE
            if creation and ancien is not None:
                raise EvaluationExistante(evaluation=evaluation_id)
            if (
                ancien is not None
                and datetime.fromisoformat(ancien["horodatage"]) > nouveau.horodatage
            ):
                return Ecriture.PERIMEE
            evenement = Evenement(
                quand=self.horloge(), qui=par, quoi=table, evaluation=evaluation_id,
                cle=cle, ancien=ancien, nouveau=doc, pourquoi=pourquoi,
            )  # fmt: skip
            await shard.valider(
                [
                    _put(table, cle, doc),
                    self._evenement(shard, evenement),
                    *self._ops_requete(shard, requete),
                ]
            )
        return Ecriture.APPLIQUEE

    async def _reindexer(self, shard: Shard) -> None:
        """Bring the index entry in line with the header stored in the shard."""
        entete = shard.lire(T_EVALUATION, "evaluation")
        if entete is not None:
            await self._indexer(Evaluation.model_validate(entete))

    async def _indexer(self, evaluation: Evaluation) -> None:
        systeme = await self._systeme()
        async with systeme.ecriture():
            doc = _json(evaluation)
            if systeme.lire(T_INDEX, evaluation.id) != doc:
                await systeme.valider([_put(T_INDEX, evaluation.id, doc)])

    def _reference(self, systeme: Shard, evaluation_id: str) -> str | None:
        doc = systeme.lire(T_INDEX, evaluation_id)
        return None if doc is None else str(doc["candidat"]["reference"])

    # --- the port -----------------------------------------------------------------

    async def creer(
        self, evaluation: Evaluation, *, par: str, requete: str | None = None
    ) -> Ecriture:
        reference = self._reference(await self._systeme(), evaluation.id)
        if reference is not None and reference != evaluation.candidat.reference:
            # Same id, another candidate: never a new shard beside the old one.
            raise EvaluationExistante(evaluation=evaluation.id)
        shard = await self._shard(evaluation.id, evaluation.candidat.reference)
        if shard is None:  # being purged
            raise EvaluationExistante(evaluation=evaluation.id)
        resultat = await self._ecrire(
            shard, evaluation.id, T_EVALUATION, evaluation.cle, evaluation, par, None, requete,
            creation=True,
        )  # fmt: skip
        # The shard is durable first; an index entry missing after a crash is rebuilt at
        # start-up, and a stale one is brought up to date by any later call.
        await self._reindexer(shard)
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
        stockee = None if shard is None else shard.lire(T_EVALUATION, evaluation.cle)
        if shard is None or stockee is None:
            raise EvaluationInconnue(evaluation=evaluation.id)
        if stockee["candidat"]["reference"] != evaluation.candidat.reference:
            raise ReferenceModifiee(evaluation=evaluation.id)
        resultat = await self._ecrire(
            shard, evaluation.id, T_EVALUATION, evaluation.cle, evaluation, par, pourquoi, requete
        )
        await self._reindexer(shard)
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
        if shard is None or shard.lire(T_EVALUATION, "evaluation") is None:
            raise EvaluationInconnue(evaluation=evaluation_id)
        return await self._ecrire(
            shard, evaluation_id, element.TABLE, element.cle, element, par, pourquoi, requete
        )

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        shard = await self._shard(evaluation_id)
        if shard is None:
            return None
        entete = shard.lire(T_EVALUATION, "evaluation")
        if entete is None:
            return None
        contenu: dict[str, Any] = {"evaluation": entete}
        for table in ELEMENTS:
            contenu[table] = [doc for _, doc in sorted(shard.tous(table))]
        try:
            return Dossier.model_validate(contenu)
        except ValidationError as exc:
            raise StockageCorrompu(
                fichier=shard.emplacement.instantane if shard.emplacement else shard.nom,
                probleme="enregistrement",
                details={"erreurs": exc.error_count()},
                deplace_vers=(),
            ) from exc

    async def evaluations(self) -> list[Evaluation]:
        systeme = await self._systeme()
        return [Evaluation.model_validate(doc) for _, doc in sorted(systeme.tous(T_INDEX))]

    async def historique(self, evaluation_id: str) -> list[Evenement]:
        shard = await self._shard(evaluation_id)
        if shard is None:
            raise EvaluationInconnue(evaluation=evaluation_id)
        return [Evenement.model_validate(doc) for _, doc in sorted(shard.tous(T_EVENEMENTS))]

    async def historique_systeme(self) -> list[Evenement]:
        """Audit lines that outlive evaluations: exports and purges."""
        systeme = await self._systeme()
        return [Evenement.model_validate(doc) for _, doc in sorted(systeme.tous(T_EVENEMENTS))]

    async def etat(self, canal: str, utilisateur: str) -> EtatConversation | None:
        systeme = await self._systeme()
        doc = systeme.lire(T_CONVERSATIONS, f"{canal}|{utilisateur}")
        return None if doc is None else EtatConversation.model_validate(doc)

    async def sauver_etat(self, etat: EtatConversation, *, requete: str | None = None) -> Ecriture:
        systeme = await self._systeme()
        async with systeme.ecriture():
            if self._requete_vue(systeme, requete):
                return Ecriture.DEJA_TRAITEE
            doc = _json(etat)
            ancien = systeme.lire(T_CONVERSATIONS, etat.cle)
            if ancien == doc:
                return Ecriture.INCHANGEE
            if (
                ancien is not None
                and datetime.fromisoformat(ancien["horodatage"]) > etat.horodatage
            ):
                return Ecriture.PERIMEE
            await systeme.valider(
                [_put(T_CONVERSATIONS, etat.cle, doc), *self._ops_requete(systeme, requete)]
            )
        return Ecriture.APPLIQUEE

    async def _evaluations_du_candidat(self, reference: str) -> list[str]:
        systeme = await self._systeme()
        indexees = [
            cle
            for cle, doc in sorted(systeme.tous(T_INDEX))
            if doc["candidat"]["reference"] == reference
        ]
        return sorted({*indexees, *await self._evaluations_hors_index(reference)})

    async def _auditer_systeme(self, evenement: Evenement) -> None:
        systeme = await self._systeme()
        async with systeme.ecriture():
            await systeme.valider([self._evenement(systeme, evenement)])

    async def exporter_candidat(self, reference: str, *, par: str) -> ExportCandidat:
        dossiers, historique = [], []
        for evaluation_id in await self._evaluations_du_candidat(reference):
            dossier = await self.dossier(evaluation_id)
            if dossier is not None:
                dossiers.append(dossier)
                historique.extend(await self.historique(evaluation_id))
        await self._auditer_systeme(
            Evenement(quand=self.horloge(), qui=par, quoi="export_candidat", cle=reference,
                      nouveau={"evaluations": [d.evaluation.id for d in dossiers]})
        )  # fmt: skip
        return ExportCandidat(
            reference=reference, dossiers=tuple(dossiers), historique=tuple(historique)
        )

    async def purger_candidat(self, reference: str, *, par: str, pourquoi: str) -> int:
        ids = await self._evaluations_du_candidat(reference)
        evenement = Evenement(
            quand=self.horloge(), qui=par, quoi="purge_candidat", cle=reference,
            nouveau={"evaluations": len(ids)}, pourquoi=pourquoi,
        )  # fmt: skip
        systeme = await self._systeme()
        # The purge is recorded as pending first, with its audit line: a crash half-way is
        # finished at start-up instead of leaving files that would be indexed again.
        async with systeme.ecriture():
            await systeme.valider(
                [_put(T_PURGES, reference, {"evaluations": ids, "audit": _json(evenement)})]
            )
        await self._terminer_purge(reference, ids, evenement)
        return len(ids)

    async def _terminer_purge(self, reference: str, ids: list[str], evenement: Evenement) -> None:
        self._en_purge.update(ids)
        try:
            for evaluation_id in ids:
                await self._detruire(evaluation_id, reference)
            systeme = await self._systeme()
            async with systeme.ecriture():
                await systeme.valider(
                    [
                        *(_del(T_INDEX, i) for i in ids),
                        _del(T_PURGES, reference),
                        self._evenement(systeme, evenement),
                    ]
                )
                # The system journal still holds the index lines with the candidate's name:
                # a snapshot now rewrites the system file without them and empties the journal.
                await systeme.instantane()
        finally:
            self._en_purge.difference_update(ids)
