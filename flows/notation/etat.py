"""The scoring's state and vocabulary: what it waits for, where the évaluateur stands, the
buttons' payloads, the grid as stored, and the outcome of a step."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flows.evaluation import Dossier, Element, Precisions, Reponse, Soumission
from flows.messages import (
    Event,
    Reply,
)
from flows.payloads import (
    Payload,
)
from referentiel import Bloc, CodeValeur, Competence, Critere


class Attente(StrEnum):
    """What the scoring conversation waits for."""

    VALEUR = "valeur"
    COMMENTAIRE = "commentaire"
    PRECISIONS = "precisions"
    REVUE = "revue"
    SOUMISE = "soumise"
    PAUSE = "pause"
    """Paused: nothing typed is taken as a value, a comment or précisions until resumed."""


ATTENTES_DE_TEXTE = (Attente.COMMENTAIRE, Attente.PRECISIONS)
"""What the scoring waits for as free text: a line typed then goes to it."""


class EtatNotation(BaseModel):
    """Where an évaluateur stands in a grid; stored between messages (resume days later)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    evaluation: str
    evaluateur: str
    position: int = 0
    """Index of the current critère in the bloc's list."""
    attente: Attente = Attente.VALEUR
    competence: str | None = None
    """The compétence whose précisions are awaited (attente PRECISIONS)."""
    revue_apres: bool = False
    """A critère or précisions opened from the review: once answered, back to the review."""
    avant_pause: Attente | None = None
    """What was awaited when the grid was paused (attente PAUSE): awaited again on resume."""


class Noter(Payload):
    """Button « give critère X value V » of evaluation E."""

    PREFIX = "v"
    evaluation: str
    critere: str
    valeur: CodeValeur


class Aller(Payload):
    """Navigation button: back, skip, review, pause, submit, edit a critère, resume.

    From the review: ``competence`` opens a compétence's critères and précisions,
    ``modifier`` a critère, ``precisions`` a compétence's précisions — ``critere``
    then holds the compétence's id. On ``retour`` and ``passer`` it names where the button
    was shown, so that the same move on the next card is another click (``flows.clics``).
    """

    PREFIX = "g"
    evaluation: str
    action: Literal[
        "retour", "passer", "revue", "pause", "soumettre", "modifier", "reprendre",
        "competence", "precisions",
    ]  # fmt: skip
    critere: str = "-"


@dataclass(frozen=True)
class Grille:
    """What one évaluateur has stored for an evaluation."""

    reponses: Mapping[str, Reponse] = field(default_factory=dict)
    precisions: Mapping[str, str] = field(default_factory=dict)
    soumise: bool = False
    reference: str = ""
    """The candidate's reference: what a confirmation names, beside the critère."""

    @classmethod
    def de_dossier(cls, dossier: Dossier, evaluateur: str) -> Grille:
        return cls(
            {r.critere: r for r in dossier.reponses if r.evaluateur == evaluateur},
            {p.competence: p.texte for p in dossier.precisions if p.evaluateur == evaluateur},
            any(s.evaluateur == evaluateur for s in dossier.soumissions_actives),
            dossier.evaluation.candidat.reference,
        )

    def avec(self, enregistrement: Element) -> Grille:
        """This grid with one more record (what the store will hold after the step)."""
        if isinstance(enregistrement, Reponse):
            return replace(self, reponses={**self.reponses, enregistrement.critere: enregistrement})
        if isinstance(enregistrement, Precisions):
            return replace(
                self,
                precisions={**self.precisions, enregistrement.competence: enregistrement.texte},
            )
        if isinstance(enregistrement, Soumission):
            return replace(self, soumise=True)
        return self


@dataclass(frozen=True)
class Pas:
    """The outcome of a step: the new state, the replies, the records to store first."""

    etat: EtatNotation
    replies: tuple[Reply, ...]
    enregistrements: tuple[Element, ...] = ()


@dataclass(frozen=True)
class Ctx:
    """What a step reads: the state, the évaluateur's stored grid, the bloc, the time."""

    etat: EtatNotation
    grille: Grille
    bloc: Bloc
    maintenant: datetime

    @property
    def critere(self) -> Critere:
        return self.bloc.criteres[self.etat.position]

    def competence_de(self, critere_id: str) -> Competence:
        competence = self.bloc.competence_de(critere_id)
        assert competence is not None, critere_id  # always a critère of the bloc here
        return competence

    def competence(self, competence_id: str) -> Competence | None:
        return next((c for c in self.bloc.competences if c.id == competence_id), None)

    @property
    def obligatoires(self) -> bool:
        return self.bloc.modalites.precisions_obligatoires


Handler = Callable[[Ctx, Event, Payload | None], Pas]
