"""Conversations of the web chat: what each person sees, and the live pushes to their pages.

The service answers with channel-neutral replies addressed to the origin,
to a person, or to the results destination; :mod:`bot.delivery` routes them
here, and this module turns them into entries of a *fil* (a thread): each
person's private conversation with the bot, and the « Résultats » fil that
coordinateurs and admins see. Every entry is pushed at once to the open
pages of the people who see it (the WebSocket in :mod:`bot.web.chat`), and
kept (the last MAX_ENTREES of each fil) for a page opened later.

The fils live in memory: what matters — answers, grids, results — is in
the store; after a restart a person types ``mes-evaluations`` and resumes.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.delivery import Privacy
from flows.messages import (
    Choices,
    Fichier,
    Message,
)
from flows.payloads import (
    Envoyer,
)

MAX_ENTREES = 300
MAX_FICHIERS = 100
RESULTATS = "resultats"
_CLE_RESULTATS = "@resultats"
"""The results fil's key: no person's id starts with « @ », so none can read it as theirs."""


def message_json(message: Message) -> dict[str, Any]:
    """The message for the page; a form's submit button is marked with the form's name.

    The page never parses a payload: the server says which button sends a form.
    """
    donnees = message.model_dump(mode="json")
    for bloc, brut in zip(message.blocks, donnees["blocks"], strict=True):
        if isinstance(bloc, Choices):
            for bouton, bouton_json in zip(bloc.buttons, brut["buttons"], strict=True):
                if (formulaire := Envoyer.formulaire_de(bouton.payload)) is not None:
                    bouton_json["form"] = formulaire
    return donnees


@dataclass
class Entree:
    """One bubble of a fil: a message of the bot, or a line the person typed."""

    id: str
    fil: str
    auteur: Literal["bot", "moi"]
    message: dict[str, Any] | None = None
    texte: str | None = None
    fichier: dict[str, str] | None = None

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id, "fil": self.fil, "auteur": self.auteur, "message": self.message,
            "texte": self.texte, "fichier": self.fichier,
        }  # fmt: skip


@dataclass(frozen=True)
class WebAt:
    """Who acted, and the message their button or form was on."""

    user: str
    answered: str | None = None


@dataclass(eq=False)  # each page is itself, hashed by identity
class _Abonne:
    utilisateur: str
    file: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(1000))


class Hub:
    """Every fil, and the pages listening to them; the web chat's transport for
    :mod:`bot.delivery`, which decides which fil each reply goes to."""

    def __init__(self, voit_resultats: Callable[[str], bool]) -> None:
        self._voit_resultats = voit_resultats
        self._fils: dict[str, deque[Entree]] = defaultdict(lambda: deque(maxlen=MAX_ENTREES))
        self._abonnes: set[_Abonne] = set()
        self._ids = itertools.count(1)
        # Ids differ from one run of the server to the next: a page kept open across a
        # restart never mistakes a new message for one it already shows.
        self._demarrage = secrets.token_hex(3)
        self._fichiers: OrderedDict[str, tuple[str, Fichier]] = OrderedDict()

    def _nouvel_id(self) -> str:
        return f"m{self._demarrage}-{next(self._ids)}"

    # --- reading ---------------------------------------------------------------------

    def fils(self, utilisateur: str) -> dict[str, Any]:
        """What ``utilisateur`` sees: their conversation, and the results if they may."""
        vus: dict[str, Any] = {
            "demarrage": self._demarrage,
            "prive": [e.json() for e in self._fils[utilisateur]],
        }
        if self._voit_resultats(utilisateur):
            vus[RESULTATS] = [e.json() for e in self._fils[_CLE_RESULTATS]]
        return vus

    def fichier(self, utilisateur: str, identifiant: str) -> Fichier | None:
        """A file sent to ``utilisateur`` (nobody else may download it)."""
        trouve = self._fichiers.get(identifiant)
        return trouve[1] if trouve is not None and trouve[0] == utilisateur else None

    # --- live pushes -------------------------------------------------------------------

    def abonner(self, utilisateur: str) -> _Abonne:
        abonne = _Abonne(utilisateur)
        self._abonnes.add(abonne)
        return abonne

    def desabonner(self, abonne: _Abonne) -> None:
        self._abonnes.discard(abonne)

    def _pousser(self, destinataires: Iterable[str] | None, type_: str, entree: Entree) -> None:
        cibles = None if destinataires is None else set(destinataires)
        for abonne in list(self._abonnes):
            if (cibles is None and self._voit_resultats(abonne.utilisateur)) or (
                cibles is not None and abonne.utilisateur in cibles
            ):
                try:
                    abonne.file.put_nowait({"type": type_, "entree": entree.json()})
                except asyncio.QueueFull:  # a page that stopped reading: it reloads the fils
                    self._abonnes.discard(abonne)

    # --- writing -----------------------------------------------------------------------

    def _nouvelle(self, cle: str, entree: Entree, destinataires: Iterable[str] | None) -> Entree:
        self._fils[cle].append(entree)
        self._pousser(destinataires, "nouveau", entree)
        return entree

    def ecrit(self, utilisateur: str, texte: str) -> Entree:
        """A line the person typed, shown in their conversation like any chat."""
        entree = Entree(id=self._nouvel_id(), fil="prive", auteur="moi", texte=texte)
        return self._nouvelle(utilisateur, entree, [utilisateur])

    # --- the transport of bot.delivery --------------------------------------------------

    results_setting = "—"
    """Never named: the « Résultats » fil is private by construction."""

    async def answer(self, at: WebAt, message: Message, replace: bool) -> None:
        """In the person's conversation; the message a button was on updated in place."""
        contenu = message_json(message)
        if replace and at.answered is not None:
            for ancienne in self._fils[at.user]:
                if ancienne.id == at.answered and ancienne.auteur == "bot":
                    ancienne.message, ancienne.fichier = contenu, None
                    self._pousser([at.user], "maj", ancienne)
                    return
            if not at.answered.startswith(f"m{self._demarrage}-"):
                # A message from before a restart, still shown by a page kept open: it is
                # updated there too (its id names no message of this run), not copied.
                reprise = Entree(id=at.answered, fil="prive", auteur="bot", message=contenu)
                self._fils[at.user].append(reprise)
                self._pousser([at.user], "maj", reprise)
                return
        self._bot_says(at.user, contenu)

    async def direct(
        self, at: WebAt, user: str, message: Message, thread: str | None = None
    ) -> None:
        self._bot_says(user, message_json(message))

    async def privacy(self, at: WebAt, target: str) -> Privacy:
        return Privacy.PRIVATE  # the results fil: coordinateurs and admins only

    async def post(self, at: WebAt, target: str, message: Message) -> None:
        contenu = message_json(message)
        entree = Entree(id=self._nouvel_id(), fil=RESULTATS, auteur="bot", message=contenu)
        self._nouvelle(_CLE_RESULTATS, entree, None)

    async def upload(self, at: WebAt, user: str, fichier: Fichier, message: Message) -> None:
        self._bot_says(user, message_json(message), self._keep_file(user, fichier))

    def _bot_says(
        self, user: str, contenu: dict[str, Any], fichier: dict[str, str] | None = None
    ) -> None:
        entree = Entree(
            id=self._nouvel_id(), fil="prive", auteur="bot", message=contenu, fichier=fichier
        )
        self._nouvelle(user, entree, [user])

    def _keep_file(self, proprietaire: str, fichier: Fichier) -> dict[str, str]:
        identifiant = f"f{self._demarrage}-{next(self._ids)}"
        self._fichiers[identifiant] = (proprietaire, fichier)
        while len(self._fichiers) > MAX_FICHIERS:
            self._fichiers.popitem(last=False)
        return {"nom": fichier.nom, "url": f"/fichiers/{identifiant}"}
