"""The store's refusals, in French words from their codes, and the data directory's command
line (``cqp-bot donnees``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

PROBLEMES_FICHIER: Final = {
    "vide": "le fichier est vide",
    "tronque": "le fichier est incomplet (coupé, ou suivi de données en trop)",
    "octets_nuls": "le fichier est rempli d'octets nuls",
    "entete": "ce n'est pas un fichier de données cqp-bot",
    "encodage": "le fichier n'est pas en UTF-8",
    "json": "le JSON est illisible",
    "constante": "une valeur n'est pas du JSON (NaN ou infini)",
    "forme": "la structure du fichier est inattendue",
    "enregistrement": "un enregistrement a une forme invalide",
    "table_inconnue": "une table inconnue s'y trouve",
    "journal": "le journal des écritures est endommagé",
    "operation": "le journal contient une opération inconnue",
    "schema": "la version du format ne correspond pas",
    "evaluation_absente": "il recense une évaluation dont le fichier a disparu",
    "sans_entete": "l'en-tête de l'évaluation (candidat, bloc, évaluateurs) a disparu",
}
ERREURS_STOCKAGE: Final = {
    "corrompu": (
        "Le fichier de données {fichier} est inutilisable : {probleme}.\n"
        "Il a été mis de côté ({deplace_vers}) : rien n'a été effacé ni remplacé.\n"
        "Que faire : remettez une sauvegarde de ce fichier à sa place, puis relancez cqp-bot. "
        "Sans sauvegarde, relancez quand même : les autres évaluations restent disponibles, "
        "celle de ce fichier ne l'est plus."
    ),
    "schema_trop_recent": (
        "Le fichier {fichier} a été écrit par une version plus récente de cqp-bot "
        "(format de données version {version} ; cette version-ci connaît la version {connue}).\n"
        "Mettez cqp-bot à jour. Le fichier n'a pas été modifié."
    ),
    "ancien_format_illisible": (
        "Le fichier {fichier} (format des versions précédentes de cqp-bot) est illisible : "
        "{probleme}.\nRien n'a été converti ni modifié. Remettez une sauvegarde de ce fichier à sa "
        "place, puis relancez cqp-bot."
    ),
    "migration_impossible": (
        "Le fichier {fichier} est dans un format trop ancien (version {version}) pour être converti "
        "vers la version {connue}. Le fichier n'a pas été modifié."
    ),
    "verrouille": (
        "Un autre processus cqp-bot (pid {pid}) utilise déjà le dossier de données {dossier}.\n"
        "Arrêtez-le, ou choisissez un autre dossier de données (CQP_DATA_DIR)."
    ),
    "indisponible": "Réponse non enregistrée : le disque a refusé l'écriture ({detail}). Réessayez ; rien n'a été modifié.",
    "evaluation_inconnue": "L'évaluation {evaluation} n'existe pas.",
    "evaluation_existante": "Une autre évaluation porte déjà l'identifiant {evaluation}.",
    "reference_modifiee": "La référence du candidat de l'évaluation {evaluation} ne peut pas changer : créez une nouvelle évaluation.",
    "donnees_invalides": "Valeur impossible à enregistrer (NaN ou infini, par exemple) : rien n'a été modifié.",
}


def conversion(dossier: object, evaluations: int, conversations: int, sauvegarde: object) -> str:
    """The message that says a data directory of an earlier version was converted."""
    return STOCKAGE_CONVERTI.format(
        dossier=dossier, evaluations=evaluations, conversations=conversations, sauvegarde=sauvegarde
    )


FICHIER_EN_MEMOIRE: Final = "(mémoire)"
"""The name of a store's file that lives in memory only (tests), where a message names it."""
STOCKAGE_CONVERTI: Final = (
    "Les données de {dossier} ont été converties au format de cette version de cqp-bot "
    "({evaluations} évaluation(s), {conversations} conversation(s)). L'ancien format est conservé "
    "dans {sauvegarde} : vous pourrez l'effacer après avoir vérifié les données "
    "(cqp-bot donnees verifier)."
)
ERREUR_STOCKAGE_INCONNUE: Final = "Erreur de stockage ({code}) : rien n'a été modifié."
ERREURS_SYSTEME: Final = {
    "ENOENT": "fichier ou dossier introuvable",
    "EACCES": "accès refusé",
    "EPERM": "opération non permise",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota disque dépassé",
    "EROFS": "disque en lecture seule",
    "EISDIR": "c'est un dossier",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EIO": "erreur d'entrée-sortie du disque",
    "EINVAL": "opération impossible sur ce fichier",
}


