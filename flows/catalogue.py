"""Every user-facing French text of cqp-bot, in one place.

Why one module: the same words must appear on every channel (terminal, web
chat, Slack, Teams), a reviewer must be able to read the whole interface at
once, and code and comments stay in English. Texts with parameters are
``str.format`` templates; code passes named values.

Data of the référentiel (critère texts, roles, the scale) is not here: it lives
in the référentiel's data file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

# --- Labels of référentiel enums -------------------------------------------

CADRES: Final = {
    "situation_reelle": "situation réelle",
    "situation_reconstituee": "mise en situation reconstituée",
}
CANAUX: Final = {
    "telephone": "téléphone",
    "face_a_face": "face-à-face",
    "tchat": "tchat",
    "mail": "mail",
    "courrier": "courrier",
}
OUI_NON: Final = {True: "oui", False: "non"}

# --- Problems in the référentiel data file ---------------------------------
# Keys are the codes of referentiel.loader.Probleme: pydantic error types and
# the loader's own. Unknown codes fall back to PROBLEME_INCONNU.

PROBLEMES_REFERENTIEL: Final = {
    "fichier_illisible": "impossible de lire le fichier ({detail})",
    "encodage": "le fichier n'est pas en UTF-8 (octet {position})",
    "yaml_syntaxe": "syntaxe YAML incorrecte : {detail}",
    "document_vide": "le fichier est vide",
    "racine_pas_dictionnaire": "le fichier doit décrire un référentiel (des clés : valeurs), pas une liste ou un texte",
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu (faute de frappe dans le nom ?)",
    "string_too_short": "le texte est vide",
    "string_type": "un texte est attendu",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "greater_than": "le nombre doit être supérieur à {gt}",
    "bool_type": "« true » ou « false » est attendu",
    "bool_parsing": "« true » ou « false » est attendu",
    "enum": "valeur inconnue ; valeurs possibles : {expected}",
    "literal_error": "valeur inconnue ; valeur attendue : {expected}",
    "tuple_type": "une liste est attendue",
    "list_type": "une liste est attendue",
    "dict_type": "un dictionnaire (clés : valeurs) est attendu",
    "model_type": "un dictionnaire (clés : valeurs) est attendu",
    "too_short": "la liste doit contenir au moins {min_length} élément(s)",
    "too_long": "la liste doit contenir au plus {max_length} élément(s)",
    "union_tag_invalid": "ni un critère ni une rubrique",
    "echelle_incomplete": "l'échelle doit contenir A, ECA, NA et NO, chacun une fois (trouvé : {trouves})",
    "entretiens_min_max": "entretiens_min ({min}) est supérieur à entretiens_max ({max})",
    "id_double": "l'identifiant {id} est déjà utilisé plus haut",
    "id_numerotation": "identifiant attendu {attendu}, trouvé {trouve} (numérotation dans l'ordre du document, sans trou)",
    "correction_id_inconnu": "la correction porte sur {id}, qui n'existe pas",
    "correction_absente": "le texte corrigé (« donnees ») ne se trouve pas dans {id}",
}
PROBLEME_INCONNU: Final = "valeur invalide ({code})"
PROBLEME_LIEU: Final = "{fichier}, ligne {ligne} — {chemin} : {message}"
PROBLEME_LIEU_SANS_LIGNE: Final = "{fichier} — {chemin} : {message}"
REFERENTIEL_INVALIDE: Final = (
    "Le référentiel ne peut pas être chargé : {nombre} problème(s) dans {fichier}.\n"
    "Corrigez le fichier puis relancez la commande."
)


def probleme_referentiel(
    fichier: str, chemin: str, code: str, details: Mapping[str, Any], ligne: int | None
) -> str:
    """One problem of the data file, as a person reads it: where, then what."""
    modele = PROBLEMES_REFERENTIEL.get(code, PROBLEME_INCONNU)
    try:
        message = modele.format(code=code, **details)
    except (KeyError, IndexError):
        message = PROBLEME_INCONNU.format(code=code)
    if "valeur" in details and code not in {"missing", "id_numerotation", "id_double"}:
        message += f" (valeur lue : {details['valeur']!r})"
    lieu = PROBLEME_LIEU if ligne is not None else PROBLEME_LIEU_SANS_LIGNE
    return lieu.format(fichier=fichier, ligne=ligne, chemin=chemin, message=message)


# --- Command line ------------------------------------------------------------

CLI_AIDE: Final = (
    "cqp-bot — les évaluations du CQP Téléconseiller (branche Mutualité) dans la messagerie.\n\n"
    "Pour commencer : « cqp-bot referentiel » ouvre la recherche de critères."
)
CLI_OPTION_AIDE: Final = "Affiche cette aide et quitte."
CLI_OPTION_REFERENTIEL: Final = (
    "Fichier du référentiel à utiliser (par défaut : celui fourni avec cqp-bot)."
)
CLI_UTILISATION: Final = "Utilisation :"
CLI_SECTIONS: Final = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}
CLI_REFERENTIEL_AIDE: Final = (
    "Consulter le référentiel du CQP Téléconseiller : blocs, compétences, critères, modalités.\n\n"
    "Sans sous-commande : recherche interactive (tapez un code comme B1.C2 ou des mots)."
)
CLI_SHOW_AIDE: Final = (
    "Afficher l'arbre du référentiel, ou un bloc, une compétence ou un critère avec ses modalités.\n\n"
    "Exemples : « show », « show B1 », « show B1.C2 », « show b1.c2.3 »."
)
CLI_SEARCH_AIDE: Final = (
    "Chercher des critères et des compétences par mots (accents et fautes de frappe tolérés) "
    "ou par code.\n\nExemples : « search accueil », « search reclamation client », « search B3.C1 »."
)
CLI_EXPORT_AIDE: Final = "Exporter tout le référentiel (format JSON) pour d'autres outils."
CLI_OPTION_FORMAT: Final = "Format d'export (seul « json » existe ; par défaut : json)."
CLI_OPTION_SORTIE: Final = "Fichier où écrire l'export (par défaut : la sortie standard)."
CLI_OPTION_LIMITE: Final = "Nombre maximum de résultats (par défaut : 10)."

CLI_ERREUR: Final = "Erreur : {message}"
CLI_ESSAYEZ_AIDE: Final = "Tapez « {commande} --help » pour l'aide."
CLI_COMMANDE_INCONNUE: Final = "la commande « {nom} » n'existe pas."
CLI_OPTION_INCONNUE: Final = "l'option « {nom} » n'existe pas."
CLI_VOULIEZ_VOUS: Final = "Vouliez-vous dire : {propositions} ?"
CLI_PARAMETRE_MANQUANT: Final = "il manque {quoi} « {nom} »."
CLI_ARGUMENT: Final = "l'argument"
CLI_OPTION: Final = "l'option"
CLI_VALEUR_MANQUANTE: Final = "l'option « {nom} » demande une valeur."
CLI_VALEUR_INVALIDE: Final = "valeur invalide pour « {nom} »."
CLI_USAGE_INCORRECT: Final = "commande incorrecte (argument en trop ou mal placé)."
CLI_FORMAT_INCONNU: Final = "le format « {format} » n'existe pas ; formats possibles : {formats}."
CLI_ECRITURE_IMPOSSIBLE: Final = "impossible d'écrire « {fichier} » ({detail})."
CLI_INTERROMPU: Final = "Interrompu."
CLI_EXPORT_ECRIT: Final = "Référentiel exporté dans {fichier}."

# --- Référentiel display and lookup ------------------------------------------

REF_TITRE: Final = "{titre} — branche {branche}"
REF_PUBLIC: Final = "Public : {public}"
REF_BLOC: Final = "Bloc {id} · {titre}"
REF_ACTIVITE: Final = "Activité : {titre}"
REF_COMPETENCE: Final = "{id} · {libelle}"
REF_NB_CRITERES: Final = "{n} critère(s)"
REF_RUBRIQUE: Final = "{rubrique} :"
REF_MODALITES: Final = "Modalités d'évaluation"
REF_DANS_BLOC: Final = "Bloc {id} · {titre}"
REF_DANS_COMPETENCE: Final = "Compétence {id} · {libelle}"
REF_DANS_RUBRIQUE: Final = "Rubrique : {rubrique}"
REF_ELEMENT_LIGNE: Final = "{id} — {libelle}"

MOD_ENTRETIENS: Final = "Entretiens observés"
MOD_ENTRETIENS_VALEUR: Final = "{min} à {max}"
MOD_ENTRETIENS_EXACT: Final = "{n}"
MOD_PERIODE: Final = "Période d'observation"
MOD_PERIODE_VALEUR: Final = "{jours} jours au plus"
MOD_PERIODE_AUCUNE: Final = "non précisée"
MOD_CADRES: Final = "Cadre"
MOD_CADRES_DIFFERENTS: Final = "Entretiens dans des cadres différents"
MOD_CANAUX: Final = "Canaux"
MOD_CANAUX_AUCUN: Final = "non précisés"
MOD_SITUATION_DIFFICILE: Final = "Dont 1 simulée en situation difficile (s'il y a lieu)"
MOD_COMPLEMENTAIRE: Final = "Entretien complémentaire"
MOD_COMPLEMENTAIRE_VALEUR: Final = "{minutes} minutes"
MOD_DUREE: Final = "Durée de l'épreuve orale"
MOD_LIEU: Final = "Lieu"
MOD_PRECISIONS: Final = "Précisions sous chaque tableau"
MOD_PRECISIONS_OBLIGATOIRES: Final = "obligatoires (« doivent »)"
MOD_PRECISIONS_FACULTATIVES: Final = "facultatives (« peuvent »)"
MOD_EVALUATEURS: Final = "Évaluateurs (binômes possibles)"
MOD_BINOME: Final = "{role_1} + {role_2}"
MOD_ECHELLE: Final = "Échelle"
MOD_REGLE: Final = "Règle de validation"
MOD_DESCRIPTION: Final = "Texte du référentiel"

RECHERCHE_RESULTATS: Final = "{n} résultat(s) pour « {requete} »"
RECHERCHE_RIEN: Final = "Aucun critère ni compétence ne correspond à « {requete} »."
RECHERCHE_MOTS_PROCHES: Final = "Essayez : {mots}."
RECHERCHE_REQUETE_VIDE: Final = "Tapez un code (B1, B1.C2, B1.C2.3) ou des mots à chercher."
RECHERCHE_MOTS_VIDES: Final = (
    "Ces mots sont trop courants pour chercher : précisez (ex. « accueil », « réclamation »)."
)
ID_INCONNU: Final = "Le code « {id} » n'existe pas dans le référentiel."
ID_PROCHES: Final = "Codes existants à ce niveau : {ids}."

REPL_BIENVENUE: Final = (
    "Recherche dans le référentiel du {titre} : {n_criteres} critères, {n_competences} compétences, "
    "{n_blocs} blocs.\n"
    "Tapez un code (B1, B1.C2, B1.C2.3), des mots (accueil, réclamation…), "
    "« arbre » pour tout voir, « aide », ou « q » pour quitter."
)
REPL_INVITE: Final = "code ou mots › "
REPL_AIDE: Final = (
    "• un code : B1 (un bloc et ses modalités), B1.C2 (une compétence), B1.C2.3 (un critère)\n"
    "• des mots : accueil, reclamation client, agressivite… (accents et fautes tolérés)\n"
    "• arbre : tout le référentiel\n"
    "• q : quitter"
)
REPL_COMMANDES_QUITTER: Final = frozenset({"q", "quitter", "exit", "quit"})
REPL_COMMANDES_AIDE: Final = frozenset({"aide", "?", "help"})
REPL_COMMANDES_ARBRE: Final = frozenset({"arbre", "tout"})
REPL_AU_REVOIR: Final = "À bientôt."


# --- Storage -------------------------------------------------------------------
# Keys are the ``code`` of storage.erreurs classes; their ``details`` fill the templates.

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


# --- Scoring (flows.notation) ----------------------------------------------------------

NOTE_TITRE_COMPETENCE: Final = "{id} · {libelle}"
NOTE_PROGRESSION: Final = "Critère {k}/{n} de la compétence · {m}/{total} du bloc {bloc}"
NOTE_DEJA_REPONDU: Final = "Réponse enregistrée : {valeur}"
NOTE_RESUME_QUESTION: Final = "{critere} — {libelle}"
NOTE_BOUTON_RETOUR: Final = "◀ Retour"
NOTE_BOUTON_ENVOYER_TEXTE: Final = "Envoyer"
NOTE_TITRE_COMMENTAIRE: Final = "Commentaire · {critere}"
NOTE_TITRE_PRECISIONS: Final = "Précisions · {competence}"
NOTE_CHAMP_COMMENTAIRE: Final = "Votre commentaire (facultatif)"
NOTE_CHAMP_PRECISIONS: Final = "Vos précisions sur la compétence"
NOTE_BOUTON_PASSER: Final = "Passer"
NOTE_BOUTON_REVUE: Final = "Revoir la grille"
NOTE_BOUTON_PAUSE: Final = "Pause"
NOTE_BOUTON_SOUMETTRE: Final = "Soumettre la grille"
NOTE_BOUTON_MODIFIER: Final = "Modifier {critere}"
NOTE_BOUTON_REPRENDRE: Final = "Reprendre"
NOTE_BOUTON_VALEUR: Final = "{code} · {libelle}"
NOTE_BOUTON_COMPETENCE: Final = "{competence} ({faites}/{total})"
NOTE_BOUTON_CRITERE: Final = "{critere} · {valeur}"
NOTE_BOUTON_ECRIRE_PRECISIONS: Final = "Écrire les précisions"
NOTE_BOUTON_MODIFIER_PRECISIONS: Final = "Modifier les précisions"
NOTE_A_NOTER: Final = "à noter"
NOTE_COMPETENCE_LIGNE: Final = "{id} — {libelle} : {valeur}"
NOTE_PRECISIONS_ACTUELLES: Final = "Vos précisions : {texte}"
NOTE_PRECISIONS_ABSENTES: Final = "Précisions : pas encore écrites."
NOTE_PRECISIONS_MODIFIER: Final = (
    "Vos précisions sur la compétence {competence} : « {texte} »\n"
    "Écrivez le nouveau texte pour les remplacer, ou « Passer » pour les garder."
)
NOTE_COMMENTAIRE_DEMANDE: Final = (
    "{valeur} pour {critere}. Un commentaire pour justifier ? Écrivez-le, ou « Passer »."
)
NOTE_COMMENTAIRE_ENREGISTRE: Final = "Commentaire enregistré pour {critere} (candidat {reference})."
NOTE_PRECISIONS_DEMANDE: Final = (
    "Compétence {competence} terminée. Vos précisions sur les compétences mises en œuvre "
    "par le candidat ({statut}) :"
)
NOTE_PRECISIONS_OBLIGATOIRES: Final = "obligatoires pour ce bloc"
NOTE_PRECISIONS_FACULTATIVES: Final = "facultatives pour ce bloc"
NOTE_PRECISIONS_VIDES: Final = (
    "Les précisions sont obligatoires pour ce bloc : écrivez au moins une phrase sur la "
    "compétence {competence}."
)
NOTE_PRECISIONS_ENREGISTREES: Final = (
    "Précisions enregistrées pour {competence} (candidat {reference})."
)
NOTE_PAUSE: Final = (
    "Grille mise en pause : {faites}/{total} critères notés. Reprenez quand vous voulez avec "
    "« mes-evaluations »."
)
NOTE_REVUE_TITRE: Final = "Revue de la grille — bloc {bloc}"
NOTE_REVUE_LIGNE: Final = "{faites}/{total} critères notés{precisions}"
NOTE_REVUE_PRECISIONS_MANQUANTES: Final = " · précisions à écrire"
NOTE_REVUE_MANQUANTS: Final = "À noter : {criteres}"
NOTE_REVUE_CHANGER: Final = (
    "Pour changer une réponse ou des précisions, ouvrez la compétence (avant de soumettre)."
)
NOTE_REVUE_COMPLETE: Final = (
    "Grille complète : vous pouvez la soumettre. Après soumission, elle est verrouillée."
)
NOTE_SOUMISSION_INCOMPLETE: Final = "La grille n'est pas complète : {manque}. Rien n'a été soumis."
NOTE_MANQUE_PRECISIONS: Final = "précisions {competence}"
NOTE_SOUMISE: Final = (
    "Grille soumise et verrouillée ({total} critères). Vous serez prévenu quand l'autre "
    "évaluateur aura soumis la sienne."
)
NOTE_DEJA_SOUMISE: Final = "Cette grille est déjà soumise : elle ne peut plus être modifiée."
NOTE_CHOIX_INVALIDE: Final = "Ce bouton ne correspond plus à votre grille : rien n'a été modifié."
NOTE_ATTENDU_UN_CHOIX: Final = (
    "Choisissez une valeur avec les boutons (A, ECA, NA ou NO) ou tapez-la, ou « Passer »."
)
NOTE_FIN_DU_BLOC: Final = "Tous les critères du bloc ont une réponse."


# --- Service and commands (flows.service, flows.commandes) -------------------------------

CMD_AIDE: Final = (
    "Commandes (tapez-les ici, ou avec /cqp dans Slack) :\n"
    "• aide : cette aide\n"
    "• critere <code ou mots> : retrouver un critère (ex. « critere accueil », « critere B1.C2.3 »)\n"
    "• bloc <B1 à B4> : un bloc, ses compétences et ses modalités\n"
    "• mes-evaluations : vos évaluations, pour commencer ou reprendre une grille\n"
    "• nouvelle : créer une évaluation (coordinateurs)\n"
    "• entretien <évaluation> : enregistrer un entretien observé (évaluateurs)\n"
    "• statut <évaluation> : où en sont les deux grilles, en nombres (coordinateurs)\n"
    "• relancer <évaluation> : rappeler aux évaluateurs ce qui les attend (coordinateurs)\n"
    "• resultat <évaluation> : la proposition consolidée, puis le résultat une fois les deux visas donnés\n"
    "• rouvrir <évaluation> <raison> : rouvrir une évaluation soumise (coordinateurs)\n"
    "• export <évaluation> : le fichier du candidat pour le jury (coordinateurs)\n"
    "• accord [bloc] : l'accord entre évaluateurs par binôme et en tout, κ, AC1, PABAK (coordinateurs)\n"
    "• annuler : ne plus attendre le commentaire, les précisions ou la justification demandés\n"
    "Pendant une grille, tapez A, ECA, NA ou NO pour répondre au critère affiché.\n"
    "<évaluation> : son identifiant (ev-C042-B1) ou la référence du candidat (C042) ; "
    "sans rien, la liste des vôtres."
)
CMD_INCONNUE: Final = "Je ne connais pas la commande « {nom} »."
CMD_VOULIEZ_VOUS: Final = "Vouliez-vous dire « {proposition} » ?"
CMD_ARGUMENT_MANQUANT: Final = "Précisez {quoi} : par exemple « {exemple} »."
CMD_CRITERE_QUOI: Final = "un code ou des mots"
CMD_CRITERE_EXEMPLE: Final = "critere accueil"
CMD_BLOC_QUOI: Final = "le bloc"
CMD_BLOC_EXEMPLE: Final = "bloc B1"
MOT_BLOC: Final = "bloc"
"""Typed before a bloc's number: « bloc 1 »."""
CMD_COMMANDE_BLOC: Final = "bloc {code}"
CMD_COMMANDE_CRITERE: Final = "critere {code}"
CMD_BLOC_COMPETENCE: Final = "{id} — {libelle} ({n} critères)"
CMD_BLOC_INCONNU: Final = "Le bloc « {bloc} » n'existe pas : les blocs sont {blocs}."
CMD_CRITERE_RESULTATS: Final = "{n} résultat(s) pour « {requete} »"
CMD_CRITERE_LIEU: Final = "Bloc {bloc} › {competence}"
CMD_CRITERE_LIEU_RUBRIQUE: Final = "{competence} › {rubrique}"
CMD_CRITERE_LIEU_BLOC: Final = "Bloc {bloc}"
CMD_MES_EVALUATIONS_AUCUNE: Final = "Vous n'avez aucune évaluation en cours."
CMD_MES_EVALUATIONS_TITRE: Final = "Vos évaluations"
CMD_EVALUATION_LIGNE: Final = (
    "Candidat {reference} · bloc {bloc} · {faites}/{total} critères notés{soumise}"
)
CMD_EVALUATION_SOUMISE: Final = " · grille soumise"
CMD_EVALUATION_A_VISER: Final = " · grilles soumises : à rapprocher et viser"
CMD_EVALUATION_TERMINEE: Final = " · terminée (deux visas)"
CMD_MES_EVALUATIONS_AUTRES: Final = (
    "… et {n} autre(s), non affichée(s) : celles qui attendent quelque chose de vous sont en tête."
)
CMD_BOUTON_NOTER: Final = "Noter {reference} ({bloc})"
CMD_BOUTON_RAPPROCHER: Final = "Rapprocher {reference} ({bloc})"
CMD_STATUT_TITRE: Final = "Évaluation {evaluation} — candidat {reference}, bloc {bloc}"
CMD_STATUT_LIGNE: Final = "{faites}/{total} critères notés{soumise}"
CMD_SUIVI_TITRE: Final = "Avancement des évaluations que vous suivez"
CMD_SUIVI_LIGNE: Final = "{evaluateur} : {faites}/{total}{soumise}"
CMD_SUIVI_AUTRES: Final = (
    "Les {m} plus récentes sont affichées, les plus avancées en dernier ; {n} autre(s) : "
    "« statut <référence> » pour l'une d'elles."
)
CMD_EVALUATION_INCONNUE: Final = "Aucune évaluation « {evaluation} » parmi les vôtres."
CMD_RELANCER_INTERDIT: Final = (
    "Relancer les évaluateurs, seuls les coordinateurs de l'évaluation le peuvent."
)
CMD_RELANCE_NOTER: Final = "Rappel : votre grille du candidat {reference} pour le bloc {bloc} attend encore (critères notés : {faites}/{total}). Reprenez-la là où vous l'avez laissée."
CMD_RELANCE_VISER: Final = "Rappel : les deux grilles du candidat {reference} (bloc {bloc}) sont soumises ; le rapprochement et votre visa vous attendent."
CMD_RELANCE_ECHEANCE: Final = " Échéance : {date}."
CMD_RELANCE_FAITE: Final = "Rappel envoyé pour {evaluation} à : {qui}."
CMD_RELANCE_RIEN: Final = (
    "Rien à relancer pour {evaluation} : les deux évaluateurs ont fait ce qui leur revenait."
)
CMD_STATUT_INTERDIT: Final = (
    "Où en sont les deux grilles, seuls les coordinateurs le voient (chaque évaluateur note sans "
    "voir l'autre). Votre propre grille : « mes-evaluations »."
)
DES_LIGNE: Final = "candidat {reference} · bloc {bloc}"
DES_BOUTON: Final = "{commande} {evaluation}"
DES_CHOISIR: Final = "Quelle évaluation ? Choisissez-la parmi les vôtres."
DES_PLUSIEURS: Final = "{n} évaluations pour « {reference} » : choisissez-en une."
DES_AUTRES: Final = "… et {n} autre(s) : tapez l'identifiant de l'évaluation."
DES_AUCUNE: Final = "Vous n'avez aucune évaluation pour cette commande."
DES_USAGE: Final = (
    "Tapez « {commande} <évaluation ou référence du candidat> », "
    "ou « {commande} » seul pour choisir parmi vos évaluations."
)
DES_VOULIEZ_VOUS: Final = "Vouliez-vous dire {propositions} ?"
DES_PROPOSITION: Final = "« {nom} »"
CMD_INTERDIT_NOTER: Final = (
    "Seuls les deux évaluateurs désignés peuvent noter cette évaluation : rien n'a été enregistré."
)
CMD_TEXTE_HORS_CONTEXTE: Final = (
    "Je n'attends pas de texte ici. Tapez « aide » pour voir les commandes."
)
CMD_TROP_LONGUE: Final = (
    "Commande « {commande} » trop longue : {n} caractères après son nom, {max} au plus. "
    "Rien n'a été fait."
)
CMD_NON_ENREGISTRE: Final = "Non enregistré : {raison} Réessayez."
CMD_HORS_CONVERSATION: Final = (
    "Ce formulaire ou ce bouton n'est pas (ou plus) attendu ici : rien n'a été enregistré."
)
PUCE: Final = "• {texte}"
FORMAT_DATE: Final = "%d/%m/%Y"
"""How dates are typed and shown (JJ/MM/AAAA)."""
FORMAT_DATE_COURTE: Final = "%d/%m"

