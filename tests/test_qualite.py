"""Agreement figures for quality monitoring: per candidate in the result, pooled per pair."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.agreement import mesurer_accord_groupe
from flows.evaluation import Dossier, Evaluateur, Evaluation, Reponse, Soumission, Visa
from flows.messages import Fields, Reply
from flows.qualite import accord, regrouper
from flows.service import Service
from flows.visas import message_resultat
from referentiel import CodeValeur, RoleEvaluateur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0, evaluation

A, ECA, NA, NO = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA, CodeValeur.NO
REFERENTIEL = default()
BLOC_1 = REFERENTIEL.blocs[0]
CRITERES = [c.id for c in BLOC_1.criteres]
CLAIRE = Evaluateur(utilisateur="u-claire", nom="Claire Vidal", role=RoleEvaluateur.EXPERT_INTERNE)


def _dossier(
    ev: Evaluation,
    differences: dict[str, tuple[CodeValeur, CodeValeur]],
    vises: bool = False,
    soumis: tuple[int, ...] = (0, 1),
) -> Dossier:
    """Both évaluateurs' grids of bloc 1: A everywhere but ``differences`` (first, second)."""
    reponses = [
        Reponse(critere=c, evaluateur=e.utilisateur, valeur=differences.get(c, (A, A))[i],
                horodatage=T0)
        for c in CRITERES
        for i, e in enumerate(ev.evaluateurs)
    ]  # fmt: skip
    plus_tard = T0 + timedelta(minutes=1)
    return Dossier(
        evaluation=ev,
        reponses=tuple(reponses),
        soumissions=tuple(
            Soumission(evaluateur=ev.evaluateurs[i].utilisateur, horodatage=plus_tard)
            for i in soumis
        ),
        visas=tuple(
            Visa(evaluateur=e.utilisateur, horodatage=plus_tard) for e in ev.evaluateurs if vises
        ),
    )


def _inverse(ev: Evaluation) -> Evaluation:
    return ev.model_copy(update={"evaluateurs": (ev.evaluateurs[1], ev.evaluateurs[0])})


def _avec_claire(ev: Evaluation) -> Evaluation:
    return ev.model_copy(update={"evaluateurs": (ev.evaluateurs[0], CLAIRE)})


# C042: the pair as named; C043: the same pair named the other way round; C044: another pair;
# C045: one grid still being scored (not counted: the blind rule).
DOSSIERS = [
    _dossier(evaluation(1, "C042"), {CRITERES[0]: (A, NA), CRITERES[1]: (ECA, NA)}),
    _dossier(_inverse(evaluation(1, "C043")), {CRITERES[2]: (NA, A), CRITERES[3]: (NO, A)}),
    _dossier(_avec_claire(evaluation(1, "C044")), {CRITERES[4]: (A, ECA), CRITERES[6]: (NO, NO)}),
    _dossier(evaluation(1, "C045"), {CRITERES[5]: (NA, A)}, soumis=(0,)),
]


def _texte(reply: Reply) -> str:
    morceaux: list[str] = []
    for bloc in reply.message.blocks:
        if isinstance(bloc, Fields):
            morceaux.extend(f"{a}: {b}" for a, b in bloc.items)
        else:
            morceaux.append(getattr(bloc, "text", ""))
    return " | ".join(morceaux)


def test_a_pair_is_the_same_two_people_whatever_the_order_they_were_named_in() -> None:
    cohorte, binomes = regrouper(DOSSIERS, REFERENTIEL)
    assert cohorte.evaluations == 3 and cohorte.criteres == 90 and cohorte.concordants == 85
    assert [(g.libelle, g.evaluations) for g in binomes] == [
        ("Amel Haddad + Paul Roche", 2),
        ("Claire Vidal + Amel Haddad", 1),  # by user id: u-claire, u-expert
    ]
    # Each candidate's values are put in one order (u-expert's first), so κ reads each person.
    attendu = [
        [("A", "NA"), ("ECA", "NA"), *[("A", "A")] * 28],
        [("A", "NA"), *[("A", "A")] * 28],  # C043 turned round; the NO pair is left out
    ]
    paires = binomes[0].coefficients()
    assert paires == mesurer_accord_groupe(attendu, ("A", "ECA", "NA"))
    assert paires is not None and paires.paires == 59 and paires.echantillon_suffisant


