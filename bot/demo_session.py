"""The living demo session (``cqp-bot demo --session``): six candidates at every stage.

A newcomer who opens the coordinatrice's dashboard should see a session as it looks in its
third week, not an empty table: so this seeds one — through the service, as the people
would have done it: the coordinatrice enrols the candidates (what the import does) and
creates their evaluations with ``creer-evaluations``; Karim and Léa score, disagree,
reconcile, give their visas, click by click. Nothing is written behind the service's back,
so what the demo shows is what the bot does.

The stages: DEMO-101 has the 4 blocs validated and signed (« CQP proposé »); DEMO-102 one
bloc of each later stage (signed, reconciled and awaiting visas, a disagreement open, half
scored); DEMO-103 half a grid; DEMO-104 a disagreement open on bloc 1, its échéance passed
(« en retard »), the other blocs not started; DEMO-105 bloc 1 signed but not validated (a
critère observed, not acquired); DEMO-106 enrolled, nothing started.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, timedelta

from bot.demo import COORDINATRICE, EVALUATEURS
from bot.web.chat import WebChat
from bot.web.hub import WebAt
from flows import catalogue
from flows.inscription import FicheCandidat, SessionCertification
from flows.lot import FORMULAIRE
from flows.messages import ChoiceEvent, Event, FormEvent, Origin, Reply, TextEvent
from flows.notation import Aller
from flows.rapprochement import Consolider, Rapprocher
from flows.service import Service
from referentiel import CodeValeur

SESSION = catalogue.DEMO_SESSION_NOM
Livrer = Callable[[Origin, tuple[Reply, ...], str], Awaitable[None]]
CANDIDATS = catalogue.DEMO_CANDIDATS
A, ECA, NA = CodeValeur.A, CodeValeur.ECA, CodeValeur.NA


class _Personne:
    """Someone of the demo acting in their web chat: each event handled, then delivered."""

    numeros = itertools.count()

    def __init__(self, service: Service, identifiant: str, livrer: Livrer) -> None:
        self.service, self.livrer = service, livrer
        self.origine = Origin(channel="web", conversation=f"dm-{identifiant}", user=identifiant)

    async def _faire(self, evenement: Event) -> None:
        replies = await self.service.handle(evenement)
        await self.livrer(self.origine, replies, evenement.request_id)

    def _requete(self) -> str:
        return f"demo-session-{next(self.numeros)}"

    async def cliquer(self, payload: str) -> None:
        await self._faire(ChoiceEvent(origin=self.origine, request_id=self._requete(),
                                      payload=payload))  # fmt: skip

    async def taper(self, texte: str) -> None:
        await self._faire(TextEvent(origin=self.origine, request_id=self._requete(), text=texte))

    async def envoyer(self, formulaire: str, valeurs: Mapping[str, str]) -> None:
        """A form sent from the web chat, which names the people it picks as the users file
        names them."""
        noms = {e.id: e.nom for e in EVALUATEURS}
        await self._faire(FormEvent(origin=self.origine, request_id=self._requete(),
                                    form=formulaire, values=dict(valeurs), names=noms))  # fmt: skip


async def _noter(
    qui: _Personne, service: Service, ev: str, ecarts: Mapping[str, CodeValeur] | None = None,
    moitie: bool = False,
) -> None:  # fmt: skip
    """One évaluateur's grid, critère by critère as in the chat (the précisions after each
    compétence), then submitted — or only its first half."""
    dossier = await service.store.dossier(ev)
    assert dossier is not None
    bloc = service.referentiel.bloc(dossier.evaluation.bloc)
    assert bloc is not None
    moitie_de = len(bloc.criteres) // 2
    await qui.cliquer(Aller(evaluation=ev, action="reprendre").pack())
    faits = 0
    for competence in bloc.competences:
        for critere in competence.criteres:
            if moitie and faits == moitie_de:
                return
            valeur = (ecarts or {}).get(critere.id, A)
            await qui.cliquer(f"v:{ev}:{critere.id}:{valeur.value}")
            if valeur in (ECA, NA):
                await qui.taper(catalogue.DEMO_COMMENTAIRE)
            faits += 1
        await qui.taper(catalogue.DEMO_PRECISIONS.format(competence=competence.id))
    await qui.cliquer(Aller(evaluation=ev, action="soumettre").pack())


async def _viser(karim: _Personne, lea: _Personne, ev: str) -> None:
    for qui in (karim, lea):
        await qui.cliquer(Consolider(evaluation=ev, action="viser").pack())


async def _rapprocher(karim: _Personne, lea: _Personne, ev: str, critere: str) -> None:
    """Karim proposes A with his reason, Léa accepts: one value agreed."""
    await karim.cliquer(Rapprocher(evaluation=ev, action="proposer", critere=critere,
                                   valeur="A").pack())  # fmt: skip
    await karim.taper(catalogue.DEMO_JUSTIFICATION)
    await lea.cliquer(Rapprocher(evaluation=ev, action="accepter", critere=critere,
                                 valeur="A").pack())  # fmt: skip


async def dans_le_chat(chat: WebChat, aujourd_hui: date) -> str:
    """The demo session seeded into the web chat: each reply delivered to its people's fils."""

    async def livrer(origine: Origin, replies: tuple[Reply, ...], requete: str) -> None:
        await chat.delivery.deliver(origine, replies, WebAt(origine.user), requete)

    return await session_de_demo(chat.service, livrer, aujourd_hui)