CMP_TITRE: Final = "Les deux grilles sont soumises — candidat {reference}, bloc {bloc}"
CMP_ACCORD: Final = "Accord : {pourcentage} % des critères ({concordants}/{total})."
CMP_ECARTS: Final = {
    "critique": "Écarts critiques (A face à ECA ou NA)",
    "mineur": "Écarts mineurs (ECA face à NA)",
    "couverture": "Observés par un seul évaluateur (NO face à une valeur)",
    "non_observe": "Non observés par les deux (NO)",
}
CMP_AUCUN_ECART: Final = "Aucun écart : les deux grilles concordent."
CMP_AGENDA_TITRE: Final = "À aborder pendant l'entretien complémentaire ({minutes} min)"
CMP_AGENDA_LIGNE: Final = "{competence} : {criteres}"
CMP_SUITE: Final = "Chaque critère en écart devra recevoir une valeur commune, proposée par l'un et acceptée par l'autre."

QUA_SANS_PAIRE: Final = (
    "κ, AC1 et PABAK non calculables : aucun critère observé par les deux évaluateurs."
)
QUA_TITRE: Final = "Accord entre évaluateurs{bloc} — {n} évaluation(s) aux deux grilles soumises"
QUA_DU_BLOC: Final = ", bloc {bloc}"
QUA_ENSEMBLE: Final = "Ensemble : {ligne}"
QUA_BINOME: Final = "{premier} + {second}"
QUA_LIGNE: Final = "{n} évaluation(s) · accord {pourcentage} % ({concordants}/{total} critères) ·"
QUA_AUTRES: Final = "… et {n} autre(s) binôme(s)."
QUA_NOTE: Final = (
    "Accord avant rapprochement, sur les évaluations que vous suivez. Pour le suivi qualité "
    "seulement : ces chiffres ne décident rien pour un candidat."
)
QUA_AUCUNE: Final = (
    "Pas encore de chiffres d'accord : aucune évaluation aux deux grilles soumises "
    "parmi celles que vous suivez."
)
QUA_USAGE: Final = "Tapez « accord » pour toutes vos évaluations, ou « accord B1 » pour un bloc."

