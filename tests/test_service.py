"""The application service, driven like a channel would: events in, replies out, effects stored.

A small harness pushes events as a user and pops the replies (the idea of
errbot's test backend), over the in-memory store — and over the TinyDB store
on disk where a restart matters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.notation import Aller
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore, open_store
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import evaluation

EV = "ev-C042-1"
BLOC_1 = default().blocs[0]


@pytest.fixture
async def service() -> Service:
    store = MemoryStore()
    await store.creer(evaluation(), par="u-coord")
    return Service(store, default(), Horloge())


async def _grille_complete(expert: Utilisateur) -> None:
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            await expert.noter(critere.id, CodeValeur.A)
        await expert.taper(f"Précisions sur {competence.id} : compétence bien mobilisée.")


async def test_an_evaluateur_finds_the_evaluation_and_scores_the_whole_bloc(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    lu = await expert.taper("mes-evaluations")
    assert "Candidat C042 · bloc B1 · 0/30 critères notés" in lu
    await _grille_complete(expert)
    assert "Grille complète" in expert.lu()
    assert "Grille soumise et verrouillée (30 critères)" in await expert.cliquer(
        Aller(evaluation=EV, action="soumettre").pack()
    )
    dossier = await service.store.dossier(EV)
    assert dossier is not None and len(dossier.reponses) == 30 and len(dossier.precisions) == 6
    assert [s.evaluateur for s in dossier.soumissions] == ["u-expert"]


async def test_a_double_click_or_a_retry_records_once_and_answers_the_same(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    premier = await expert.noter("B1.C1.1", CodeValeur.NA, requete="slack-42")
    rejoue = await expert.noter("B1.C1.1", CodeValeur.NA, requete="slack-42")
    assert rejoue == premier
    historique = await service.store.historique(EV)
    assert sum(e.quoi == "reponses" for e in historique) == 1


async def test_an_outsider_cannot_score_and_nothing_is_stored(service: Service) -> None:
    intrus = Utilisateur(service, "u-intrus")
    lu = await intrus.noter("B1.C1.1", CodeValeur.A)
    assert "Seuls les deux évaluateurs désignés peuvent noter" in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.reponses == ()
    assert "aucune évaluation" in await intrus.taper("mes-evaluations")


async def test_the_coordinateur_sees_counts_only_before_both_grids_are_submitted(
    service: Service,
) -> None:
    expert, coordinateur = Utilisateur(service, "u-expert"), Utilisateur(service, "u-coord")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.NA)
    await expert.taper("Aucun sourire pendant l'appel.")
    lu = await coordinateur.taper(f"statut {EV}")
    assert "Amel Haddad: 1/30 critères notés" in lu and "Paul Roche: 0/30 critères notés" in lu
    assert "NA" not in lu and "Aucun sourire" not in lu
    assert "Aucune évaluation" in await Utilisateur(service, "u-intrus").taper(f"statut {EV}")


async def test_the_other_evaluateur_never_sees_the_first_ones_values(service: Service) -> None:
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.NA)
    await expert.taper("Aucun sourire pendant l'appel.")
    lu = await interne.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "B1.C1.1 —" in lu
    assert "Réponse enregistrée" not in lu and "Aucun sourire" not in lu


async def test_commands_answer_anyone_and_a_typo_gets_a_suggestion(service: Service) -> None:
    quelquun = Utilisateur(service, "u-quelquun")
    assert "B1.C6.2 — Il fait face à l'agressivité" in await quelquun.taper(
        "/cqp critere agresivite"
    )
    assert "B3 · Traiter des demandes particulières" in await quelquun.taper("bloc b3")
    assert "Le bloc « B9 » n'existe pas" in await quelquun.taper("bloc B9")
    lu = await quelquun.taper("critter accueil")
    assert (
        "Je ne connais pas la commande « critter »" in lu
        and "Vouliez-vous dire « critere » ?" in lu
    )
    assert "mes-evaluations" in await quelquun.taper("aide")


@pytest.mark.parametrize("ligne", ["critère accueil", "CRITÈRE accueil", "/cqp Critère accueil"])
async def test_a_command_name_typed_with_its_accents_is_that_command(
    service: Service, ligne: str
) -> None:
    """Found when tried in the web chat: « critère accueil » was refused."""
    lu = await Utilisateur(service, "u-quelquun").taper(ligne)
    assert "B1.C1.1 — La posture d'accueil" in lu and "Je ne connais pas" not in lu


async def test_a_forged_button_changes_nothing(service: Service) -> None:
    expert = Utilisateur(service, "u-expert")
    assert "ne correspond plus" in await expert.cliquer("v:ev-C042-1:B1.C1.1:XYZ")
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.reponses == ()


async def test_pause_and_resume_across_a_restart_on_the_real_store(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    await store.creer(evaluation(), par="u-coord")
    expert = Utilisateur(Service(store, default(), Horloge()), "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.A)
    await expert.noter("B1.C1.2", CodeValeur.ECA)
    await expert.taper("Reformulations parfois approximatives.")
    assert "2/30 critères notés" in await expert.cliquer(
        Aller(evaluation=EV, action="pause").pack()
    )
    await store.fermer()

    store = await open_store(tmp_path)  # days later, after a restart
    expert = Utilisateur(Service(store, default(), Horloge()), "u-expert")
    assert "bloc B1 · 2/30 critères notés" in await expert.taper("mes-evaluations")
    lu = await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "B1.C1.3 —" in lu
    dossier = await store.dossier(EV)
    assert (
        dossier is not None
        and dossier.reponses[1].commentaire == "Reformulations parfois approximatives."
    )
    await store.fermer()


async def test_when_the_second_grid_is_submitted_both_get_the_comparison_and_the_agenda(
    service: Service,
) -> None:
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    await _grille_complete(expert)
    await expert.cliquer(Aller(evaluation=EV, action="soumettre").pack())
    assert "Les deux grilles sont soumises" not in expert.lu()

    await interne.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            valeur = {"B1.C1.2": CodeValeur.NA, "B1.C3.1": CodeValeur.NO}.get(
                critere.id, CodeValeur.A
            )
            await interne.noter(critere.id, valeur)
            if valeur is CodeValeur.NA:
                await interne.taper("Reformulations absentes.")
        await interne.taper(f"Précisions {competence.id}.")
    await interne.cliquer(Aller(evaluation=EV, action="soumettre").pack())

    envois = [r for r in interne.replies if r.to.kind == "user"]
    assert sorted(r.to.user or "" for r in envois) == ["u-expert", "u-interne"]
    texte = interne.lu()
    assert "Accord : 93 % des critères (28/30)" in texte
    assert "Écarts critiques (A face à ECA ou NA): B1.C1.2" in texte
    assert "Observés par un seul évaluateur (NO face à une valeur): B1.C3.1" in texte
    assert "À aborder pendant l'entretien complémentaire (15 min)" in texte
    assert "B1.C3 : B1.C3.1" in texte
    assert "κ de Cohen" in texte and "Moins de 30 critères appariés" in texte


async def test_a_coordinateur_reopens_a_submitted_grid_with_a_reason_and_history_is_kept(
    service: Service,
) -> None:
    expert, coordinateur = Utilisateur(service, "u-expert"), Utilisateur(service, "u-coord")
    await _grille_complete(expert)
    await expert.cliquer(Aller(evaluation=EV, action="soumettre").pack())
    assert "déjà soumise" in await expert.noter("B1.C1.1", CodeValeur.NA)

    assert "Seuls les coordinateurs" in await expert.taper(f"rouvrir {EV} je me suis trompé")
    assert "Donnez la raison" in await coordinateur.taper(f"rouvrir {EV}")
    lu = await coordinateur.taper(f"rouvrir {EV} Entretien 3 mal retranscrit")
    assert "rouverte : « Entretien 3 mal retranscrit »" in lu
    assert sorted(r.to.user or "" for r in coordinateur.replies if r.to.kind == "user") == [
        "u-expert",
        "u-interne",
    ]

    await expert.noter("B1.C1.1", CodeValeur.NA)
    await expert.taper("Revu après réouverture.")
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert next(r for r in dossier.reponses if r.critere == "B1.C1.1").valeur is CodeValeur.NA
    assert len(dossier.soumissions) == 1 and dossier.soumissions_actives == ()
    quoi = [e.quoi for e in await service.store.historique(EV)]
    assert "reouvertures" in quoi and quoi.index("soumissions") < quoi.index("reouvertures")


async def test_a_command_during_a_flow_is_answered_and_the_flow_keeps_waiting(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.ECA)
    assert "B1.C6.2 — Il fait face à l'agressivité" in await expert.taper(
        "/cqp critere agressivite"
    )
    await expert.taper("Sourire hésitant en début d'appel.")
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert dossier.reponses[0].commentaire == "Sourire hésitant en début d'appel."


async def test_bad_input_is_answered_in_french_and_changes_nothing(service: Service) -> None:
    expert = Utilisateur(service, "u-expert")
    assert "Je n'attends pas de texte" in await expert.taper("   ")
    assert "ne correspond plus" in await expert.cliquer("v:ev-C042-1:B1.C99.1:A")
    assert "Aucune évaluation" in await expert.taper("statut ev-inconnue")
    assert "Précisez un code ou des mots" in await expert.taper("critere")
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.reponses == ()


async def test_the_jury_export_waits_for_both_grids(service: Service) -> None:
    expert, coordinateur = Utilisateur(service, "u-expert"), Utilisateur(service, "u-coord")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.NA)
    lu = await coordinateur.taper(f"export {EV}")
    assert "quand les deux grilles de l'évaluation sont soumises" in lu
    assert coordinateur.replies[0].fichier is None


async def test_an_evaluateur_does_not_learn_how_far_the_other_is(service: Service) -> None:
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.A)
    assert "1/30" not in await interne.taper(f"statut {EV}")
    assert "1/30" not in await interne.taper(f"resultat {EV}")


async def test_unusual_user_ids_and_overlong_lines_get_answers_not_crashes(
    service: Service,
) -> None:
    courriel = Utilisateur(service, "jeanne@exemple.fr")
    assert "mes-evaluations" in await courriel.taper("aide")
    assert "Je n'attends pas de texte" in await courriel.taper("x" * 2000)


async def test_a_coordinateur_reminds_the_evaluateurs_of_what_awaits_them(
    service: Service,
) -> None:
    coordinateur, expert = Utilisateur(service, "u-coord"), Utilisateur(service, "u-expert")
    await _grille_complete(expert)
    await expert.cliquer(Aller(evaluation=EV, action="soumettre").pack())
    lu = await coordinateur.taper("relancer C042")
    assert "Rappel envoyé pour ev-C042-1 à : Paul Roche." in lu
    [rappel] = [r for r in coordinateur.replies if r.to.kind == "user"]
    assert rappel.to.user == "u-interne"  # not the expert: her grid is in
    texte = " ".join(getattr(b, "text", "") for b in rappel.message.blocks)
    assert "critères notés : 0/30" in texte and "C042" in texte
    assert "Jeanne" not in texte  # the candidate by reference only, as in the invitation
    [bouton] = [b for bloc in rappel.message.blocks for b in getattr(bloc, "buttons", ())]
    assert bouton.payload == Aller(evaluation=EV, action="reprendre").pack()
    # An évaluateur may not remind anyone; an outsider does not even learn it exists.
    assert "seuls les coordinateurs" in await expert.taper("relancer C042")
    assert all(r.to.kind == "origin" for r in expert.replies)
    assert "Aucune évaluation" in await Utilisateur(service, "u-intrus").taper("relancer C042")