async def session_de_demo(service: Service, livrer: Livrer, aujourd_hui: date) -> str:
    """Seed the demo session if it is not there yet; the message to print."""
    if any(s.nom == SESSION for s in await service.store.sessions()):
        return catalogue.DEMO_SESSION_PRETE.format(session=SESSION, coordinateur=COORDINATRICE.nom)
    maintenant = service.context.clock()
    session = SessionCertification(
        nom=SESSION, jury=aujourd_hui + timedelta(days=45), coordinateurs=(COORDINATRICE.id,),
        horodatage=maintenant,
    )  # fmt: skip
    fiches = [
        FicheCandidat(reference=r, nom=n, prenom=p, session=SESSION, service=catalogue.DEMO_SERVICE,
                      blocs=("B1", "B2", "B3", "B4"), horodatage=maintenant)
        for r, n, p in CANDIDATS
    ]  # fmt: skip
    await service.store.inscrire(session, fiches, par=COORDINATRICE.id)  # as the import does
    claire = _Personne(service, COORDINATRICE.id, livrer)
    karim, lea = (_Personne(service, e.id, livrer) for e in EVALUATEURS)
    binome = {"evaluateur_1": EVALUATEURS[0].id, "role_1": "expert_habilite",
              "evaluateur_2": EVALUATEURS[1].id, "role_2": "expert_interne"}  # fmt: skip
    dans_un_mois = (aujourd_hui + timedelta(days=30)).strftime("%d/%m/%Y")
    hier = (aujourd_hui - timedelta(days=1)).strftime("%d/%m/%Y")
    await claire.envoyer(
        FORMULAIRE,
        {
            "session": SESSION,
            "echeance": dans_un_mois,
            **binome,
            "candidats": "DEMO-101 DEMO-102 DEMO-103 DEMO-105",
        },
    )
    await claire.envoyer(FORMULAIRE, {"session": SESSION, "echeance": hier, **binome,
                                      "candidats": "DEMO-104", "blocs": "B1"})  # fmt: skip
    ecart = {"B1.C1.2": ECA}
    for bloc in ("B1", "B2", "B3", "B4"):  # DEMO-101: the 4 blocs validated and signed
        ev = f"ev-DEMO-101-{bloc}"
        await _noter(karim, service, ev)
        await _noter(lea, service, ev)
        await _viser(karim, lea, ev)
    await _noter(karim, service, "ev-DEMO-102-B1")
    await _noter(lea, service, "ev-DEMO-102-B1")
    await _viser(karim, lea, "ev-DEMO-102-B1")
    await _noter(karim, service, "ev-DEMO-102-B2")
    await _noter(lea, service, "ev-DEMO-102-B2", {"B2.C1.1": ECA})
    await _rapprocher(karim, lea, "ev-DEMO-102-B2", "B2.C1.1")
    await _noter(karim, service, "ev-DEMO-102-B3")
    await _noter(lea, service, "ev-DEMO-102-B3", {"B3.C1.1": ECA})
    await _noter(karim, service, "ev-DEMO-102-B4", moitie=True)
    await _noter(karim, service, "ev-DEMO-103-B1", moitie=True)
    await _noter(karim, service, "ev-DEMO-104-B1")
    await _noter(lea, service, "ev-DEMO-104-B1", ecart)
    await _noter(karim, service, "ev-DEMO-105-B1", {"B1.C3.1": NA})
    await _noter(lea, service, "ev-DEMO-105-B1", {"B1.C3.1": NA})
    await _viser(karim, lea, "ev-DEMO-105-B1")
    return catalogue.DEMO_SESSION_PRETE.format(session=SESSION, coordinateur=COORDINATRICE.nom)
