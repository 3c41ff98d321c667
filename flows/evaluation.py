"""The records of an evaluation: what is stored, and how two versions of it compare.

An evaluation is one candidate × one bloc, scored by two évaluateurs. Its
records — answers, précisions, entretiens observed, agreed values, grid
submissions, visas — are each identified by a *natural key* (an answer by
critère and évaluateur, …), so that writing the same thing twice is one
record, and each carries the ``horodatage`` of the user action it comes
from, so that an older click never overwrites a newer one.

These models are the domain's; the store keeps them without knowing more
than their table name, key and timestamp.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from referentiel import Canal, CodeValeur, RoleEvaluateur

Identifiant = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
"""IDs of users and requests: safe in keys and logs."""

IdentifiantFichier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]
"""IDs of evaluations and candidates' references: they name files and directories, so no dot."""

DestinationResultats = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
"""Where an evaluation's result is posted (a channel's name or id): as long as a reply's
``Destination.target`` may be (``flows.messages.MAX_TARGET``), so that it can always be posted."""

TexteLibre = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
"""What a person types: comments, précisions, reasons. Bounded, may be empty."""


class _Record(BaseModel):
    # NaN inside free-form data is kept as NaN (not silently turned into null), so that
    # the store refuses it instead of storing something else than what was given.
    model_config = ConfigDict(
        frozen=True, extra="forbid", allow_inf_nan=False, ser_json_inf_nan="constants"
    )


class Candidat(_Record):
    """The candidate: a name (personal data) and a pseudonymous reference used everywhere else."""

    nom: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    reference: IdentifiantFichier


class Evaluateur(_Record):
    """One of the two évaluateurs: a user of a channel, with a role of the référentiel."""

    utilisateur: Identifiant
    nom: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    role: RoleEvaluateur


class StatutEvaluation(StrEnum):
    """Where an evaluation stands."""

    EN_COURS = "en_cours"
    RAPPROCHEMENT = "rapprochement"
    CONSOLIDEE = "consolidee"
    CLOTUREE = "cloturee"


class Evaluation(_Record):
    """An evaluation's header: who, which bloc, where results go."""

    id: IdentifiantFichier
    candidat: Candidat
    bloc: Annotated[str, StringConstraints(pattern=r"^B\d+$")]
    evaluateurs: tuple[Evaluateur, Evaluateur]
    coordinateurs: tuple[Identifiant, ...] = Field(min_length=1)
    echeance: date | None = None
    destination_resultats: DestinationResultats | None = None
    statut: StatutEvaluation = StatutEvaluation.EN_COURS
    horodatage: AwareDatetime

    TABLE: ClassVar[str] = "evaluation"

    @property
    def cle(self) -> str:
        return "evaluation"


class Element(_Record):
    """A record inside an evaluation: a table, a natural key, a timestamp."""

    horodatage: AwareDatetime
    TABLE: ClassVar[str]

    @property
    def cle(self) -> str:  # pragma: no cover - every subclass defines it
        raise NotImplementedError


class Reponse(Element):
    """One évaluateur's value for one critère, with an optional comment."""

    critere: Annotated[str, StringConstraints(pattern=r"^B\d+\.C\d+\.\d+$")]
    evaluateur: Identifiant
    valeur: CodeValeur
    commentaire: TexteLibre = ""

    TABLE: ClassVar[str] = "reponses"

    @property
    def cle(self) -> str:
        return f"{self.critere}|{self.evaluateur}"


class Precisions(Element):
    """The précisions remark an évaluateur writes under a compétence's table."""

    competence: Annotated[str, StringConstraints(pattern=r"^B\d+\.C\d+$")]
    evaluateur: Identifiant
    texte: TexteLibre

    TABLE: ClassVar[str] = "precisions"

    @property
    def cle(self) -> str:
        return f"{self.competence}|{self.evaluateur}"


class Entretien(Element):
    """An entretien observed by an évaluateur (the evidence behind the grid)."""

    evaluateur: Identifiant
    numero: int = Field(ge=1, le=20)
    date: date
    canal: Canal
    reel: bool
    situation_difficile: bool = False

    TABLE: ClassVar[str] = "entretiens"

    @property
    def cle(self) -> str:
        return f"{self.evaluateur}|{self.numero}"


class Accord(Element):
    """The value both évaluateurs agreed on for a critère they disagreed on."""

    critere: Annotated[str, StringConstraints(pattern=r"^B\d+\.C\d+\.\d+$")]
    valeur: CodeValeur
    propose_par: Identifiant
    accepte_par: Identifiant
    justification: TexteLibre

    TABLE: ClassVar[str] = "accords"

    @property
    def cle(self) -> str:
        return self.critere


class Proposition(Element):
    """A value proposed for a disputed critère, with its rationale, awaiting the other's answer.

    One per critère: a counter-proposal replaces the proposal it answers.
    """

    critere: Annotated[str, StringConstraints(pattern=r"^B\d+\.C\d+\.\d+$")]
    valeur: CodeValeur
    propose_par: Identifiant
    justification: TexteLibre

    TABLE: ClassVar[str] = "propositions"

    @property
    def cle(self) -> str:
        return self.critere


