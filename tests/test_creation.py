"""A coordinateur creates an evaluation; both évaluateurs are invited; bad forms create nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from flows import creation
from flows.inscription import FicheCandidat, SessionCertification
from flows.messages import (
    ChoiceEvent,
    CommandEvent,
    FormEvent,
    Origin,
    Paragraph,
    TextEvent,
    TextInput,
)
from flows.service import Service
from referentiel import default
from storage import MemoryStore
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


@pytest.mark.parametrize(
    ("saisi", "bloc"), [("1", "B1"), ("bloc 2", "B2"), (" Bloc 3 ", "B3"), ("B 4", "B4")]
)
async def test_the_bloc_is_taken_as_the_commands_take_it(
    service: Service, saisi: str, bloc: str
) -> None:
    replies = await _envoyer(service, {**FORMULAIRE_VALIDE, "bloc": saisi})
    assert f"Évaluation ev-C042-{bloc} créée : candidat C042, bloc {bloc}." in _textes(replies)
    [ev] = await service.store.evaluations()
    assert ev.bloc == bloc


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


async def test_overlong_fields_are_named_with_their_limit_and_nothing_is_created(
    service: Service,
) -> None:
    trop_long = {
        **FORMULAIRE_VALIDE,
        "candidat_nom": "Jeanne " + "M" * 300,
        "candidat_reference": "C" * 33,
        "evaluateur_2": "u" * 65,
        "destination": "#" + "r" * 100,
    }
    replies = await _envoyer(service, trop_long)
    texte = _textes(replies)
    assert "« Nom du candidat » est trop long : 307 caractères, 200 au plus." in texte
    assert "« Référence du candidat (pseudonyme, sans espace : C042…) » est trop long : 33" in texte
    assert (
        "« Identifiant du second évaluateur » est trop long : 65 caractères, 64 au plus." in texte
    )
    assert "« Où publier le résultat (canal privé, facultatif) » est trop long" in texte
    assert "la référence ne doit contenir" not in texte  # one problem, said once
    limites = {b.name: b.max_length for b in replies[0].message.blocks if isinstance(b, TextInput)}
    assert limites["candidat_nom"] == 200 and limites["candidat_reference"] == 32
    assert await service.store.evaluations() == []


async def test_the_longest_accepted_reference_still_makes_a_valid_evaluation_id(
    service: Service,
) -> None:
    reference = "R" * 32
    await _envoyer(service, {**FORMULAIRE_VALIDE, "candidat_reference": reference}, requete="f1")
    await _envoyer(service, {**FORMULAIRE_VALIDE, "candidat_reference": reference}, requete="f2")
    assert [e.id for e in await service.store.evaluations()] == [
        f"ev-{reference}-B1",
        f"ev-{reference}-B1-2",
    ]


def _contexte(utilisateur: str = "u-coord", existantes: frozenset[str] = frozenset()):
    return creation.Contexte(
        utilisateur=utilisateur,
        createurs=frozenset({"u-coord"}),
        referentiel=default(),
        existantes=existantes,
        maintenant=_horloge(),
    )


def test_the_creation_is_a_pure_step_from_the_empty_form_to_the_evaluation() -> None:
    ouvrir = CommandEvent(origin=_origine("u-coord"), request_id="c1", name="nouvelle")
    pas = creation.etape(creation.EtatCreation(), ouvrir, _contexte())
    assert pas.etat.attente is creation.AttenteCreation.FORMULAIRE and pas.evaluation is None
    assert any(isinstance(b, TextInput) for b in pas.replies[0].message.blocks)

    mauvais = FormEvent(
        origin=_origine("u-coord"),
        request_id="f0",
        form="nouvelle",
        values={**FORMULAIRE_VALIDE, "bloc": "B7"},
    )
    pas = creation.etape(pas.etat, mauvais, _contexte())
    assert pas.etat.attente is creation.AttenteCreation.FORMULAIRE and pas.evaluation is None
    assert "le bloc « B7 » n'existe pas" in _textes(pas.replies)

    bon = mauvais.model_copy(update={"values": FORMULAIRE_VALIDE})
    pas = creation.etape(pas.etat, bon, _contexte(existantes=frozenset({"ev-C042-B1"})))
    assert pas.etat.attente is creation.AttenteCreation.RIEN
    assert pas.evaluation is not None and pas.evaluation.id == "ev-C042-B1-2"
    assert [r.to.user for r in pas.replies[1:]] == ["u-expert", "u-interne"]


def test_a_form_is_answered_even_when_the_open_form_was_not_kept() -> None:
    """The state is written without an fsync: a power cut may lose it, not the screen's form."""
    bon = FormEvent(
        origin=_origine("u-coord"), request_id="f1", form="nouvelle", values=FORMULAIRE_VALIDE
    )
    pas = creation.etape(creation.EtatCreation(), bon, _contexte())
    assert pas.evaluation is not None


