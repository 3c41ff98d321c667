"""The demo workspace: people, a candidate and an evaluation of bloc 1, ready to score.

A newcomer runs one command and opens two browser windows, one per
évaluateur: the evaluation is created by the demo coordinatrice through the
service, exactly as she would in the chat, so the évaluateurs find their
invitation waiting. The data directory is marked as a demo's (``.demo``) so
that ``--reset`` can never erase real evaluations.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.web.annuaire import Annuaire, Personne, Role
from bot.web.chat import WebChat
from bot.web.hub import WebAt
from flows import catalogue
from flows.messages import FormEvent, Origin

MARQUE = ".demo"
COORDINATRICE = Personne(id="claire", nom=catalogue.DEMO_COORDINATRICE, role=Role.COORDINATEUR)
EVALUATEURS = (
    Personne(id="karim", nom=catalogue.DEMO_EVALUATEUR_1, role=Role.EVALUATEUR),
    Personne(id="lea", nom=catalogue.DEMO_EVALUATEUR_2, role=Role.EVALUATEUR),
)
CANDIDAT = {"candidat_nom": "Sophie Bernard", "candidat_reference": "DEMO-001"}


class NotADemoDirectory(Exception):
    """The directory holds data that is not a demo's: it is neither reused nor erased."""


def preparer_dossier(dossier: Path, annuaire: Path, reset: bool) -> str | None:
    """Make ``dossier`` a demo directory (erased first with ``reset``); the message to print."""
    message = None
    occupe = dossier.exists() and any(dossier.iterdir())
    if occupe and not (dossier / MARQUE).exists():
        raise NotADemoDirectory(catalogue.DEMO_RESET_REFUSE.format(dossier=dossier))
    if reset and occupe:
        shutil.rmtree(dossier)
        message = catalogue.DEMO_EFFACEE.format(dossier=dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    (dossier / MARQUE).touch()
    if not annuaire.exists():
        Annuaire(utilisateurs=(COORDINATRICE, *EVALUATEURS)).ecrire(annuaire)
    return message


async def evaluation_de_demo(chat: WebChat) -> str:
    """Create the demo evaluation if it does not exist yet; the message to print."""
    service = chat.service
    evaluation = f"ev-{CANDIDAT['candidat_reference']}-B1"
    if await service.store.dossier(evaluation) is None:
        valeurs = {
            **CANDIDAT,
            "bloc": "B1",
            "evaluateur_1": EVALUATEURS[0].id,
            "role_1": "expert_habilite",
            "evaluateur_2": EVALUATEURS[1].id,
            "role_2": "expert_interne",
            "echeance": "",
            "destination": "resultats",
        }
        origine = Origin(
            channel="web", conversation=f"dm-{COORDINATRICE.id}", user=COORDINATRICE.id
        )
        evenement = FormEvent(
            origin=origine, request_id="demo-creation", form="nouvelle", values=valeurs,
            names={e.id: e.nom for e in EVALUATEURS},  # as the web chat's form names them
        )  # fmt: skip
        replies = await service.handle(evenement)
        await chat.delivery.deliver(origine, replies, WebAt(COORDINATRICE.id), "demo-creation")
    return catalogue.DEMO_PRETE.format(
        evaluation=evaluation, reference=CANDIDAT["candidat_reference"],
        e1=EVALUATEURS[0].nom, e2=EVALUATEURS[1].nom, coordinateur=COORDINATRICE.nom,
    )  # fmt: skip