class Soumission(Element):
    """An évaluateur submitted their grid: it is locked."""

    evaluateur: Identifiant

    TABLE: ClassVar[str] = "soumissions"

    @property
    def cle(self) -> str:
        return self.evaluateur


class Visa(Element):
    """An évaluateur confirmed the consolidated proposal."""

    evaluateur: Identifiant

    TABLE: ClassVar[str] = "visas"

    @property
    def cle(self) -> str:
        return self.evaluateur


MAX_RAISON = 2000
"""Longest reason for a re-opening (``rouvrir <évaluation> <raison>``)."""


class Reouverture(Element):
    """A coordinateur re-opened the evaluation: submissions and visas before it no longer count.

    Nothing is deleted: the grids, the earlier submissions and visas stay in
    the history; they are simply older than the re-opening.
    """

    par: Identifiant
    raison: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_RAISON)
    ]

    TABLE: ClassVar[str] = "reouvertures"

    @property
    def cle(self) -> str:
        return self.horodatage.isoformat()


ELEMENTS: dict[str, type[Element]] = {
    cls.TABLE: cls
    for cls in (Reponse, Precisions, Entretien, Proposition, Accord, Soumission, Visa, Reouverture)
}
"""Every kind of element, by table name."""


class Evenement(_Record):
    """One line of the append-only audit trail: who, when, what, old → new, why."""

    quand: AwareDatetime
    qui: Identifiant
    quoi: str
    evaluation: str | None = None
    cle: str | None = None
    ancien: dict[str, Any] | None = None
    nouveau: dict[str, Any] | None = None
    pourquoi: str | None = None


class EtatConversation(_Record):
    """Where a user stands in a conversation on a channel, so they can resume days later."""

    canal: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    utilisateur: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    flow: str
    donnees: dict[str, Any] = Field(default_factory=dict)
    horodatage: AwareDatetime

    @property
    def cle(self) -> str:
        return f"{self.canal}|{self.utilisateur}"


class Adresse(_Record):
    """How a channel reaches a person or a conversation again, days later, unprompted.

    Teams can only write to someone through a conversation reference captured when
    that person (or a channel) last talked to the bot; the reference is kept here so
    that a restart does not leave the second évaluateur, or the results channel,
    unreachable. ``donnees`` is the channel's own document, opaque to the flows.
    """

    canal: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    cle: Annotated[str, StringConstraints(min_length=1, max_length=400)]
    donnees: dict[str, Any] = Field(default_factory=dict)
    horodatage: AwareDatetime

    @property
    def cle_complete(self) -> str:
        return f"{self.canal}|{self.cle}"


class Dossier(_Record):
    """Everything stored about one evaluation."""

    evaluation: Evaluation
    reponses: tuple[Reponse, ...] = ()
    precisions: tuple[Precisions, ...] = ()
    entretiens: tuple[Entretien, ...] = ()
    propositions: tuple[Proposition, ...] = ()
    accords: tuple[Accord, ...] = ()
    soumissions: tuple[Soumission, ...] = ()
    visas: tuple[Visa, ...] = ()
    reouvertures: tuple[Reouverture, ...] = ()

    def _depuis_reouverture(self, horodatage: datetime) -> bool:
        return not self.reouvertures or horodatage > max(r.horodatage for r in self.reouvertures)

    @property
    def soumissions_actives(self) -> tuple[Soumission, ...]:
        """Submissions that still lock a grid (made after the last re-opening)."""
        return tuple(s for s in self.soumissions if self._depuis_reouverture(s.horodatage))

    @property
    def accords_actifs(self) -> tuple[Accord, ...]:
        """Agreed values reached after the last re-opening (a re-opened grid may have changed)."""
        return tuple(a for a in self.accords if self._depuis_reouverture(a.horodatage))

    @property
    def propositions_actives(self) -> tuple[Proposition, ...]:
        """Proposals made after the last re-opening."""
        return tuple(p for p in self.propositions if self._depuis_reouverture(p.horodatage))

    @property
    def visas_actifs(self) -> tuple[Visa, ...]:
        """Visas that still stand (given after the last re-opening)."""
        return tuple(v for v in self.visas if self._depuis_reouverture(v.horodatage))

    def avancement(self, evaluateur: str) -> tuple[int, bool]:
        """How many critères ``evaluateur`` has scored, and whether their grid is submitted."""
        faites = sum(1 for r in self.reponses if r.evaluateur == evaluateur)
        return faites, any(s.evaluateur == evaluateur for s in self.soumissions_actives)

    @property
    def soumise_par_les_deux(self) -> bool:
        """Whether both évaluateurs have a submitted grid (the blind rule is lifted)."""
        evaluateurs = {e.utilisateur for e in self.evaluation.evaluateurs}
        return evaluateurs <= {s.evaluateur for s in self.soumissions_actives}

    @property
    def visee_par_les_deux(self) -> bool:
        """Whether both évaluateurs have given their visa (since the last re-opening)."""
        evaluateurs = {e.utilisateur for e in self.evaluation.evaluateurs}
        return evaluateurs <= {v.evaluateur for v in self.visas_actifs}


def horodatage_de(document: dict[str, Any]) -> datetime:
    """The timestamp of a stored record, as a datetime."""
    return datetime.fromisoformat(document["horodatage"])
