"""Candidates and certification sessions: enrolling them, importing a spreadsheet."""

from __future__ import annotations

from typing import Final

INS_COLONNES: Final = {
    "reference": "reference",
    "nom": "nom",
    "prenom": "prenom",
    "service": "service",
    "entite": "service",
    "employeur": "service",
    "organisme": "organisme",
    "organisme de formation": "organisme",
    "formateur": "formateur_referent",
    "formateur referent": "formateur_referent",
    "blocs": "blocs",
    "conflits": "conflits",
    "conflits d'interets": "conflits",
    "conflit d'interets": "conflits",
    "evaluateur 1": "evaluateur_1",
    "role 1": "role_1",
    "evaluateur 2": "evaluateur_2",
    "role 2": "role_2",
}
"""The headers a spreadsheet's columns may have (without accents, in lower case) → the field."""
INS_PROBLEME: Final = "ligne {ligne}, colonne « {colonne} » : {quoi}"
INS_VIDE: Final = "Le fichier est vide : sa première ligne doit nommer les colonnes."
INS_AUCUNE_LIGNE: Final = "Le fichier n'a aucune ligne de candidat sous ses en-têtes."
INS_TROP_DE_LIGNES: Final = (
    "Le fichier a {n} lignes de candidats ; un import en prend {max} au plus : découpez-le."
)
INS_COLONNES_MANQUANTES: Final = (
    "Colonne(s) obligatoire(s) absente(s) : {colonnes}. Colonnes lues : {lues}. "
    "La première ligne doit nommer les colonnes (reference, nom, prenom, service, organisme, "
    "formateur referent, blocs, conflits d'intérêts)."
)
INS_COLONNE_DOUBLE: Final = "la colonne « {colonne} » remplit un champ déjà rempli par une autre"
INS_REFERENCE_VIDE: Final = "la référence du candidat est vide"
INS_REFERENCE_INVALIDE: Final = (
    "« {reference} » n'est pas une référence : lettres, chiffres, « - » et « _ » seulement "
    "({max} au plus, ce qu'une évaluation accepte), sans espace"
)
INS_NOM_VIDE: Final = "le nom du candidat est vide"
INS_DOUBLON: Final = "la référence {reference} est déjà à la ligne {ligne}"
INS_AUTRE_SESSION: Final = (
    "la référence {reference} est déjà celle d'un candidat inscrit dans une autre session"
)
INS_ROLE_INCONNU: Final = "rôle inconnu : {role} (les rôles sont {roles})"
INS_BLOC_INCONNU: Final = "bloc(s) inconnu(s) : {blocs} (les blocs sont {connus})"
INS_FORMULE: Final = (
    "une formule n'est pas une valeur : saisissez le texte lui-même (ou faites-le précéder "
    "d'une apostrophe)"
)
INS_TROP_LONG: Final = "{max} caractères au plus"
INS_NOM_COMPLET_TROP_LONG: Final = (
    "prénom et nom font {n} caractères ensemble : {max} au plus (ce qu'une évaluation accepte)"
)
INS_EVALUATEUR_INVALIDE: Final = (
    "« {valeur} » n'est pas l'identifiant d'une personne (lettres, chiffres, « . », « - », "
    "« _ », sans espace) : un évaluateur se nomme par son identifiant dans le chat"
)
INS_CSV_ILLISIBLE: Final = (
    "Le fichier CSV est mal formé ({detail}) : un guillemet non refermé, peut-être. "
    "Enregistrez-le de nouveau depuis le tableur, en « CSV UTF-8 »."
)
INS_ENCODAGE: Final = (
    "Le fichier n'est pas un texte lisible (ni UTF-8 ni Windows-1252) : enregistrez-le en "
    "« CSV UTF-8 » ou en classeur Excel (.xlsx)."
)
INS_LU_EN_LATIN1: Final = (
    "Le fichier n'est pas en UTF-8 : il a été lu en Windows-1252 (Latin-1), l'encodage des "
    "CSV d'Excel en français. Vérifiez les accents ci-dessous."
)
INS_FORMAT_INCONNU: Final = "Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)."
INS_XLSX_ILLISIBLE: Final = "Le classeur ne se lit pas ({detail}) : est-ce bien un fichier .xlsx ?"
INS_REFUSE: Final = (
    "Rien n'a été importé : {n} problème(s) à corriger dans le fichier, puis relancez."
)
INS_ET_AUTRES: Final = "… et {n} autre(s) problème(s)."
INS_COLONNES_IGNOREES: Final = "Colonnes ignorées (elles ne remplissent aucun champ) : {colonnes}."
INS_ESSAI: Final = (
    "Essai : {n} candidat(s) seraient inscrits dans la session « {session} » ({nouveaux} "
    "nouveau(x), {mis_a_jour} mis à jour). Rien n'a été écrit."
)
INS_FAIT: Final = (
    "{n} candidat(s) inscrits dans la session « {session} » ({nouveaux} nouveau(x), "
    "{mis_a_jour} mis à jour)."
)
INS_COORDINATEUR_INVALIDE: Final = (
    "Un coordinateur se nomme par son identifiant : lettres, chiffres, « . », « - », « _ »."
)
INS_SESSION_INVALIDE: Final = "Le nom de la session doit avoir de 1 à 100 caractères."
INS_AIDE: Final = "Les candidats et les sessions de certification : importer, lister."
INS_IMPORTER_AIDE: Final = (
    "Inscrire les candidats d'un fichier (.csv ou .xlsx) dans une session. Chaque ligne "
    "fausse est signalée (ligne, colonne, quoi) ; s'il y en a une, rien n'est importé."
)
INS_OPTION_SESSION: Final = "La session de certification (créée si elle n'existe pas)."
INS_OPTION_ESSAI: Final = "Vérifier le fichier sans rien écrire."
INS_OPTION_JURY: Final = "La date du jury de la session (AAAA-MM-JJ)."
INS_OPTION_DEBUT: Final = "Le premier jour de la session (AAAA-MM-JJ)."
INS_OPTION_FIN: Final = "Le dernier jour de la session (AAAA-MM-JJ)."
INS_DATES_INVALIDES: Final = (
    "La session ne peut pas finir avant de commencer : vérifiez ses dates de début et de fin."
)
INS_DATES_DU_AU: Final = "du {debut} au {fin}"
INS_DATES_DEPUIS: Final = "à partir du {jour}"
INS_DATES_JUSQU_AU: Final = "jusqu'au {jour}"
INS_DATES_JURY: Final = "jury le {jury}"
INS_LISTE_AIDE: Final = (
    "Les candidats, où en est chacun des 4 blocs et la proposition de CQP (un tableau, ou du "
    "CSV avec --format csv)."
)
INS_OPTION_SESSION_LISTE: Final = "Les candidats de cette session seulement."
INS_OPTION_FORMAT: Final = "texte (un tableau) ou csv (séparé par des points-virgules)."
INS_LISTE_VIDE: Final = "Aucun candidat."
INS_COL_REFERENCE: Final = "Référence"
INS_COL_NOM: Final = "Nom"
INS_COL_SESSION: Final = "Session"
INS_COL_CQP: Final = "Proposition de CQP"
INS_BLOC_NON_CHOISI: Final = "— (non prévu)"
INS_CQP_PROPOSE: Final = "CQP proposé (le jury décide)"
INS_CQP_ACQUIS: Final = "blocs acquis : {acquis}"
INS_OPTION_COORDINATEUR: Final = (
    "Un coordinateur de la session (son identifiant ; l'option se répète) : il voit ses "
    "candidats avec « candidat »."
)

