"""The store on disk: TinyDB shards in a data directory, one per evaluation.

Layout::

    <data>/.verrou                                  the owner process's lock
    <data>/systeme.json, systeme.journal            index, conversations, global audit
    <data>/evaluations/<reference>/<id>.json        one evaluation (candidate × bloc)
    <data>/evaluations/<reference>/<id>.journal

One shard per evaluation keeps the cost of a write flat (it touches one
small journal, whatever else is stored), and makes a candidate's export and
purge a matter of one directory, named by the candidate's pseudonymous
reference, never their name.

Start-up checks every file cheaply (first and last bytes: empty, truncated,
NUL-filled, foreign, newer schema), runs migrations, finishes an interrupted
purge and re-indexes an evaluation created just before a crash. A shard's
content is read and validated in full when it is first used — or for every
shard at start-up with ``verification="complet"`` (``cqp-bot donnees
verifier``) — so that start-up stays short with a million answers stored.
"""

from __future__ import annotations

import asyncio
import os
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from weakref import WeakValueDictionary

from pydantic import BaseModel, ValidationError

from flows.evaluation import ELEMENTS, EtatConversation, Evaluation, Evenement
from storage import fichiers
from storage.base import (
    SYSTEME,
    T_CONVERSATIONS,
    T_EVALUATION,
    T_EVENEMENTS,
    T_INDEX,
    T_PURGES,
    T_REQUETES,
    Horloge,
    StoreDeShards,
    maintenant,
)
from storage.erreurs import SchemaTropRecent, StockageCorrompu
from storage.format import SCHEMA, FormatInvalide, Tables, encoder_instantane, verifier_entete
from storage.migrations import MIGRATIONS, Migration, migrer
from storage.shard import Fichiers, Shard, lire_fichiers
from storage.verrou import Verrou

Verification = Literal["entete", "complet"]
MAX_SHARDS_OUVERTS = 256
"""Evaluations kept in memory at once (least recently used ones are dropped)."""

_MODELES_EVALUATION: Mapping[str, type[BaseModel] | None] = {
    T_EVALUATION: Evaluation,
    T_EVENEMENTS: Evenement,
    T_REQUETES: None,
    **ELEMENTS,
}
_MODELES_SYSTEME: Mapping[str, type[BaseModel] | None] = {
    T_INDEX: Evaluation,
    T_CONVERSATIONS: EtatConversation,
    T_EVENEMENTS: Evenement,
    T_REQUETES: None,
    T_PURGES: None,
}


def _valider(tables: Tables, modeles: Mapping[str, type[BaseModel] | None]) -> None:
    """Every record of every table has the shape its model says (wrong types = corruption)."""
    for nom, table in tables.items():
        if nom not in modeles:
            raise FormatInvalide("table_inconnue", table=nom)
        modele = modeles[nom]
        if modele is None:
            continue
        for cle, doc in table.items():
            try:
                modele.model_validate(doc)
            except ValidationError as exc:
                raise FormatInvalide(
                    "enregistrement", table=nom, cle=cle, erreurs=exc.error_count()
                ) from exc


