"""Scoring a grid (:mod:`flows.notation`): questions, progress, comments, précisions, review,
submission.
"""

from __future__ import annotations

from typing import Final

NOTE_TITRE_COMPETENCE: Final = "{id} · {libelle}"
NOTE_PROGRESSION: Final = "Critère {k}/{n} de la compétence · {m}/{total} du bloc {bloc}"
NOTE_DEJA_REPONDU: Final = "Réponse enregistrée : {valeur}"
NOTE_RESUME_QUESTION: Final = "{critere} — {libelle}"
NOTE_CARTE_LIGNE: Final = "{valeur} — {libelle}"
NOTE_CARTE_TERMINEE: Final = "Compétence {competence} : {faites}/{total} critères notés."
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
NOTE_BOUTON_PRECISIONS: Final = "Précisions {competence}"