# --- the coordinatrice's dashboard (« tableau ») ---------------------------------------
TAB_ETATS: Final = {
    "non_prevu": "non prévu",
    "non_commence": "non commencé",
    "hors_de_vue": "pas une évaluation que vous notez",
    "notation": "notation",
    "rapprochement": "rapprochement",
    "proposition": "proposition",
    "visee": "visée",
}
"""What each state of a bloc is called in the dashboard's legend and filters."""
TAB_RETARD: Final = "en retard"
TAB_RETARD_DEPUIS: Final = "en retard (échéance {date})"
TAB_TITRE: Final = "Tableau de bord — {n} candidat(s)"
TAB_TITRE_SESSION: Final = "Tableau de bord — session « {session} »{dates}, {n} candidat(s)"
TAB_VIDE: Final = (
    "Aucun candidat à afficher : le tableau de bord montre les candidats des sessions que vous "
    "coordonnez et les évaluations que vous suivez ou notez."
)
TAB_AUCUN_FILTRE: Final = "Aucun candidat ne correspond à ces filtres ({filtres})."
TAB_USAGE: Final = (
    "tableau [session=NOM] [bloc=B2] [etat=notation|rapprochement|proposition|visee|"
    "non_commence|retard] [evaluateur=NOM]"
)
TAB_FILTRE_INCONNU: Final = (
    "Filtre « {filtre} » inconnu. Les filtres sont session=, bloc=, etat= et evaluateur=, "
    "par exemple « tableau bloc=B2 etat=notation »."
)
TAB_BLOC_INCONNU: Final = "Bloc « {bloc} » inconnu : les blocs sont {blocs}."
TAB_ETAT_INCONNU: Final = "État « {etat} » inconnu : les états sont {etats}."
TAB_PLUS: Final = "… et {n} autre(s) : précisez avec les filtres (session=, bloc=, etat=)."
TAB_LIGNE: Final = "{reference} — {nom}"
TAB_FILTRE_TOUS: Final = "Tous"
TAB_COL_CANDIDAT: Final = "Candidat"

