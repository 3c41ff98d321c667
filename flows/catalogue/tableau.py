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
}
"""The page's labels, sent with the rows (``GET /api/tableau``): the page holds no French of its
own for the dashboard, so every channel's wording stays in this catalogue."""
