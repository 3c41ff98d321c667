"""The certification as data: the CQP Téléconseiller référentiel, its models and its lookup.

This package imports nothing else of cqp-bot; every other layer builds on it.

Example:
    >>> import referentiel
    >>> ref = referentiel.default()
    >>> ref.critere("B1.C2.3").libelle
    "Le candidat apporte un premier niveau d'information."
    >>> [r.element.id for r in referentiel.Recherche(ref).rechercher("reclamation", limite=2)]
    ['B3.C1.1', 'B3.C1.2']
"""

from referentiel.loader import FICHIER_PAR_DEFAUT, Probleme, ReferentielInvalide, default, load
from referentiel.models import (
    Activite,
    Bloc,
    Cadre,
    Canal,
    CodeValeur,
    Competence,
    Contexte,
    Critere,
    Echelle,
    Modalites,
    Referentiel,
    RoleEvaluateur,
)
from referentiel.search import Recherche, Resultat, segments

__all__ = [
    "FICHIER_PAR_DEFAUT",
    "Activite",
    "Bloc",
    "Cadre",
    "Canal",
    "CodeValeur",
    "Competence",
    "Contexte",
    "Critere",
    "Echelle",
    "Modalites",
    "Probleme",
    "Recherche",
    "Referentiel",
    "ReferentielInvalide",
    "Resultat",
    "RoleEvaluateur",
    "default",
    "load",
    "segments",
]
