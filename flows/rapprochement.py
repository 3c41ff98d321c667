"""Reconciliation, consolidated proposal and visas: from two grids to one proposal for the jury.

Once both grids are submitted, every critère where they differ needs one
agreed value: one évaluateur proposes a value with a rationale, the other
accepts it or counter-proposes (a new proposal, which replaces the first).
Both see each other's original value and comment at this stage. Nothing is
ever resolved automatically; what stays disputed goes to the jury as a
*désaccord persistant* with both positions.

Then the consolidated proposal (:mod:`flows.consolidation`) is shown to both;
each gives a visa; with both visas the summary goes to the results
destination and to the coordinateurs — with the candidate's pseudonymous
reference, never their name.

Pure functions: they return the replies and the records to store; the
service does the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from flows import catalogue as txt
from flows.comparaison import Comparaison, Ecart, LigneComparaison, comparer
from flows.evaluation import Accord, Dossier, Element, Proposition
from flows.messages import (
    MAX_HEADING,
    Button,
    Choices,
    Destination,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    say,
    shorten,
)
from flows.payloads import (
    Payload,
)
from referentiel import Bloc, CodeValeur


class EtatEcart(StrEnum):
    """Where a disputed critère stands in the reconciliation."""

    OUVERT = "ouvert"
    PROPOSE = "propose"
    ACCORDE = "accorde"


TABLE: dict[EtatEcart, dict[str, EtatEcart]] = {
    EtatEcart.OUVERT: {"proposer": EtatEcart.PROPOSE},
    EtatEcart.PROPOSE: {"proposer": EtatEcart.PROPOSE, "accepter": EtatEcart.ACCORDE},
    EtatEcart.ACCORDE: {},
}
"""What can be done to a disputed critère in each state, and the state it leads to.

A counter-proposal is a new proposal (it replaces the one it answers);
only the other évaluateur can accept; an agreed value is final (until a
re-opening). docs/flows.md draws this table; a test checks they agree.
"""


def etat_ecart(dossier: Dossier, critere: str) -> EtatEcart:
    """The state of a disputed critère, read from the stored records."""
    if any(a.critere == critere for a in dossier.accords_actifs):
        return EtatEcart.ACCORDE
    if any(p.critere == critere for p in dossier.propositions_actives):
        return EtatEcart.PROPOSE
    return EtatEcart.OUVERT


def permis(dossier: Dossier, critere: str, action: str) -> bool:
    """Whether ``action`` can be done to ``critere`` now, by the table."""
    return action in TABLE[etat_ecart(dossier, critere)]


MAX_ECARTS_PAR_MESSAGE = 12
"""Three blocks per disputed critère: twelve fit well within a message's 50 blocks."""


class Rapprocher(Payload):
    """Reconciliation buttons: list the gaps, propose a value, accept the other's proposal."""

    PREFIX = "p"
    evaluation: str
    action: Literal["liste", "proposer", "accepter"]
    critere: str = "-"
    valeur: str = "-"


class Consolider(Payload):
    """Consolidation buttons: see the proposal, give one's visa."""

    PREFIX = "k"
    evaluation: str
    action: Literal["voir", "viser"]


@dataclass(frozen=True)
class Resultat:
    """Replies, and the records to store before sending them."""

    replies: tuple[Reply, ...]
    enregistrements: tuple[Element, ...] = ()


def _nom(dossier: Dossier, utilisateur: str) -> str:
    """How an évaluateur is named to the other one (their id if they are not on it)."""
    return next(
        (e.nom for e in dossier.evaluation.evaluateurs if e.utilisateur == utilisateur),
        utilisateur,
    )


def _autre(dossier: Dossier, utilisateur: str) -> str:
    return next(
        e.utilisateur for e in dossier.evaluation.evaluateurs if e.utilisateur != utilisateur
    )


def a_rapprocher(comparaison: Comparaison, dossier: Dossier) -> list[LigneComparaison]:
    """Disputed critères without an agreed value yet (both NO counts as agreed: not observed)."""
    accordes = {a.critere for a in dossier.accords_actifs}
    return [
        ligne
        for ligne in comparaison.lignes
        if ligne.ecart not in (Ecart.CONCORDANT, Ecart.NON_OBSERVE)
        and ligne.critere not in accordes
    ]


