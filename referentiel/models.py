"""The référentiel as frozen, typed data.

The models mirror the data file one to one (same keys, same nesting), so that a
validation error points at the exact place a person has to fix. Everything a
program needs beyond that — the flat list of critères of a compétence with their
rubrique, lookups by ID — is derived once, when the model is built, and never
stored twice in the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PositiveInt,
    PrivateAttr,
    StringConstraints,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

Texte = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Any text of the référentiel: never empty, surrounding blanks removed."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Cadre(StrEnum):
    """Setting in which the candidate is observed."""

    SITUATION_REELLE = "situation_reelle"
    SITUATION_RECONSTITUEE = "situation_reconstituee"


class Canal(StrEnum):
    """Channel of an observed entretien."""

    TELEPHONE = "telephone"
    FACE_A_FACE = "face_a_face"
    TCHAT = "tchat"
    MAIL = "mail"
    COURRIER = "courrier"


class RoleEvaluateur(StrEnum):
    """Roles an évaluateur may hold; each bloc lists the allowed pairs."""

    EXPERT_HABILITE = "expert_habilite"
    EXPERT_INTERNE = "expert_interne"
    RESPONSABLE_PEDAGOGIQUE = "responsable_pedagogique"


class CodeValeur(StrEnum):
    """The four values an évaluateur gives a critère."""

    A = "A"
    ECA = "ECA"
    NA = "NA"
    NO = "NO"


class Valeur(_Frozen):
    """One value of the scale, with what it means for the validation rule."""

    code: CodeValeur
    libelle: Texte
    observe: bool
    acquis: bool
    commentaire_suggere: bool


class RegleValidation(_Frozen):
    """How agreed values turn into a proposal (the jury decides)."""

    code: Literal["tous_criteres_acquis"]
    description: Texte


class Echelle(_Frozen):
    """The A / ECA / NA / NO scale of the grids."""

    valeurs: tuple[Valeur, ...]
    regle_validation: RegleValidation

    @model_validator(mode="after")
    def _every_code_once(self) -> Echelle:
        codes = [v.code for v in self.valeurs]
        if sorted(codes) != sorted(CodeValeur):
            raise PydanticCustomError(
                "echelle_incomplete",
                "the scale must hold each of A, ECA, NA, NO exactly once",
                {"trouves": ", ".join(codes)},
            )
        return self

    def valeur(self, code: CodeValeur | str) -> Valeur:
        """The scale entry for ``code``."""
        return next(v for v in self.valeurs if v.code == code)


class Role(_Frozen):
    """An évaluateur role as the référentiel describes it."""

    libelle: Texte
    description: Texte


class Evaluateurs(_Frozen):
    """Who may evaluate a bloc: the seed's sentence and the pairs it allows."""

    description: Texte
    binomes_autorises: tuple[tuple[RoleEvaluateur, RoleEvaluateur], ...] = Field(min_length=1)

    def autorise(self, role_1: RoleEvaluateur, role_2: RoleEvaluateur) -> bool:
        """Whether two évaluateurs with these roles form an allowed pair (in any order)."""
        return any({role_1, role_2} == set(b) and role_1 != role_2 for b in self.binomes_autorises)


class Modalites(_Frozen):
    """The modalités d'évaluation of a bloc, as fields a program can check."""

    description: Texte
    cadres: tuple[Cadre, ...] = Field(min_length=1)
    canaux: tuple[Canal, ...]
    entretiens_min: PositiveInt
    entretiens_max: PositiveInt
    cadres_differents: bool
    situation_difficile_simulee: bool
    duree_max_jours: PositiveInt | None
    entretien_complementaire_minutes: PositiveInt
    duree_epreuve: Texte
    lieu: Texte
    precisions_obligatoires: bool
    accord_evaluateurs_requis: bool
    evaluateurs: Evaluateurs
    echelle: Echelle

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Modalites:
        if self.entretiens_min > self.entretiens_max:
            raise PydanticCustomError(
                "entretiens_min_max",
                "entretiens_min is above entretiens_max",
                {"min": self.entretiens_min, "max": self.entretiens_max},
            )
        return self


class Critere(_Frozen):
    """One scored critère d'évaluation.

    ``rubrique`` is never written on a critère in the file: the critère sits
    under its heading there, and the compétence fills it in when it flattens
    its critères.
    """

    id: Texte
    libelle: Texte
    rubrique: str | None = Field(default=None, exclude=True)


class Rubrique(_Frozen):
    """A heading of the criteria column (a line ending with ':'), not scored."""

    rubrique: Texte
    criteres: tuple[Critere, ...] = Field(min_length=1)


def _kind_of_entry(value: Any) -> str:
    """Tell a rubrique (it has the ``rubrique`` key) from a critère in the file."""
    if isinstance(value, dict):
        return "Rubrique" if "rubrique" in value else "Critere"
    return "Rubrique" if isinstance(value, Rubrique) else "Critere"


EntreeCriteres = Annotated[
    Annotated[Critere, Tag("Critere")] | Annotated[Rubrique, Tag("Rubrique")],
    Discriminator(_kind_of_entry),
]
UNION_TAGS = frozenset({"Critere", "Rubrique"})
"""Tags pydantic adds to error locations inside ``criteres``; not part of the file's paths."""


