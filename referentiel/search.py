"""Find critères and compétences by ID or by words.

The first thing anyone tries is ``/cqp critere accueil``: it must find the
right critères whatever the accents, the case or the typos (``acceuil``,
``reclamation``, ``agressivite``).

How it works: the référentiel is small (about a hundred texts, under a thousand
distinct words), so every query word is matched against the *vocabulary* —
exactly, as a prefix, or within a small edit distance computed by rapidfuzz —
and the matching vocabulary words point at the texts that hold them. A text
ranks by how many query words it matches, then by how close the matches are,
then by their rarity (IDF).

A typo is an edit distance (optimal string alignment, so that swapped letters
count once) of 1 in words of 5 to 7 letters and 2 in longer ones; similarity
ratios over whole words were too loose (« relation » matched
« reclamations »). Matching words against words, not the query against whole
texts, keeps a typo in one word from being drowned by the others, and it tells
which words to highlight.

Example:
    >>> from referentiel import default, SearchIndex
    >>> recherche = SearchIndex(default())
    >>> [r.element.id for r in recherche.search("acceuil", limite=3)]
    ['B1.C1', 'B1.C1.1', 'B1.C1.7']
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from referentiel.models import Bloc, Competence, Contexte, Critere, Referentiel
from referentiel.text import words, words_with_positions

STOP_WORDS = frozenset(
    (
        "a au aux avec c ce ces d dans de des du en est et il ils l la le les leur leurs "
        "n ne ou par pas pour qu que qui s sa se ses son sont sur un une y"
    ).split()
)
"""French words too common to say anything about what someone is looking for."""

_IDENTIFIANT = re.compile(r"^B\d+(\.C\d*(\.\d*)?)?\.?$")
_CONTEXT_WEIGHT = 0.6
"""A word found only in a rubrique or an activité counts less than one in the text itself."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """One match: the element in its context, how well it matched, and on which words.

    Attributes:
        contexte: the element and where it sits (bloc, activité, compétence).
        relevance: 0–1, the share of the query's words it matched, weighted
            by closeness (1.0 for an ID or every word matched exactly).
        matched: the normal-form words of the element's text that matched, to
            highlight with :func:`segments`.
    """

    contexte: Contexte
    relevance: float
    matched: frozenset[str] = frozenset()

    @property
    def element(self) -> Bloc | Competence | Critere:
        """The bloc, compétence or critère found."""
        return self.contexte.element


def segments(texte: str, matched: frozenset[str]) -> list[tuple[str, bool]]:
    """Split ``texte`` into ``(fragment, matched)`` pairs for highlighting.

    Renderers (terminal, HTML, Slack) decide how a matched fragment looks.
    """
    out: list[tuple[str, bool]] = []
    fin = 0
    for mot, debut, fin_mot in words_with_positions(texte):
        if mot in matched and debut >= fin:
            if debut > fin:
                out.append((texte[fin:debut], False))
            out.append((texte[debut:fin_mot], True))
            fin = fin_mot
    if fin < len(texte):
        out.append((texte[fin:], False))
    return out


@dataclass(frozen=True, slots=True)
class _Document:
    """A searchable text: its own words, and the words of what surrounds it.

    ``surroundings`` is a critère's rubrique or a compétence's activité: searching
    « fidélisation » should find the compétence of that activité.
    """

    contexte: Contexte
    libelle: frozenset[str]
    surroundings: frozenset[str]


class SearchIndex:
    """A search index over one référentiel; build it once, query it often."""

    def __init__(self, referentiel: Referentiel) -> None:
        self.referentiel = referentiel
        self._documents: list[_Document] = []
        for ident in referentiel.identifiants():
            ctx = referentiel.contexte(ident)
            assert ctx is not None
            element = ctx.element
            if isinstance(element, Bloc):
                continue
            if isinstance(element, Critere):
                surroundings = element.rubrique or ""
            else:
                surroundings = ctx.activite.titre if ctx.activite is not None else ""
            self._documents.append(
                _Document(
                    ctx,
                    frozenset(self.meaningful_words(element.libelle)),
                    frozenset(self.meaningful_words(surroundings)),
                )
            )
        # word -> [(document index, weight of the field it is in)]
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(self._documents):
            for mot in doc.libelle:
                self._postings[mot].append((i, 1.0))
            for mot in doc.surroundings - doc.libelle:
                self._postings[mot].append((i, _CONTEXT_WEIGHT))
        self._vocabulary = sorted(self._postings)
        n = len(self._documents)
        self._idf = {m: math.log(1 + n / len(p)) for m, p in self._postings.items()}
        self._variants = lru_cache(maxsize=8192)(self._variants_uncached)

    def search(self, requete: str, limite: int = 10) -> list[SearchResult]:
        """The best matches for ``requete``: an ID (or ID prefix) or words.

        An ID returns the element and what it contains, in document order
        (``B1.C2`` → the compétence then its critères); a prefix such as
        ``B1.C`` returns every ID that starts with it. Words return the best
        ranked critères and compétences. Nothing found: an empty list.
        """
        if self.looks_like_id(requete):
            return self.by_id(re.sub(r"\s+", "", requete))[:limite]
        return self.by_words(requete, limite)

    @staticmethod
    def looks_like_id(requete: str) -> bool:
        """Whether ``requete`` is written like a code (``B1``, ``b1.c2``, ``B1.C2.3``, ``B1.C``)."""
        return _IDENTIFIANT.match(re.sub(r"\s+", "", requete).upper()) is not None

    @staticmethod
    def meaningful_words(requete: str) -> list[str]:
        """The words of ``requete`` that say something: normal form, common words left out."""
        return [m for m in words(requete) if m not in STOP_WORDS]

    def by_id(self, identifiant: str) -> list[SearchResult]:
        """The element ``identifiant`` and its descendants, or every ID with that prefix."""
        ident = identifiant.strip().upper()
        complet = self.referentiel.contexte(ident) is not None
        out: list[SearchResult] = []
        for candidat in self.referentiel.identifiants():
            cle = candidat.upper()
            if (complet and (cle == ident or cle.startswith(ident + "."))) or (
                not complet and cle.startswith(ident)
            ):
                ctx = self.referentiel.contexte(candidat)
                assert ctx is not None
                out.append(SearchResult(ctx, 1.0))
        return out

    def by_words(self, requete: str, limite: int = 10) -> list[SearchResult]:
        """Critères and compétences ranked by how well they match the words of ``requete``."""
        demandes = self.meaningful_words(requete)
        if not demandes:
            return []
        # document -> per query word: best (closeness × field weight, IDF, matched word)
        meilleurs: dict[int, dict[int, tuple[float, float, str]]] = defaultdict(dict)
        for q, demande in enumerate(demandes):
            for mot, proximite in self._variants(demande):
                for doc, poids in self._postings[mot]:
                    match = (proximite * poids, self._idf[mot], mot)
                    if match > meilleurs[doc].get(q, (0.0, 0.0, "")):
                        meilleurs[doc][q] = match

        def rang(doc: int) -> tuple[int, float, float, int]:
            trouves = meilleurs[doc].values()
            proximite = round(sum(p for p, _, _ in trouves), 6)
            return (-len(trouves), -proximite, -sum(p * i for p, i, _ in trouves), doc)

        return [
            SearchResult(
                self._documents[doc].contexte,
                round(sum(p for p, _, _ in meilleurs[doc].values()) / len(demandes), 3),
                frozenset(m for _, _, m in meilleurs[doc].values()),
            )
            for doc in sorted(meilleurs, key=rang)[:limite]
        ]

    def close_words(self, requete: str, limite: int = 5) -> list[str]:
        """Vocabulary words close to those of ``requete``, to suggest when nothing matched."""
        proches: dict[str, float] = {}
        for demande in words(requete):
            for mot, score, _ in process.extract(
                demande, self._vocabulary, scorer=fuzz.ratio, limit=limite, score_cutoff=55
            ):
                proches[mot] = max(score, proches.get(mot, 0.0))
        return sorted(proches, key=lambda m: -proches[m])[:limite]

    def nearby_ids(self, identifiant: str) -> list[str]:
        """Existing IDs next to an unknown one: ``B1.C9`` → the compétences of ``B1``."""
        parties = identifiant.strip().upper().rstrip(".").split(".")
        while parties:
            parties.pop()
            parent = ".".join(parties)
            if not parent or self.referentiel.contexte(parent) is not None:
                profondeur = len(parties) + 1
                return [
                    i
                    for i in self.referentiel.identifiants()
                    if i.count(".") + 1 == profondeur and (not parent or i.startswith(parent + "."))
                ]
        return []

    def _variants_uncached(self, demande: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words that ``demande`` may stand for, with their closeness (0–1)."""
        out: dict[str, float] = {}
        if demande in self._postings:
            out[demande] = 1.0
        if len(demande) >= 3:  # a prefix: « reclam » → « reclamation », « reclamations »
            debut = bisect.bisect_left(self._vocabulary, demande)
            for mot in self._vocabulary[debut:]:
                if not mot.startswith(demande):
                    break
                out.setdefault(mot, 0.9)
        if len(demande) >= 5:  # a typo: « acceuil » → « accueil »
            tolerance = 1 if len(demande) < 8 else 2
            for mot, distance, _ in process.extract(
                demande, self._vocabulary, scorer=OSA.distance, score_cutoff=tolerance, limit=None
            ):
                out[mot] = max(out.get(mot, 0.0), 1 - distance / max(len(demande), len(mot)))
        return tuple(out.items())
