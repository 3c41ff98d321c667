"""A conversation test harness: push events as a user, read the replies (errbot's idea)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from bot.delivery import Delivery
from flows.messages import (
    ChoiceEvent,
    Choices,
    Context,
    Fields,
    Heading,
    Origin,
    Paragraph,
    Reply,
    TextEvent,
)
from flows.notation import Noter
from flows.service import Service
from referentiel import CodeValeur
from tests.faux_transport import At
from tests.store_outils import T0

EV = "ev-C042-1"


class Horloge:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


class Utilisateur:
    """A person in a DM with the bot: types, clicks, reads; with ``livraison``, each answer is
    also delivered (``bot.delivery`` over a fake transport), as a channel would."""

    compteur = itertools.count()

    def __init__(
        self, service: Service, identifiant: str, livraison: Delivery[Any] | None = None
    ) -> None:
        self.service = service
        self.origine = Origin(channel="web", conversation=f"dm-{identifiant}", user=identifiant)
        self.replies: tuple[Reply, ...] = ()
        self.livraison = livraison

    async def _handle(self, evenement: TextEvent | ChoiceEvent) -> str:
        self.replies = await self.service.handle(evenement)
        if self.livraison is not None:
            await self.livraison.deliver(self.origine, self.replies, At(), evenement.request_id)
        return self.lu()

    def _id(self) -> str:
        return f"req-{next(self.compteur)}"

    async def taper(self, texte: str, requete: str | None = None) -> str:
        evenement = TextEvent(origin=self.origine, request_id=requete or self._id(), text=texte)
        return await self._handle(evenement)

    async def cliquer(self, payload: str, requete: str | None = None) -> str:
        evenement = ChoiceEvent(
            origin=self.origine, request_id=requete or self._id(), payload=payload
        )
        return await self._handle(evenement)

    async def noter(self, critere: str, valeur: CodeValeur, requete: str | None = None) -> str:
        return await self.cliquer(
            Noter(evaluation=EV, critere=critere, valeur=valeur).pack(), requete
        )

    def lu(self) -> str:
        morceaux = []
        for reply in self.replies:
            for bloc in reply.message.blocks:
                if isinstance(bloc, Heading | Paragraph | Context):
                    morceaux.append(bloc.text)
                elif isinstance(bloc, Fields):
                    morceaux.extend(f"{a}: {b}" for a, b in bloc.items)
                elif isinstance(bloc, Choices):
                    morceaux.extend(b.label for b in bloc.buttons)
        return " | ".join(morceaux)
