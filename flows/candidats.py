"""A candidate across the 4 blocs: where each bloc stands, and the CQP proposal.

Each bloc is validated separately; the CQP is proposed only when the four are proposed
validé, both visas given — otherwise the blocs acquired and what remains are listed. The
bot proposes, the jury decides: every line says so.

Pure message builders, as :mod:`flows.suivi`: the use case (``flows.usecases.candidates``)
finds the candidate among the evaluations the reader may see, and which of them they follow
(coordinateurs: both grids' counts) or score (an évaluateur: their own grid only, until both
are submitted — the blind rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from flows import catalogue as txt
from flows.consolidation import Proposition, proposition_cqp
from flows.evaluation import Candidat, Evaluation
from flows.inscription import FicheCandidat
from flows.messages import (
    MAX_CONTEXT,
    MAX_HEADING,
    Context,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    fold,
    say,
    shorten,
)
from flows.resume import Resume
from referentiel import Bloc, Referentiel

MAX_CANDIDATS_PROPOSES = 5
SEUIL_NOM = 80
"""How close (rapidfuzz's WRatio, 0–100) a name must be to be taken for the one typed."""


@dataclass(frozen=True)
class Vue:
    """An evaluation as its reader may see it."""

    evaluation: Evaluation
    resume: Resume
    """Where it stands (``flows.resume``): kept by the store as it changes."""
    suit: bool
    """The reader follows it (a coordinateur, an admin): both grids' counts."""


def trouver(texte: str, candidats: Sequence[Candidat]) -> list[Candidat]:
    """The candidates ``texte`` names: its reference exactly, else the names closest to it,
    typos and accents forgiven, best first (one alone when it is clearly the closest)."""
    cherche = fold(texte.strip())
    exacts = [c for c in candidats if fold(c.reference) == cherche]
    if exacts:
        return exacts[:1]
    choix = {c.reference: fold(c.nom) for c in candidats}
    proches = process.extract(
        cherche, choix, scorer=fuzz.WRatio, limit=MAX_CANDIDATS_PROPOSES, score_cutoff=SEUIL_NOM
    )
    par_reference = {c.reference: c for c in candidats}
    meilleurs = [par_reference[str(cle)] for _, score, cle in proches]
    if len(proches) > 1 and proches[0][1] - proches[1][1] >= 10:
        return meilleurs[:1]  # one clearly closer than the others
    return meilleurs


def _etat(vue: Vue, lecteur: str) -> tuple[str, bool]:
    """What a bloc's row reads, and whether it is proposed validé with both visas."""
    resume = vue.resume
    if not resume.soumise_par_les_deux:
        grilles = []
        for evaluateur in vue.evaluation.evaluateurs:
            if not vue.suit and evaluateur.utilisateur != lecteur:
                continue  # the other's progress stays theirs until both are submitted
            grille = resume.grille(evaluateur.utilisateur)
            faites, soumise = (grille.faites, grille.soumise) if grille else (0, False)
            nom = txt.CAND_VOUS if evaluateur.utilisateur == lecteur else evaluateur.nom
            grilles.append(
                txt.CAND_GRILLE.format(
                    nom=shorten(nom, 60), faites=faites, total=resume.total,
                    soumise=txt.CAND_SOUMISE if soumise else "",
                )
            )  # fmt: skip
        return txt.CAND_NOTATION.format(grilles=" ; ".join(grilles)), False
    assert resume.proposition is not None
    libelle = txt.CONS_PROPOSITIONS[resume.proposition.value]
    if resume.visee:
        return txt.CAND_VISEE.format(proposition=libelle), resume.acquis
    if resume.desaccords and not resume.visas:
        return txt.CAND_RAPPROCHEMENT.format(n=resume.desaccords), False
    return txt.CAND_PROPOSITION.format(proposition=libelle, visas=resume.visas), False


def etats_des_blocs(
    vues: Mapping[str, Vue],
    lecteur: str,
    referentiel: Referentiel,
    coordinateur: bool,
    fiche: FicheCandidat | None = None,
) -> tuple[list[tuple[Bloc, str]], list[str]]:
    """Each bloc of the référentiel with what its row reads for ``lecteur`` (« non prévu »
    for a bloc the candidate is not enrolled for), and the blocs acquired (proposed validé,
    both visas given)."""
    lignes, acquis = [], []
    for bloc in referentiel.blocs:
        vue = vues.get(bloc.id)
        if vue is not None:
            etat, valide = _etat(vue, lecteur)
            if valide:
                acquis.append(bloc.id)
        elif fiche is not None and bloc.id not in fiche.blocs:
            etat = txt.INS_BLOC_NON_CHOISI
        else:
            etat = txt.CAND_NON_COMMENCE if coordinateur else txt.CAND_PAS_LA_VOTRE
        lignes.append((bloc, etat))
    return lignes, acquis


def cqp_propose(acquis: Sequence[str], referentiel: Referentiel) -> bool:
    """Whether the CQP is proposed: every bloc of the référentiel acquired."""
    tous = [b.id for b in referentiel.blocs]
    return proposition_cqp(dict.fromkeys(acquis, Proposition.VALIDE), tous)


def proposition_du_cqp(acquis: Sequence[str], referentiel: Referentiel) -> str:
    """The CQP proposal: proposed when every bloc is acquired, else the blocs acquired and
    those that remain."""
    tous = [b.id for b in referentiel.blocs]
    if cqp_propose(acquis, referentiel):
        return txt.CAND_CQP_PROPOSE
    restent = [b for b in tous if b not in acquis]
    return txt.CAND_CQP_PARTIEL.format(
        acquis=", ".join(acquis) or txt.CAND_AUCUN_BLOC, restent=", ".join(restent)
    )


def vue_candidat(
    candidat: Candidat, vues: Mapping[str, Vue], lecteur: str, referentiel: Referentiel,
    coordinateur: bool, fiche: FicheCandidat | None = None,
) -> Reply:  # fmt: skip
    """The 4 blocs of a candidate, by bloc id (the latest evaluation the reader may see of
    each), and — for a coordinateur — the CQP proposal; with their record once enrolled
    (session, service, organisme; the blocs they are not enrolled for)."""
    etats, acquis = etats_des_blocs(vues, lecteur, referentiel, coordinateur, fiche)
    lignes = []
    for bloc, etat in etats:
        if (vue := vues.get(bloc.id)) is not None:
            etat = f"{etat} ({vue.evaluation.id})"
        ligne = txt.CAND_LIGNE_BLOC.format(bloc=bloc.id, titre=bloc.titre)
        lignes.append((shorten(ligne, 100), etat))
    titre = txt.CAND_TITRE.format(reference=candidat.reference, nom=candidat.nom)
    blocs: list[Heading | Fields | Paragraph | Context] = [
        Heading(text=shorten(titre, MAX_HEADING))
    ]
    if fiche is not None:
        details = [txt.CAND_SESSION.format(session=fiche.session), fiche.service, fiche.organisme]
        blocs.append(Context(text=shorten(" · ".join(d for d in details if d), MAX_CONTEXT)))
    blocs.append(Fields(items=tuple((shorten(a, 100), shorten(b, 300)) for a, b in lignes)))
    if coordinateur:
        blocs.append(Paragraph(text=proposition_du_cqp(acquis, referentiel)))
    return Reply(message=Message(summary=titre, blocks=tuple(blocs)))


def plusieurs(texte: str, candidats: Sequence[Candidat]) -> Reply:
    """Several candidates match: their references and names, to type the one meant."""
    liste = ", ".join(f"{c.reference} ({c.nom})" for c in candidats)
    return say(txt.CAND_PLUSIEURS.format(texte=shorten(texte, 80), liste=liste))
