"""Conversations of the web chat: what each person sees, and the live pushes to their pages.

The service answers with channel-neutral replies addressed to the origin,
to a person, or to the results destination; this module turns them into
entries of a *fil* (a thread): each person's private conversation with the
bot, and the « Résultats » fil that coordinateurs and admins see. Every
entry is pushed at once to the open pages of the people who see it (the
WebSocket in :mod:`bot.web.chat`), and kept (the last MAX_ENTREES of each
fil) for a page opened later.

The fils live in memory: what matters — answers, grids, results — is in
the store; after a restart a person types ``mes-evaluations`` and resumes.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from flows.messages import Choices, Envoyer, Fichier, InvalidPayload, Message, Reply

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
                with contextlib.suppress(InvalidPayload):
                    bouton_json["form"] = Envoyer.unpack(bouton.payload).formulaire
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


@dataclass(eq=False)  # each page is itself, hashed by identity
class _Abonne:
    utilisateur: str
    file: asyncio.Queue[dict[str, Any]] = field(default_factory=lambda: asyncio.Queue(1000))


class Hub:
    """Every fil, and the pages listening to them."""

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

    def livrer(self, origine: str, replies: Iterable[Reply], repondu: str | None = None) -> None:
        """Post each reply where it is addressed; ``repondu`` is the message a button was on."""
        for reply in replies:
            contenu = message_json(reply.message)
            fichier = self._garder_fichier(reply, origine)
            if reply.to.kind == "results":
                entree = Entree(id=self._nouvel_id(), fil=RESULTATS, auteur="bot", message=contenu)
                self._nouvelle(_CLE_RESULTATS, entree, None)
                continue
            destinataire = reply.to.user if reply.to.kind == "user" and reply.to.user else origine
            if reply.to.replace and repondu is not None and destinataire == origine:
                for ancienne in self._fils[origine]:
                    if ancienne.id == repondu and ancienne.auteur == "bot":
                        ancienne.message, ancienne.fichier = contenu, fichier
                        self._pousser([origine], "maj", ancienne)
                        break
                else:
                    repondu = None
                if repondu is not None:
                    continue
            entree = Entree(
                id=self._nouvel_id(), fil="prive", auteur="bot", message=contenu,
                fichier=fichier,
            )  # fmt: skip
            self._nouvelle(destinataire, entree, [destinataire])

    def _garder_fichier(self, reply: Reply, origine: str) -> dict[str, str] | None:
        if reply.fichier is None:
            return None
        proprietaire = reply.to.user if reply.to.kind == "user" and reply.to.user else origine
        identifiant = f"f{self._demarrage}-{next(self._ids)}"
        self._fichiers[identifiant] = (proprietaire, reply.fichier)
        while len(self._fichiers) > MAX_FICHIERS:
            self._fichiers.popitem(last=False)
        return {"nom": reply.fichier.nom, "url": f"/fichiers/{identifiant}"}
