"""Terminal rendering of the référentiel with rich: trees, modalités, search results.

Colours help the eye (codes, matched words, headings) but carry no meaning on
their own, so the output reads the same when piped or when colours are off.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from flows import catalogue as txt
from referentiel import (
    Bloc,
    Competence,
    Contexte,
    Critere,
    Modalites,
    Referentiel,
    SearchResult,
    segments,
)

STYLE_ID = "bold cyan"
STYLE_TROUVE = "bold yellow"
STYLE_DISCRET = "dim"
STYLE_RUBRIQUE = "italic"


def _bloc_title(bloc: Bloc) -> Text:
    return Text.assemble((bloc.id, STYLE_ID), " · ", (bloc.titre, "bold"))


def _ligne(ident: str, texte: str | Text) -> Text:
    return Text.assemble((ident, STYLE_ID), "  ", texte)


def arbre(ref: Referentiel) -> Tree:
    """The whole référentiel: blocs, activités, compétences with their number of critères."""
    root = Tree(Text(txt.REF_TITRE.format(titre=ref.titre, branche=ref.branche), style="bold"))
    root.add(Text(txt.REF_PUBLIC.format(public=", ".join(ref.public)), style=STYLE_DISCRET))
    for bloc in ref.blocs:
        noeud_bloc = root.add(_bloc_title(bloc))
        for activite in bloc.activites:
            noeud_act = noeud_bloc.add(
                Text(txt.REF_ACTIVITE.format(titre=activite.titre), style=STYLE_DISCRET)
            )
            for comp in activite.competences:
                nb = Text(
                    f"  ({txt.REF_NB_CRITERES.format(n=len(comp.criteres))})", style=STYLE_DISCRET
                )
                noeud_act.add(_ligne(comp.id, Text(comp.libelle) + nb))
    return root


def _criteres(comp: Competence, noeud: Tree) -> None:
    """Critères of ``comp`` under ``noeud``, each rubrique as a heading over its critères."""
    rubrique: str | None = None
    parent = noeud
    for crit in comp.criteres:
        if crit.rubrique != rubrique:
            rubrique = crit.rubrique
            parent = (
                noeud.add(Text(txt.REF_RUBRIQUE.format(rubrique=rubrique), style=STYLE_RUBRIQUE))
                if rubrique
                else noeud
            )
        parent.add(_ligne(crit.id, crit.libelle))


def modalites(ref: Referentiel, mod: Modalites, complet: bool = True) -> Table:
    """The modalités of a bloc as a two-column table.

    ``complet`` adds the duration, place, scale, rule and the seed's own text.
    """
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold")
    table.add_column()
    if mod.entretiens_min == mod.entretiens_max:
        entretiens = txt.MOD_ENTRETIENS_EXACT.format(n=mod.entretiens_min)
    else:
        entretiens = txt.MOD_ENTRETIENS_VALEUR.format(
            min=mod.entretiens_min, max=mod.entretiens_max
        )
    table.add_row(txt.MOD_ENTRETIENS, entretiens)
    periode = (
        txt.MOD_PERIODE_VALEUR.format(jours=mod.duree_max_jours)
        if mod.duree_max_jours
        else txt.MOD_PERIODE_AUCUNE
    )
    table.add_row(txt.MOD_PERIODE, periode)
    table.add_row(txt.MOD_CADRES, ", ".join(txt.CADRES[c] for c in mod.cadres))
    table.add_row(
        txt.MOD_CANAUX, ", ".join(txt.CANAUX[c] for c in mod.canaux) or txt.MOD_CANAUX_AUCUN
    )
    table.add_row(txt.MOD_CADRES_DIFFERENTS, txt.OUI_NON[mod.cadres_differents])
    table.add_row(txt.MOD_SITUATION_DIFFICILE, txt.OUI_NON[mod.situation_difficile_simulee])
    table.add_row(
        txt.MOD_COMPLEMENTAIRE,
        txt.MOD_COMPLEMENTAIRE_VALEUR.format(minutes=mod.entretien_complementaire_minutes),
    )
    table.add_row(
        txt.MOD_PRECISIONS,
        txt.MOD_PRECISIONS_OBLIGATOIRES
        if mod.precisions_obligatoires
        else txt.MOD_PRECISIONS_FACULTATIVES,
    )
    binomes = "\n".join(
        txt.MOD_BINOME.format(
            role_1=ref.roles_evaluateurs[r1].libelle, role_2=ref.roles_evaluateurs[r2].libelle
        )
        for r1, r2 in mod.evaluateurs.binomes_autorises
    )
    table.add_row(txt.MOD_EVALUATEURS, binomes)
    if complet:
        table.add_row(txt.MOD_DUREE, mod.duree_epreuve)
        table.add_row(txt.MOD_LIEU, mod.lieu)
        table.add_row(
            txt.MOD_ECHELLE, "\n".join(f"{v.code} — {v.libelle}" for v in mod.echelle.valeurs)
        )
        table.add_row(txt.MOD_REGLE, mod.echelle.regle_validation.description)
        table.add_row(txt.MOD_DESCRIPTION, Text(mod.description, style=STYLE_DISCRET))
    return table


def element(ref: Referentiel, ctx: Contexte) -> Group:
    """One bloc, compétence or critère with its context and its bloc's modalités."""
    parts: list[Tree | Table | Text | Padding] = []
    bloc = ctx.bloc
    if ctx.competence is None:
        noeud = Tree(_bloc_title(bloc))
        for activite in bloc.activites:
            noeud_act = noeud.add(
                Text(txt.REF_ACTIVITE.format(titre=activite.titre), style=STYLE_DISCRET)
            )
            for comp in activite.competences:
                _criteres(comp, noeud_act.add(_ligne(comp.id, comp.libelle)))
        parts += [
            noeud,
            Text(""),
            Text(txt.REF_MODALITES, style="bold underline"),
            modalites(ref, bloc.modalites),
        ]
        return Group(*parts)

    comp = ctx.competence
    parts.append(Text(txt.REF_DANS_BLOC.format(id=bloc.id, titre=bloc.titre), style=STYLE_DISCRET))
    if ctx.activite is not None:
        parts.append(Text(txt.REF_ACTIVITE.format(titre=ctx.activite.titre), style=STYLE_DISCRET))
    if ctx.critere is None:
        noeud = Tree(_ligne(comp.id, Text(comp.libelle, style="bold")))
        _criteres(comp, noeud)
        parts.append(noeud)
    else:
        crit: Critere = ctx.critere
        parts.append(
            Text(
                txt.REF_DANS_COMPETENCE.format(id=comp.id, libelle=comp.libelle),
                style=STYLE_DISCRET,
            )
        )
        if crit.rubrique:
            parts.append(
                Text(txt.REF_DANS_RUBRIQUE.format(rubrique=crit.rubrique), style=STYLE_RUBRIQUE)
            )
        parts.append(Padding(_ligne(crit.id, Text(crit.libelle, style="bold")), (1, 0)))
    parts += [
        Text(txt.REF_MODALITES, style="bold underline"),
        modalites(ref, bloc.modalites, complet=False),
    ]
    return Group(*parts)


