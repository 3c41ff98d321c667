"""The commands anyone can type (same words on every channel), as pure message builders.

``aide``, ``critere <code|mots>``, ``bloc <B1..B4>`` (the lists and the
follow-up of evaluations are in :mod:`flows.suivi`). An
unknown command gets the help, with the closest known command suggested; an
argument naming no evaluation is helped by :mod:`flows.designation`; ``accord``
is built by :mod:`flows.qualite`. The service loads what a command needs and
calls these functions; none of them does I/O.
"""

from __future__ import annotations

import re

from rapidfuzz import process

from flows import catalogue as txt
from flows.designation import code_de_bloc
from flows.messages import (
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
from referentiel import Critere, Referentiel, SearchIndex

MAX_SUGGESTIONS_IDS = 12
COMMANDES = (
    "accord",
    "aide",
    "creer-evaluations",
    "critere",
    "bloc",
    "candidat",
    "entretien",
    "export",
    "mes-evaluations",
    "nouvelle",
    "relancer",
    "resultat",
    "rouvrir",
    "statut",
    "tableau",
)


def aide(inconnue: str | None = None) -> Reply:
    """The list of commands; with the closest one suggested when ``inconnue`` was typed."""
    if inconnue is None:
        return say(txt.CMD_AIDE)
    textes = [txt.CMD_INCONNUE.format(nom=shorten(inconnue, 50))]
    proche = process.extractOne(inconnue.lower(), COMMANDES, score_cutoff=60)
    if proche is not None:
        textes.append(txt.CMD_VOULIEZ_VOUS.format(proposition=proche[0]))
    textes.append(txt.CMD_AIDE)
    return Reply(
        message=Message(summary=textes[0], blocks=tuple(Paragraph(text=t) for t in textes))
    )


def critere(recherche: SearchIndex, requete: str) -> Reply:
    """Look a critère or compétence up by code or words (the first thing anyone tries)."""
    if not requete.strip():
        return say(
            txt.CMD_ARGUMENT_MANQUANT.format(
                quoi=txt.CMD_CRITERE_QUOI, exemple=txt.CMD_CRITERE_EXEMPLE
            )
        )
    resultats = recherche.search(requete, limite=5)
    if not resultats:
        if recherche.looks_like_id(requete):  # « B1.C9 »: the codes that exist at that level
            code = re.sub(r"\s+", "", requete).upper()
            texte = txt.ID_INCONNU.format(id=shorten(code, 30))
            proches = recherche.nearby_ids(code)
            if proches:
                texte += " " + txt.ID_PROCHES.format(ids=", ".join(proches[:MAX_SUGGESTIONS_IDS]))
            return say(texte)
        proches = recherche.close_words(requete)
        texte = txt.RECHERCHE_RIEN.format(requete=shorten(requete.strip(), 100))
        if proches:
            texte += " " + txt.RECHERCHE_MOTS_PROCHES.format(mots=", ".join(proches))
        return say(texte)
    blocs: list[Heading | Paragraph | Context] = [
        Heading(
            text=shorten(
                txt.CMD_CRITERE_RESULTATS.format(n=len(resultats), requete=requete.strip()),
                MAX_HEADING,
            )
        )
    ]
    for resultat in resultats:
        element = resultat.element
        blocs.append(
            Paragraph(
                text=shorten(txt.REF_ELEMENT_LIGNE.format(id=element.id, libelle=element.libelle))
            )
        )
        ctx = resultat.contexte
        if isinstance(element, Critere) and ctx.competence is not None:
            lieu = ctx.competence.id
            if element.rubrique:
                lieu = txt.CMD_CRITERE_LIEU_RUBRIQUE.format(
                    competence=lieu, rubrique=element.rubrique
                )
            texte = txt.CMD_CRITERE_LIEU.format(bloc=ctx.bloc.id, competence=lieu)
        else:  # a compétence: where it is is its bloc
            texte = txt.CMD_CRITERE_LIEU_BLOC.format(bloc=ctx.bloc.id)
        blocs.append(Context(text=shorten(texte, 2000)))
    return Reply(message=Message(summary=shorten(blocs[0].text, 3000), blocks=tuple(blocs)))


def bloc(referentiel: Referentiel, code: str) -> Reply:
    """A bloc: its compétences and the modalités an évaluateur checks."""
    if not code.strip():
        return say(
            txt.CMD_ARGUMENT_MANQUANT.format(quoi=txt.CMD_BLOC_QUOI, exemple=txt.CMD_BLOC_EXEMPLE)
        )
    b = referentiel.bloc(code_de_bloc(code))
    if b is None:
        return _bloc_inconnu(referentiel, code)
    mod = b.modalites
    entretiens = (
        txt.MOD_ENTRETIENS_EXACT.format(n=mod.entretiens_min)
        if mod.entretiens_min == mod.entretiens_max
        else txt.MOD_ENTRETIENS_VALEUR.format(min=mod.entretiens_min, max=mod.entretiens_max)
    )
    periode = (
        txt.MOD_PERIODE_VALEUR.format(jours=mod.duree_max_jours)
        if mod.duree_max_jours
        else txt.MOD_PERIODE_AUCUNE
    )
    precisions = (
        txt.MOD_PRECISIONS_OBLIGATOIRES
        if mod.precisions_obligatoires
        else txt.MOD_PRECISIONS_FACULTATIVES
    )
    blocs: list[Heading | Paragraph | Fields] = [
        Heading(text=shorten(txt.REF_BLOC.format(id=b.id, titre=b.titre), MAX_HEADING)),
        *(
            Paragraph(
                text=shorten(
                    txt.CMD_BLOC_COMPETENCE.format(id=c.id, libelle=c.libelle, n=len(c.criteres))
                )
            )
            for c in b.competences
        ),
        Fields(
            items=(
                (txt.MOD_ENTRETIENS, entretiens),
                (txt.MOD_PERIODE, periode),
                (
                    txt.MOD_COMPLEMENTAIRE,
                    txt.MOD_COMPLEMENTAIRE_VALEUR.format(
                        minutes=mod.entretien_complementaire_minutes
                    ),
                ),
                (txt.MOD_PRECISIONS, precisions),
            )
        ),
    ]
    titre = blocs[0]
    assert isinstance(titre, Heading)
    return Reply(message=Message(summary=titre.text, blocks=tuple(blocs)))


def _bloc_inconnu(referentiel: Referentiel, texte: str) -> Reply:
    """No such bloc: the blocs there are; for a compétence or critère code, the command for it."""
    code = code_de_bloc(texte)
    blocs = ", ".join(b.id for b in referentiel.blocs)
    textes = [txt.CMD_BLOC_INCONNU.format(bloc=shorten(texte.strip(), 20), blocs=blocs)]
    if referentiel.contexte(code) is not None:  # « bloc B1.C2 »: a compétence
        textes.append(
            txt.CMD_VOULIEZ_VOUS.format(proposition=txt.CMD_COMMANDE_CRITERE.format(code=code))
        )
    else:
        proche = process.extractOne(code, [b.id for b in referentiel.blocs], score_cutoff=75)
        if proche is not None:
            textes.append(
                txt.CMD_VOULIEZ_VOUS.format(
                    proposition=txt.CMD_COMMANDE_BLOC.format(code=proche[0])
                )
            )
    return say(*textes)
