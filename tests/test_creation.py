"""A coordinateur creates an evaluation; both évaluateurs are invited; bad forms create nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from flows.messages import ChoiceEvent, FormEvent, Origin, Paragraph, TextEvent, TextInput
from flows.service import Service
from referentiel import default
from storage.memory import MemoryStore
from tests.store_outils import T0

FORMULAIRE_VALIDE = {
    "candidat_nom": "Jeanne Martin",
    "candidat_reference": "C042",
    "bloc": "b1",
    "evaluateur_1": "u-expert",
    "role_1": "expert_habilite",
    "evaluateur_2": "u-interne",
    "role_2": "expert_interne",
    "echeance": "15/12/2026",
    "destination": "",
}


def _horloge() -> datetime:
    return T0 + timedelta(hours=1)


@pytest.fixture
def service() -> Service:
    return Service(MemoryStore(), default(), _horloge, coordinateurs=("u-coord",))


def _origine(user: str) -> Origin:
    return Origin(channel="web", conversation=f"dm-{user}", user=user)


async def _envoyer(
    service: Service, valeurs: dict[str, str], user: str = "u-coord", requete: str = "f1"
):
    return await service.handle(
        FormEvent(origin=_origine(user), request_id=requete, form="nouvelle", values=valeurs)
    )


def _textes(replies) -> str:
    return " | ".join(b.text for r in replies for b in r.message.blocks if isinstance(b, Paragraph))


async def test_the_coordinateur_gets_the_form_and_others_are_refused(service: Service) -> None:
    replies = await service.handle(
        TextEvent(origin=_origine("u-coord"), request_id="t1", text="nouvelle")
    )
    champs = [b.name for b in replies[0].message.blocks if isinstance(b, TextInput)]
    assert champs[:3] == ["candidat_nom", "candidat_reference", "bloc"]
    replies = await service.handle(
        TextEvent(origin=_origine("u-expert"), request_id="t2", text="nouvelle")
    )
    assert "Seuls les coordinateurs" in _textes(replies)
    replies = await _envoyer(service, FORMULAIRE_VALIDE, user="u-expert")
    assert "Seuls les coordinateurs" in _textes(replies)
    assert await service.store.evaluations() == []


async def test_a_valid_form_creates_the_evaluation_and_invites_both_evaluateurs(
    service: Service,
) -> None:
    replies = await _envoyer(service, FORMULAIRE_VALIDE)
    assert "Évaluation ev-C042-B1 créée : candidat C042, bloc B1." in _textes(replies)
    invitations = [r for r in replies if r.to.kind == "user"]
    assert sorted(r.to.user or "" for r in invitations) == ["u-expert", "u-interne"]
    assert "Observez 3 à 5 entretiens" in _textes(invitations)
    [ev] = await service.store.evaluations()
    assert (ev.candidat.nom, ev.echeance, ev.coordinateurs) == (
        "Jeanne Martin",
        date(2026, 12, 15),
        ("u-coord",),
    )
    bouton = invitations[0].message.blocks[1].buttons[0]
    premiere = await service.handle(
        ChoiceEvent(
            origin=_origine(invitations[0].to.user or ""), request_id="c1", payload=bouton.payload
        )
    )
    assert any(
        "B1.C1.1 —" in b.text for b in premiere[0].message.blocks if isinstance(b, Paragraph)
    )


async def test_a_form_with_problems_lists_them_all_and_creates_nothing(service: Service) -> None:
    mauvais = {
        **FORMULAIRE_VALIDE,
        "candidat_nom": " ",
        "candidat_reference": "C 042",
        "bloc": "B7",
        "role_1": "expert_interne",
        "evaluateur_2": "u-expert",
        "echeance": "31/02/2026",
    }
    replies = await _envoyer(service, mauvais)
    texte = _textes(replies)
    for attendu in (
        "L'évaluation n'a pas été créée",
        "« Nom du candidat » est obligatoire.",
        "la référence ne doit contenir",
        "le bloc « B7 » n'existe pas",
        "deux personnes différentes",
        "l'échéance « 31/02/2026 » n'est pas une date",
    ):
        assert attendu in texte
    champs = {b.name: b.initial for b in replies[0].message.blocks if isinstance(b, TextInput)}
    assert champs["candidat_reference"] == "C 042"  # shown again as typed
    assert await service.store.evaluations() == []


async def test_two_evaluateurs_of_the_same_role_are_not_an_allowed_pair(service: Service) -> None:
    replies = await _envoyer(service, {**FORMULAIRE_VALIDE, "role_1": "expert_interne"})
    assert "ne forment pas un binôme prévu par le référentiel" in _textes(replies)
    assert await service.store.evaluations() == []


async def test_a_resent_form_creates_once_and_a_second_evaluation_gets_its_own_id(
    service: Service,
) -> None:
    await _envoyer(service, FORMULAIRE_VALIDE, requete="f1")
    await _envoyer(service, FORMULAIRE_VALIDE, requete="f1")
    assert [e.id for e in await service.store.evaluations()] == ["ev-C042-B1"]
    await _envoyer(service, FORMULAIRE_VALIDE, requete="f2")
    assert [e.id for e in await service.store.evaluations()] == ["ev-C042-B1", "ev-C042-B1-2"]


async def test_a_results_destination_too_long_to_post_to_is_refused_and_nothing_created(
    service: Service,
) -> None:
    replies = await _envoyer(service, {**FORMULAIRE_VALIDE, "destination": "c" * 201})
    assert "la destination des résultats fait 201 caractères ; 200 au plus" in _textes(replies)
    assert await service.store.evaluations() == []
    await _envoyer(service, {**FORMULAIRE_VALIDE, "destination": "c" * 200}, requete="f2")
    [creee] = await service.store.evaluations()
    assert creee.destination_resultats == "c" * 200