def liste(dossier: Dossier, bloc: Bloc, utilisateur: str) -> Reply:
    """The gaps still open, each with both positions and the buttons to propose or accept."""
    comparaison = comparer(dossier, bloc)
    ouvertes = a_rapprocher(comparaison, dossier)
    ev = dossier.evaluation
    if not ouvertes:
        return _fin_du_rapprochement(ev.id)
    moi_premier = ev.evaluateurs[0].utilisateur == utilisateur
    propositions = {p.critere: p for p in dossier.propositions_actives}
    titre = txt.RAP_TITRE.format(reference=ev.candidat.reference, bloc=bloc.id, n=len(ouvertes))
    blocs: list[Heading | Paragraph | Fields | Choices] = [
        Heading(text=shorten(titre, MAX_HEADING))
    ]
    for ligne in ouvertes[:MAX_ECARTS_PAR_MESSAGE]:
        critere = next(c for c in bloc.criteres if c.id == ligne.critere)
        mien = (
            (ligne.valeur_1, ligne.commentaire_1)
            if moi_premier
            else (ligne.valeur_2, ligne.commentaire_2)
        )
        sien = (
            (ligne.valeur_2, ligne.commentaire_2)
            if moi_premier
            else (ligne.valeur_1, ligne.commentaire_1)
        )
        champs = [
            (txt.RAP_VOUS, _position(*mien)),
            (txt.RAP_AUTRE, _position(*sien)),
        ]
        boutons = [
            Button(
                label=txt.RAP_BOUTON_PROPOSER.format(valeur=v.value),
                payload=Rapprocher(
                    evaluation=ev.id, action="proposer", critere=critere.id, valeur=v.value
                ).pack(),
                accessible=txt.RAP_BOUTON_PROPOSER_POUR.format(valeur=v.value, critere=critere.id),
            )
            for v in CodeValeur
        ]
        en_cours = propositions.get(critere.id)
        if en_cours is not None:
            champs.append(
                (
                    txt.RAP_EN_COURS,
                    shorten(
                        txt.RAP_EN_COURS_VALEUR.format(
                            valeur=en_cours.valeur.value,
                            qui=_nom(dossier, en_cours.propose_par),
                            justification=en_cours.justification,
                        ),
                        3000,
                    ),
                )
            )
            if en_cours.propose_par != utilisateur:
                boutons.insert(
                    0,
                    Button(
                        label=txt.RAP_BOUTON_ACCEPTER.format(valeur=en_cours.valeur.value),
                        accessible=txt.RAP_BOUTON_ACCEPTER_POUR.format(
                            valeur=en_cours.valeur.value, critere=critere.id
                        ),
                        payload=Rapprocher(
                            evaluation=ev.id,
                            action="accepter",
                            critere=critere.id,
                            valeur=en_cours.valeur.value,
                        ).pack(),
                        style="primary",
                    ),
                )
        blocs += [
            Paragraph(
                text=shorten(txt.REF_ELEMENT_LIGNE.format(id=critere.id, libelle=critere.libelle))
            ),
            Fields(items=tuple(champs)),
            Choices(buttons=tuple(boutons)),
        ]
    # A disagreement that will not settle goes to the jury with both positions: the way to
    # the consolidated proposal and its visa is always there, not only once all agree.
    consolider = Button(
        label=txt.RAP_BOUTON_CONSOLIDER,
        payload=Consolider(evaluation=ev.id, action="voir").pack(),
    )
    blocs += [Paragraph(text=txt.RAP_PERSISTANTS_POSSIBLES), Choices(buttons=(consolider,))]
    return Reply(message=Message(summary=shorten(titre, 3000), blocks=tuple(blocs)))


def _position(valeur: CodeValeur, commentaire: str) -> str:
    if not commentaire:
        return txt.RAP_VALEUR.format(valeur=valeur.value)
    return shorten(txt.RAP_VALEUR_COMMENTAIRE.format(valeur=valeur.value, commentaire=commentaire))


