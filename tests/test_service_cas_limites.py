"""Edge cases found in review, driven through the service as a channel would drive it."""

from __future__ import annotations

import json

from flows.messages import FormEvent, Origin
from flows.notation import Aller
from flows.service import Service
from referentiel import Bloc, CodeValeur, default
from storage import MemoryStore
from tests.harnais import Horloge, Utilisateur

A, ECA, NA, NO = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA, CodeValeur.NO
REF = default()
BLOC_1 = REF.blocs[0]
EV = "ev-C042-B1"


def _service(*coordinateurs: str) -> Service:
    return Service(MemoryStore(), REF, Horloge(), coordinateurs=coordinateurs or ("u-coord",))


async def _creer(
    service: Service,
    coordinateur: str = "u-coord",
    reference: str = "C042",
    bloc: str = "B1",
    nom: str = "Jeanne Martin",
    evaluateurs: tuple[str, str] = ("u-expert", "u-interne"),
) -> str:
    valeurs = {
        "candidat_nom": nom, "candidat_reference": reference, "bloc": bloc,
        "evaluateur_1": evaluateurs[0], "role_1": "expert_habilite",
        "evaluateur_2": evaluateurs[1], "role_2": "expert_interne", "destination": "resultats",
    }  # fmt: skip
    origine = Origin(channel="web", conversation="dm", user=coordinateur)
    avant = {e.id for e in await service.store.evaluations()}
    await service.handle(
        FormEvent(origin=origine, request_id=f"new-{reference}-{bloc}-{nom}", form="nouvelle",
                  values=valeurs)
    )  # fmt: skip
    [nouvelle] = {e.id for e in await service.store.evaluations()} - avant
    return nouvelle


async def _noter_la_grille(
    u: Utilisateur,
    evaluation: str,
    bloc: Bloc = BLOC_1,
    differences: dict[str, CodeValeur] | None = None,
) -> None:
    await u.cliquer(Aller(evaluation=evaluation, action="reprendre").pack())
    for competence in bloc.competences:
        for critere in competence.criteres:
            valeur = (differences or {}).get(critere.id, A)
            await u.cliquer(f"v:{evaluation}:{critere.id}:{valeur.value}")
            if valeur in (ECA, NA):
                await u.taper(f"Observé lors de l'entretien 2 ({critere.id}).")
        await u.taper(f"{competence.id} : mise en œuvre constatée sur trois entretiens.")
    await u.cliquer(Aller(evaluation=evaluation, action="soumettre").pack())


async def test_the_export_holds_nothing_of_another_evaluation_of_the_same_reference() -> None:
    service = _service("u-coord", "u-coord2")
    await _creer(service)
    autre = await _creer(service, "u-coord2", nom="Autre Personne", evaluateurs=("u-x", "u-y"))
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    await _noter_la_grille(expert, EV)
    await _noter_la_grille(interne, EV, differences={"B1.C1.1": NO})
    coordinateur = Utilisateur(service, "u-coord")
    lu = await coordinateur.taper(f"export {EV}")
    assert "1 évaluation(s)" in lu
    fichier = coordinateur.replies[0].fichier
    assert fichier is not None
    for secret in ("Autre Personne", "u-coord2", "u-x", autre):
        assert secret not in fichier.contenu
    export = json.loads(fichier.contenu)
    assert {e["evaluation"] for e in export["historique"]} == {EV}


async def test_mes_evaluations_lists_what_still_needs_the_evaluateur_first() -> None:
    service = _service()
    bloc_3 = REF.bloc("B3")
    assert bloc_3 is not None
    ids = [await _creer(service, reference=f"C{i:03d}", bloc="B3") for i in range(11)]
    expert, interne = Utilisateur(service, "u-expert"), Utilisateur(service, "u-interne")
    for evaluation in ids[:10]:
        await _noter_la_grille(expert, evaluation, bloc_3)
    await _noter_la_grille(interne, ids[3], bloc_3)
    lu = await expert.taper("mes-evaluations")
    lignes = lu.split(" | ")
    assert lignes[1].startswith(f"{ids[10]}: Candidat C010 · bloc B3 · 0/15 critères notés")
    assert lignes[2] == (
        f"{ids[3]}: Candidat C003 · bloc B3 · 15/15 critères notés"
        " · grilles soumises : à rapprocher et viser"
    )
    assert "… et 1 autre(s), non affichée(s)" in lu
    assert "Noter C010 (B3)" in lu and "Rapprocher C003 (B3)" in lu
    lu = await expert.cliquer(Aller(evaluation=ids[10], action="reprendre").pack())
    assert "B3.C1.1" in lu


async def test_after_a_pause_at_the_precisions_a_typed_line_is_not_taken_as_them() -> None:
    service = _service()
    await _creer(service)
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    for critere in BLOC_1.competences[0].criteres:
        await expert.cliquer(f"v:{EV}:{critere.id}:A")
    assert "précisions" in expert.lu().lower()
    assert "Grille mise en pause" in await expert.cliquer(
        Aller(evaluation=EV, action="pause").pack()
    )
    lu = await expert.taper("bonjour, je reprends demain")
    assert "Précisions enregistrées" not in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.precisions == ()
    lu = await expert.taper("mes-evaluations")
    lu = await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "B1.C1" in lu and "précisions" in lu.lower()
    lu = await expert.taper("Écoute active sur les trois entretiens.")
    assert "Précisions enregistrées pour B1.C1" in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert [p.texte for p in dossier.precisions] == ["Écoute active sur les trois entretiens."]


