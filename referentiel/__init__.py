"""The certification as data: the CQP Téléconseiller référentiel, its models and its lookup.

This package imports nothing else of cqp-bot; every other layer builds on it.

Example:
    >>> import referentiel
    >>> ref = referentiel.default()
    >>> ref.critere("B1.C2.3").libelle
    "Le candidat apporte un premier niveau d'information."
    >>> [r.element.id for r in referentiel.SearchIndex(ref).search("reclamation", limite=2)]
    ['B3.C1.1', 'B3.C1.2']
"""

from referentiel.loader import DEFAULT_FILE, InvalidReferentiel, Problem, default, load
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
from referentiel.search import SearchIndex, SearchResult, segments

__all__ = [
    "DEFAULT_FILE",
    "Activite",
    "Bloc",
    "Cadre",
    "Canal",
    "CodeValeur",
    "Competence",
    "Contexte",
    "Critere",
    "Echelle",
    "InvalidReferentiel",
    "Modalites",
    "Problem",
    "Referentiel",
    "RoleEvaluateur",
    "SearchIndex",
    "SearchResult",
    "default",
    "load",
    "segments",
]
