"""Candidates enrolled in a certification session: their records, and the rows of an import
checked before anything is written.

A coordinatrice runs a *session de certification*: candidates enrolled — often from a
spreadsheet of the HR or the training organisation —, each to be evaluated on the blocs
chosen (the 4 by default), a jury date. :func:`lire_lignes` checks every row of such a
spreadsheet and says, for each one that is wrong, the line, the column and what is wrong,
in French; an import with a single wrong line writes nothing (the command line says so).
Reading the file itself (CSV, XLSX, encodings) is the command line's part: here, rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import AwareDatetime, StringConstraints, ValidationError, model_validator

from flows import catalogue as txt
from flows.evaluation import Identifiant, IdentifiantFichier, _Record
from flows.messages import fold
from referentiel import RoleEvaluateur

Nom = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Champ = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
NomSession = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

MAX_REFERENCE = 32
"""A candidate's reference names their evaluations (``ev-<reference>-<bloc>``, 64 at most): as
long as the creation form takes it."""
MAX_NOM_COMPLET = 200
"""Prénom and nom together: what an evaluation's candidate name takes."""
MAX_LIGNES = 10_000
"""Rows one import takes (a session holds a few hundred candidates)."""


class FicheCandidat(_Record):
    """A candidate as enrolled: a pseudonymous reference (unique), who they are, where they
    work and train, and the blocs they are to be evaluated on."""

    reference: IdentifiantFichier
    nom: Nom
    prenom: Champ = ""
    service: Champ = ""
    """Their service or employer entity."""
    organisme: Champ = ""
    """The training organisation."""
    formateur_referent: Champ = ""
    """Their own trainer: never their évaluateur as *responsable pédagogique*."""
    session: NomSession
    blocs: tuple[str, ...]
    conflits: tuple[Champ, ...] = ()
    """People (by name or id) with a declared conflict of interest: never their évaluateurs."""
    evaluateur_1: Champ = ""
    """Their évaluateur pair (ids and roles) when the import names it: the pair
    ``creer-evaluations`` gives them unless its form names one for all."""
    role_1: Champ = ""
    evaluateur_2: Champ = ""
    role_2: Champ = ""
    horodatage: AwareDatetime

    @property
    def nom_complet(self) -> str:
        return f"{self.prenom} {self.nom}".strip()


class SessionCertification(_Record):
    """A session de certification: its name, its dates, its jury date, its coordinateurs."""

    nom: NomSession
    debut: date | None = None
    fin: date | None = None
    """When its evaluations take place (the first and last day)."""
    jury: date | None = None
    coordinateurs: tuple[Identifiant, ...] = ()
    """Who follows its candidates (``candidat``), beside the coordinateurs of each evaluation."""
    horodatage: AwareDatetime

    @model_validator(mode="after")
    def _dans_l_ordre(self) -> Self:
        if self.debut is not None and self.fin is not None and self.fin < self.debut:
            raise ValueError("dates")
        return self

    @property
    def dates(self) -> str:
        """« du 01/03/2027 au 30/06/2027, jury le 15/07/2027 », what is known of it."""
        f = txt.FORMAT_DATE
        morceaux = []
        if self.debut and self.fin:
            morceaux.append(txt.INS_DATES_DU_AU.format(debut=self.debut.strftime(f),
                                                       fin=self.fin.strftime(f)))  # fmt: skip
        elif self.debut or self.fin:
            jour = (self.debut or self.fin or date.min).strftime(f)
            modele = txt.INS_DATES_DEPUIS if self.debut else txt.INS_DATES_JUSQU_AU
            morceaux.append(modele.format(jour=jour))
        if self.jury:
            morceaux.append(txt.INS_DATES_JURY.format(jury=self.jury.strftime(f)))
        return ", ".join(morceaux)


def session_nommee(
    nom: str, sessions: Sequence[SessionCertification]
) -> SessionCertification | None:
    """The session ``nom`` names, accents and case aside — as every command finds it —, so
    that two spellings never make two sessions."""
    return next((s for s in sessions if fold(s.nom) == fold(nom.strip())), None)