CRE_TITRE: Final = "Nouvelle évaluation"
"""Also the title of the form where a channel titles it (24 characters at most)."""
CRE_INTRO: Final = (
    "Renseignez le candidat, le bloc et les deux évaluateurs. Les deux évaluateurs recevront "
    "chacun un message pour commencer leur grille."
)
CRE_CHAMPS: Final = {
    "candidat_nom": "Nom du candidat",
    "candidat_reference": "Référence du candidat (pseudonyme, sans espace : C042…)",
    "bloc": "Bloc (B1, B2, B3 ou B4)",
    "evaluateur_1": "Identifiant du premier évaluateur",
    "role_1": "Rôle du premier évaluateur (expert_habilite, expert_interne, responsable_pedagogique)",
    "evaluateur_2": "Identifiant du second évaluateur",
    "role_2": "Rôle du second évaluateur",
    "echeance": "Échéance (JJ/MM/AAAA, facultative)",
    "destination": "Où publier le résultat (canal privé, facultatif)",
}
CRE_ERREURS_TITRE: Final = "L'évaluation n'a pas été créée :"
CRE_OBLIGATOIRE: Final = "« {champ} » est obligatoire."
CRE_REFERENCE_INVALIDE: Final = "la référence ne doit contenir que des lettres (sans accent), chiffres, « - » ou « _ », et commencer par une lettre ou un chiffre."
CRE_TROP_LONG: Final = "« {champ} » est trop long : {n} caractères, {max} au plus."
CRE_IDENTIFIANT_INVALIDE: Final = "l'identifiant « {valeur} » n'est pas valide."
CRE_BLOC_INVALIDE: Final = "le bloc « {valeur} » n'existe pas : B1, B2, B3 ou B4."
CRE_ROLE_INVALIDE: Final = "le rôle « {valeur} » n'existe pas : expert_habilite, expert_interne ou responsable_pedagogique."
CRE_BINOME_INTERDIT: Final = (
    "les rôles {role_1} et {role_2} ne forment pas un binôme prévu par le référentiel pour ce bloc."
)
CRE_MEME_EVALUATEUR: Final = "les deux évaluateurs doivent être deux personnes différentes."
CRE_DATE_INVALIDE: Final = "l'échéance « {valeur} » n'est pas une date JJ/MM/AAAA."
CRE_INTERDIT: Final = "Seuls les coordinateurs peuvent créer une évaluation."
CRE_CREEE: Final = "Évaluation {evaluation} créée : candidat {reference}, bloc {bloc}. Les deux évaluateurs sont prévenus."
CRE_INVITATION: Final = (
    "Vous êtes évaluateur du candidat {reference} pour le bloc {bloc} ({titre}). "
    "Observez {entretiens} entretiens, puis notez la grille critère par critère."
)
CRE_BOUTON_COMMENCER: Final = "Commencer la grille"
CRE_BOUTON_CREER: Final = "Créer l'évaluation"