async def test_after_a_pause_at_the_comment_a_typed_line_is_not_taken_as_it() -> None:
    service = _service()
    await _creer(service)
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    await expert.cliquer(f"v:{EV}:B1.C1.1:NA")
    # The pause button of the critère's message, still on screen.
    assert "Grille mise en pause" in await expert.cliquer(
        Aller(evaluation=EV, action="pause").pack()
    )
    await expert.taper("bonjour")
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.reponses[0].commentaire == ""
    lu = await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "B1.C1.1" in lu and "commentaire" in lu.lower()
    assert "Commentaire enregistré pour B1.C1.1" in await expert.taper("Non observé.")


async def _grilles_soumises(service: Service) -> None:
    await _creer(service)
    await _noter_la_grille(Utilisateur(service, "u-expert"), EV)
    await _noter_la_grille(Utilisateur(service, "u-interne"), EV)


async def test_rouvrir_takes_a_reason_of_up_to_2000_characters_and_says_when_it_is_longer() -> None:
    service = _service()
    await _grilles_soumises(service)
    coordinateur = Utilisateur(service, "u-coord")
    raison = ("Entretien 3 mal retranscrit, à reprendre avec l'enregistrement. " * 40)[:1990]
    lu = await coordinateur.taper(f"rouvrir {EV} {raison}x" + "y" * 50)
    assert "Raison trop longue : 2041 caractères, 2000 au plus" in lu
    lu = await coordinateur.taper(f"rouvrir {EV} " + "raison détaillée " * 200)
    assert "Commande « rouvrir » trop longue : " in lu and "2100 au plus" in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None and dossier.reouvertures == ()
    lu = await coordinateur.taper(f"rouvrir {EV} {raison}")
    assert f"Évaluation {EV} rouverte" in lu
    dossier = await service.store.dossier(EV)
    assert dossier is not None and [r.raison for r in dossier.reouvertures] == [raison.strip()]


async def test_a_value_code_typed_while_a_critere_is_shown_is_recorded_as_its_button() -> None:
    service = _service()
    await _creer(service)
    expert = Utilisateur(service, "u-expert")
    await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    lu = await expert.taper("a")
    assert "Réponse enregistrée : B1.C1.1 = A" in lu and "B1.C1.2" in lu
    lu = await expert.taper(" na ")
    assert "Réponse enregistrée : B1.C1.2 = NA" in lu and "commentaire" in lu.lower()
    await expert.taper("Non observé sur les entretiens.")  # the comment, not a value
    assert "Réponse enregistrée : B1.C1.3 = ECA" in await expert.taper("Eca")
    await expert.cliquer(Aller(evaluation=EV, action="passer").pack())
    assert "Réponse enregistrée : B1.C1.4 = NO" in await expert.taper("NO")
    dossier = await service.store.dossier(EV)
    assert dossier is not None
    assert {r.critere: r.valeur for r in dossier.reponses} == {
        "B1.C1.1": A, "B1.C1.2": NA, "B1.C1.3": ECA, "B1.C1.4": NO,
    }  # fmt: skip
    assert dossier.reponses[1].commentaire == "Non observé sur les entretiens."
    # After a pause nothing typed is taken as a value; on resume the critère is shown again.
    await expert.cliquer(Aller(evaluation=EV, action="pause").pack())
    assert "Réponse enregistrée" not in await expert.taper("A")
    dossier = await service.store.dossier(EV)
    assert dossier is not None and len(dossier.reponses) == 4
    assert "B1.C1.5" in await expert.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    assert "Réponse enregistrée : B1.C1.5 = A" in await expert.taper("A")


async def test_a_value_code_typed_by_someone_scoring_nothing_is_not_a_value() -> None:
    service = _service()
    await _creer(service)
    coordinateur = Utilisateur(service, "u-coord")
    assert "Je ne connais pas la commande « a »" in await coordinateur.taper("A")


async def test_only_the_two_evaluateurs_are_offered_the_visa_button() -> None:
    service = _service()
    await _grilles_soumises(service)
    coordinateur, expert = Utilisateur(service, "u-coord"), Utilisateur(service, "u-expert")
    lu = await coordinateur.taper(f"resultat {EV}")
    assert "Proposition" in lu and "Donner mon visa" not in lu
    assert "Donner mon visa" in await expert.taper(f"resultat {EV}")


async def test_a_persistent_disagreement_says_which_evaluateur_holds_which_value() -> None:
    service = _service()
    await _creer(service)
    await _noter_la_grille(Utilisateur(service, "u-expert"), EV)
    await _noter_la_grille(Utilisateur(service, "u-interne"), EV, differences={"B1.C1.1": NO})
    lu = await Utilisateur(service, "u-coord").taper(f"resultat {EV}")
    assert "Désaccords persistants" in lu
    assert "B1.C1.1 (u-expert : A / u-interne : NO)" in lu
