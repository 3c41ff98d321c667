"""The « Tableau de bord » page's API (``GET /api/tableau``), through a real aiohttp server over
an on-disk store: what the coordinatrice reads, what an évaluateur may not (the blind rule),
what someone who follows nothing learns (nothing), and the refusals said in French."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.server import create_app
from bot.web.annuaire import Annuaire, Personne, Role
from flows.evaluation import Candidat, Evaluateur, Evaluation, Reponse, Soumission, Visa
from flows.inscription import FicheCandidat, SessionCertification
from flows.service import Service
from flows.store import Store
from referentiel import CodeValeur, RoleEvaluateur, default
from storage import open_store
from tests.harnais import Horloge
from tests.store_outils import T0
from tests.web.outils import ANNUAIRE, connecter

REFERENTIEL = default()
N_B1 = len(REFERENTIEL.blocs[0].criteres)
PERSONNES = Annuaire(
    utilisateurs=(
        *ANNUAIRE.utilisateurs,
        Personne(id="nadia", nom="Nadia Benali", role=Role.EVALUATEUR),  # follows nothing
    )
)


# --- seeding the store (shared with the browser test) -----------------------------------


def evaluation_de(
    reference: str, nom: str, bloc: str, echeance: date | None = None, quand: datetime = T0
) -> Evaluation:
    """An evaluation the coordinatrice « claire » follows, scored by Karim and Léa."""
    return Evaluation(
        id=f"ev-{reference}-{bloc}",
        candidat=Candidat(nom=nom, reference=reference),
        bloc=bloc,
        evaluateurs=(
            Evaluateur(
                utilisateur="karim", nom="Karim Haddad", role=RoleEvaluateur.EXPERT_HABILITE
            ),
            Evaluateur(utilisateur="lea", nom="Léa Martin", role=RoleEvaluateur.EXPERT_INTERNE),
        ),
        coordinateurs=("claire",),
        echeance=echeance,
        horodatage=quand,
    )


async def noter(
    store: Store, ev: Evaluation, qui: str, jusqu_a: int | None = None,
    soumettre: bool = True, quand: datetime = T0,
) -> None:  # fmt: skip
    """``qui`` scores the first ``jusqu_a`` critères of the bloc A (all of them: then submits)."""
    bloc = REFERENTIEL.bloc(ev.bloc)
    assert bloc is not None
    for i, critere in enumerate(bloc.criteres[:jusqu_a]):
        reponse = Reponse(
            critere=critere.id, evaluateur=qui, valeur=CodeValeur.A,
            horodatage=quand + timedelta(minutes=i),
        )  # fmt: skip
        await store.enregistrer(ev.id, reponse, par=qui)
    if soumettre:
        await store.enregistrer(
            ev.id, Soumission(evaluateur=qui, horodatage=quand + timedelta(hours=2)), par=qui
        )


async def viser(store: Store, ev: Evaluation, quand: datetime = T0) -> None:
    for qui in ("karim", "lea"):
        await store.enregistrer(
            ev.id, Visa(evaluateur=qui, horodatage=quand + timedelta(hours=3)), par=qui
        )


async def semer(store: Store) -> None:
    """C042 Jeanne Martin: B1 being scored (Karim 5 critères, Léa 2), B2 visée, validé.
    C043 Paul Girard: B1 created, due yesterday. C044 Lina Morel: enrolled in « Printemps
    2027 » (coordinated by claire) for B1 and B2, nothing started."""
    b1, b2 = (
        evaluation_de("C042", "Jeanne Martin", "B1"),
        evaluation_de("C042", "Jeanne Martin", "B2"),
    )
    en_retard = evaluation_de("C043", "Paul Girard", "B1", echeance=T0.date() - timedelta(days=1))
    for ev in (b1, b2, en_retard):
        await store.creer(ev, par="claire")
    await noter(store, b1, "karim", jusqu_a=5, soumettre=False)
    await noter(store, b1, "lea", jusqu_a=2, soumettre=False)
    await noter(store, b2, "karim")
    await noter(store, b2, "lea")
    await viser(store, b2)
    session = SessionCertification(
        nom="Printemps 2027", jury=date(2027, 3, 1), coordinateurs=("claire",), horodatage=T0
    )
    fiche = FicheCandidat(
        reference="C044", nom="Morel", prenom="Lina", session=session.nom,
        blocs=("B1", "B2"), horodatage=T0,
    )  # fmt: skip
    await store.inscrire(session, [fiche], par="claire")


@asynccontextmanager
async def serveur(dossier: Path, local: bool = True) -> AsyncIterator[TestClient[Any, Any]]:
    store = await open_store(dossier)
    await semer(store)
    service = Service(store, REFERENTIEL, Horloge(), coordinateurs=("claire",))
    client: TestClient[Any, Any] = TestClient(
        TestServer(create_app(service, PERSONNES, dossier, local=local))
    )
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
        await store.fermer()


async def tableau(
    client: TestClient[Any, Any], qui: str, **filtres: str
) -> tuple[int, dict[str, Any]]:
    entetes = await connecter(client, qui)
    reponse = await client.get("/api/tableau", params=filtres, headers=entetes)
    if reponse.status == 200:
        assert reponse.headers["Cache-Control"] == "no-store"
    return reponse.status, await reponse.json()


def references(corps: dict[str, Any]) -> list[str]:
    return [ligne["reference"] for ligne in corps["lignes"]]


def cellule(corps: dict[str, Any], reference: str, bloc: str) -> dict[str, Any]:
    [ligne] = [ligne for ligne in corps["lignes"] if ligne["reference"] == reference]
    [c] = [c for c in ligne["cellules"] if c["bloc"] == bloc]
    return dict(c)


# --- the tests --------------------------------------------------------------------------


async def test_the_coordinatrice_reads_every_candidate_late_ones_first(tmp_path: Path) -> None:
    async with serveur(tmp_path) as client:
        statut, corps = await tableau(client, "claire")
    assert statut == 200
    assert corps["titre"] == "Tableau de bord — 3 candidat(s)"
    assert references(corps) == ["C043", "C042", "C044"]  # the late one first
    premier = corps["lignes"][0]
    assert premier["nom"] == "Paul Girard" and premier["en_retard"] is True
    assert cellule(corps, "C043", "B1") == {  # created, nobody has scored yet
        "bloc": "B1",
        "etat": "non_commence",
        "texte": "non commencé — en retard (échéance 01/11/2026)",
        "retard": "2026-11-01",
    }
    # Both grids' counts for the coordinatrice; the visée bloc; the CQP proposal.
    assert cellule(corps, "C042", "B1")["texte"] == (
        f"notation : Karim Haddad 5/{N_B1} ; Léa Martin 2/{N_B1}"
    )
    assert cellule(corps, "C042", "B2")["etat"] == "visee"
    assert cellule(corps, "C042", "B2")["texte"].startswith("visée par les deux évaluateurs")
    assert corps["lignes"][1]["cqp"] == "blocs acquis : B2"
    # The enrolled candidate: not started, « non prévu » for the blocs not chosen, not late.
    assert cellule(corps, "C044", "B1")["etat"] == "non_commence"
    assert cellule(corps, "C044", "B3") == {
        "bloc": "B3", "etat": "non_prevu", "texte": "— (non prévu)", "retard": None,
    }  # fmt: skip
    assert corps["lignes"][2]["session"] == "Printemps 2027"
    assert corps["lignes"][2]["nom"] == "Lina Morel"
    assert corps["sessions"] == ["Printemps 2027"]
    # What the page needs for its legend and filters, in French.
    assert [b["id"] for b in corps["blocs"]] == ["B1", "B2", "B3", "B4"]
    assert {"code": "rapprochement", "libelle": "rapprochement", "filtre": True} in corps["etats"]
    assert {"code": "visee", "libelle": "visée", "filtre": True} in corps["etats"]
    assert corps["retard"] == {"code": "retard", "libelle": "en retard"}
    assert corps["textes"]["titre"] == "Tableau de bord"


async def test_the_filters_narrow_the_rows(tmp_path: Path) -> None:
    async with serveur(tmp_path) as client:
        _, retard = await tableau(client, "claire", etat="retard")
        _, session = await tableau(client, "claire", session="printemps 2027")
        _, visee = await tableau(client, "claire", bloc="b2", etat="Visée")
        _, pas_commence = await tableau(client, "claire", bloc="B1", etat="non commencé")
        _, lea = await tableau(client, "claire", evaluateur="Léa")
        _, rien = await tableau(client, "claire", session="Hiver", etat="visee")
    assert references(retard) == ["C043"]
    assert references(session) == ["C044"]
    assert session["titre"].startswith("Tableau de bord — session « Printemps 2027 »")
    assert references(visee) == ["C042"] and visee["filtres"] == {"bloc": "B2", "etat": "visee"}
    assert references(pas_commence) == ["C043", "C044"]  # created but untouched, or not created
    assert references(lea) == ["C043", "C042"]  # Léa scores those two, not Lina's blocs
    assert rien["lignes"] == [] and rien["vide"].startswith(
        "Aucun candidat ne correspond à ces filtres (session=Hiver, etat=visee)"
    )
    assert rien["sessions"] == ["Printemps 2027"]  # still hers to pick


async def test_an_evaluateur_reads_only_their_own_grid_until_both_are_submitted(
    tmp_path: Path,
) -> None:
    async with serveur(tmp_path) as client:
        _, lea = await tableau(client, "lea")
        _, karim = await tableau(client, "karim")
    assert references(lea) == ["C043", "C042"]  # Lina's session is the coordinatrice's only
    assert cellule(lea, "C042", "B1")["texte"] == f"notation : vous 2/{N_B1}"
    assert cellule(karim, "C042", "B1")["texte"] == f"notation : vous 5/{N_B1}"
    texte_lea, texte_karim = (
        json.dumps(lea, ensure_ascii=False),
        json.dumps(karim, ensure_ascii=False),
    )
    assert f"5/{N_B1}" not in texte_lea and f"2/{N_B1}" not in texte_karim  # the blind rule
    # Both grids of B2 are submitted: the proposal is no secret any more.
    assert cellule(lea, "C042", "B2")["etat"] == "visee"
    assert cellule(lea, "C042", "B3")["etat"] == "hors_de_vue"
    assert all(ligne["cqp"] is None for ligne in lea["lignes"])  # the coordinateurs' reading
    assert lea["sessions"] == [] and "Printemps" not in texte_lea and "Lina" not in texte_lea


async def test_someone_who_follows_nothing_gets_no_row_and_no_name(tmp_path: Path) -> None:
    async with serveur(tmp_path) as client:
        statut, corps = await tableau(client, "nadia")
    assert statut == 200
    assert corps["lignes"] == [] and corps["sessions"] == []
    assert corps["vide"].startswith("Aucun candidat à afficher")
    texte = json.dumps(corps, ensure_ascii=False)
    assert not any(nom in texte for nom in ("C04", "Jeanne", "Paul", "Lina", "Printemps"))


async def test_a_wrong_filter_is_a_400_said_in_french_and_nothing_else(tmp_path: Path) -> None:
    async with serveur(tmp_path) as client:
        bloc = await tableau(client, "claire", bloc="B7")
        etat = await tableau(client, "claire", etat="fini")
        filtre = await tableau(client, "claire", couleur="rouge")
    assert bloc == (400, {"erreur": "Bloc « B7 » inconnu : les blocs sont B1, B2, B3, B4."})
    assert etat[0] == 400 and list(etat[1]) == ["erreur"]
    assert etat[1]["erreur"] == (
        "État « fini » inconnu : les états sont non_prevu, non_commence, notation, "
        "rapprochement, proposition, visee, retard."
    )
    assert filtre[0] == 400 and filtre[1]["erreur"].startswith("Filtre « couleur » inconnu")


async def test_not_signed_in_is_a_401(tmp_path: Path) -> None:
    async with serveur(tmp_path) as client:
        personne = await client.get("/api/tableau")
        inconnu = await client.get("/api/tableau", headers={"X-CQP-Utilisateur": "mallory"})
        assert personne.status == 401 and inconnu.status == 401
        assert (await personne.json())["erreur"].startswith("Vous n'êtes pas connecté")
    async with serveur(tmp_path / "reseau", local=False) as client:
        # Off loopback, saying who you are is no sign-in.
        reponse = await client.get("/api/tableau", headers={"X-CQP-Utilisateur": "claire"})
        assert reponse.status == 401
        assert "Jeanne" not in await reponse.text()