# --- Reconciliation, consolidation, visas (flows.rapprochement) ------------------------

RAP_PAS_ENCORE: Final = "Le rapprochement commence quand les deux grilles sont soumises."
RAP_INTERDIT: Final = (
    "Seuls les deux évaluateurs de cette évaluation peuvent rapprocher leurs grilles."
)
RAP_TITRE: Final = "Écarts à rapprocher — candidat {reference}, bloc {bloc} ({n} restant(s))"
RAP_VOUS: Final = "Vous"
RAP_AUTRE: Final = "L'autre évaluateur"
RAP_VALEUR: Final = "{valeur}"
RAP_VALEUR_COMMENTAIRE: Final = "{valeur} — {commentaire}"
RAP_EN_COURS: Final = "Proposition en cours"
RAP_EN_COURS_VALEUR: Final = "{valeur} par {qui} : {justification}"
RAP_BOUTON_PROPOSER: Final = "Proposer {valeur}"
RAP_BOUTON_ACCEPTER: Final = "Accepter {valeur}"
RAP_BOUTON_PROPOSER_POUR: Final = "Proposer {valeur} pour {critere}"
RAP_BOUTON_ACCEPTER_POUR: Final = "Accepter {valeur} pour {critere}"
RAP_BOUTON_LISTE: Final = "Voir les écarts"
RAP_JUSTIFIER: Final = (
    "Vous proposez {valeur} pour {critere}. Écrivez votre justification (obligatoire) :"
)
RAP_JUSTIFICATION_VIDE: Final = (
    "Une justification est obligatoire pour proposer une valeur : écrivez au moins une phrase."
)
RAP_PROPOSEE: Final = "Proposition envoyée à l'autre évaluateur : {critere} = {valeur}."
RAP_A_EXAMINER: Final = (
    "{qui} propose {valeur} pour {critere} : « {justification} ». Acceptez-vous ?"
)
RAP_ACCEPTEE: Final = "Valeur commune enregistrée : {critere} = {valeur}."
RAP_ACCEPTEE_INFO: Final = "{qui} a accepté votre proposition : {critere} = {valeur}."
RAP_PROPOSITION_PERIMEE: Final = (
    "Cette proposition a changé depuis : rien n'a été enregistré. Voici les écarts à jour."
)
RAP_PROPRE_PROPOSITION: Final = (
    "Vous ne pouvez pas accepter votre propre proposition : l'autre évaluateur doit répondre."
)
RAP_TOUT_RAPPROCHE: Final = "Tous les écarts ont une valeur commune. Vous pouvez consolider."
RAP_BOUTON_CONSOLIDER: Final = "Voir la proposition consolidée"
RAP_PERSISTANTS_POSSIBLES: Final = (
    "Un écart ne se règle pas ? La proposition consolidée le transmet au jury avec vos deux "
    "positions (désaccord persistant) ; vos deux visas la confirment."
)

