"""Creating the evaluations of a session at once (``creer-evaluations``), through the service:
one pair for all or each candidate's own, the référentiel's rules for every candidate × bloc,
one problem and nothing created, the same form twice creating nothing more."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from flows.inscription import FicheCandidat, SessionCertification
from flows.lot import FORMULAIRE
from flows.messages import FormEvent, Reply, TextInput
from flows.service import Service
from referentiel import default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0

SESSION = "Automne 2026"
PAIRE = {
    "evaluateur_1": "u-expert", "role_1": "expert_habilite",
    "evaluateur_2": "u-interne", "role_2": "expert_interne",
}  # fmt: skip


def _fiche(reference: str, nom: str, **champs: object) -> FicheCandidat:
    return FicheCandidat.model_validate(
        {"reference": reference, "nom": nom, "session": SESSION, "blocs": ("B1", "B2"),
         "horodatage": T0, **champs}
    )  # fmt: skip


@pytest.fixture
async def service() -> Service:
    """« Automne 2026 », coordinated by u-coord2: C101 with their own pair in their record,
    C102 without one, C103 whose formateur référent is Claire Petit and who declared a
    conflict of interest with Marc Roy."""
    store = MemoryStore()
    session = SessionCertification(nom=SESSION, coordinateurs=("u-coord2",), horodatage=T0)
    fiches = [
        _fiche("C101", "Bernard", prenom="Sophie", evaluateur_1="u-ana",
               role_1="Expert_Habilite", evaluateur_2="u-bob", role_2="responsable_pedagogique"),
        _fiche("C102", "Girard", prenom="Paul"),
        _fiche("C103", "Morel", prenom="Lina", formateur_referent="Claire Petit",
               conflits=("Marc Roy",)),
    ]  # fmt: skip
    await store.inscrire(session, fiches, par="u-admin")
    return Service(store, default(), Horloge(), coordinateurs=("u-coord",))


NOMS = {"u-expert": "Amel Haddad", "u-interne": "Paul Roche"}
"""What a channel's pickers give with the pair chosen in the form: their names."""


async def _envoyer(
    service: Service, qui: str, valeurs: Mapping[str, str], noms: Mapping[str, str] | None = None,
    requete: str = "lot-1",
) -> tuple[Reply, ...]:  # fmt: skip
    noms = NOMS if noms is None else noms
    coordinatrice = Utilisateur(service, qui)
    return await service.handle(
        FormEvent(
            origin=coordinatrice.origine, request_id=requete, form=FORMULAIRE,
            values=dict(valeurs), names=dict(noms or {}),
        )
    )  # fmt: skip


def _texte(replies: tuple[Reply, ...]) -> str:
    return "\n".join(b.text for r in replies for b in r.message.blocks if hasattr(b, "text"))


async def test_one_pair_for_all_creates_every_evaluation_and_tells_each_evaluateur_once(
    service: Service,
) -> None:
    coordinatrice = Utilisateur(service, "u-coord2")
    assert "Évaluations d'une session" in await coordinatrice.taper(f"creer-evaluations {SESSION}")
    [formulaire] = coordinatrice.replies
    initiales = {b.name: b.initial for b in formulaire.message.blocks if isinstance(b, TextInput)}
    assert initiales["session"] == SESSION  # the session it was asked for, filled in
    replies = await _envoyer(service, "u-coord2", {"session": SESSION, "blocs": "b1", **PAIRE})
    assert "3 évaluation(s) créée(s) pour la session « Automne 2026 » : C101 B1, C102 B1, " \
           "C103 B1." in _texte(replies)  # fmt: skip
    invitations = {r.to.user: r.message.summary for r in replies if r.to.kind == "user"}
    assert set(invitations) == {"u-expert", "u-interne"}  # one message each, not three
    assert (
        "3 évaluation(s) de la session « Automne 2026 » : C101 (B1), C102 (B1), C103 (B1)"
        in (invitations["u-expert"])
    )
    evaluations = await service.store.evaluations()
    assert sorted(e.id for e in evaluations) == ["ev-C101-B1", "ev-C102-B1", "ev-C103-B1"]
    assert all(e.coordinateurs == ("u-coord2",) for e in evaluations)
    assert next(e for e in evaluations if e.id == "ev-C101-B1").candidat.nom == "Sophie Bernard"
    # The same form again (a second click, another day): nothing more is created.
    encore = await _envoyer(service, "u-coord2", {"session": SESSION, "blocs": "B1", **PAIRE},
                            requete="lot-2")  # fmt: skip
    assert "Rien à créer" in _texte(encore) and len(await service.store.evaluations()) == 3


