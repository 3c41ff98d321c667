"""The coordinatrice's dashboard: candidates × blocs, each cell its state, late ones first.

Pure: given the evaluations' headers and summaries (``flows.resume``), the candidates'
records and the sessions, it says which rows a reader sees and what each cell reads. Every
channel shows these rows in its own way — the web chat's « Tableau de bord » page, Slack's
App Home, a Teams card, ``cqp-bot candidats liste`` — so what a reader may see is decided
here once:

- a coordinateur (or an admin) sees the candidates of the sessions they coordinate and of
  the evaluations they follow, both grids' counts;
- an évaluateur sees the candidates they score, their own grid only until both are submitted
  (the blind rule), the other blocs as not theirs.

A bloc is *late* when its evaluation's échéance has passed, or else the session's jury date,
and it is not yet visé by both évaluateurs (a bloc not started counts, once the jury date is
past).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flows import catalogue as txt
from flows.candidats import Etat, EtatBloc, Vue, acquis, cqp_propose, etats_des_blocs, portee
from flows.evaluation import Evaluation
from flows.inscription import FicheCandidat, SessionCertification, session_nommee
from flows.messages import (
    MAX_FIELDS,
    MAX_HEADING,
    Context,
    Fields,
    Heading,
    Message,
    Reply,
    fold,
    say,
    shorten,
)
from flows.resume import Resume
from referentiel import Referentiel

RETARD = "retard"
"""The state filter that keeps the late rows."""
ETATS_FILTRABLES = (*(e.value for e in Etat if e is not Etat.HORS_DE_VUE), RETARD)
"""The states a reader narrows to: « hors de vue » is a reader's blind spot, not a stage."""


