"""Why the store refuses: a code and the facts of the case (never prose), which
``flows.catalogue.erreur_stockage`` words in French for start-up, the CLI or the chat."""

from __future__ import annotations

from flows.store import RefusStore


class StoreError(RefusStore):
    """Base of every refusal of the store (flows catch it as the port's RefusStore)."""


class CorruptData(StoreError):
    """A file cannot be trusted; moved aside, never reset. Details: fichier, probleme,
    details, deplace_vers (the paths the file now has)."""

    code = "corrompu"


class NewerSchema(StoreError):
    """A file written by a newer cqp-bot, left untouched. Details: fichier, version, connue."""

    code = "schema_trop_recent"


class NoMigrationPath(StoreError):
    """No migration leads from the file's version to ours. Details: fichier, version, connue."""

    code = "migration_impossible"


class LegacyUnreadable(StoreError):
    """A format-1 file cannot be read: nothing was converted. Details: fichier, probleme."""

    code = "ancien_format_illisible"


class StoreLocked(StoreError):
    """Another process owns the data directory. Details: dossier, pid."""

    code = "verrouille"


class WriteFailed(StoreError):
    """The disk refused a write (full, read-only…): nothing changed. Details: fichier, detail,
    errno."""

    code = "indisponible"


class InvalidValue(StoreError):
    """A value JSON cannot hold (NaN, infinity…): refused, nothing changed. Details: detail."""

    code = "donnees_invalides"


class UnknownEvaluation(StoreError):
    """No evaluation has this id. Details: evaluation."""

    code = "evaluation_inconnue"


class EvaluationExists(StoreError):
    """Another evaluation already has this id. Details: evaluation."""

    code = "evaluation_existante"


class ReferenceChanged(StoreError):
    """An evaluation's candidate cannot change: it is filed under them. Details: evaluation."""

    code = "reference_modifiee"
