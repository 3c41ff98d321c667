"""The entretiens observed (:mod:`flows.preuves`): the form, its checks, the list."""

from __future__ import annotations

from typing import Final

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
