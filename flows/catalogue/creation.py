"""Creating an evaluation (:mod:`flows.creation`): the form, its errors, the invitations."""

from __future__ import annotations

from typing import Final

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
CRE_CONFLIT: Final = (
    "{personne} a déclaré un conflit d'intérêts avec ce candidat : choisissez un autre évaluateur."
)
CRE_FORMATEUR_REFERENT: Final = (
    "le responsable pédagogique ne peut pas être le formateur référent du candidat "
    "({formateur}) : choisissez un autre évaluateur."
)
CRE_DATE_INVALIDE: Final = "l'échéance « {valeur} » n'est pas une date JJ/MM/AAAA."
CRE_INTERDIT: Final = "Seuls les coordinateurs peuvent créer une évaluation."
CRE_CREEE: Final = "Évaluation {evaluation} créée : candidat {reference}, bloc {bloc}. Les deux évaluateurs sont prévenus."
CRE_INVITATION: Final = (
    "Vous êtes évaluateur du candidat {reference} pour le bloc {bloc} ({titre}). "
    "Observez {entretiens} entretiens, puis notez la grille critère par critère."
)
CRE_BOUTON_COMMENCER: Final = "Commencer la grille"
CRE_BOUTON_CREER: Final = "Créer l'évaluation"
