"""Agreement between évaluateurs as people read it: per candidate, per pair, per cohort.

For quality monitoring only (BRIEF §3): how often two évaluateurs agree
before reconciliation, never what a candidate gets. Per candidate the
figure is the share of critères given the same value; Cohen's κ, Gwet's AC1
and PABAK come with it, marked as indicative below 30 paired critères —
one grid has 15 to 30 critères, so they mean something when pooled over
several candidates: per évaluateur pair and over the whole cohort, which the
``accord`` command shows to coordinateurs.

Only evaluations whose two grids are both submitted count (the blind rule:
nothing of a grid is read before), and only those the reader follows
(:mod:`flows.autorisation`, the service filters).

Pooling: a pair is the same two people whatever the order they were named
in; each candidate's values are put in one order (by user id) so that
κ's marginals stay each person's. The cohort mixes pairs, so its rater 1
and rater 2 are the first and second évaluateur named.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flows import catalogue as txt
from flows.agreement import Accord, mesurer_accord_groupe
from flows.comparaison import OBSERVEES, Comparaison, GrilleIncomplete, comparer
from flows.designation import code_de_bloc
from flows.evaluation import Dossier
from flows.messages import (
    MAX_CONTEXT,
    MAX_FIELDS,
    MAX_HEADING,
    Context,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    say,
    shorten,
)
from referentiel import Referentiel

MAX_BINOMES = 30
"""Pairs listed in one message (three blocks of fields); the others are counted."""
_CATEGORIES = tuple(v.value for v in OBSERVEES)


def _nombre(x: float | None) -> str:
    return txt.CMP_NON_DEFINI if x is None else f"{x:.2f}"


def texte_coefficients(accord: Accord | None) -> str:
    """κ, AC1 and PABAK in one line, with the caution below 30 paired critères."""
    if accord is None:
        return txt.QUA_SANS_PAIRE
    texte = txt.CMP_COEFFICIENTS.format(
        kappa=_nombre(accord.kappa), ac1=_nombre(accord.ac1), pabak=_nombre(accord.pabak),
        paires=accord.paires,
    )  # fmt: skip
    if not accord.echantillon_suffisant:
        texte += " " + txt.CMP_COEFFICIENTS_PEU
    return shorten(texte, MAX_CONTEXT)


def textes_accord(comparaison: Comparaison) -> tuple[str, str]:
    """A candidate's agreement: the share of critères with the same value, then the coefficients."""
    concordants = sum(ligne.valeur_1 == ligne.valeur_2 for ligne in comparaison.lignes)
    pourcentage = txt.CMP_ACCORD.format(
        pourcentage=round(100 * comparaison.accord_observe),
        concordants=concordants,
        total=len(comparaison.lignes),
    )
    return pourcentage, texte_coefficients(comparaison.accord())


@dataclass
class Groupe:
    """Several candidates' comparisons pooled: a pair of évaluateurs, or the cohort."""

    libelle: str = ""
    evaluations: int = 0
    criteres: int = 0
    concordants: int = 0
    series: list[list[tuple[str, str]]] = field(default_factory=list)

    def ajouter(self, comparaison: Comparaison, inverse: bool) -> None:
        self.evaluations += 1
        self.criteres += len(comparaison.lignes)
        self.concordants += sum(ligne.valeur_1 == ligne.valeur_2 for ligne in comparaison.lignes)
        self.series.append(
            [
                (b, a) if inverse else (a, b)
                for a, b in (
                    (ligne.valeur_1.value, ligne.valeur_2.value) for ligne in comparaison.lignes
                )
                if a in _CATEGORIES and b in _CATEGORIES
            ]
        )

    @property
    def pourcentage(self) -> int:
        return round(100 * self.concordants / self.criteres) if self.criteres else 0

    def coefficients(self) -> Accord | None:
        """κ, AC1, PABAK over every critère both observed, all candidates together."""
        if not any(self.series):
            return None
        return mesurer_accord_groupe(self.series, _CATEGORIES)


def regrouper(
    dossiers: Sequence[Dossier], referentiel: Referentiel, bloc: str | None = None
) -> tuple[Groupe, list[Groupe]]:
    """The cohort and each pair, over the evaluations with both grids submitted (of ``bloc``)."""
    cohorte = Groupe()
    binomes: dict[tuple[str, str], Groupe] = {}
    for dossier in dossiers:
        ev = dossier.evaluation
        b = referentiel.bloc(ev.bloc)
        soumis = {s.evaluateur for s in dossier.soumissions_actives}
        if b is None or (bloc is not None and b.id != bloc):
            continue
        if not {e.utilisateur for e in ev.evaluateurs} <= soumis:
            continue
        try:
            comparaison = comparer(dossier, b)
        except GrilleIncomplete:  # pragma: no cover - a submitted grid is complete
            continue
        premier, second = ev.evaluateurs
        inverse = premier.utilisateur > second.utilisateur
        cle = (second, premier) if inverse else (premier, second)
        groupe = binomes.setdefault(
            (cle[0].utilisateur, cle[1].utilisateur),
            Groupe(libelle=txt.QUA_BINOME.format(premier=cle[0].nom, second=cle[1].nom)),
        )
        groupe.ajouter(comparaison, inverse)
        cohorte.ajouter(comparaison, inverse=False)
    ordre = sorted(binomes.values(), key=lambda g: (-g.evaluations, g.libelle))
    return cohorte, ordre


def _ligne(groupe: Groupe) -> str:
    accord = groupe.coefficients()
    texte = txt.QUA_LIGNE.format(
        n=groupe.evaluations, pourcentage=groupe.pourcentage,
        concordants=groupe.concordants, total=groupe.criteres,
    )  # fmt: skip
    return shorten(f"{texte} {texte_coefficients(accord)}")


def accord(dossiers: Sequence[Dossier], referentiel: Referentiel, argument: str = "") -> Reply:
    """The ``accord [bloc]`` command: pooled agreement per pair of évaluateurs and overall."""
    bloc = None
    if argument.strip():
        b = referentiel.bloc(code_de_bloc(argument))
        if b is None:
            existants = ", ".join(x.id for x in referentiel.blocs)
            return say(
                txt.CMD_BLOC_INCONNU.format(bloc=shorten(argument.strip(), 20), blocs=existants),
                txt.QUA_USAGE,
            )
        bloc = b.id
    cohorte, binomes = regrouper(dossiers, referentiel, bloc)
    if not cohorte.evaluations:
        return say(txt.QUA_AUCUNE)
    titre = txt.QUA_TITRE.format(
        n=cohorte.evaluations, bloc=txt.QUA_DU_BLOC.format(bloc=bloc) if bloc else ""
    )
    montres = binomes[:MAX_BINOMES]
    items = [(shorten(g.libelle, 100), _ligne(g)) for g in montres]
    blocs: list[Heading | Paragraph | Fields | Context] = [
        Heading(text=shorten(titre, MAX_HEADING)),
        Paragraph(text=shorten(txt.QUA_ENSEMBLE.format(ligne=_ligne(cohorte)))),
        *(Fields(items=tuple(items[i : i + MAX_FIELDS])) for i in range(0, len(items), MAX_FIELDS)),
    ]
    if len(binomes) > len(montres):
        blocs.append(Context(text=txt.QUA_AUTRES.format(n=len(binomes) - len(montres))))
    blocs.append(Context(text=txt.QUA_NOTE))
    return Reply(message=Message(summary=shorten(titre), blocks=tuple(blocs)))