# --- the living demo session (``cqp-bot demo --session``) -------------------------------
DEMO_SESSION_NOM: Final = "Session de démonstration"
DEMO_CANDIDATS: Final = (
    ("DEMO-101", "Bernard", "Sophie"),
    ("DEMO-102", "Girard", "Paul"),
    ("DEMO-103", "Morel", "Lina"),
    ("DEMO-104", "Lefèvre", "Hugo"),
    ("DEMO-105", "Robert", "Emma"),
    ("DEMO-106", "Petit", "Nadia"),
)
"""The demo session's candidates: reference, nom, prénom (invented)."""
DEMO_SERVICE: Final = "Relation adhérents"
DEMO_SESSION_PRETE: Final = (
    "Session de démonstration prête : « {session} », six candidats à tous les stades. "
    "Ouvrez le tableau de bord en tant que {coordinateur}."
)
DEMO_OPTION_SESSION: Final = (
    "Ajouter une session de six candidats à tous les stades (notation, désaccord, visas, "
    "un CQP proposé), pour voir le tableau de bord."
)
DEMO_COMMENTAIRE: Final = "Observé sur deux entretiens : reformulation encore hésitante."
DEMO_PRECISIONS: Final = "{competence} : mise en œuvre constatée sur les entretiens observés."
DEMO_JUSTIFICATION: Final = "Revu ensemble sur l'enregistrement : l'attendu est atteint."

# --- the import from the web chat -------------------------------------------------------
INS_WEB_INTERDIT: Final = "Seuls les coordinateurs peuvent importer des candidats."
INS_WEB_PAS_VOTRE_SESSION: Final = (
    "Vous ne coordonnez pas la session « {session} » : ses coordinateurs seuls y inscrivent "
    "des candidats."
)
INS_WEB_SANS_FICHIER: Final = "Choisissez le fichier des candidats (.csv ou .xlsx)."
INS_WEB_TROP_GROS: Final = (
    "Le fichier fait plus de {max} Mo : découpez-le (un import prend {lignes} lignes au plus)."
)
INS_WEB_DATE_INVALIDE: Final = "La date « {valeur} » ({champ}) n'est pas une date AAAA-MM-JJ."
INS_WEB_CHAMPS_DATES: Final = {"debut": "début", "fin": "fin", "jury": "jury"}
INS_WEB_FORMULAIRE_INVALIDE: Final = (
    "Envoyez le fichier avec le formulaire d'import (champs fichier, session, jury, essai)."
)
