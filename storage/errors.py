"""Why the store refuses to go on: structured errors, worded in French by the catalogue.

Each error carries a code and the facts of the case (which file, where it was
moved), never prose: ``flows.catalogue.erreur_stockage`` turns it into the
message a person reads at start-up or in chat.
"""

from __future__ import annotations

from pathlib import Path

from flows.store import RefusStore


class StoreError(RefusStore):
    """Base of every refusal of the store (flows catch it as the port's RefusStore)."""


class CorruptData(StoreError):
    """A data file cannot be trusted. It was moved aside, never replaced by an empty one.

    Details: ``fichier`` (Path), ``probleme`` (code of what is wrong),
    ``deplace_vers`` (tuple of Paths where the shard's files now are).
    """

    code = "corrompu"


class NewerSchema(StoreError):
    """A file was written by a newer cqp-bot; this one must not touch it.

    Details: fichier, version, connue.
    """

    code = "schema_trop_recent"


class NoMigrationPath(StoreError):
    """No migration leads from the file's version to ours. Details: fichier, version, connue."""

    code = "migration_impossible"


class StoreLocked(StoreError):
    """Another process owns the data directory. Details: dossier, pid."""

    code = "verrouille"


class ShardBusy(StoreError):
    """A shard stayed locked longer than the bounded wait. Details: evaluation."""

    code = "occupe"


class WriteFailed(StoreError):
    """A write could not be made durable (disk full, permissions): nothing was applied.

    Details: fichier, detail.
    """

    code = "indisponible"


class UnknownEvaluation(StoreError):
    """No evaluation has this id. Details: evaluation."""

    code = "evaluation_inconnue"


class EvaluationExists(StoreError):
    """Another evaluation already has this id. Details: evaluation."""

    code = "evaluation_existante"


class ReferenceChanged(StoreError):
    """An evaluation's candidate reference cannot change: its files are filed under it.

    Details: evaluation.
    """

    code = "reference_modifiee"


class InvalidValue(StoreError):
    """A value cannot be stored as JSON (NaN, infinity…): refused before anything is written.

    Details: detail.
    """

    code = "donnees_invalides"


def chemins(*paths: Path) -> tuple[str, ...]:
    """Paths as strings, for messages."""
    return tuple(str(p) for p in paths)


class LegacyUnreadable(StoreError):
    """A file of the format-1 directory cannot be read: nothing was converted nor touched.

    Details: fichier, probleme.
    """

    code = "ancien_format_illisible"