CONS_TITRE: Final = "Proposition consolidée — candidat {reference}, bloc {bloc}"
CONS_PROPOSITIONS: Final = {
    "valide": "validé",
    "non_valide": "non validé",
    "a_completer": "à compléter",
    "a_arbitrer": "à arbitrer par le jury",
}
CONS_BLOC: Final = "Proposition pour le bloc : {proposition} (le jury décide)."
CONS_PERSISTANTS: Final = (
    "Désaccords persistants, transmis au jury avec les deux positions : {criteres}."
)
CONS_POSITIONS: Final = "{critere} ({nom_1} : {valeur_1} / {nom_2} : {valeur_2})"
CONS_BOUTON_VISA: Final = "Donner mon visa"
CONS_VISA_ENREGISTRE: Final = "Visa enregistré. En attente du visa de l'autre évaluateur."
CONS_DEJA_VISE: Final = "Vous avez déjà donné votre visa."
RES_TITRE: Final = "Résultat proposé — candidat {reference}, bloc {bloc}"
RES_ACCORD: Final = "Accord initial entre évaluateurs : {pourcentage} %."
RES_NON_ACQUISES: Final = "Compétences non validées ou à compléter : {competences}."
RES_VISAS: Final = "Les deux évaluateurs ont donné leur visa. Détail : « resultat {evaluation} »."

