"""Scoring a grid, critère by critère on one card per compétence, as an évaluateur would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.evaluation import Precisions, Reponse, Soumission
from flows.messages import (
    ChoiceEvent,
    Choices,
    Context,
    Event,
    Fields,
    Origin,
    Paragraph,
    TextEvent,
)
from flows.notation import Aller, Attente, Grille, Noter, Pas, commencer, etape
from referentiel import CodeValeur, default
from tests.store_outils import T0

A, ECA, NA, NO = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA, CodeValeur.NO
BLOC_1, BLOC_4 = default().blocs[0], default().blocs[3]
EV = "ev-C042-1"
ORIGINE = Origin(channel="web", conversation="dm-expert", user="u-expert")


class Evaluateur:
    """Drives the flow like the service will: step, store the records, keep the state."""

    def __init__(self, bloc=BLOC_1) -> None:
        self.bloc = bloc
        self.grille = Grille(reference="C042")
        self.n = 0
        self.pas = commencer(EV, "u-expert", self.grille, bloc, T0)
        self.etat = self.pas.etat

    def _envoyer(self, evenement: Event) -> Pas:
        self.n += 1
        self.pas = etape(
            self.etat, evenement, self.grille, self.bloc, T0 + timedelta(seconds=self.n)
        )
        for enregistrement in self.pas.enregistrements:
            self.grille = self.grille.avec(enregistrement)
        self.etat = self.pas.etat
        return self.pas

    def cliquer(self, payload: str) -> Pas:
        return self._envoyer(ChoiceEvent(origin=ORIGINE, request_id=f"r{self.n}", payload=payload))

    def noter(self, valeur: CodeValeur, critere: str | None = None) -> Pas:
        critere = critere or self.bloc.criteres[self.etat.position].id
        return self.cliquer(Noter(evaluation=EV, critere=critere, valeur=valeur).pack())

    def aller(self, action: str, critere: str = "-") -> Pas:
        return self.cliquer(Aller(evaluation=EV, action=action, critere=critere).pack())

    def ecrire(self, texte: str) -> Pas:
        return self._envoyer(TextEvent(origin=ORIGINE, request_id=f"r{self.n}", text=texte))

    def texte(self) -> str:
        """Everything the last replies say, as a reader would see it."""
        morceaux = []
        for reply in self.pas.replies:
            for bloc in reply.message.blocks:
                if isinstance(bloc, Paragraph | Context):
                    morceaux.append(bloc.text)
                elif isinstance(bloc, Choices):
                    morceaux.extend(b.label for b in bloc.buttons)
                elif isinstance(bloc, Fields):
                    morceaux.extend(f"{label}: {valeur}" for label, valeur in bloc.items)
                elif hasattr(bloc, "text"):
                    morceaux.append(bloc.text)
        return " | ".join(morceaux)

    def noter_competence(
        self, valeur: CodeValeur = A, precisions: str = "Posture très professionnelle."
    ) -> None:
        competence = next(
            c
            for c in self.bloc.competences
            if c.criteres[0].id == self.bloc.criteres[self.etat.position].id
        )
        for _ in competence.criteres:
            self.noter(valeur)
            if self.etat.attente is Attente.COMMENTAIRE:
                self.aller("passer")
        assert self.etat.attente is Attente.PRECISIONS
        self.ecrire(precisions)


def test_the_first_message_shows_the_critere_in_its_context_with_progress() -> None:
    e = Evaluateur()
    texte = e.texte()
    assert "B1.C1.1 — La posture d'accueil est adaptée" in texte
    assert "Le candidat établit des relations de qualité avec l'interlocuteur :" in texte
    assert "Critère 1/7 de la compétence · 1/30 du bloc B1" in texte
    assert "A · Acquis" in texte and "NO · Non observé" in texte and "◀ Retour" in texte


def test_each_answer_is_stored_when_given_and_the_next_critere_follows() -> None:
    e = Evaluateur()
    pas = e.noter(A)
    assert pas.enregistrements == (
        Reponse(
            critere="B1.C1.1", evaluateur="u-expert", valeur=A, horodatage=T0 + timedelta(seconds=1)
        ),
    )
    assert "Critère 2/7 de la compétence · 2/30 du bloc B1" in e.texte()


def test_na_or_eca_prompts_a_comment_that_is_stored_with_the_value() -> None:
    e = Evaluateur()
    e.noter(NA)
    assert e.etat.attente is Attente.COMMENTAIRE
    assert "Un commentaire pour justifier" in e.texte()
    e.ecrire("Sourire absent au téléphone.")
    assert e.grille.reponses["B1.C1.1"].commentaire == "Sourire absent au téléphone."
    assert e.grille.reponses["B1.C1.1"].valeur is NA
    assert e.etat.position == 1 and e.etat.attente is Attente.VALEUR


def test_after_a_competence_its_mandatory_precisions_are_asked_and_an_empty_one_is_re_asked() -> (
    None
):
    e = Evaluateur()
    for _ in range(7):
        e.noter(A)
    assert e.etat.attente is Attente.PRECISIONS and e.etat.competence == "B1.C1"
    assert "obligatoires pour ce bloc" in e.texte()
    pas = e.ecrire("   ")
    assert pas.enregistrements == () and e.etat.attente is Attente.PRECISIONS
    assert "Les précisions sont obligatoires" in e.texte()
    e.aller("passer")
    assert e.etat.attente is Attente.PRECISIONS
    e.ecrire("Accueil chaleureux et structuré.")
    assert e.grille.precisions == {"B1.C1": "Accueil chaleureux et structuré."}
    assert "Critère 1/4 de la compétence · 8/30 du bloc B1" in e.texte()


def test_in_bloc_4_precisions_may_be_skipped() -> None:
    e = Evaluateur(BLOC_4)
    for _ in range(5):
        e.noter(A)
    assert "facultatives pour ce bloc" in e.texte()
    e.aller("passer")
    assert e.etat.attente is Attente.VALEUR and e.grille.precisions == {}


def test_back_skip_and_jump_move_the_cursor_without_storing_anything() -> None:
    e = Evaluateur()
    e.noter(A)
    e.noter(A)
    assert e.aller("retour").enregistrements == ()
    assert e.etat.position == 1
    e.aller("passer")
    e.aller("passer")
    assert e.etat.position == 3
    e.aller("modifier", critere="B1.C5.2")
    assert "B1.C5.2 —" in e.texte()


def test_a_click_on_an_older_message_scores_that_critere_and_nothing_else_moves() -> None:
    e = Evaluateur()
    e.noter(A)
    e.noter(A)
    pas = e.noter(ECA, critere="B1.C1.1")
    assert [r.critere for r in pas.enregistrements] == ["B1.C1.1"]  # type: ignore[attr-defined]
    assert e.grille.reponses["B1.C1.1"].valeur is ECA
    assert e.etat.position == 2


def test_a_forged_or_foreign_button_changes_nothing() -> None:
    e = Evaluateur()
    for payload in (
        "v:ev-autre:B1.C1.1:A",
        "v:ev-C042-1:B1.C1.1:Z",
        "n'importe quoi",
        "v:ev-C042-1:B9.C1.1:A",
    ):
        pas = e.cliquer(payload)
        assert pas.enregistrements == ()
        assert "ne correspond plus à votre grille" in e.texte()
    assert e.grille.reponses == {}


def test_typing_when_a_value_is_expected_records_a_value_code_or_says_what_to_do() -> None:
    e = Evaluateur()
    pas = e.ecrire("bonjour")
    assert pas.enregistrements == ()
    assert "Choisissez une valeur avec les boutons" in e.texte()
    pas = e.ecrire("a")
    [reponse] = pas.enregistrements
    assert isinstance(reponse, Reponse) and (reponse.critere, reponse.valeur) == ("B1.C1.1", A)
    assert "Réponse enregistrée : B1.C1.1 = A" in e.texte()


def test_the_review_shows_what_is_missing_and_submission_waits_for_a_complete_grid() -> None:
    e = Evaluateur()
    e.noter_competence()
    e.aller("revue")
    texte = e.texte()
    assert "B1.C1: 7/7 critères notés" in texte
    assert "B1.C2: 0/4 critères notés · précisions à écrire" in texte
    assert "À noter : B1.C2.1" in texte
    pas = e.aller("soumettre")
    assert pas.enregistrements == ()
    assert "La grille n'est pas complète" in e.texte()


def test_a_complete_grid_is_submitted_then_locked() -> None:
    e = Evaluateur()
    for _ in BLOC_1.competences:
        e.noter_competence(valeur=A)
    assert e.etat.attente is Attente.REVUE
    assert "Grille complète" in e.texte()
    pas = e.aller("soumettre")
    assert pas.enregistrements == (
        Soumission(evaluateur="u-expert", horodatage=pas.enregistrements[0].horodatage),
    )
    assert e.etat.attente is Attente.SOUMISE
    pas = e.noter(NA, critere="B1.C1.1")
    assert pas.enregistrements == ()
    assert "déjà soumise" in e.texte()
    assert len(e.grille.reponses) == 30 and len(e.grille.precisions) == 6


def test_resuming_days_later_starts_at_the_first_critere_without_a_value() -> None:
    e = Evaluateur()
    e.noter(A)
    e.noter(A)
    e.aller("pause")
    assert "2/30 critères notés" in e.texte()
    repris = commencer(EV, "u-expert", e.grille, BLOC_1, T0 + timedelta(days=3))
    assert repris.etat.position == 2
    assert "B1.C1.3 —" in " ".join(
        b.text for b in repris.replies[0].message.blocks if isinstance(b, Paragraph)
    )


@pytest.mark.parametrize("texte", ["x" * 9_000, "Très bien 👍 مرحبا \u202eRTL\u202c"])
def test_long_or_unusual_comments_are_kept_as_typed(texte: str) -> None:
    e = Evaluateur()
    e.noter(ECA)
    e.ecrire(texte)
    assert e.grille.reponses["B1.C1.1"].commentaire == texte.strip()


def test_every_message_fits_the_channel_limits_over_a_whole_grid() -> None:
    """Built by construction: a message over the limits could not be built at all."""
    e = Evaluateur()
    for _ in BLOC_1.competences:
        e.noter_competence()
        assert all(len(r.message.blocks) <= 50 for r in e.pas.replies)
    precisions = Precisions(competence="B1.C1", evaluateur="u-expert", texte="x", horodatage=T0)
    assert Grille().avec(precisions).precisions == {"B1.C1": "x"}


def test_a_competence_is_one_card_updated_in_place_as_the_evaluateur_moves_on() -> None:
    e = Evaluateur()
    [carte] = e.noter(NO).replies
    assert carte.to.replace  # the card clicked on, not a new message
    assert "Critère 2/7" in e.texte() and "B1.C1.2 —" in carte.message.summary
    [passes] = [b for b in carte.message.blocks if isinstance(b, Fields)]
    assert passes.items[0][0] == "B1.C1.1" and passes.items[0][1].startswith("NO — ")
    [carte] = e.aller("passer").replies  # skipped: still the same card, one critère on
    assert carte.to.replace and "Critère 3/7" in e.texte()
    [carte] = e.aller("retour").replies  # and back
    assert carte.to.replace and "Critère 2/7" in e.texte()
    assert "B1.C1.1: NO — " in e.texte()


def test_leaving_a_competence_its_card_becomes_its_recap_and_the_precisions_follow() -> None:
    e = Evaluateur()
    for _ in range(6):
        e.noter(A)
    recap, precisions = e.noter(A).replies
    assert recap.to.replace and not precisions.to.replace
    [lignes] = [b for b in recap.message.blocks if isinstance(b, Fields)]
    assert [i[0] for i in lignes.items] == [f"B1.C1.{k}" for k in range(1, 8)]
    assert all(v.startswith("A — ") for _, v in lignes.items)
    assert "Compétence B1.C1 : 7/7 critères notés." in recap.message.summary
    assert e.etat.attente is Attente.PRECISIONS
    e.ecrire("Accueil structuré.")
    assert not any(r.to.replace for r in e.pas.replies)  # B1.C2's card: a new message


def test_a_value_that_asks_for_a_comment_marks_the_card_and_asks_below_it() -> None:
    e = Evaluateur()
    marque, demande = e.noter(NA).replies
    assert marque.to.replace and not demande.to.replace
    valeurs = next(b for b in marque.message.blocks if isinstance(b, Choices))
    assert [b.selected for b in valeurs.buttons] == [False, False, True, False]
    assert demande.message.form is not None  # the comment's form


def test_a_value_typed_is_confirmed_and_the_next_question_posted_anew() -> None:
    e = Evaluateur()
    confirmation, question = e.ecrire("a").replies
    assert not confirmation.to.replace and not question.to.replace  # no card was clicked
    assert "B1.C1.1 = A" in confirmation.message.summary
    assert "B1.C1.2 —" in question.message.summary


def test_skipped_mandatory_precisions_can_be_written_from_the_review() -> None:
    e = Evaluateur()
    for _ in range(7):
        e.noter(A)
    e.aller("retour")
    e.aller("passer")  # the précisions prompt of B1.C1 skipped
    e.aller("revue")
    assert "Précisions B1.C1" in e.texte()
    e.aller("modifier", critere="B1.C1.7")
    e.noter(A)
    assert e.etat.attente is Attente.PRECISIONS
    e.ecrire("Accueil structuré.")
    assert e.grille.precisions["B1.C1"] == "Accueil structuré."


def _bouton(pas: Pas, libelle: str) -> str:
    """The payload of the button labelled ``libelle`` in the last replies."""
    return next(
        b.payload
        for r in pas.replies
        for bloc in r.message.blocks
        if isinstance(bloc, Choices)
        for b in bloc.buttons
        if b.label == libelle
    )


def test_from_the_review_any_critere_can_be_changed_and_the_review_comes_back() -> None:
    e = Evaluateur()
    for _ in BLOC_1.competences:
        e.noter_competence(valeur=A)
    assert e.etat.attente is Attente.REVUE
    assert "B1.C3 (4/4)" in e.texte()
    e.cliquer(_bouton(e.pas, "B1.C3 (4/4)"))
    texte = e.texte()
    assert "B1.C3.2 — " in texte and " : A" in texte
    assert "Vos précisions : Posture très professionnelle." in texte
    assert "B1.C3.2 · A" in texte and "Modifier les précisions" in texte
    e.cliquer(_bouton(e.pas, "B1.C3.2 · A"))
    assert "B1.C3.2 —" in e.texte() and e.etat.attente is Attente.VALEUR
    e.noter(NA)
    e.ecrire("Questions fermées seulement.")
    assert e.grille.reponses["B1.C3.2"].valeur is NA
    assert e.grille.reponses["B1.C3.2"].commentaire == "Questions fermées seulement."
    assert e.etat.attente is Attente.REVUE and "Revue de la grille" in e.texte()
    assert not e.etat.revue_apres
    e.aller("soumettre")
    assert e.etat.attente is Attente.SOUMISE


def test_written_precisions_are_edited_from_the_review_and_skipping_keeps_them() -> None:
    e = Evaluateur()
    e.noter_competence(precisions="Premier jet.")
    e.aller("revue")
    e.cliquer(_bouton(e.pas, "B1.C1 (7/7)"))
    e.cliquer(_bouton(e.pas, "Modifier les précisions"))
    assert e.etat.attente is Attente.PRECISIONS and e.etat.competence == "B1.C1"
    assert "« Premier jet. »" in e.texte() and "« Passer » pour les garder" in e.texte()
    pas = e.aller("passer")  # mandatory in bloc 1, but already written: kept
    assert pas.enregistrements == () and e.grille.precisions["B1.C1"] == "Premier jet."
    assert e.etat.attente is Attente.REVUE
    e.cliquer(Aller(evaluation=EV, action="precisions", critere="B1.C1").pack())
    assert e.ecrire("   ").enregistrements == ()  # empty: the written ones stay
    e.cliquer(Aller(evaluation=EV, action="precisions", critere="B1.C1").pack())
    e.ecrire("Accueil structuré, reformulation systématique.")
    assert e.grille.precisions["B1.C1"] == "Accueil structuré, reformulation systématique."
    assert e.etat.attente is Attente.REVUE
    assert "Précisions enregistrées pour B1.C1 (candidat C042)." in e.texte()


def test_missing_precisions_are_written_straight_from_the_review_button() -> None:
    e = Evaluateur()
    for _ in range(7):
        e.noter(A)
    e.aller("revue")  # the précisions of B1.C1 not written
    e.cliquer(_bouton(e.pas, "Précisions B1.C1"))
    assert e.etat.attente is Attente.PRECISIONS and "obligatoires pour ce bloc" in e.texte()
    e.ecrire("Accueil structuré.")
    assert e.grille.precisions["B1.C1"] == "Accueil structuré."
    assert e.etat.attente is Attente.REVUE


def test_an_unknown_competence_from_a_forged_button_changes_nothing() -> None:
    e = Evaluateur()
    pas = e.cliquer(Aller(evaluation=EV, action="competence", critere="B1.C9").pack())
    assert pas.enregistrements == () and "ne correspond plus" in e.texte()
    pas = e.cliquer(Aller(evaluation=EV, action="precisions", critere="B7.C1").pack())
    assert pas.enregistrements == () and e.etat.attente is Attente.VALEUR


@pytest.mark.parametrize("bloc", default().blocs, ids=lambda b: b.id)
def test_the_review_opens_every_competence_and_every_critere_within_the_channel_limits(
    bloc,
) -> None:
    """The message model refuses more than 50 blocks or 25 buttons a row: built, they fit."""
    e = Evaluateur(bloc)
    e.aller("revue")
    for competence in bloc.competences:
        pas = e.cliquer(_bouton(e.pas, f"{competence.id} (0/{len(competence.criteres)})"))
        modifier = {
            Aller.unpack(b.payload).critere
            for r in pas.replies
            for blk in r.message.blocks
            if isinstance(blk, Choices)
            for b in blk.buttons
            if b.payload.startswith("g:") and Aller.unpack(b.payload).action == "modifier"
        }
        assert modifier == {c.id for c in competence.criteres}
        e.aller("revue")


def test_reprendre_from_the_review_of_an_unfinished_grid_goes_to_what_is_missing() -> None:
    """Found when tried in the web chat: « Reprendre » posted the same review again."""
    e = Evaluateur()
    for _ in range(3):
        e.noter(A)
    e.aller("revue")
    assert e.etat.attente is Attente.REVUE
    e.aller("reprendre")
    assert e.etat.attente is Attente.VALEUR and e.etat.position == 3
    assert "B1.C1.4" in e.texte() and "Revue de la grille" not in e.texte()
    # Every critère answered, précisions still required (bloc 1): their prompt, not the review.
    for critere in BLOC_1.criteres[3:]:
        e.noter(A, critere.id)
    e.aller("revue")
    e.aller("reprendre")
    assert e.etat.attente is Attente.PRECISIONS and e.etat.competence == "B1.C1"
    for competence in BLOC_1.competences:
        e.cliquer(Aller(evaluation=EV, action="precisions", critere=competence.id).pack())
        e.ecrire(f"Constaté ({competence.id}).")
    e.aller("revue")
    e.aller("reprendre")  # nothing missing: the review, to submit
    assert e.etat.attente is Attente.REVUE and "Soumettre" in e.texte()
