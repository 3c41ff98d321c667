"""The living demo session: seeded through the service, it shows every stage on the
coordinatrice's dashboard at once, a CQP proposal included; seeding it again changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from bot.demo import COORDINATRICE, evaluation_de_demo, preparer_dossier
from bot.demo_session import dans_le_chat, session_de_demo
from bot.server import CHAT, create_app, service_for
from bot.web.annuaire import Annuaire
from flows.messages import Origin, Reply
from flows.service import Service
from referentiel import default
from storage import open_store
from tests.harnais import Horloge, Utilisateur
from tests.store_outils import T0

AUJOURD_HUI = T0.date()


async def test_the_demo_session_shows_every_stage_on_the_dashboard(tmp_path: Path) -> None:
    store = await open_store(tmp_path)
    service = Service(store, default(), Horloge(), coordinateurs=(COORDINATRICE.id,))
    livrees: list[tuple[str, str]] = []

    async def livrer(origine: Origin, replies: tuple[Reply, ...], _: str) -> None:
        livrees.extend((r.to.user or origine.user, r.message.summary) for r in replies)

    await session_de_demo(service, livrer, AUJOURD_HUI)
    claire = Utilisateur(service, COORDINATRICE.id)
    lu = await claire.taper("tableau")
    assert "Tableau de bord — 6 candidat(s)" in lu
    assert lu.index("⚠ DEMO-104 — Hugo Lefèvre (en retard)") < lu.index("DEMO-101")
    assert "DEMO-101 — Sophie Bernard" in lu and "CQP proposé (le jury décide)" in lu
    assert "B1 visée par les deux évaluateurs : validé" in lu
    assert "B2 proposition : validé, visas 0/2" in lu  # reconciled, awaiting the visas
    assert "B3 rapprochement : 1 désaccord(s) à traiter" in lu
    assert "B4 notation : Karim Haddad" in lu  # half scored
    assert "B1 visée par les deux évaluateurs : non validé" in lu  # DEMO-105
    assert "DEMO-106 — Nadia Petit" in lu and "B1 non commencé" in lu
    assert "CQP proposé" in await claire.taper("candidat DEMO-101")
    # The évaluateurs were told, in their own conversations, as people are.
    assert any(qui == "karim" and "session de démonstration" in quoi.lower()
               for qui, quoi in livrees)  # fmt: skip
    avant = len(await store.evaluations())
    await session_de_demo(service, livrer, AUJOURD_HUI)  # a second start: nothing more
    assert len(await store.evaluations()) == avant == 17
    await store.fermer()


async def test_cqp_bot_demo_session_seeds_the_web_chat_of_each_person(tmp_path: Path) -> None:
    """What ``cqp-bot demo --session`` starts with: the real web chat, its people's fils."""
    preparer_dossier(tmp_path, tmp_path / "utilisateurs.yaml", reset=False)
    annuaire = Annuaire.lire(tmp_path / "utilisateurs.yaml")
    store = await open_store(tmp_path)
    try:
        chat = create_app(service_for(store, annuaire), annuaire, tmp_path, local=True)[CHAT]
        await evaluation_de_demo(chat)
        assert "six candidats" in await dans_le_chat(chat, AUJOURD_HUI)

        def fil(qui: str) -> str:
            return json.dumps(chat.hub.fils(qui)["prive"], ensure_ascii=False)

        assert "16 évaluation(s) créée(s) pour la session" in fil(COORDINATRICE.id)
        assert "DEMO-105" in fil("karim") and "DEMO-105" in fil("lea")  # their last grids
        assert "DEMO-001" in {e.candidat.reference for e in await store.evaluations()}
        lu = await Utilisateur(chat.service, COORDINATRICE.id).taper("candidat DEMO-101")
        assert "CQP proposé" in lu
    finally:
        await store.fermer()