def _fin_du_rapprochement(evaluation: str) -> Reply:
    bouton = Button(
        label=txt.RAP_BOUTON_CONSOLIDER,
        payload=Consolider(evaluation=evaluation, action="voir").pack(),
        style="primary",
    )
    return say(txt.RAP_TOUT_RAPPROCHE, buttons=(bouton,))


def demander_justification(critere: str, valeur: CodeValeur, minutes: int) -> Reply:
    """Ask for the rationale of a proposal, saying how to drop it and when it expires."""
    return say(
        txt.RAP_JUSTIFIER.format(valeur=valeur.value, critere=critere),
        txt.SRV_JUSTIFICATION_CONSIGNE.format(minutes=minutes),
    )


def proposer(
    dossier: Dossier,
    utilisateur: str,
    critere: str,
    valeur: CodeValeur,
    justification: str,
    maintenant: datetime,
) -> Resultat:
    """Record a proposal (or counter-proposal) and send it to the other évaluateur."""
    if not justification.strip():
        return Resultat((say(txt.RAP_JUSTIFICATION_VIDE),))
    proposition = Proposition(
        critere=critere,
        valeur=valeur,
        propose_par=utilisateur,
        justification=justification,
        horodatage=maintenant,
    )
    ev = dossier.evaluation.id
    autre = _autre(dossier, utilisateur)
    examen = say(
        txt.RAP_A_EXAMINER.format(
            qui=_nom(dossier, utilisateur),
            valeur=valeur.value,
            critere=critere,
            justification=justification,
        ),
        to=Destination(kind="user", user=autre),
        buttons=(
            Button(
                label=txt.RAP_BOUTON_ACCEPTER.format(valeur=valeur.value),
                payload=Rapprocher(
                    evaluation=ev, action="accepter", critere=critere, valeur=valeur.value
                ).pack(),
                style="primary",
            ),
            Button(
                label=txt.RAP_BOUTON_LISTE, payload=Rapprocher(evaluation=ev, action="liste").pack()
            ),
        ),
    )
    confirmation = say(txt.RAP_PROPOSEE.format(critere=critere, valeur=valeur.value))
    examen = examen.model_copy(update={"fil": fil_du_rapprochement(ev)})
    return Resultat((confirmation, examen), (proposition,))


def accepter(
    dossier: Dossier, bloc: Bloc, utilisateur: str, critere: str, valeur: str, maintenant: datetime
) -> Resultat:
    """Accept the other's current proposal: the agreed value is recorded (never one's own)."""
    proposition = next((p for p in dossier.propositions_actives if p.critere == critere), None)
    if (
        not permis(dossier, critere, "accepter")
        or proposition is None
        or proposition.valeur.value != valeur
    ):
        return Resultat((say(txt.RAP_PROPOSITION_PERIMEE), liste(dossier, bloc, utilisateur)))
    if proposition.propose_par == utilisateur:
        return Resultat((say(txt.RAP_PROPRE_PROPOSITION),))
    accord = Accord(
        critere=critere,
        valeur=proposition.valeur,
        propose_par=proposition.propose_par,
        accepte_par=utilisateur,
        justification=proposition.justification,
        horodatage=maintenant,
    )
    apres = dossier.model_copy(update={"accords": (*dossier.accords, accord)})
    info = say(
        txt.RAP_ACCEPTEE_INFO.format(
            qui=_nom(dossier, utilisateur), critere=critere, valeur=valeur
        ),
        to=Destination(kind="user", user=proposition.propose_par),
    ).model_copy(update={"fil": fil_du_rapprochement(dossier.evaluation.id)})
    confirmation = say(txt.RAP_ACCEPTEE.format(critere=critere, valeur=valeur))
    replies = [confirmation, info, liste(apres, bloc, utilisateur)]
    if not a_rapprocher(comparer(apres, bloc), apres):
        # The last gap closed: the proposer, too, is led to the consolidated proposal.
        fin = _fin_du_rapprochement(dossier.evaluation.id)
        replies.append(fin.model_copy(update={"to": info.to}))  # to the proposer's DM
    return Resultat(tuple(replies), (accord,))


def fil_du_rapprochement(evaluation: str) -> str:
    """The discussion of one evaluation's reconciliation, between its two évaluateurs."""
    return f"rapprochement-{evaluation}".lower()
