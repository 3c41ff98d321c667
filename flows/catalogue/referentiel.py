"""The référentiel's texts: its enums' labels, the problems of its data file, the
command line's lookup (``cqp-bot referentiel``) and how the référentiel is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

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


CLI_AIDE: Final = (
    "cqp-bot — les évaluations du CQP Téléconseiller (branche Mutualité) dans la messagerie.\n\n"
    "Pour commencer : « cqp-bot referentiel » ouvre la recherche de critères."
)
CLI_OPTION_AIDE: Final = "Affiche cette aide et quitte."
CLI_OBLIGATOIRE: Final = "[obligatoire]"
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
REF_TITRE: Final = "{titre} — branche {branche}"
REF_PUBLIC: Final = "Public : {public}"
REF_BLOC: Final = "Bloc {id} · {titre}"
REF_ACTIVITE: Final = "Activité : {titre}"
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