def resultat(res: SearchResult) -> Text:
    """One search result: the text with matched words highlighted, then where it sits."""
    el = res.element
    texte = Text()
    for fragment, trouve in segments(el.libelle, res.matched):
        texte.append(fragment, style=STYLE_TROUVE if trouve else None)
    lieu: list[str] = [
        txt.REF_DANS_BLOC.format(id=res.contexte.bloc.id, titre=res.contexte.bloc.titre)
    ]
    if isinstance(el, Critere) and res.contexte.competence is not None:
        lieu.append(res.contexte.competence.id)
        if el.rubrique:
            lieu.append(el.rubrique)
    elif res.contexte.activite is not None:
        lieu.append(txt.REF_ACTIVITE.format(titre=res.contexte.activite.titre))
    return texte + Text("\n" + " › ".join(lieu), style=STYLE_DISCRET)


def print_results(console: Console, requete: str, resultats: list[SearchResult]) -> None:
    """Print a count line, then each result with its code in a column of its own."""
    console.print(
        Text(
            txt.RECHERCHE_RESULTATS.format(n=len(resultats), requete=requete.strip()), style="bold"
        )
    )
    grille = Table.grid(padding=(0, 2, 1, 0))
    grille.add_column(style=STYLE_ID, no_wrap=True)
    grille.add_column()
    for res in resultats:
        grille.add_row(res.element.id, resultat(res))
    console.print(grille)
