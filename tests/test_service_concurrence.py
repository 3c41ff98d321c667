"""Clicks that arrive at the same instant, through the service on the real on-disk store.

Each action on an evaluation reads its records, decides and writes under
that evaluation's lock: two visas given at once post the result exactly
once, two grids submitted at once send the comparison exactly once — and an
evaluation waiting on a slow write does not hold up another one.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from flows.evaluation import Dossier, Element, Precisions, Reponse, Soumission
from flows.messages import FormEvent, Origin
from flows.notation import Aller, Noter
from flows.rapprochement import Consolider
from flows.service import Service
from flows.store import Ecriture, Store
from referentiel import CodeValeur, default
from storage import MemoryStore, open_store
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0, evaluation

EV = "ev-C042-1"
BLOC_1 = default().blocs[0]
EVALUATEURS = ("u-expert", "u-interne")


async def _grilles(store: Store, *, soumises: bool) -> None:
    """Both évaluateurs' complete grids (all A, the same), written as the flows would."""
    for u in EVALUATEURS:
        enregistrements: list[Element] = [
            Reponse(critere=c.id, evaluateur=u, valeur=CodeValeur.A, horodatage=T0)
            for c in BLOC_1.criteres
        ]
        enregistrements += [
            Precisions(competence=c.id, evaluateur=u, texte="Constaté.", horodatage=T0)
            for c in BLOC_1.competences
        ]
        if soumises:
            enregistrements.append(Soumission(evaluateur=u, horodatage=T0))
        for e in enregistrements:
            await store.enregistrer(EV, e, par=u)


class StoreQuiCede(MemoryStore):
    """The memory store, giving way to other tasks around each read (as a slower disk would)."""

    async def dossier(self, evaluation_id: str) -> Dossier | None:
        await asyncio.sleep(0)
        dossier = await super().dossier(evaluation_id)
        await asyncio.sleep(0)
        return dossier


@pytest.fixture(params=["disque", "memoire_qui_cede"])
async def service(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Service]:
    store = await open_store(tmp_path) if request.param == "disque" else StoreQuiCede()
    ev = evaluation().model_copy(update={"destination_resultats": "resultats-cqp"})
    await store.creer(ev, par="u-coord")
    yield Service(store, default(), Horloge())
    await store.fermer()


async def test_both_visas_at_the_same_instant_post_the_result_exactly_once(
    service: Service,
) -> None:
    await _grilles(service.store, soumises=True)
    expert, interne = (Utilisateur(service, u) for u in EVALUATEURS)
    viser = Consolider(evaluation=EV, action="viser").pack()
    await asyncio.gather(expert.cliquer(viser), interne.cliquer(viser))

    envois = [r for u in (expert, interne) for r in u.replies]
    assert [r.to.target for r in envois if r.to.kind == "results"] == ["resultats-cqp"]
    assert [r.to.user for r in envois if r.to.kind == "user"] == ["u-coord"]
    # One visa is the first (« en attente du visa »), the other closes and sees the result.
    lus = sorted((u.lu() for u in (expert, interne)), key=lambda lu: "Résultat proposé" in lu)
    assert "En attente du visa" in lus[0] and "Résultat proposé" in lus[1]
    dossier = await service.store.dossier(EV)
    assert dossier is not None and len(dossier.visas) == 2


async def test_both_grids_submitted_at_the_same_instant_send_the_comparison_exactly_once(
    service: Service,
) -> None:
    await _grilles(service.store, soumises=False)
    expert, interne = (Utilisateur(service, u) for u in EVALUATEURS)
    for u in (expert, interne):
        assert "Grille complète" in await u.cliquer(Aller(evaluation=EV, action="reprendre").pack())
    soumettre = Aller(evaluation=EV, action="soumettre").pack()
    await asyncio.gather(expert.cliquer(soumettre), interne.cliquer(soumettre))

    envois = [r for u in (expert, interne) for r in u.replies if r.to.kind == "user"]
    assert sorted(r.to.user or "" for r in envois) == ["u-expert", "u-interne"]
    assert all("Les deux grilles sont soumises" in r.message.summary for r in envois)
    dossier = await service.store.dossier(EV)
    assert dossier is not None and len(dossier.soumissions_actives) == 2


class StoreRetenu(MemoryStore):
    """The memory store, whose writes to one evaluation wait until the test lets them through."""

    def __init__(self, retenue: str) -> None:
        super().__init__()
        self.retenue = retenue
        self.arrivee = asyncio.Event()
        self.feu = asyncio.Event()

    async def enregistrer(
        self,
        evaluation_id: str,
        element: Element,
        *,
        par: str,
        pourquoi: str | None = None,
        requete: str | None = None,
    ) -> Ecriture:
        if evaluation_id == self.retenue:
            self.arrivee.set()
            await self.feu.wait()
        return await super().enregistrer(
            evaluation_id, element, par=par, pourquoi=pourquoi, requete=requete
        )


async def test_a_slow_write_holds_up_its_own_evaluation_only() -> None:
    store = StoreRetenu(retenue=EV)
    for numero in (1, 2):
        await store.creer(evaluation(numero), par="u-coord")
    service = Service(store, default(), Horloge())
    expert, interne = (Utilisateur(service, u) for u in EVALUATEURS)

    lent = asyncio.create_task(expert.noter("B1.C1.1", CodeValeur.A))
    await store.arrivee.wait()  # the expert's answer on ev-C042-1 is being written
    ailleurs = Noter(evaluation="ev-C042-2", critere="B1.C1.1", valeur=CodeValeur.NA)
    lu = await asyncio.wait_for(interne.cliquer(ailleurs.pack()), timeout=2)
    assert "B1.C1.1" in lu  # another evaluation: answered at once

    meme = asyncio.create_task(interne.noter("B1.C1.1", CodeValeur.ECA))
    await asyncio.sleep(0.05)
    assert not meme.done()  # the same evaluation: waits for the write in progress
    store.feu.set()
    await asyncio.wait_for(asyncio.gather(lent, meme), timeout=2)
    dossier = await store.dossier(EV)
    assert dossier is not None and len(dossier.reponses) == 2
    assert len(service.evaluations) == 0  # no lock left behind


async def test_two_creations_at_the_same_instant_get_two_ids(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    service = Service(store, default(), Horloge(), coordinateurs=("u-coord", "u-coord2"))
    valeurs = {
        "candidat_nom": "Jeanne Martin", "candidat_reference": "C042", "bloc": "B1",
        "evaluateur_1": "u-expert", "role_1": "expert_habilite",
        "evaluateur_2": "u-interne", "role_2": "expert_interne",
    }  # fmt: skip
    formulaires = (
        FormEvent(
            origin=Origin(channel="web", conversation="dm", user=u),
            request_id=f"form-{u}",
            form="nouvelle",
            values=valeurs,
        )
        for u in ("u-coord", "u-coord2")
    )
    reponses = await asyncio.gather(*(service.handle(f) for f in formulaires))
    assert all("créée" in r[0].message.summary for r in reponses)
    assert sorted(e.id for e in await store.evaluations()) == ["ev-C042-B1", "ev-C042-B1-2"]
    await store.fermer()
