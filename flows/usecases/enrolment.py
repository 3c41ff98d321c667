"""Enrolling the candidates of a spreadsheet in a session: the one path of the command line's
``candidats importer`` and of the web chat's upload, so both check and say the same.

Every row is checked first (``flows.inscription.lire_lignes``); one problem, and nothing is
written. A session imported again keeps its jury date and coordinateurs unless given anew.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flows import catalogue as txt
from flows.inscription import Lecture, SessionCertification, lire_lignes, session_nommee
from flows.store import Store
from referentiel import Referentiel

MAX_PROBLEMES_AFFICHES = 50
DATES = ("debut", "fin", "jury")


@dataclass(frozen=True)
class Inscription:
    """What an import read, and whether it was written."""

    lecture: Lecture
    session: SessionCertification
    nouveaux: int
    ecrite: bool

    def compte_rendu(self, essai: bool) -> list[str]:
        """What the person who imported reads, line by line, in French."""
        lignes = []
        if self.lecture.ignorees:
            colonnes = ", ".join(self.lecture.ignorees)
            lignes.append(txt.INS_COLONNES_IGNOREES.format(colonnes=colonnes))
        problemes = self.lecture.problemes
        if problemes:
            lignes += [str(p) for p in problemes[:MAX_PROBLEMES_AFFICHES]]
            if len(problemes) > MAX_PROBLEMES_AFFICHES:
                lignes.append(txt.INS_ET_AUTRES.format(n=len(problemes) - MAX_PROBLEMES_AFFICHES))
            lignes.append(txt.INS_REFUSE.format(n=len(problemes)))
            return lignes
        n = len(self.lecture.fiches)
        compte = {"n": n, "session": self.session.nom, "nouveaux": self.nouveaux,
                  "mis_a_jour": n - self.nouveaux}  # fmt: skip
        lignes.append((txt.INS_ESSAI if essai else txt.INS_FAIT).format(**compte))
        return lignes


async def importer(
    store: Store, lignes: Sequence[Sequence[str]], demandee: SessionCertification,
    referentiel: Referentiel, maintenant: datetime, par: str, *, essai: bool = False,
    coordinateurs_donnes: bool = False,
) -> Inscription:  # fmt: skip
    """Check ``lignes`` for session ``demandee``; write them unless one is wrong or ``essai``.

    Raises ValidationError when the dates given and those the session has do not fit (it
    would end before it starts).
    """
    existantes = {f.reference: f for f in await store.fiches()}
    blocs = [b.id for b in referentiel.blocs]
    ancienne = session_nommee(demandee.nom, await store.sessions())
    nom = ancienne.nom if ancienne is not None else demandee.nom  # « lyon ete » is « Lyon Été »
    lecture = lire_lignes(lignes, nom, blocs, existantes, maintenant)
    nouveaux = sum(1 for f in lecture.fiches if f.reference not in existantes)
    session = demandee
    if ancienne is not None:  # its dates kept but those given anew, checked together
        nouvelles = {k: v for k in DATES if (v := getattr(demandee, k)) is not None}
        if coordinateurs_donnes:  # named again: they are the session's
            nouvelles["coordinateurs"] = demandee.coordinateurs
        session = SessionCertification.model_validate(
            {**ancienne.model_dump(), **nouvelles, "horodatage": maintenant}
        )
    if lecture.problemes or essai:
        return Inscription(lecture, session, nouveaux, ecrite=False)
    await store.inscrire(session, lecture.fiches, par=par)
    return Inscription(lecture, session, nouveaux, ecrite=True)