def erreur_systeme(code: str | None, texte: str | None) -> str:
    """An operating-system error (``errno`` name such as ``ENOSPC``) in French words."""
    return ERREURS_SYSTEME.get(code or "", texte or code or "erreur inconnue")


class _ErreurAvecCode(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def details(self) -> Mapping[str, Any]: ...


def erreur_stockage(erreur: _ErreurAvecCode) -> str:
    """The French message for a refusal of the store (storage.erreurs), from its code and details."""
    details = dict(erreur.details)
    if "errno" in details:
        details["detail"] = erreur_systeme(details["errno"], details.get("detail"))
    if "probleme" in details:
        details["probleme"] = PROBLEMES_FICHIER.get(details["probleme"], details["probleme"])
    if "deplace_vers" in details:
        details["deplace_vers"] = ", ".join(str(p) for p in details["deplace_vers"]) or "—"
    modele = ERREURS_STOCKAGE.get(erreur.code, ERREUR_STOCKAGE_INCONNUE)
    try:
        return modele.format(code=erreur.code, **details)
    except (KeyError, IndexError):
        return ERREUR_STOCKAGE_INCONNUE.format(code=erreur.code)


CLI_DONNEES_AIDE: Final = "Le dossier de données : vérifier chaque fichier, exporter ou effacer les données d'un candidat (RGPD)."
CLI_OPTION_DOSSIER: Final = (
    "Dossier de données de cqp-bot (ou la variable CQP_DATA_DIR ; par défaut : data)."
)
CLI_VERIFIER_AIDE: Final = (
    "Lire et valider chaque fichier de données (à faire après un incident, avant de relancer le bot). "
    "Un fichier endommagé est mis de côté, jamais remplacé, et signalé."
)
CLI_VERIFIER_OK: Final = (
    "Données intactes dans {dossier} : {evaluations} évaluation(s), {reponses} réponse(s)."
)
CLI_EXPORTER_AIDE: Final = (
    "Exporter en JSON toutes les données d'un candidat (grilles, remarques, preuves, historique), "
    "désigné par sa référence. L'export est inscrit au journal d'audit."
)
CLI_PURGER_AIDE: Final = (
    "Effacer définitivement toutes les données d'un candidat. Le journal d'audit garde seulement "
    "la trace de l'effacement (qui, quand, pourquoi, la référence)."
)
CLI_OPTION_PAR: Final = (
    "Identifiant de la personne qui fait l'opération (inscrit au journal d'audit)."
)
CLI_OPTION_RAISON: Final = "Motif de l'effacement (inscrit au journal d'audit)."
CLI_OPTION_OUI: Final = "Confirme l'effacement définitif."
CLI_CANDIDAT_INCONNU: Final = "Aucune évaluation pour le candidat de référence « {reference} »."
CLI_EXPORT_CANDIDAT_ECRIT: Final = (
    "Données du candidat {reference} ({n} évaluation(s)) exportées dans {fichier}."
)
CLI_PURGE_CONFIRMER: Final = "L'effacement des données du candidat {reference} est définitif. Relancez avec --oui pour confirmer."
CLI_PURGE_FAITE: Final = "Données du candidat {reference} effacées ({n} évaluation(s))."
