"""A person's conversation state: what the flows keep between two of their messages.

Typed, so that a reader sees at once what is kept and a use case cannot file
it under a misspelt key; stored by the service as the ``donnees`` of the
store's ``EtatConversation`` (keys of earlier versions are ignored on read).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_serializer,
)

from flows.clics import Clic
from flows.creation import EtatCreation
from flows.evaluation import EtatConversation
from flows.notation import ATTENTES_DE_TEXTE, Attente, EtatNotation
from flows.preuves import EtatPreuve


class Justification(BaseModel):
    """A proposal made on a disputed critère, waiting for its justification (typed next)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    evaluation: str
    critere: str
    valeur: str
    depuis: AwareDatetime | None = None

    def meme_proposition(self, autre: Justification) -> bool:
        return (self.evaluation, self.critere, self.valeur) == (
            autre.evaluation, autre.critere, autre.valeur,
        )  # fmt: skip


class Recente(BaseModel):
    """One of the person's recent requests, kept to answer its retry (``flows.service``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    requete: str
    quand: AwareDatetime
    fichier: bool = False
    """Its replies carried a file (a jury export): kept for the newest request only."""
    rejouer: bool = False
    """Its replies are not kept: a retry is run again (the store applies nothing twice)."""
    alias: str | None = None
    """A double click: the request it repeats, whose answer is its answer (``flows.clics``)."""

    @model_serializer(mode="wrap")
    def _sans_defauts(self, suite: Any) -> dict[str, Any]:
        """Written without its defaults: the state is rewritten at every event."""
        return {k: v for k, v in suite(self).items() if v not in (None, False)}


class Conversation(BaseModel):
    """Where a person stands, on one channel, in every flow at once."""

    model_config = ConfigDict(extra="ignore")

    actif: str | None = None
    """The evaluation this person scored last."""
    ouvert: bool = False
    """Whether its grid is what they act on now: only then does a typed value, comment or
    précisions go to it — acting on another evaluation leaves its question waiting, untouched."""
    notation: dict[str, EtatNotation] = Field(default_factory=dict)
    """Their place in each grid they score, by evaluation."""
    justification: Justification | None = None
    creation: EtatCreation = Field(default_factory=EtatCreation)
    preuves: EtatPreuve = Field(default_factory=EtatPreuve)
    recentes: list[Recente] = Field(default_factory=list)
    clics: list[Clic] = Field(default_factory=list)

    @property
    def grille(self) -> EtatNotation | None:
        """Their place in the grid they score now, if any."""
        return None if self.actif is None else self.notation.get(self.actif)

    def texte_attendu(self) -> bool:
        """Whether a flow waits for free text (a justification, a comment, précisions)."""
        grille = self.grille if self.ouvert else None
        return self.justification is not None or (
            grille is not None and grille.attente in ATTENTES_DE_TEXTE
        )

    def texte_en_suspens(self) -> EtatNotation | None:
        """A grid whose comment or précisions still wait, though the person moved on."""
        ouverte = self.actif if self.ouvert else None
        return next(
            (
                etat for evaluation, etat in self.notation.items()
                if evaluation != ouverte and etat.attente in ATTENTES_DE_TEXTE
            ),
            None,
        )  # fmt: skip

    def valeur_attendue(self) -> bool:
        """Whether a critère is shown, waiting for its value (which may be typed)."""
        grille = self.grille if self.ouvert else None
        return (
            self.justification is None and grille is not None and grille.attente is Attente.VALEUR
        )

    @classmethod
    def of(cls, etat: EtatConversation | None) -> Conversation:
        """The conversation as stored; one that no longer reads starts afresh (it is rebuilt
        from the records: a grid resumes at its first critère without a value)."""
        if etat is None:
            return cls()
        try:
            return cls.model_validate(etat.donnees)
        except ValidationError:
            return cls()

    def recentes_depuis(self, limite: datetime) -> list[Recente]:
        return [r for r in self.recentes if r.quand > limite]
