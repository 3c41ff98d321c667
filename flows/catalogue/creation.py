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

# --- the evaluations of a session, created at once (« creer-evaluations ») --------------
LOT_TITRE: Final = "Évaluations d'une session"
LOT_INTRO: Final = (
    "Créez d'un coup les évaluations des candidats d'une session. Sans binôme ici, chaque "
    "candidat a celui de sa fiche (colonnes « evaluateur 1 », « role 1 », « evaluateur 2 », "
    "« role 2 » de l'import). Les règles du référentiel sont vérifiées pour chacun : rien "
    "n'est créé tant qu'une seule ne tient pas."
)
LOT_CHAMPS: Final = {
    "session": "Session",
    "blocs": "Blocs (B1 B2…, vide : ceux de chaque candidat)",
    "candidats": "Candidats (références, vide : tous ceux de la session)",
    "evaluateur_1": "Premier évaluateur (vide : celui de chaque fiche)",
    "role_1": "Rôle du premier évaluateur",
    "evaluateur_2": "Second évaluateur (vide : celui de chaque fiche)",
    "role_2": "Rôle du second évaluateur",
    "echeance": "Échéance (JJ/MM/AAAA, facultative)",
}
LOT_BOUTON: Final = "Créer les évaluations"
LOT_ERREURS_TITRE: Final = "Aucune évaluation n'a été créée :"
LOT_INTERDIT: Final = (
    "Seuls les coordinateurs d'une session (et les administrateurs) peuvent créer les "
    "évaluations de ses candidats : nommez-les à l'import (--coordinateur)."
)
LOT_SESSION_OBLIGATOIRE: Final = "« Session » est obligatoire."
LOT_SESSION_INCONNUE: Final = (
    "Session « {session} » inconnue parmi celles que vous coordonnez : {sessions}."
)
LOT_CANDIDAT_HORS_SESSION: Final = "{reference} n'est pas inscrit dans la session « {session} »."
LOT_SESSION_VIDE: Final = "La session « {session} » n'a aucun candidat inscrit."
LOT_BLOC_HORS_FICHE: Final = "{reference} n'est pas inscrit au bloc {bloc}."
LOT_BINOME_INCOMPLET: Final = (
    "Le binôme du formulaire est incomplet : donnez les deux évaluateurs et leurs rôles, ou "
    "aucun (chaque candidat a alors celui de sa fiche)."
)
LOT_SANS_BINOME: Final = (
    "{reference} n'a pas de binôme d'évaluateurs : ni dans le formulaire, ni dans sa fiche."
)
LOT_PROBLEME: Final = "{cible} : {quoi}"
LOT_NOM_INCONNU: Final = (
    "le nom de {evaluateur} n'est pas connu, or la fiche du candidat nomme son formateur "
    "référent ou ses conflits d'intérêts : choisissez le binôme dans le formulaire (le nom de "
    "chacun est alors connu), ou nommez-les dans la fiche par leur identifiant."
)
LOT_CREEES: Final = "{n} évaluation(s) créée(s) pour la session « {session} » : {liste}."
LOT_DEJA: Final = "Déjà créées, laissées telles quelles : {liste}."
LOT_RIEN_A_CREER: Final = (
    "Rien à créer : chaque candidat demandé a déjà son évaluation de ces blocs ({liste})."
)
LOT_EVALUATEURS_PREVENUS: Final = "Les évaluateurs sont prévenus."
LOT_INVITATION: Final = (
    "Vous êtes évaluateur de {n} évaluation(s) de la session « {session} » : {liste}. "
    "Tapez « mes-evaluations » pour commencer une grille."
)