class Competence(_Frozen):
    """A compétence and its critères, headings included, in document order."""

    id: Texte
    libelle: Texte
    entrees: tuple[EntreeCriteres, ...] = Field(alias="criteres", min_length=1)

    _criteres: tuple[Critere, ...] = PrivateAttr(default=())

    def model_post_init(self, context: Any, /) -> None:
        flat: list[Critere] = []
        for entree in self.entrees:
            if isinstance(entree, Rubrique):
                flat.extend(
                    c.model_copy(update={"rubrique": entree.rubrique}) for c in entree.criteres
                )
            else:
                flat.append(entree)
        self._criteres = tuple(flat)

    @property
    def criteres(self) -> tuple[Critere, ...]:
        """The scored critères, flat, each with its rubrique (or None)."""
        return self._criteres


class Activite(_Frozen):
    """An activité of the référentiel d'activités and its compétences."""

    titre: Texte
    competences: tuple[Competence, ...] = Field(min_length=1)


class Bloc(_Frozen):
    """A bloc de compétences: what a single evaluation covers."""

    id: Texte
    titre: Texte
    modalites: Modalites
    activites: tuple[Activite, ...] = Field(min_length=1)

    _competences: tuple[Competence, ...] = PrivateAttr(default=())
    _criteres: tuple[Critere, ...] = PrivateAttr(default=())
    _competence_de: dict[str, Competence] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        # Derived once (the model is frozen): the flows walk them several times per answer.
        self._competences = tuple(c for a in self.activites for c in a.competences)
        self._criteres = tuple(cr for c in self._competences for cr in c.criteres)
        self._competence_de = {cr.id: c for c in self._competences for cr in c.criteres}

    @property
    def libelle(self) -> str:
        """The bloc's title: every element of the référentiel has a ``libelle``."""
        return self.titre

    @property
    def competences(self) -> tuple[Competence, ...]:
        """The compétences of the bloc, across its activités, in document order."""
        return self._competences

    @property
    def criteres(self) -> tuple[Critere, ...]:
        """Every scored critère of the bloc: the grid an évaluateur fills."""
        return self._criteres

    def competence_de(self, critere_id: str) -> Competence | None:
        """The compétence a critère of this bloc belongs to (None: not a critère of the bloc)."""
        return self._competence_de.get(critere_id)


class Correction(_Frozen):
    """A wording change from the seed, listed so that nothing is changed silently."""

    id: Texte
    seed: Texte
    donnees: Texte
    raison: Texte


@dataclass(frozen=True, slots=True)
class Contexte:
    """Where an element sits: its bloc, and its activité and compétence if any."""

    bloc: Bloc
    activite: Activite | None = None
    competence: Competence | None = None
    critere: Critere | None = None

    @property
    def element(self) -> Bloc | Competence | Critere:
        """The element itself: the deepest of bloc, compétence, critère."""
        return self.critere or self.competence or self.bloc


class Referentiel(_Frozen):
    """The whole certification: public, roles, scale, blocs and the corrections made."""

    schema_version: Literal[1] = Field(alias="schema")
    id: Texte
    titre: Texte
    branche: Texte
    public: tuple[Texte, ...] = Field(min_length=1)
    roles_evaluateurs: dict[RoleEvaluateur, Role]
    echelle: Echelle
    blocs: tuple[Bloc, ...] = Field(min_length=1)
    corrections: tuple[Correction, ...] = ()

    _index: dict[str, Contexte] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        index: dict[str, Contexte] = {}
        for bloc in self.blocs:
            index[bloc.id.upper()] = Contexte(bloc=bloc)
            for activite in bloc.activites:
                for comp in activite.competences:
                    index[comp.id.upper()] = Contexte(bloc=bloc, activite=activite, competence=comp)
                    for crit in comp.criteres:
                        index[crit.id.upper()] = Contexte(
                            bloc=bloc, activite=activite, competence=comp, critere=crit
                        )
        self._index = index

    def contexte(self, identifiant: str) -> Contexte | None:
        """Where the bloc, compétence or critère ``identifiant`` sits (case-insensitive)."""
        return self._index.get(identifiant.strip().upper())

    def bloc(self, identifiant: str) -> Bloc | None:
        """The bloc ``identifiant`` (``B1``…), or None."""
        ctx = self.contexte(identifiant)
        return ctx.bloc if ctx is not None and ctx.competence is None else None

    def competence(self, identifiant: str) -> Competence | None:
        """The compétence ``identifiant`` (``B1.C2``…), or None."""
        ctx = self.contexte(identifiant)
        return ctx.competence if ctx is not None and ctx.critere is None else None

    def critere(self, identifiant: str) -> Critere | None:
        """The critère ``identifiant`` (``B1.C2.3``…), or None."""
        ctx = self.contexte(identifiant)
        return ctx.critere if ctx is not None else None

    def identifiants(self) -> Iterator[str]:
        """Every ID, in document order: B1, B1.C1, B1.C1.1, …"""
        for ctx in self._index.values():
            yield ctx.element.id

    def competences(self) -> Iterator[Competence]:
        """Every compétence, in document order."""
        for bloc in self.blocs:
            yield from bloc.competences

    def criteres(self) -> Iterator[Critere]:
        """Every scored critère, in document order."""
        for bloc in self.blocs:
            yield from bloc.criteres
