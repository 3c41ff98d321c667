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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from flows import catalogue as txt
from flows.autorisation import Action, autorise
from flows.consolidation import Proposition, proposition_cqp
from flows.evaluation import Candidat, Evaluation
from flows.inscription import FicheCandidat, SessionCertification
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


@dataclass(frozen=True)
class Portee:
    """What a reader may see of the candidates, decided once for the candidate's view and the
    dashboard: every evaluation of the candidates enrolled in the sessions they coordinate
    (an admin: every session), whoever created it, and elsewhere the evaluations they follow
    or score."""

    lecteur: str
    admins: frozenset[str]
    inscrits: frozenset[str]
    """The candidates of the sessions the reader coordinates."""
    tout: bool = False
    """The terminal's operator: everything."""

    def suit(self, ev: Evaluation) -> bool:
        """Both grids' counts (the blind rule still hides the other's from one who scores)."""
        return (
            self.tout
            or ev.candidat.reference in self.inscrits
            or autorise(ev, self.lecteur, Action.SUIVRE, self.admins)
        )

    def voit(self, ev: Evaluation) -> bool:
        return self.suit(ev) or autorise(ev, self.lecteur, Action.VOIR, self.admins)


def portee(
    fiches: Mapping[str, FicheCandidat], sessions: Sequence[SessionCertification],
    lecteur: str, admins: Collection[str] = (), tout: bool = False,
) -> Portee:  # fmt: skip
    suivies = {s.nom for s in sessions if tout or lecteur in s.coordinateurs or lecteur in admins}
    inscrits = frozenset(r for r, f in fiches.items() if f.session in suivies)
    return Portee(lecteur, frozenset(admins), inscrits, tout)


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


class Etat(StrEnum):
    """Where a candidate's bloc stands, as a dashboard colours and filters it."""

    NON_PREVU = "non_prevu"
    """Not among the blocs the candidate is enrolled for."""
    NON_COMMENCE = "non_commence"
    HORS_DE_VUE = "hors_de_vue"
    """An évaluateur reading a bloc they do not score."""
    NOTATION = "notation"
    RAPPROCHEMENT = "rapprochement"
    PROPOSITION = "proposition"
    VISEE = "visee"


@dataclass(frozen=True)
class EtatBloc:
    """One bloc of a candidate: its state, what it reads, the evaluation shown."""

    bloc: Bloc
    etat: Etat
    texte: str
    vue: Vue | None = None

    @property
    def acquis(self) -> bool:
        """Proposed validé, both visas given: the bloc counts towards the CQP proposal."""
        return self.vue is not None and self.etat is Etat.VISEE and self.vue.resume.acquis


def _etat(vue: Vue, lecteur: str) -> tuple[Etat, str]:
    """Where an evaluated bloc stands, and what its row reads for ``lecteur``."""
    resume = vue.resume
    if not resume.soumise_par_les_deux:
        # The other's progress stays theirs until both are submitted: for a coordinateur
        # too, when they are one of the évaluateurs (as in ``flows.suivi``).
        aveugle = not vue.suit or lecteur in {e.utilisateur for e in vue.evaluation.evaluateurs}
        if not aveugle and not any(g.faites or g.soumise for g in resume.grilles):
            return Etat.NON_COMMENCE, txt.CAND_NON_COMMENCE  # created, nobody has scored yet
        grilles = []
        for evaluateur in vue.evaluation.evaluateurs:
            if aveugle and evaluateur.utilisateur != lecteur:
                continue
            grille = resume.grille(evaluateur.utilisateur)
            faites, soumise = (grille.faites, grille.soumise) if grille else (0, False)
            nom = txt.CAND_VOUS if evaluateur.utilisateur == lecteur else evaluateur.nom
            grilles.append(
                txt.CAND_GRILLE.format(
                    nom=shorten(nom, 60), faites=faites, total=resume.total,
                    soumise=txt.CAND_SOUMISE if soumise else "",
                )
            )  # fmt: skip
        return Etat.NOTATION, txt.CAND_NOTATION.format(grilles=" ; ".join(grilles))
    assert resume.proposition is not None
    libelle = txt.CONS_PROPOSITIONS[resume.proposition.value]
    if resume.visee:
        return Etat.VISEE, txt.CAND_VISEE.format(proposition=libelle)
    if resume.desaccords and not resume.visas:
        return Etat.RAPPROCHEMENT, txt.CAND_RAPPROCHEMENT.format(n=resume.desaccords)
    return Etat.PROPOSITION, txt.CAND_PROPOSITION.format(proposition=libelle, visas=resume.visas)


def etats_des_blocs(
    vues: Mapping[str, Vue],
    lecteur: str,
    referentiel: Referentiel,
    coordinateur: bool,
    fiche: FicheCandidat | None = None,
) -> list[EtatBloc]:
    """Each bloc of the référentiel as ``lecteur`` reads it: « non prévu » for a bloc the
    candidate is not enrolled for, the state of its latest evaluation, else not started."""
    etats = []
    for bloc in referentiel.blocs:
        vue = vues.get(bloc.id)
        if vue is not None:
            etat, texte = _etat(vue, lecteur)
            etats.append(EtatBloc(bloc, etat, texte, vue))
        elif fiche is not None and bloc.id not in fiche.blocs:
            etats.append(EtatBloc(bloc, Etat.NON_PREVU, txt.INS_BLOC_NON_CHOISI))
        elif coordinateur:
            etats.append(EtatBloc(bloc, Etat.NON_COMMENCE, txt.CAND_NON_COMMENCE))
        else:
            etats.append(EtatBloc(bloc, Etat.HORS_DE_VUE, txt.CAND_PAS_LA_VOTRE))
    return etats


def acquis(etats: Sequence[EtatBloc]) -> list[str]:
    """The blocs acquired (proposed validé, both visas given)."""
    return [e.bloc.id for e in etats if e.acquis]


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
    etats = etats_des_blocs(vues, lecteur, referentiel, coordinateur, fiche)
    lignes = []
    for e in etats:
        texte = e.texte if e.vue is None else f"{e.texte} ({e.vue.evaluation.id})"
        ligne = txt.CAND_LIGNE_BLOC.format(bloc=e.bloc.id, titre=e.bloc.titre)
        lignes.append((shorten(ligne, 100), texte))
    titre = txt.CAND_TITRE.format(reference=candidat.reference, nom=candidat.nom)
    blocs: list[Heading | Fields | Paragraph | Context] = [
        Heading(text=shorten(titre, MAX_HEADING))
    ]
    if fiche is not None:
        details = [txt.CAND_SESSION.format(session=fiche.session), fiche.service, fiche.organisme]
        blocs.append(Context(text=shorten(" · ".join(d for d in details if d), MAX_CONTEXT)))
    blocs.append(Fields(items=tuple((shorten(a, 100), shorten(b, 300)) for a, b in lignes)))
    if coordinateur:
        blocs.append(Paragraph(text=proposition_du_cqp(acquis(etats), referentiel)))
    return Reply(message=Message(summary=titre, blocks=tuple(blocs)))


def plusieurs(texte: str, candidats: Sequence[Candidat]) -> Reply:
    """Several candidates match: their references and names, to type the one meant."""
    liste = ", ".join(f"{c.reference} ({c.nom})" for c in candidats)
    return say(txt.CAND_PLUSIEURS.format(texte=shorten(texte, 80), liste=liste))
