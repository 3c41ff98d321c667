"""Typed lines while a flow waits for free text, through the service.

A line that is a command in its shape (flows.saisie) is run as the command and
the reply says what is still awaited; anything else is the awaited text — but
only while the person is on that evaluation: after acting on another one, the
line is stored nowhere and the reply names what still waits;
« annuler » drops what is awaited; a pending justification expires after a
delay, or when the user clicks something else — each time said clearly, and
nothing stored that the user did not mean.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from flows.evaluation import Reponse, Soumission
from flows.notation import Aller
from flows.rapprochement import Rapprocher
from flows.routes import COMMANDES
from flows.saisie import FORMES, est_commande
from flows.service import Service
from referentiel import CodeValeur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0, evaluation

EV = "ev-C042-1"
BLOC_1 = default().blocs[0]
EN_ATTENTE_COMMENTAIRE = "Toujours en attente : votre commentaire sur B1.C1.1"


@pytest.fixture
def horloge() -> Horloge:
    return Horloge()


@pytest.fixture
async def service(horloge: Horloge) -> Service:
    store = MemoryStore()
    await store.creer(evaluation(), par="u-coord")
    return Service(store, default(), horloge, delai_justification=timedelta(minutes=10))


async def _commentaire_attendu(service: Service) -> Utilisateur:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "Un commentaire pour justifier ?" in await expert.noter("B1.C1.1", CodeValeur.ECA)
    return expert


async def _commentaire(service: Service) -> str:
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    return next(r.commentaire for r in dossier.reponses if r.critere == "B1.C1.1")


def test_every_command_has_a_shape_decided() -> None:
    assert set(FORMES) == set(COMMANDES)


@pytest.mark.parametrize(
    ("ligne", "reponse"),
    [
        ("aide", "Commandes (tapez-les ici"),
        ("  Mes-Evaluations ", "Candidat C042 · bloc B1 · 1/30 critères notés"),
        ("critere B1.C6.2", "B1.C6.2 — Il fait face à l'agressivité"),
        ("critere b1.c6", "B1.C6"),
        ("bloc B2", "Période d'observation"),
        ("statut ev-C042-1", "seuls les coordinateurs le voient"),
        ("resultat C042", "Pas encore de résultat"),
        ("/cqp critere agressivite", "B1.C6.2 — Il fait face à l'agressivité"),
    ],
)
async def test_a_command_in_its_shape_is_run_and_the_comment_is_still_awaited(
    service: Service, ligne: str, reponse: str
) -> None:
    expert = await _commentaire_attendu(service)
    lu = await expert.taper(ligne)
    assert reponse in lu and lu.endswith(
        f"{EN_ATTENTE_COMMENTAIRE}. Tapez-le, ou « annuler » pour ne pas en mettre."
    )
    assert await _commentaire(service) == ""
    await expert.taper("Sourire hésitant en début d'appel.")
    assert await _commentaire(service) == "Sourire hésitant en début d'appel."


@pytest.mark.parametrize(
    "ligne",
    [
        "aide au client insuffisante",
        "statut ok",
        "critere accueil non respecté",
        "bloc",
        "Bloc B2 mal maîtrisé",
        "nouvelle tentative de reformulation",
        "rouvrir le dossier client",
        "export",
    ],
)
async def test_a_line_that_only_starts_with_a_command_word_is_the_comment(
    service: Service, ligne: str
) -> None:
    expert = await _commentaire_attendu(service)
    assert "Commentaire enregistré" in await expert.taper(ligne)
    assert await _commentaire(service) == ligne


def test_the_shapes_are_narrow() -> None:
    assert est_commande("rouvrir ev-C042-1 Entretien 3 mal retranscrit")
    assert est_commande("entretien ev-C042-1")
    assert not est_commande("aide moi")
    assert not est_commande("critere B1.C2.3 mal compris")
    assert not est_commande("statut de la demande")
    assert not est_commande("")


async def test_a_command_while_precisions_are_awaited_reminds_them(service: Service) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for critere in BLOC_1.competences[0].criteres:
        await expert.noter(critere.id, CodeValeur.A)
    assert "Toujours en attente : vos précisions sur la compétence B1.C1" in await expert.taper(
        "bloc B1"
    )
    assert "Précisions enregistrées" in await expert.taper("Accueil chaleureux constaté.")
    dossier = await service.store.dossier(EV)
    assert dossier is not None and [p.texte for p in dossier.precisions] == [
        "Accueil chaleureux constaté."
    ]


async def test_annuler_drops_the_comment_and_keeps_the_value(service: Service) -> None:
    expert = await _commentaire_attendu(service)
    lu = await expert.taper("Annuler")
    assert "Pas de commentaire sur B1.C1.1 : sa valeur reste enregistrée." in lu
    assert "B1.C1.1 —" in lu and "Réponse enregistrée : ECA" in lu
    assert "Je ne connais pas la commande « un »" in await expert.taper("Un texte de plus.")
    assert await _commentaire(service) == ""
    assert "Rien n'est en attente" in await expert.taper("annuler")


async def test_annuler_leaves_mandatory_precisions_for_later_and_the_review_shows_them(
    service: Service,
) -> None:
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for critere in BLOC_1.competences[0].criteres:
        await expert.noter(critere.id, CodeValeur.A)
    lu = await expert.taper("/cqp annuler")
    assert "Précisions sur B1.C1 laissées pour plus tard : elles sont obligatoires" in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.precisions == ()
    assert "Précisions B1.C1" in await expert.cliquer(Aller(evaluation=EV, action="revue").pack())


# --- a proposal waiting for its justification ---------------------------------------------


@pytest.fixture
async def rapprochement(service: Service) -> Service:
    """Both grids submitted; they differ on B1.C1.1 (A against NA)."""
    for u, ecart in (("u-expert", CodeValeur.A), ("u-interne", CodeValeur.NA)):
        for critere in BLOC_1.criteres:
            valeur = ecart if critere.id == "B1.C1.1" else CodeValeur.A
            reponse = Reponse(critere=critere.id, evaluateur=u, valeur=valeur, horodatage=T0)
            await service.store.enregistrer(EV, reponse, par=u)
        await service.store.enregistrer(EV, Soumission(evaluateur=u, horodatage=T0), par=u)
    return service


PROPOSER = Rapprocher(evaluation=EV, action="proposer", critere="B1.C1.1", valeur="ECA").pack()


async def _propositions(service: Service) -> list[str]:
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    return [p.justification for p in dossier.propositions]


async def test_a_command_while_a_justification_is_awaited_keeps_it_waiting(
    rapprochement: Service,
) -> None:
    expert = Utilisateur(rapprochement, "u-expert")
    lu = await expert.cliquer(PROPOSER)
    assert "Écrivez votre justification" in lu
    assert "Tapez « annuler » pour abandonner cette proposition" in lu and "10 min" in lu
    lu = await expert.taper("critere B1.C1.1")
    assert "B1.C1.1 — La posture d'accueil" in lu
    assert "Toujours en attente : la justification de votre proposition ECA pour B1.C1.1" in lu
    assert await _propositions(rapprochement) == []
    await expert.taper("Sourire présent, écoute encore hésitante.")
    assert await _propositions(rapprochement) == ["Sourire présent, écoute encore hésitante."]


async def test_annuler_drops_the_proposal_and_stores_nothing(rapprochement: Service) -> None:
    expert = Utilisateur(rapprochement, "u-expert")
    await expert.cliquer(PROPOSER)
    lu = await expert.taper("annuler")
    assert "Proposition ECA pour B1.C1.1 abandonnée : rien n'a été enregistré." in lu
    assert "Je ne connais pas la commande" in await expert.taper("Une justification trop tard.")
    assert await _propositions(rapprochement) == []


async def test_a_justification_expires_after_the_delay(
    rapprochement: Service, horloge: Horloge
) -> None:
    expert = Utilisateur(rapprochement, "u-expert")
    await expert.cliquer(PROPOSER)
    horloge.t += timedelta(minutes=11)
    lu = await expert.taper("Sourire présent, écoute encore hésitante.")
    assert "attendait sa justification depuis plus de 10 min : elle a expiré" in lu
    assert "Voir les écarts" in lu  # the way back to propose again
    assert await _propositions(rapprochement) == []
    assert "Je ne connais pas la commande « sourire »" in await expert.taper("Sourire présent.")
    assert await _propositions(rapprochement) == []


async def test_within_the_delay_the_justification_is_taken(
    rapprochement: Service, horloge: Horloge
) -> None:
    expert = Utilisateur(rapprochement, "u-expert")
    await expert.cliquer(PROPOSER)
    horloge.t += timedelta(minutes=9)
    assert "Proposition envoyée" in await expert.taper("Sourire présent.")
    assert await _propositions(rapprochement) == ["Sourire présent."]


async def test_clicking_something_else_drops_the_pending_justification(
    rapprochement: Service,
) -> None:
    expert = Utilisateur(rapprochement, "u-expert")
    await expert.cliquer(PROPOSER)
    lu = await expert.cliquer(PROPOSER)  # the same proposal again: it simply waits again
    assert "abandonnée" not in lu and "Écrivez votre justification" in lu
    lu = await expert.cliquer(Rapprocher(evaluation=EV, action="liste").pack())
    assert "La proposition ECA pour B1.C1.1 attendait sa justification : vous êtes passé" in lu
    assert "B1.C1.1 — La posture d'accueil" in lu  # and the click is answered
    assert "Je ne connais pas la commande « sourire »" in await expert.taper("Sourire présent.")
    assert await _propositions(rapprochement) == []


async def test_the_awaited_text_can_come_from_the_prompt_form_and_is_never_a_command(
    service: Service,
) -> None:
    """A channel that sends the prompt's field (a Slack modal, the web chat's bubble)."""
    from flows.messages import FormEvent, TextInput
    from flows.notation import formulaire_texte
    from flows.payloads import Envoyer

    expert = await _commentaire_attendu(service)
    [champ] = [b for b in expert.replies[-1].message.blocks if isinstance(b, TextInput)]
    assert champ.name == "texte" and not champ.required  # a comment is optional

    # The send button pressed where the field is not shown: the prompt comes back, unchanged.
    envoyer = Envoyer(formulaire=formulaire_texte(EV)).pack()
    assert "Un commentaire pour justifier ?" in await expert.cliquer(envoyer)

    envoi = FormEvent(
        origin=expert.origine, request_id="form-1", form=formulaire_texte(EV),
        values={"texte": "aide"},  # a command's word: here it is the comment
    )  # fmt: skip
    expert.replies = await service.handle(envoi)
    assert "Commentaire enregistré pour B1.C1.1" in expert.lu()
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    [reponse] = [r for r in dossier.reponses if r.critere == "B1.C1.1"]
    assert reponse.commentaire == "aide"


@pytest.fixture
async def deux_evaluations(horloge: Horloge) -> Service:
    store = MemoryStore()
    for numero in (1, 2):
        await store.creer(evaluation(numero), par="u-coord")
    return Service(store, default(), horloge)


@pytest.mark.parametrize(
    "ailleurs",
    [
        lambda u: u.taper("statut ev-C042-2"),
        lambda u: u.cliquer(Aller(evaluation="ev-C042-2", action="reprendre").pack()),
        lambda u: u.cliquer(Rapprocher(evaluation="ev-C042-2", action="liste").pack()),
    ],
)
async def test_a_line_typed_after_moving_to_another_evaluation_goes_nowhere_and_says_why(
    deux_evaluations: Service, ailleurs
) -> None:
    """Typed text goes only to the question the person is answering, never to a question
    of an evaluation they left (found when tried in Slack)."""
    service = deux_evaluations
    expert = await _commentaire_attendu(service)
    lu = await ailleurs(expert)
    assert "Toujours en attente" not in lu
    lu = await expert.taper("Sourire hésitant en début d'appel.")
    assert "Ce texte n'a été enregistré nulle part" in lu
    assert "Le commentaire sur B1.C1.1 (candidat C042) attend toujours" in lu and "Reprendre" in lu
    assert await _commentaire(service) == ""
    dossier = await service.store.dossier("ev-C042-2")
    assert dossier is not None and all(not r.commentaire for r in dossier.reponses)
    assert dossier.precisions == ()

    assert "Un commentaire pour justifier ?" in await expert.cliquer(
        Aller(evaluation=EV, action="reprendre").pack()
    )
    lu = await expert.taper("Sourire hésitant en début d'appel.")
    assert "Commentaire enregistré pour B1.C1.1 (candidat C042)." in lu
    assert await _commentaire(service) == "Sourire hésitant en début d'appel."


async def test_a_lookup_or_the_same_evaluations_status_keeps_the_question_open(
    deux_evaluations: Service,
) -> None:
    expert = await _commentaire_attendu(deux_evaluations)
    for ligne in ("critere B1.C6.2", "statut C042", "statut ev-C042-1"):
        assert EN_ATTENTE_COMMENTAIRE in await expert.taper(ligne)
    assert "Commentaire enregistré pour B1.C1.1" in await expert.taper("Sourire hésitant.")