# --- Evidence: the entretiens observed (flows.preuves) -----------------------------------

PRV_TITRE: Final = "Entretien observé — candidat {reference}, bloc {bloc}"
PRV_TITRE_COURT: Final = "Entretien observé"
PRV_CHAMPS: Final = {
    "numero": "Numéro de l'entretien (1 à 5)",
    "date": "Date (JJ/MM/AAAA)",
    "canal": "Canal (telephone, face_a_face, tchat, mail, courrier)",
    "reel": "Situation réelle ? (oui / non : simulée)",
    "situation_difficile": "Situation difficile ? (oui / non)",
}
PRV_BOUTON_ENREGISTRER: Final = "Enregistrer l'entretien"
PRV_BOUTON_SAISIR: Final = "Saisir un entretien"
PRV_BOUTON_AUTRE: Final = "Saisir un autre entretien"
PRV_BOUTON_GRILLE: Final = "Noter la grille"
PRV_ERREURS_TITRE: Final = "L'entretien n'a pas été enregistré :"
PRV_NUMERO_INVALIDE: Final = "le numéro doit être un nombre de 1 à {max}."
PRV_CANAL_INVALIDE: Final = (
    "le canal « {valeur} » n'existe pas : telephone, face_a_face, tchat, mail ou courrier."
)
PRV_OUI_NON_INVALIDE: Final = "« {champ} » attend oui ou non."
PRV_OUI: Final = frozenset({"oui", "o", "vrai", "yes"})
PRV_NON: Final = frozenset({"non", "n", "faux", "no"})
PRV_DATE_INVALIDE: Final = "la date « {valeur} » n'est pas une date JJ/MM/AAAA."
PRV_ENREGISTRE: Final = "Entretien {numero} enregistré ({date}, {canal}, {reel})."
PRV_REEL: Final = {True: "situation réelle", False: "simulée"}
PRV_LISTE: Final = "Vos entretiens : {liste}."
PRV_LISTE_ELEMENT: Final = "n°{numero} {date} {canal}"
PRV_AVERTISSEMENTS: Final = "À vérifier (cela n'empêche pas de noter la grille) :"
PRV_PEU_ENTRETIENS: Final = "{n} entretien(s) enregistré(s) ; le bloc en demande au moins {min}."
PRV_TROP_ENTRETIENS: Final = "{n} entretiens enregistrés ; le bloc en prévoit au plus {max}."
PRV_FENETRE: Final = (
    "les entretiens s'étalent sur {jours} jours ; le bloc prévoit {max} jours au plus."
)
PRV_CANAL_HORS_MODALITES: Final = (
    "le canal {canal} n'est pas cité par les modalités du bloc ({canaux})."
)
PRV_CADRES_IDENTIQUES: Final = (
    "tous les entretiens ont le même canal ; le bloc demande des cadres différents."
)
PRV_SANS_SITUATION_DIFFICILE: Final = (
    "aucun entretien en situation difficile (le bloc en prévoit une simulée, s'il y a lieu)."
)