class StoreTinyDB(StoreDeShards):
    """Flows' store on disk. Open it with ``await StoreTinyDB.ouvrir(dossier)``."""

    def __init__(self, racine: Path, verrou: Verrou, systeme: Shard, horloge: Horloge) -> None:
        super().__init__(horloge)
        self.racine = racine
        self._verrou = verrou
        self._systeme_shard = systeme
        self._ouverts: OrderedDict[str, Shard] = OrderedDict()
        self._vivants: WeakValueDictionary[str, Shard] = WeakValueDictionary()
        self._ouverture = asyncio.Lock()
        self._sur_disque: list[Fichiers] = []
        """The evaluation shards found on disk at start-up (for ``preparer``)."""

    # --- start-up -----------------------------------------------------------------

    @classmethod
    async def ouvrir(
        cls,
        dossier: Path | str,
        *,
        verification: Verification = "entete",
        horloge: Horloge = maintenant,
        migrations: Mapping[int, Migration] = MIGRATIONS,
        schema: int = SCHEMA,
    ) -> StoreTinyDB:
        """Take ownership of ``dossier``, check it, and return the store.

        Raises:
            StockageVerrouille: another process owns the directory.
            StockageCorrompu: a file cannot be trusted; it was moved aside.
            SchemaTropRecent: a file was written by a newer cqp-bot.
        """
        racine = Path(dossier)
        return await asyncio.to_thread(
            cls._ouvrir, racine, verification, horloge, migrations, schema
        )

    @classmethod
    def _ouvrir(
        cls,
        racine: Path,
        verification: Verification,
        horloge: Horloge,
        migrations: Mapping[int, Migration],
        schema: int,
    ) -> StoreTinyDB:
        cls._creer_dossier(racine / "evaluations")
        verrou = Verrou(racine)
        try:
            systeme_fichiers = Fichiers(racine / f"{SYSTEME}.json")
            if not any(p.exists() for p in systeme_fichiers.tous()):
                fichiers.ecrire_atomique(systeme_fichiers.instantane, encoder_instantane({}, 0))
            cls._verifier_et_migrer(systeme_fichiers, horloge, migrations, schema)
            systeme = cls._charger(SYSTEME, systeme_fichiers, horloge, _MODELES_SYSTEME)
            # A purge a crash interrupted is finished before anything reads (or migrates,
            # or moves aside) the files it was erasing.
            for reference, doc in systeme.tous(T_PURGES):
                for evaluation_id in doc["evaluations"]:
                    cls._effacer(racine, evaluation_id, reference)
            evaluations, temporaires = cls._inventaire(racine)
            fichiers.supprimer(*temporaires)  # a crash before their rename: nothing acknowledged
            for emplacement in evaluations:
                cls._verifier_et_migrer(emplacement, horloge, migrations, schema)
            store = cls(racine, verrou, systeme, horloge)
            store._sur_disque = evaluations
            if verification == "complet":
                for emplacement in evaluations:
                    cls._charger(
                        emplacement.instantane.stem, emplacement, horloge, _MODELES_EVALUATION
                    )
        except BaseException:
            verrou.liberer()
            raise
        return store

    @staticmethod
    def _inventaire(racine: Path) -> tuple[list[Fichiers], list[Path]]:
        """Every evaluation shard on disk (snapshot, or journal only) and stale temp files.

        One ``os.scandir`` pass rather than ``Path.glob`` walks: with a million
        answers (6,000+ directories) start-up stays well under a second.
        """
        noms: set[str] = set()
        temporaires = [p for p in racine.iterdir() if p.name.endswith(fichiers.SUFFIXE_TEMPORAIRE)]
        with os.scandir(racine / "evaluations") as candidats:
            for candidat in candidats:
                if not candidat.is_dir():
                    continue
                with os.scandir(candidat.path) as entrees:
                    for entree in entrees:
                        base, point, extension = entree.name.rpartition(".")
                        if point and extension in {"json", "journal"}:
                            noms.add(os.path.join(candidat.path, base + ".json"))
                        elif entree.name.endswith(fichiers.SUFFIXE_TEMPORAIRE):
                            temporaires.append(Path(entree.path))
        return [Fichiers(Path(n)) for n in sorted(noms)], temporaires

    @staticmethod
    def _verifier_et_migrer(
        emplacement: Fichiers, horloge: Horloge, migrations: Mapping[int, Migration], schema: int
    ) -> None:
        chemin = emplacement.instantane
        try:
            fd = os.open(chemin, os.O_RDONLY)
        except FileNotFoundError:
            return  # a shard with only a journal so far
        try:
            taille = os.fstat(fd).st_size
            debut, fin = os.pread(fd, 64, 0), os.pread(fd, 2, max(0, taille - 2))
        finally:
            os.close(fd)
        try:
            version = verifier_entete(debut, fin, taille)
        except FormatInvalide as exc:
            deplaces = emplacement.mettre_de_cote(horloge())
            raise StockageCorrompu(
                fichier=chemin, probleme=exc.code, details=exc.details, deplace_vers=deplaces
            ) from exc
        if version > schema:
            raise SchemaTropRecent(fichier=chemin, version=version, connue=schema)
        if version < schema:
            migrer(emplacement, version, schema, migrations, horloge())

    @staticmethod
    def _charger(
        nom: str,
        emplacement: Fichiers,
        horloge: Horloge,
        modeles: Mapping[str, type[BaseModel] | None],
    ) -> Shard:
        """Read a shard in full, validate every record, and return it."""
        version, seq, tables, rejoues = lire_fichiers(emplacement, horloge())
        try:
            if version != SCHEMA:
                raise FormatInvalide("schema", version=version)
            _valider(tables, modeles)
        except FormatInvalide as exc:
            deplaces = emplacement.mettre_de_cote(horloge())
            raise StockageCorrompu(
                fichier=emplacement.instantane,
                probleme=exc.code,
                details=exc.details,
                deplace_vers=deplaces,
            ) from exc
        return Shard(nom, tables, seq, emplacement, lots_en_journal=rejoues)

    async def preparer(self) -> None:
        """Finish what a crash interrupted: a purge half done, an evaluation not yet indexed."""
        systeme = self._systeme_shard
        for reference, doc in list(systeme.tous(T_PURGES)):
            evenement = Evenement.model_validate(doc["audit"])
            await self._terminer_purge(reference, list(doc["evaluations"]), evenement)
        indexees = {cle for cle, _ in systeme.tous(T_INDEX)}
        for emplacement in self._sur_disque:
            evaluation_id, reference = (
                emplacement.instantane.stem,
                emplacement.instantane.parent.name,
            )
            encore_la = any(
                p.exists() for p in emplacement.tous()
            )  # a purge above may have erased it
            if evaluation_id not in indexees and encore_la:
                shard = await self._shard(evaluation_id, reference)
                entete = shard.lire(T_EVALUATION, "evaluation") if shard else None
                if entete is not None:
                    await self._indexer(Evaluation.model_validate(entete))

    # --- shards ---------------------------------------------------------------

    async def _systeme(self) -> Shard:
        return self._systeme_shard

    def _emplacement(self, evaluation_id: str, reference: str) -> Fichiers:
        return Fichiers(self.racine / "evaluations" / reference / f"{evaluation_id}.json")

    async def _ouvrir_shard(self, evaluation_id: str, reference: str | None) -> Shard | None:
        shard = self._ouverts.get(evaluation_id) or self._vivants.get(evaluation_id)
        if shard is not None:
            self._garder(shard)
            return shard
        async with self._ouverture:
            shard = self._ouverts.get(evaluation_id) or self._vivants.get(evaluation_id)
            if shard is not None:
                self._garder(shard)
                return shard
            ref = reference or self._reference(self._systeme_shard, evaluation_id)
            if ref is None:
                return None
            emplacement = self._emplacement(evaluation_id, ref)
            existe = any(p.exists() for p in emplacement.tous())
            if not existe and reference is None:
                return None
            if not existe:
                # Created with an empty snapshot: every shard on disk has one, so that
                # its schema version is always known (and a journal alone is an anomaly).
                await asyncio.to_thread(self._creer_shard, emplacement)
            shard = await asyncio.to_thread(
                self._charger, evaluation_id, emplacement, self.horloge, _MODELES_EVALUATION
            )
            self._garder(shard)
            return shard

    def _garder(self, shard: Shard) -> None:
        """Keep ``shard`` among the recently used, and known for as long as anyone holds it."""
        self._ouverts[shard.nom] = shard
        self._ouverts.move_to_end(shard.nom)
        self._vivants[shard.nom] = shard
        self._oublier_les_plus_anciens()

    @classmethod
    def _creer_shard(cls, emplacement: Fichiers) -> None:
        cls._creer_dossier(emplacement.instantane.parent)
        fichiers.ecrire_atomique(emplacement.instantane, encoder_instantane({}, 0))

    @staticmethod
    def _creer_dossier(dossier: Path) -> None:
        """Create ``dossier`` (and its parents), each one durably entered in its parent."""
        manquants = []
        while not dossier.exists():
            manquants.append(dossier)
            dossier = dossier.parent
        for d in reversed(manquants):
            d.mkdir()
            fichiers.fsync_dossier(d.parent)

    def _oublier_les_plus_anciens(self) -> None:
        """Drop the least recently used shards from the cache; their journals keep them durable.

        A shard still referenced by a coroutine stays reachable through
        ``_vivants`` (weak references), so there is never a second copy of it.
        """
        while len(self._ouverts) > MAX_SHARDS_OUVERTS:
            self._ouverts.popitem(last=False)

    async def _detruire(self, evaluation_id: str, reference: str) -> None:
        shard = self._ouverts.pop(evaluation_id, None) or self._vivants.get(evaluation_id)
        if shard is None:
            await asyncio.to_thread(self._effacer, self.racine, evaluation_id, reference)
            return
        async with shard.ecriture():
            shard.detruit = True
            await asyncio.to_thread(self._effacer, self.racine, evaluation_id, reference)

    async def _evaluations_hors_index(self, reference: str) -> list[str]:
        dossier = self.racine / "evaluations" / reference
        if not dossier.is_dir():
            return []
        return sorted({p.name.split(".", 1)[0] for p in dossier.iterdir()})

    @staticmethod
    def _effacer(racine: Path, evaluation_id: str, reference: str) -> None:
        """Erase every file of an evaluation: snapshot, journal, backups, copies moved aside."""
        dossier = racine / "evaluations" / reference
        if not dossier.is_dir():
            return
        fichiers.supprimer(
            *(p for p in dossier.iterdir() if p.name.split(".", 1)[0] == evaluation_id)
        )
        if not any(dossier.iterdir()):
            dossier.rmdir()
            fichiers.fsync_dossier(dossier.parent)

    async def fermer(self) -> None:
        """Write every snapshot in its final form, then release the directory."""
        try:
            for shard in [*self._ouverts.values(), self._systeme_shard]:
                async with shard.ecriture():
                    await shard.instantane()
        finally:
            self._verrou.liberer()


async def ouvrir(dossier: Path | str, **options: Any) -> StoreTinyDB:
    """Open the store in ``dossier`` and finish any work a crash interrupted."""
    store = await StoreTinyDB.ouvrir(dossier, **options)
    try:
        await store.preparer()
    except BaseException:
        await store.fermer()
        raise
    return store