def test_the_accord_command_shows_each_pair_and_the_cohort_with_the_three_coefficients() -> None:
    texte = _texte(accord(DOSSIERS, REFERENTIEL))
    assert "Accord entre évaluateurs — 3 évaluation(s) aux deux grilles soumises" in texte
    assert "Ensemble : 3 évaluation(s) · accord 94 % (85/90 critères) · κ de Cohen" in texte
    assert (
        "Amel Haddad + Paul Roche: 2 évaluation(s) · accord 93 % (56/60 critères) · κ de Cohen"
        in texte
    )
    assert "(sur 59 critères observés par les deux)" in texte
    assert "Claire Vidal + Amel Haddad: 1 évaluation(s) · accord 97 % (29/30 critères)" in texte
    claire = texte.split("Claire Vidal + Amel Haddad:", 1)[1]
    assert "Moins de 30 critères appariés : ces coefficients sont indicatifs" in claire
    assert "suivi qualité" in texte and "C045" not in texte


def test_the_accord_command_takes_a_bloc_and_helps_with_a_wrong_one() -> None:
    assert "aucune évaluation aux deux grilles soumises" in _texte(
        accord(DOSSIERS, REFERENTIEL, "B2")
    )
    assert "3 évaluation(s)" in _texte(accord(DOSSIERS, REFERENTIEL, "bloc 1"))
    texte = _texte(accord(DOSSIERS, REFERENTIEL, "B9"))
    assert "Le bloc « B9 » n'existe pas" in texte and "« accord B1 » pour un bloc" in texte


def test_the_posted_result_gives_the_percentage_and_kappa_ac1_pabak_with_the_caution() -> None:
    dossier = _dossier(evaluation(1, "C042"), {CRITERES[0]: (A, NA), CRITERES[1]: (A, NO)}, True)
    texte = _texte(Reply(message=message_resultat(dossier, BLOC_1)))
    assert "Accord initial entre évaluateurs : 93 %." in texte
    assert "(sur 29 critères observés par les deux)" in texte
    assert "κ de Cohen" in texte and "AC1 de Gwet" in texte and "PABAK" in texte
    assert "Moins de 30 critères appariés" in texte
    sans_paire = _dossier(evaluation(1, "C042"), dict.fromkeys(CRITERES, (NO, A)), vises=True)
    assert "non calculables : aucun critère observé par les deux" in _texte(
        Reply(message=message_resultat(sans_paire, BLOC_1))
    )


@pytest.fixture
async def service() -> Service:
    store = MemoryStore()
    for d in DOSSIERS:
        await store.creer(d.evaluation, par="u-coord")
        for element in (*d.reponses, *d.soumissions):
            await store.enregistrer(d.evaluation.id, element, par="u-coord")
    autre = _dossier(evaluation(1, "C099").model_copy(update={"coordinateurs": ("u-autre",)}), {})
    await store.creer(autre.evaluation, par="u-autre")
    for element in (*autre.reponses, *autre.soumissions):
        await store.enregistrer(autre.evaluation.id, element, par="u-autre")
    return Service(store, default(), Horloge())


async def test_a_coordinateur_reads_the_agreement_of_the_evaluations_they_follow_only(
    service: Service,
) -> None:
    lu = await Utilisateur(service, "u-coord").taper("accord")
    assert "3 évaluation(s) aux deux grilles soumises" in lu
    assert "1 évaluation(s)" in await Utilisateur(service, "u-autre").taper("accord")
    lu = await Utilisateur(service, "u-expert").taper("accord")
    assert "Pas encore de chiffres d'accord" in lu and "Amel" not in lu
    assert "accord [bloc]" in await Utilisateur(service, "u-expert").taper("aide")
    assert "κ de Cohen" in await Utilisateur(service, "u-coord").taper("resultat ev-C042-1")