ROUV_INTERDIT: Final = "Seuls les coordinateurs de cette évaluation peuvent la rouvrir."
ROUV_RAISON: Final = "Donnez la raison de la réouverture : « rouvrir {evaluation} <raison> »."
ROUV_USAGE: Final = "Tapez « rouvrir <évaluation ou référence du candidat> <raison> »."
ROUV_RAISON_TROP_LONGUE: Final = (
    "Raison trop longue : {n} caractères, {max} au plus. Raccourcissez-la : "
    "l'évaluation n'a pas été rouverte."
)
ROUV_FAITE: Final = (
    "Évaluation {evaluation} rouverte : « {raison} ». Les deux évaluateurs sont prévenus."
)
ROUV_INFO: Final = (
    "L'évaluation {evaluation} (candidat {reference}) a été rouverte par {par} : « {raison} ». "
    "Votre grille est de nouveau modifiable ; soumettez-la à nouveau quand elle est prête."
)

RES_PAS_ENCORE: Final = "Pas encore de résultat : les deux grilles ne sont pas soumises."

CMP_COEFFICIENTS: Final = "κ de Cohen {kappa} · AC1 de Gwet {ac1} · PABAK {pabak} (sur {paires} critères observés par les deux)"
CMP_COEFFICIENTS_PEU: Final = (
    "Moins de 30 critères appariés : ces coefficients sont indicatifs (suivi qualité seulement)."
)
CMP_NON_DEFINI: Final = "non défini"
RES_PRECISIONS: Final = "Précisions sur {competence} — {evaluateur} : {texte}"
EXP_INTERDIT: Final = "Seuls les coordinateurs de cette évaluation peuvent l'exporter."
EXP_PRET: Final = "Export du candidat {reference} pour le jury : {n} évaluation(s), grilles, remarques, preuves et historique (fichier joint)."
EXP_PAS_ENCORE: Final = (
    "L'export pour le jury est possible quand les deux grilles de l'évaluation sont soumises."
)
RAP_VISE: Final = (
    "Les deux visas sont donnés : la proposition est close. Un coordinateur peut la rouvrir."
)
NOTE_BOUTON_PRECISIONS: Final = "Précisions {competence}"


