"""The dashboard's texts on the channels' own views: the web chat's « Tableau de bord » page."""

from __future__ import annotations

from typing import Final

TAB_WEB_TITRE: Final = "Tableau de bord"
TAB_WEB_TEXTES: Final = {
    "titre": TAB_WEB_TITRE,
    "retour": "Retour à la conversation",
    "aide": (
        "Les candidats en retard sont en tête. Choisissez un candidat pour voir ses 4 blocs "
        "dans la conversation."
    ),
    "filtres": "Filtres",
    "session": "Session",
    "bloc": "Bloc",
    "etat": "État",
    "evaluateur": "Évaluateur (identifiant ou nom)",
    "toutes": "Toutes",
    "filtrer": "Filtrer",
    "effacer": "Effacer les filtres",
    "legende": "Légende",
    "voir": "{ligne} : voir ses 4 blocs dans la conversation",
    # The import of candidates (coordinateurs and admins): POST /api/candidats.
    "import_titre": "Importer des candidats",
    "import_aide": (
        "Un fichier CSV ou Excel (.xlsx), une ligne par candidat, avec au moins les colonnes "
        "reference et nom (prenom, blocs… si besoin). Chaque ligne est vérifiée : s'il y a "
        "une erreur, rien n'est importé."
    ),
    "import_fichier": "Fichier des candidats (.csv ou .xlsx)",
    "import_session": "Session de certification (créée si elle n'existe pas)",
    "import_debut": "Début de la session (facultatif)",
    "import_fin": "Fin de la session (facultative)",
    "import_jury": "Date du jury (facultative)",
    "import_essai": "Vérifier seulement (rien n'est écrit)",
    "import_envoyer": "Importer",
    "import_en_cours": "Import en cours…",
    "import_compte_rendu": "Compte rendu de l'import",
}
"""The page's labels, sent with the rows (``GET /api/tableau``): the page holds no French of its
own for the dashboard, so every channel's wording stays in this catalogue."""
