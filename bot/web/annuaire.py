"""The local users of the web chat: who they are and their role, from a YAML file.

Without Slack or Teams there is no workspace to say who is who, so a small
file does: an identifier (what the evaluations record), a display name and a
role. Coordinateurs and admins get the service's rights; évaluateurs are
whoever an evaluation names. The file is read at start-up and checked in
full: a malformed one stops the server with a French message, it is never
replaced.

Example:
    >>> annuaire = Annuaire.depuis_texte('''
    ... utilisateurs:
    ...   - {id: claire, nom: Claire Dubois, role: coordinateur}
    ...   - {id: karim, nom: Karim Haddad, role: evaluateur}
    ... ''')
    >>> [p.nom for p in annuaire.personnes]
    ['Claire Dubois', 'Karim Haddad']
    >>> sorted(annuaire.ids(Role.COORDINATEUR))
    ['claire']
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from flows import catalogue
from storage import write_atomic


class Role(StrEnum):
    COORDINATEUR = "coordinateur"
    EVALUATEUR = "evaluateur"
    ADMIN = "admin"


class Personne(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    nom: Annotated[str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True)]
    role: Role


class InvalidAnnuaire(Exception):
    """The users file cannot be used; the message says where and why, in French."""


class Annuaire(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    utilisateurs: tuple[Personne, ...] = Field(default=(), max_length=10_000)

    @model_validator(mode="after")
    def _ids_uniques(self) -> Annuaire:
        vus: set[str] = set()
        for p in self.utilisateurs:
            if p.id in vus:
                raise ValueError(catalogue.ANNUAIRE_DOUBLON.format(id=p.id))
            vus.add(p.id)
        return self

    @property
    def personnes(self) -> tuple[Personne, ...]:
        return self.utilisateurs

    def personne(self, identifiant: str) -> Personne | None:
        return next((p for p in self.utilisateurs if p.id == identifiant), None)

    def ids(self, role: Role) -> frozenset[str]:
        return frozenset(p.id for p in self.utilisateurs if p.role is role)

    def avec(self, personne: Personne) -> Annuaire:
        """This directory with ``personne`` added, or replacing the one with the same id."""
        autres = tuple(p for p in self.utilisateurs if p.id != personne.id)
        return Annuaire(utilisateurs=(*autres, personne))

    @classmethod
    def depuis_texte(cls, texte: str, source: str = "utilisateurs.yaml") -> Annuaire:
        try:
            donnees = yaml.safe_load(texte)
        except yaml.YAMLError as exc:
            raise InvalidAnnuaire(
                catalogue.ANNUAIRE_YAML.format(fichier=source, detail=str(exc)[:300])
            ) from None
        if donnees is None:
            return cls()
        try:
            return cls.model_validate(donnees)
        except ValidationError as exc:
            lignes = [
                catalogue.ANNUAIRE_CHAMP.format(
                    ou=".".join(str(x) for x in e["loc"]) or "—", detail=e["msg"][:200]
                )
                for e in exc.errors()
            ]
            raise InvalidAnnuaire(
                catalogue.ANNUAIRE_INVALIDE.format(fichier=source, problemes="\n".join(lignes))
            ) from None

    @classmethod
    def lire(cls, chemin: Path) -> Annuaire:
        """The directory in ``chemin``; an empty one if the file does not exist yet."""
        try:
            texte = chemin.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidAnnuaire(
                catalogue.ANNUAIRE_ILLISIBLE.format(fichier=chemin, detail=exc)
            ) from None
        return cls.depuis_texte(texte, str(chemin))

    def ecrire(self, chemin: Path) -> None:
        """Write the directory to ``chemin`` atomically (a crash leaves the old or the new)."""
        donnees = {"utilisateurs": [p.model_dump(mode="json") for p in self.utilisateurs]}
        texte = catalogue.ANNUAIRE_ENTETE + yaml.safe_dump(
            donnees, allow_unicode=True, sort_keys=False, default_flow_style=False
        )
        chemin.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(chemin, texte.encode("utf-8"))