async def test_each_candidate_gets_the_pair_of_their_record_or_nothing_is_created(
    service: Service,
) -> None:
    replies = await _envoyer(service, "u-coord2", {"session": SESSION})
    texte = _texte(replies)
    assert "Aucune évaluation n'a été créée" in texte
    assert "C102 n'a pas de binôme d'évaluateurs" in texte and "C103 n'a pas de binôme" in texte
    assert await service.store.evaluations() == []
    seul = await _envoyer(service, "u-coord2", {"session": SESSION, "candidats": "C101"},
                          requete="lot-2")  # fmt: skip
    assert "2 évaluation(s) créée(s)" in _texte(seul)  # B1 and B2, the blocs of their record
    [ev, _] = await service.store.evaluations()
    assert [(e.utilisateur, e.role.value) for e in ev.evaluateurs] == [
        ("u-ana", "expert_habilite"), ("u-bob", "responsable_pedagogique"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("valeurs", "noms", "attendu"),
    [
        ({**PAIRE, "role_2": "expert_habilite"}, {},
         "C101 B1, C101 B2, C102 B1, C102 B2, C103 B1, C103 B2 : les rôles Expert habilité et "
         "Expert habilité ne forment pas un binôme"),
        ({**PAIRE, "evaluateur_2": "u-expert"}, {}, "deux personnes différentes"),
        ({**PAIRE, "evaluateur_2": "u-claire", "role_2": "responsable_pedagogique"},
         {"u-claire": "Claire Petit"},
         "C103 B1, C103 B2 : le responsable pédagogique ne peut pas être le formateur référent"),
        ({**PAIRE, "evaluateur_1": "u-marc"}, {"u-marc": "Marc Roy"},
         "C103 B1, C103 B2 : Marc Roy a déclaré un conflit d'intérêts"),
        ({**PAIRE, "role_2": ""}, {}, "Le binôme du formulaire est incomplet"),
        ({**PAIRE, "blocs": "B7"}, {}, "le bloc « B7 » n'existe pas"),
        ({**PAIRE, "blocs": "B3"}, {}, "C101 n'est pas inscrit au bloc B3."),
        ({**PAIRE, "candidats": "C101 C999"}, {}, "C999 n'est pas inscrit dans la session"),
        ({**PAIRE, "echeance": "31/02/2027"}, {}, "l'échéance « 31/02/2027 » n'est pas une date"),
        ({**PAIRE, "session": "Hiver"}, {}, "Session « Hiver » inconnue parmi celles que vous "
         "coordonnez : « Automne 2026 »."),
    ],
)  # fmt: skip
async def test_a_rule_broken_anywhere_is_said_and_nothing_is_created(
    service: Service, valeurs: dict[str, str], noms: dict[str, str], attendu: str
) -> None:
    replies = await _envoyer(service, "u-coord2", {"session": SESSION, **valeurs}, noms)
    texte = _texte(replies)
    assert attendu in texte, texte
    assert await service.store.evaluations() == []
    [formulaire] = replies  # the form again, as it was filled
    initiales = {b.name: b.initial for b in formulaire.message.blocks if isinstance(b, TextInput)}
    assert initiales["session"] == valeurs.get("session", SESSION)


async def test_only_a_coordinateur_of_the_session_creates_its_evaluations(
    service: Service,
) -> None:
    """The import's rule: the session's coordinateurs, and admins; nobody else is told of a
    session, not even that it exists."""
    for qui in ("u-intrus", "u-coord"):  # u-coord creates evaluations, not this session's
        assert "Seuls les coordinateurs d'une session" in await Utilisateur(service, qui).taper(
            "creer-evaluations"
        )
        replies = await _envoyer(service, qui, {"session": SESSION, **PAIRE})
        assert "Seuls les coordinateurs d'une session" in _texte(replies)
        assert "Automne" not in _texte(replies)
    admin = Service(service.store, default(), Horloge(), admins=("u-admin",))
    replies = await _envoyer(admin, "u-admin", {"session": SESSION, "blocs": "B2", **PAIRE})
    assert "3 évaluation(s) créée(s)" in _texte(replies)
    [ev, *_] = await service.store.evaluations()
    assert ev.coordinateurs == ("u-admin", "u-coord2")  # the session's coordinatrice follows


async def test_a_record_pair_is_refused_when_the_record_names_people_by_name(
    service: Service,
) -> None:
    """Found in review: the pair of a candidate's record comes without its people's names, so
    a formateur référent or a conflict named by name could not be compared — refused, not
    assumed; named by their ids in the record, they are compared and it goes."""
    session = SessionCertification(nom=SESSION, coordinateurs=("u-coord2",), horodatage=T0)
    nomme = _fiche("C105", "Roy", prenom="Lina", formateur_referent="Claire Petit",
                   evaluateur_1="u-marc", role_1="expert_habilite", evaluateur_2="u-claire",
                   role_2="responsable_pedagogique")  # fmt: skip
    await service.store.inscrire(session, [nomme], par="u-admin")
    replies = await _envoyer(service, "u-coord2", {"session": SESSION, "candidats": "C105"})
    assert "C105 B1, C105 B2 : le nom de u-claire n'est pas connu" in _texte(replies)
    assert await service.store.evaluations() == []
    par_id = nomme.model_copy(update={"formateur_referent": "u-claire"})
    await service.store.inscrire(session, [par_id], par="u-admin")
    replies = await _envoyer(service, "u-coord2", {"session": SESSION, "candidats": "C105"},
                             requete="lot-2")  # fmt: skip
    assert "le responsable pédagogique ne peut pas être le formateur référent" in _texte(replies)


async def test_a_bloc_named_twice_is_created_once(service: Service) -> None:
    replies = await _envoyer(service, "u-coord2", {"session": SESSION, "blocs": "B1 b1", **PAIRE,
                                                   "candidats": "C101"})  # fmt: skip
    assert "1 évaluation(s) créée(s)" in _texte(replies)
    assert [e.id for e in await service.store.evaluations()] == ["ev-C101-B1"]