COLONNES: Mapping[str, str] = txt.INS_COLONNES
"""A column's header, accents, case and ``_`` ignored → the field it fills."""
OBLIGATOIRES = ("reference", "nom")
FORMULE = re.compile(r"^\s*[=+@]|^\s*-\s*[A-Za-z(]")
"""A spreadsheet formula (or what a spreadsheet would run as one: ``=``, ``+``, ``@``, ``-A1``)."""


@dataclass(frozen=True)
class Probleme:
    """One thing wrong in the file: where (line 1 is the header row), and what."""

    ligne: int
    colonne: str
    quoi: str

    def __str__(self) -> str:
        if self.ligne == 0:
            return self.quoi
        return txt.INS_PROBLEME.format(ligne=self.ligne, colonne=self.colonne, quoi=self.quoi)


@dataclass
class Lecture:
    """The rows read: the candidates, or what is wrong (then nothing is to be written)."""

    fiches: list[FicheCandidat] = field(default_factory=list)
    problemes: list[Probleme] = field(default_factory=list)
    ignorees: list[str] = field(default_factory=list)
    """Columns of the file that fill nothing (said, not refused)."""


def _cle(entete: str) -> str:
    return " ".join(fold(entete).replace("_", " ").replace("-", " ").split())


def lire_lignes(
    lignes: Sequence[Sequence[str]], session: str, blocs_connus: Sequence[str],
    existantes: Mapping[str, FicheCandidat], maintenant: datetime,
) -> Lecture:  # fmt: skip
    """Check every row (the first is the header) against what a candidate must be.

    ``existantes``: the candidates already stored, by reference — one enrolled in another
    session is refused (a reference names one person); in this session, updated.
    """
    lecture = Lecture()
    if not lignes or not any(c.strip() for c in lignes[0]):
        lecture.problemes.append(Probleme(0, "", txt.INS_VIDE))
        return lecture
    if len(lignes) - 1 > MAX_LIGNES:
        quoi = txt.INS_TROP_DE_LIGNES.format(n=len(lignes) - 1, max=MAX_LIGNES)
        lecture.problemes.append(Probleme(0, "", quoi))
        return lecture
    entetes = [str(c) for c in lignes[0]]
    champs: dict[int, str] = {}
    for i, entete in enumerate(entetes):
        champ = COLONNES.get(_cle(entete))
        if champ is None:
            if entete.strip():
                lecture.ignorees.append(entete.strip())
        elif champ in champs.values():
            quoi = txt.INS_COLONNE_DOUBLE.format(colonne=entete.strip())
            lecture.problemes.append(Probleme(1, entete.strip(), quoi))
        else:
            champs[i] = champ
    manquantes = [c for c in OBLIGATOIRES if c not in champs.values()]
    if manquantes:
        quoi = txt.INS_COLONNES_MANQUANTES.format(
            colonnes=", ".join(manquantes), lues=", ".join(e.strip() for e in entetes if e.strip())
        )
        lecture.problemes.append(Probleme(0, "", quoi))
        return lecture
    vues: dict[str, int] = {}
    for numero, ligne in enumerate(lignes[1:], start=2):
        if not any(str(c).strip() for c in ligne):
            continue  # an empty row: a spreadsheet's end
        valeurs: dict[str, str] = {}
        erreurs = len(lecture.problemes)
        for i, champ in champs.items():
            brut = str(ligne[i]) if i < len(ligne) else ""
            if FORMULE.match(brut):
                lecture.problemes.append(Probleme(numero, entetes[i].strip(), txt.INS_FORMULE))
                continue
            valeurs[champ] = brut.strip()
        if len(lecture.problemes) > erreurs:
            continue  # a formula: the row is said wrong there, not for what it left empty
        fiche = _fiche(numero, valeurs, session, blocs_connus, maintenant, lecture, entetes, champs)
        if fiche is None:
            continue
        if (deja := vues.get(fiche.reference)) is not None:
            quoi = txt.INS_DOUBLON.format(reference=fiche.reference, ligne=deja)
            lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, "reference"), quoi))
            continue
        vues[fiche.reference] = numero
        autre = existantes.get(fiche.reference)
        if autre is not None and autre.session != session:
            # The other session is not named: whoever imports may not coordinate it.
            quoi = txt.INS_AUTRE_SESSION.format(reference=fiche.reference)
            lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, "reference"), quoi))
            continue
        lecture.fiches.append(fiche)
    if not lecture.fiches and not lecture.problemes:
        lecture.problemes.append(Probleme(0, "", txt.INS_AUCUNE_LIGNE))
    return lecture


