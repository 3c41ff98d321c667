"""Commands name an evaluation by its id or by the candidate's reference; a wrong name gets help.

Three evaluations: two of candidate C042 (blocs 1 and 2) followed by u-coord,
one of candidate C043 followed by another coordinateur — which u-coord must
never learn about, not even through a suggestion.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.autorisation import Action
from flows.designation import Commande, designer
from flows.evaluation import Evaluation
from flows.messages import Choices, Reply
from flows.notation import Aller
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import evaluation

C042_B1 = evaluation(1, "C042")
C042_B2 = evaluation(2, "C042").model_copy(update={"bloc": "B2"})
C043 = evaluation(1, "C043").model_copy(update={"coordinateurs": ("u-autre",)})
EVALUATIONS = [C042_B1, C042_B2, C043]


@pytest.fixture
async def service() -> Service:
    store = MemoryStore()
    for ev in EVALUATIONS:
        await store.creer(ev, par=ev.coordinateurs[0])
    return Service(store, default(), Horloge())


def _boutons(replies: tuple[Reply, ...]) -> dict[str, str]:
    return {
        b.label: b.payload
        for r in replies
        for bloc in r.message.blocks
        if isinstance(bloc, Choices)
        for b in bloc.buttons
    }


async def test_a_reference_with_one_evaluation_is_that_evaluation(service: Service) -> None:
    autre = Utilisateur(service, "u-autre")
    assert "Évaluation ev-C043-1 — candidat C043, bloc B1" in await autre.taper("statut C043")
    assert "Évaluation ev-C043-1" in await autre.taper("statut c043")  # case does not matter


async def test_a_reference_with_several_evaluations_lists_them_with_buttons(
    service: Service,
) -> None:
    coordinateur = Utilisateur(service, "u-coord")
    lu = await coordinateur.taper("statut C042")
    assert "2 évaluations pour « C042 » : choisissez-en une." in lu
    assert "ev-C042-1: candidat C042 · bloc B1" in lu and "ev-C042-2: candidat C042 · bloc B2" in lu
    boutons = _boutons(coordinateur.replies)
    assert set(boutons) == {"statut ev-C042-1", "statut ev-C042-2"}
    lu = await coordinateur.cliquer(boutons["statut ev-C042-2"])
    assert "Évaluation ev-C042-2 — candidat C042, bloc B2" in lu
    assert "Amel Haddad: 0/" in lu


async def test_the_command_alone_offers_the_evaluations_one_may_act_on(service: Service) -> None:
    coordinateur = Utilisateur(service, "u-coord")
    lu = await coordinateur.taper("resultat")
    assert "Quelle évaluation ? Choisissez-la parmi les vôtres." in lu
    assert set(_boutons(coordinateur.replies)) == {"resultat ev-C042-1", "resultat ev-C042-2"}
    assert "C043" not in lu


async def test_an_unknown_argument_gets_help_with_the_closest_names_of_ones_own(
    service: Service,
) -> None:
    coordinateur = Utilisateur(service, "u-coord")
    lu = await coordinateur.taper("statut C024")
    assert "Aucune évaluation « C024 » parmi les vôtres." in lu
    assert "Vouliez-vous dire « C042 »" in lu
    assert "Tapez « statut <évaluation ou référence du candidat> »" in lu
    assert "C043" not in lu  # another coordinateur's candidate, as close, is never suggested
    assert set(_boutons(coordinateur.replies)) == {"statut ev-C042-1", "statut ev-C042-2"}
    lu = await coordinateur.taper("statut ev-C042-l")
    assert "Vouliez-vous dire « ev-C042-1 »" in lu
    # Someone else's candidate is answered exactly like a candidate that does not exist.
    existe_ailleurs = await coordinateur.taper("statut C043")
    n_existe_pas = await coordinateur.taper("statut C044")
    assert existe_ailleurs.replace("C043", "?") == n_existe_pas.replace("C044", "?")


async def test_an_evaluateur_is_told_why_not_instead_of_being_told_it_does_not_exist(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    lu = await expert.taper("statut ev-C042-1")
    assert "seuls les coordinateurs le voient" in lu and "0/30" not in lu
    assert "Seuls les coordinateurs de cette évaluation peuvent l'exporter" in await expert.taper(
        "export C042"
    )


async def test_export_resultat_entretien_and_rouvrir_take_the_reference_too(
    service: Service,
) -> None:
    coordinateur, expert = Utilisateur(service, "u-coord"), Utilisateur(service, "u-expert")
    lu = await coordinateur.taper("export C043")
    assert "Aucune évaluation « C043 »" in lu
    lu = await coordinateur.taper("export ev-c042-1")
    assert "quand les deux grilles de l'évaluation sont soumises" in lu
    await expert.cliquer(Aller(evaluation="ev-C042-1", action="reprendre").pack())
    await expert.noter("B1.C1.1", CodeValeur.A)
    assert "Pas encore de résultat" in await expert.taper("resultat ev-C042-1")
    lu = await expert.taper("entretien C042")
    assert set(_boutons(expert.replies)) == {"entretien ev-C042-1", "entretien ev-C042-2"}
    lu = await expert.cliquer(_boutons(expert.replies)["entretien ev-C042-2"])
    assert "Entretien observé — candidat C042, bloc B2" in lu
    lu = await coordinateur.taper("rouvrir C042 Grille à revoir")
    assert "2 évaluations pour « C042 »" in lu
    assert "Tapez « rouvrir <évaluation ou référence du candidat> <raison> »" in lu
    assert _boutons(coordinateur.replies) == {}  # a button could not carry the reason
    lu = await coordinateur.taper("rouvrir ev-C042-2 Grille à revoir")
    assert "Évaluation ev-C042-2 rouverte : « Grille à revoir »" in lu


async def test_a_forged_command_button_runs_nothing_it_should_not(service: Service) -> None:
    coordinateur = Utilisateur(service, "u-coord")
    lu = await coordinateur.cliquer(Commande(nom="statut", evaluation="ev-C043-1").pack())
    assert "Aucune évaluation « ev-C043-1 »" in lu and "Amel" not in lu
    assert "ne correspond plus" in await coordinateur.cliquer("c:rouvrir:ev-C042-1")


def test_suggestions_come_only_from_the_evaluations_one_may_act_on() -> None:
    resultat = designer("C04", EVALUATIONS, "u-autre", Action.SUIVRE, "statut", "refus")
    assert isinstance(resultat, Reply)
    texte = " ".join(getattr(b, "text", "") for b in resultat.message.blocks)
    assert "C043" in texte and "C042" not in texte
    assert designer("ev-C043-1", EVALUATIONS, "u-autre", Action.SUIVRE, "statut", "x") == C043


def test_a_long_list_stays_within_the_channel_limits() -> None:
    beaucoup: list[Evaluation] = [evaluation(i, "C042") for i in range(1, 31)]
    resultat = designer("C042", beaucoup, "u-coord", Action.SUIVRE, "statut", "refus")
    assert isinstance(resultat, Reply)
    [boutons] = [b for b in resultat.message.blocks if isinstance(b, Choices)]
    assert len(boutons.buttons) == 20
    texte = " ".join(getattr(b, "text", "") for b in resultat.message.blocks)
    assert "… et 10 autre(s)" in texte


async def test_bloc_and_critere_arguments_get_suggestions(service: Service) -> None:
    quelquun = Utilisateur(service, "u-quelquun")
    assert "Bloc B1 · Assurer l'accueil" in await quelquun.taper("bloc 1")
    lu = await quelquun.taper("bloc B1.C2")
    assert "Le bloc « B1.C2 » n'existe pas : les blocs sont B1, B2, B3, B4." in lu
    assert "Vouliez-vous dire « critere B1.C2 » ?" in lu
    lu = await quelquun.taper("critere B1.C9")
    assert "Le code « B1.C9 » n'existe pas dans le référentiel." in lu
    assert "Codes existants à ce niveau : B1.C1, B1.C2" in lu


async def test_statut_alone_shows_the_most_recent_followed_evaluations_as_counts() -> None:
    store = MemoryStore()
    for i in range(12):  # twelve for u-coord, created one minute apart; one for u-autre
        ev = evaluation(1, f"C{i:03d}").model_copy(
            update={"horodatage": C042_B1.horodatage + timedelta(minutes=i)}
        )
        await store.creer(ev, par="u-coord")
    await store.creer(C043, par="u-autre")
    coordinateur = Utilisateur(Service(store, default(), Horloge()), "u-coord")
    lu = await coordinateur.taper("statut")
    assert "Avancement des évaluations que vous suivez" in lu
    assert "candidat C011 · bloc B1" in lu and "candidat C002 · bloc B1" in lu
    assert "C001" not in lu and "C000" not in lu and "C043" not in lu
    assert "Les 10 plus récentes sont affichées" in lu and "2 autre(s)" in lu
    assert "Amel Haddad : 0/" in lu and "Paul Roche : 0/" in lu  # counts, no value
    assert set(_boutons(coordinateur.replies)) == {f"statut ev-C{i:03d}-1" for i in range(2, 12)}


async def test_statut_alone_hides_the_other_grid_from_a_coordinateur_who_scores_it() -> None:
    store = MemoryStore()
    ev = C042_B1.model_copy(update={"coordinateurs": ("u-expert",)})  # also its évaluateur
    await store.creer(ev, par="u-expert")
    expert = Utilisateur(Service(store, default(), Horloge()), "u-expert")
    await expert.noter("B1.C1.1", CodeValeur.A)
    lu = await expert.taper("statut")
    assert "Amel Haddad : 1/" in lu and "Paul Roche" not in lu