# --- service robustness ---

SRV_DESTINATION_TROP_LONGUE: Final = (
    "la destination des résultats fait {n} caractères ; {max} au plus "
    "(le nom ou l'identifiant d'un canal)."
)
SRV_RAPPEL_COMMENTAIRE: Final = (
    "Toujours en attente : votre commentaire sur {critere}. "
    "Tapez-le, ou « annuler » pour ne pas en mettre."
)
SRV_RAPPEL_PRECISIONS: Final = (
    "Toujours en attente : vos précisions sur la compétence {competence}. "
    "Tapez-les, ou « annuler » pour y revenir plus tard."
)
SRV_RAPPEL_JUSTIFICATION: Final = (
    "Toujours en attente : la justification de votre proposition {valeur} pour {critere}. "
    "Tapez-la, ou « annuler » pour abandonner cette proposition."
)
SRV_TEXTE_NON_RATTACHE_COMMENTAIRE: Final = (
    "Ce texte n'a été enregistré nulle part : vous êtes passé à une autre évaluation. "
    "Le commentaire sur {critere} (candidat {reference}) attend toujours : « Reprendre » y ramène."
)
SRV_TEXTE_NON_RATTACHE_PRECISIONS: Final = (
    "Ce texte n'a été enregistré nulle part : vous êtes passé à une autre évaluation. "
    "Les précisions sur {competence} (candidat {reference}) attendent toujours : « Reprendre » y "
    "ramène."
)
SRV_RIEN_A_ANNULER: Final = "Rien n'est en attente : il n'y a rien à annuler."
SRV_COMMENTAIRE_ANNULE: Final = "Pas de commentaire sur {critere} : sa valeur reste enregistrée."
SRV_PRECISIONS_ANNULEES: Final = "Précisions sur {competence} laissées pour plus tard."
SRV_PRECISIONS_ANNULEES_OBLIGATOIRES: Final = (
    "Précisions sur {competence} laissées pour plus tard : elles sont obligatoires pour "
    "soumettre la grille, la revue y ramène."
)
SRV_JUSTIFICATION_CONSIGNE: Final = (
    "Tapez « annuler » pour abandonner cette proposition ; "
    "sans justification dans les {minutes} min, elle expire."
)
SRV_JUSTIFICATION_ANNULEE: Final = (
    "Proposition {valeur} pour {critere} abandonnée : rien n'a été enregistré."
)
SRV_JUSTIFICATION_EXPIREE: Final = (
    "Votre proposition {valeur} pour {critere} attendait sa justification depuis plus de "
    "{minutes} min : elle a expiré et rien n'a été enregistré. Pour la reprendre, proposez-la "
    "de nouveau depuis les écarts."
)
SRV_JUSTIFICATION_ABANDONNEE: Final = (
    "La proposition {valeur} pour {critere} attendait sa justification : vous êtes passé à "
    "autre chose, elle est abandonnée et rien n'a été enregistré."
)