def _colonne(entetes: Sequence[str], champs: Mapping[int, str], champ: str) -> str:
    return next((entetes[i].strip() for i, c in champs.items() if c == champ), champ)


def _fiche(
    numero: int, valeurs: Mapping[str, str], session: str, blocs_connus: Sequence[str],
    maintenant: datetime, lecture: Lecture, entetes: Sequence[str], champs: Mapping[int, str],
) -> FicheCandidat | None:  # fmt: skip
    """One row as a candidate, or its problems added to ``lecture``."""
    reference = valeurs.get("reference", "")
    colonne = _colonne(entetes, champs, "reference")
    if not reference:
        lecture.problemes.append(Probleme(numero, colonne, txt.INS_REFERENCE_VIDE))
        return None
    if not re.fullmatch(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_REFERENCE - 1}}}", reference):
        quoi = txt.INS_REFERENCE_INVALIDE.format(reference=reference[:70], max=MAX_REFERENCE)
        lecture.problemes.append(Probleme(numero, colonne, quoi))
        return None
    if not valeurs.get("nom"):
        lecture.problemes.append(
            Probleme(numero, _colonne(entetes, champs, "nom"), txt.INS_NOM_VIDE)
        )
        return None
    blocs = _blocs(valeurs.get("blocs", ""), blocs_connus)
    if isinstance(blocs, str):
        lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, "blocs"), blocs))
        return None
    conflits = tuple(
        c.strip() for c in re.split(r"[,;/]", valeurs.get("conflits", "")) if c.strip()
    )
    complet = f"{valeurs.get('prenom', '')} {valeurs['nom']}".strip()
    if len(complet) > MAX_NOM_COMPLET:
        quoi = txt.INS_NOM_COMPLET_TROP_LONG.format(n=len(complet), max=MAX_NOM_COMPLET)
        lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, "nom"), quoi))
        return None
    for champ in ("evaluateur_1", "evaluateur_2"):
        qui = valeurs.get(champ, "")
        if qui and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", qui):
            quoi = txt.INS_EVALUATEUR_INVALIDE.format(valeur=qui[:70])
            lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, champ), quoi))
            return None
    roles = [r.value for r in RoleEvaluateur]
    for champ in ("role_1", "role_2"):
        role = valeurs.get(champ, "")
        if role and role.lower() not in roles:
            quoi = txt.INS_ROLE_INCONNU.format(role=role[:40], roles=", ".join(roles))
            lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, champ), quoi))
            return None
    try:
        return FicheCandidat(
            reference=reference, session=session, blocs=blocs, horodatage=maintenant,
            conflits=conflits,
            **{k: v for k, v in valeurs.items() if k not in ("reference", "blocs", "conflits")},
        )  # fmt: skip
    except ValidationError as exc:
        for erreur in exc.errors():
            champ = str(erreur["loc"][0]) if erreur["loc"] else ""
            quoi = txt.INS_TROP_LONG.format(max=200) if "long" in erreur["type"] else erreur["msg"]
            lecture.problemes.append(Probleme(numero, _colonne(entetes, champs, champ), quoi))
        return None


def _blocs(texte: str, connus: Sequence[str]) -> tuple[str, ...] | str:
    """The blocs a cell names (« B1 B3 », « b1, b2 »); all of them when empty; else what is
    wrong, said."""
    mots = [m.upper() for m in re.split(r"[\s,;/+]+", texte.strip()) if m]
    if not mots:
        return tuple(connus)
    inconnus = [m for m in mots if m not in connus]
    if inconnus:
        return txt.INS_BLOC_INCONNU.format(blocs=", ".join(inconnus), connus=", ".join(connus))
    return tuple(b for b in connus if b in mots)
