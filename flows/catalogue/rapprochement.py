"""After both grids are submitted: comparison and the complementary interview's agenda,
proposals and their justification, visas, the result, the jury's export, re-opening, and the
agreement figures.
"""

from __future__ import annotations

from typing import Final

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