def test_only_coordinateurs_open_or_send_the_creation_form() -> None:
    ouvrir = CommandEvent(origin=_origine("u-expert"), request_id="c1", name="nouvelle")
    pas = creation.etape(creation.EtatCreation(), ouvrir, _contexte("u-expert"))
    assert pas.etat.attente is creation.AttenteCreation.RIEN
    assert "Seuls les coordinateurs" in _textes(pas.replies)
    envoi = FormEvent(
        origin=_origine("u-expert"), request_id="f1", form="nouvelle", values=FORMULAIRE_VALIDE
    )
    ouvert = creation.EtatCreation(attente=creation.AttenteCreation.FORMULAIRE)
    pas = creation.etape(ouvert, envoi, _contexte("u-expert"))
    assert pas.evaluation is None and "Seuls les coordinateurs" in _textes(pas.replies)


async def test_the_service_keeps_the_creation_state_with_the_conversation(
    service: Service,
) -> None:
    await service.handle(TextEvent(origin=_origine("u-coord"), request_id="t1", text="nouvelle"))
    etat = await service.store.etat("web", "u-coord")
    assert etat is not None and etat.donnees["creation"] == {"attente": "formulaire"}
    await _envoyer(service, FORMULAIRE_VALIDE, requete="f9")
    etat = await service.store.etat("web", "u-coord")
    assert etat is not None and etat.donnees["creation"] == {"attente": "rien"}


async def test_a_form_nobody_asked_for_creates_nothing(service: Service) -> None:
    replies = await service.handle(
        FormEvent(origin=_origine("u-coord"), request_id="x1", form="autre", values={})
    )
    assert "n'est pas (ou plus) attendu ici : rien n'a été enregistré" in _textes(replies)
    assert await service.store.evaluations() == []


async def test_the_responsable_pedagogique_is_never_the_candidates_own_trainer(
    service: Service,
) -> None:
    """The référentiel's independence rule, for an enrolled candidate whose record names their
    formateur référent: refused in French, nothing created; another role goes through."""
    session = SessionCertification(nom="Session Lyon 2027", horodatage=T0)
    fiche = FicheCandidat(
        reference="C042", nom="Martin", prenom="Jeanne", session=session.nom,
        blocs=("B1",), formateur_referent="Marc  Pétit", horodatage=T0,
    )  # fmt: skip
    await service.store.inscrire(session, [fiche], par="u-coord")
    formateur = {**FORMULAIRE_VALIDE, "evaluateur_2": "u-marc", "role_2": "responsable_pedagogique"}
    replies = await service.handle(
        FormEvent(
            origin=_origine("u-coord"), request_id="f-rp", form="nouvelle", values=formateur,
            names={"u-marc": "Marc Petit"},
        )
    )  # fmt: skip
    assert "ne peut pas être le formateur référent du candidat (Marc  Pétit)" in _textes(replies)
    assert await service.store.evaluations() == []
    autre = {**formateur, "evaluateur_2": "u-nadia"}
    replies = await service.handle(
        FormEvent(
            origin=_origine("u-coord"), request_id="f-rp2", form="nouvelle", values=autre,
            names={"u-nadia": "Nadia Leroy"},
        )
    )  # fmt: skip
    assert [e.id for e in await service.store.evaluations()] == ["ev-C042-B1"]


async def test_nobody_with_a_declared_conflict_of_interest_evaluates_the_candidate(
    service: Service,
) -> None:
    session = SessionCertification(nom="Session Lyon 2027", horodatage=T0)
    fiche = FicheCandidat(
        reference="C042", nom="Martin", session=session.nom, blocs=("B1",),
        conflits=("Paul Roche", "u-autre"), horodatage=T0,
    )  # fmt: skip
    await service.store.inscrire(session, [fiche], par="u-coord")
    replies = await service.handle(
        FormEvent(
            origin=_origine("u-coord"), request_id="f-ci", form="nouvelle",
            values=FORMULAIRE_VALIDE, names={"u-interne": "Paul Roché"},
        )
    )  # fmt: skip
    assert "Paul Roché a déclaré un conflit d'intérêts avec ce candidat" in _textes(replies)
    assert await service.store.evaluations() == []