@dataclass(frozen=True)
class Filtres:
    """What a reader narrows the dashboard to; None: everything."""

    session: str | None = None
    bloc: str | None = None
    etat: str | None = None
    """A state (``Etat``'s value), or ``RETARD``."""
    evaluateur: str | None = None
    """An évaluateur's id, or part of their name."""

    @property
    def actifs(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass(frozen=True)
class Cellule:
    """One bloc of one candidate."""

    etat: EtatBloc
    retard: date | None = None
    """The date it was due by, when it is late."""

    @property
    def texte(self) -> str:
        """What the cell reads, lateness included: readable without its colour."""
        if self.retard is None:
            return self.etat.texte
        quand = txt.TAB_RETARD_DEPUIS.format(date=self.retard.strftime("%d/%m/%Y"))
        return f"{self.etat.texte} — {quand}"


@dataclass(frozen=True)
class Ligne:
    """One candidate: their blocs, the CQP proposal (for a coordinateur)."""

    reference: str
    nom: str
    session: str
    cellules: tuple[Cellule, ...]
    coordinateur: bool
    """The reader follows this candidate (both grids' counts, the CQP proposal)."""
    evaluateurs: tuple[str, ...] = field(default=(), compare=False)
    """The évaluateurs of the candidate's evaluations the reader sees: ids and names."""

    @property
    def en_retard(self) -> bool:
        return any(c.retard is not None for c in self.cellules)

    @property
    def acquis(self) -> list[str]:
        return acquis([c.etat for c in self.cellules])

    def cqp(self, referentiel: Referentiel) -> str:
        """« CQP proposé », else the blocs acquired: always a proposal, the jury decides."""
        if cqp_propose(self.acquis, referentiel):
            return txt.INS_CQP_PROPOSE
        return txt.INS_CQP_ACQUIS.format(acquis=", ".join(self.acquis) or txt.CAND_AUCUN_BLOC)


def lignes(
    evaluations: Sequence[Evaluation],
    resumes: Mapping[str, Resume],
    fiches: Mapping[str, FicheCandidat],
    sessions: Sequence[SessionCertification],
    referentiel: Referentiel,
    lecteur: str,
    aujourd_hui: date,
    *,
    admins: Collection[str] = (),
    tout: bool = False,
    filtres: Filtres = Filtres(),
) -> list[Ligne]:
    """The rows ``lecteur`` sees (``tout``: every candidate, as the terminal's operator does),
    narrowed by ``filtres``, late ones first, then by reference."""
    jurys = {s.nom: s.jury for s in sessions}
    champ = portee(fiches, sessions, lecteur, admins, tout)
    inscrits = champ.inscrits
    par_candidat: dict[str, dict[str, Vue]] = {}
    noms: dict[str, str] = {}
    for ev in sorted(evaluations, key=lambda e: e.horodatage):  # a bloc's latest one is shown
        if (resume := resumes.get(ev.id)) is None or not champ.voit(ev):
            continue
        par_candidat.setdefault(ev.candidat.reference, {})[ev.bloc] = Vue(
            ev, resume, champ.suit(ev)
        )
        noms[ev.candidat.reference] = ev.candidat.nom
    resultat = []
    for reference in sorted({*par_candidat, *inscrits}):
        vues = par_candidat.get(reference, {})
        fiche = fiches.get(reference)
        coordinateur = reference in inscrits or any(v.suit for v in vues.values())
        session = fiche.session if fiche else ""
        jury = jurys.get(session)
        cellules = tuple(
            Cellule(e, _retard(e, jury, aujourd_hui))
            for e in etats_des_blocs(vues, lecteur, referentiel, coordinateur, fiche)
        )
        ligne = Ligne(
            reference=reference,
            nom=fiche.nom_complet if fiche else noms[reference],
            session=session,
            cellules=cellules,
            coordinateur=coordinateur,
            evaluateurs=tuple(_evaluateurs(vues.values())),
        )
        if _garde(ligne, filtres):
            resultat.append(ligne)
    return sorted(resultat, key=lambda ligne: (not ligne.en_retard, ligne.reference))


def _evaluateurs(vues: Collection[Vue]) -> list[str]:
    return [x for v in vues for e in v.evaluation.evaluateurs for x in (e.utilisateur, e.nom)]


def _retard(etat: EtatBloc, jury: date | None, aujourd_hui: date) -> date | None:
    """When the bloc was due, if that has passed and it is not visé yet."""
    if etat.etat in (Etat.VISEE, Etat.NON_PREVU, Etat.HORS_DE_VUE):
        return None
    echeance = etat.vue.evaluation.echeance if etat.vue is not None else None
    echeance = echeance or jury
    return echeance if echeance is not None and echeance < aujourd_hui else None


def _garde(ligne: Ligne, filtres: Filtres) -> bool:
    if filtres.session and fold(ligne.session) != fold(filtres.session):
        return False
    cellules = [
        c for c in ligne.cellules if not filtres.bloc or c.etat.bloc.id == filtres.bloc.upper()
    ]
    if filtres.bloc and all(c.etat.etat is Etat.NON_PREVU for c in cellules):
        return False
    if filtres.etat == RETARD and not any(c.retard is not None for c in cellules):
        return False
    if filtres.etat not in (None, RETARD) and not any(
        c.etat.etat == filtres.etat for c in cellules
    ):
        return False
    if filtres.evaluateur:
        cherche = fold(filtres.evaluateur)
        return any(cherche == fold(x) or cherche in fold(x) for x in ligne.evaluateurs)
    return True


def lire_filtres(texte: str, referentiel: Referentiel) -> Filtres | str:
    """``session=NOM bloc=B2 etat=notation evaluateur=NOM`` (a value may hold spaces: it runs
    to the next ``clé=``); or the French message saying what is wrong."""
    valeurs: dict[str, str] = {}
    cle: str | None = None
    for mot in texte.split():
        nom, egal, valeur = mot.partition("=")
        if egal:
            cle = fold(nom)
            if cle not in ("session", "bloc", "etat", "evaluateur"):
                return txt.TAB_FILTRE_INCONNU.format(filtre=nom)
            valeurs[cle] = valeur
        elif cle is None:  # words before any filter: a session's name
            valeurs["session"] = f"{valeurs.get('session', '')} {mot}".strip()
        else:
            valeurs[cle] = f"{valeurs[cle]} {mot}".strip()
    return verifier_filtres(valeurs, referentiel)


def verifier_filtres(valeurs: Mapping[str, str], referentiel: Referentiel) -> Filtres | str:
    """The filters named (``session``, ``bloc``, ``etat``, ``evaluateur``; empty: none), or
    the French message saying which bloc or state does not exist."""
    valeurs = {k: (valeurs.get(k) or "").strip() for k in ("session", "bloc", "etat", "evaluateur")}
    blocs = [b.id for b in referentiel.blocs]
    bloc = valeurs["bloc"].upper()
    if bloc and bloc not in blocs:
        return txt.TAB_BLOC_INCONNU.format(
            bloc=shorten(valeurs["bloc"], 40), blocs=", ".join(blocs)
        )
    etat = fold(valeurs["etat"]).replace(" ", "_").replace("-", "_")
    if etat and etat not in ETATS_FILTRABLES:
        etats = ", ".join(ETATS_FILTRABLES)
        return txt.TAB_ETAT_INCONNU.format(etat=shorten(etat, 40), etats=etats)
    return Filtres(
        session=valeurs["session"] or None,
        bloc=bloc or None,
        etat=etat or None,
        evaluateur=valeurs["evaluateur"] or None,
    )


def en_mots(ligne: Ligne, referentiel: Referentiel) -> tuple[str, str]:
    """A row in words, as a chat shows it: who (« ⚠ … (en retard) »), then each bloc's state
    (the blocs they are not enrolled for left out) and, for a coordinateur, the CQP proposal."""
    libelle = txt.TAB_LIGNE.format(reference=ligne.reference, nom=ligne.nom)
    if ligne.en_retard:
        libelle = f"⚠ {libelle} ({txt.TAB_RETARD})"
    prevues = [c for c in ligne.cellules if c.etat.etat is not Etat.NON_PREVU]
    etats = " · ".join(f"{c.etat.bloc.id} {c.texte}" for c in prevues)
    if ligne.coordinateur:
        etats = f"{etats} — {ligne.cqp(referentiel)}"
    return libelle, etats


MAX_LIGNES_MESSAGE = 15
"""Candidates a chat message lists (a Slack message holds 50 blocks; a card should stay short)."""


def vide(lignes: Sequence[Ligne], filtres: Filtres) -> str | None:
    """What an empty dashboard says: that the filters keep nobody, or who it shows."""
    if lignes:
        return None
    if filtres.actifs:
        decrits = ", ".join(f"{k}={v}" for k, v in filtres.actifs.items())
        return txt.TAB_AUCUN_FILTRE.format(filtres=shorten(decrits, 200))
    return txt.TAB_VIDE


def titre_de(
    lignes: Sequence[Ligne], filtres: Filtres, sessions: Sequence[SessionCertification] = ()
) -> str:
    """« Tableau de bord — n candidat(s) », with the session's name and dates when narrowed
    to one — of the reader's rows (nothing said of a session they do not follow)."""
    if not filtres.session:
        return txt.TAB_TITRE.format(n=len(lignes))
    leurs = {ligne.session for ligne in lignes}
    session = session_nommee(filtres.session, [s for s in sessions if s.nom in leurs])
    dates = f" ({session.dates})" if session is not None and session.dates else ""
    nom = session.nom if session is not None else filtres.session
    return txt.TAB_TITRE_SESSION.format(session=nom, dates=dates, n=len(lignes))


def message(
    lignes: Sequence[Ligne], filtres: Filtres, referentiel: Referentiel,
    sessions: Sequence[SessionCertification] = (),
) -> Reply:  # fmt: skip
    """The dashboard as a chat message: one field per candidate, late ones first, each bloc's
    state in words (« en retard » said, not only coloured)."""
    if (rien := vide(lignes, filtres)) is not None:
        return say(rien)
    titre = titre_de(lignes, filtres, sessions)
    champs = []
    for ligne in lignes[:MAX_LIGNES_MESSAGE]:
        libelle, etats = en_mots(ligne, referentiel)
        champs.append((shorten(libelle, 100), shorten(etats, 300)))
    blocs: list[Heading | Fields | Context] = [Heading(text=shorten(titre, MAX_HEADING))]
    for debut in range(0, len(champs), MAX_FIELDS):
        blocs.append(Fields(items=tuple(champs[debut : debut + MAX_FIELDS])))
    if len(lignes) > MAX_LIGNES_MESSAGE:
        blocs.append(Context(text=txt.TAB_PLUS.format(n=len(lignes) - MAX_LIGNES_MESSAGE)))
    return Reply(message=Message(summary=titre, blocks=tuple(blocs)))
