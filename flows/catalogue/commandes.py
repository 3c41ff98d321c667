"""The commands and the service: help, lookups in chat, lists, follow-up and reminders,
designating an evaluation, and what is said of a text nobody awaited.
"""

from __future__ import annotations

from typing import Final

CMD_AIDE: Final = (
    "Commandes (tapez-les ici, ou avec /cqp dans Slack) :\n"
    "• aide : cette aide\n"
    "• critere <code ou mots> : retrouver un critère (ex. « critere accueil », « critere B1.C2.3 »)\n"
    "• bloc <B1 à B4> : un bloc, ses compétences et ses modalités\n"
    "• mes-evaluations : vos évaluations, pour commencer ou reprendre une grille\n"
    "• candidat <référence ou nom> : les 4 blocs d'un candidat, où en est chacun, la proposition de CQP\n"
    "• tableau [session=NOM] [bloc=B2] [etat=notation] [evaluateur=NOM] : le tableau de bord des "
    "candidats, les retards d'abord (coordinateurs)\n"
    "• nouvelle : créer une évaluation (coordinateurs)\n"
    "• creer-evaluations [session] : créer d'un coup les évaluations des candidats d'une session "
    "(coordinateurs)\n"
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

# --- a candidate across the 4 blocs (``candidat``) --------------------------------------
CAND_USAGE: Final = "Précisez le candidat : sa référence ou son nom, par exemple « candidat C042 »."
CAND_AUCUN: Final = (
    "Aucun candidat ne correspond à « {texte} » parmi ceux dont vous suivez ou notez une "
    "évaluation."
)
CAND_PLUSIEURS: Final = (
    "Plusieurs candidats correspondent à « {texte} » : {liste}. Précisez la référence."
)
CAND_TITRE: Final = "Candidat {reference} — {nom}"
CAND_SESSION: Final = "Session « {session} »"
CAND_LIGNE_BLOC: Final = "{bloc} · {titre}"
CAND_NON_COMMENCE: Final = "non commencé"
CAND_PAS_LA_VOTRE: Final = "pas une évaluation que vous notez"
CAND_VOUS: Final = "vous"
CAND_SOUMISE: Final = ", soumise"
CAND_GRILLE: Final = "{nom} {faites}/{total}{soumise}"
CAND_NOTATION: Final = "notation : {grilles}"
CAND_RAPPROCHEMENT: Final = "rapprochement : {n} désaccord(s) à traiter"
CAND_PROPOSITION: Final = "proposition : {proposition}, visas {visas}/2"
CAND_VISEE: Final = "visée par les deux évaluateurs : {proposition}"
CAND_CQP_PROPOSE: Final = (
    "CQP proposé : les 4 blocs sont proposés validés, les deux visas donnés (le jury décide)."
)
CAND_CQP_PARTIEL: Final = (
    "Validation partielle proposée — blocs proposés validés : {acquis} ; restent : {restent} "
    "(le jury décide)."
)
CAND_AUCUN_BLOC: Final = "aucun"
