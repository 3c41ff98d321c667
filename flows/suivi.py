"""Following evaluations: a person's list (``mes-evaluations``), the comparison sent when both
grids are in, a coordinateur's follow-up (``statut``) and reminders (``relancer``).

Pure message builders, as :mod:`flows.commandes`: the use cases load what they need.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows import catalogue as txt
from flows.comparaison import Ecart, agenda, comparer
from flows.designation import boutons_commande
from flows.evaluation import Dossier
from flows.messages import (
    MAX_HEADING,
    Button,
    Choices,
    Context,
    Destination,
    Fields,
    Heading,
    Message,
    Paragraph,
    Reply,
    say,
    shorten,
)
from flows.notation import Aller
from flows.qualite import textes_accord
from flows.rapprochement import Consolider, Rapprocher
from referentiel import Bloc, Referentiel

MAX_MES_EVALUATIONS = 10
"""Evaluations listed by ``mes-evaluations`` (one line each in a Fields block, at most 10)."""
_A_NOTER, _A_VISER, _EN_ATTENTE, _TERMINEE = range(4)


def _ou_en_est(dossier: Dossier, evaluateur: str) -> int:
    """What an evaluation still asks of ``evaluateur``: the order ``mes-evaluations`` lists in."""
    evaluateurs = {e.utilisateur for e in dossier.evaluation.evaluateurs}
    soumis = {s.evaluateur for s in dossier.soumissions_actives}
    vises = {v.evaluateur for v in dossier.visas_actifs}
    if evaluateur not in soumis:
        return _A_NOTER
    if evaluateurs <= vises:
        return _TERMINEE
    if evaluateurs <= soumis and evaluateur not in vises:
        return _A_VISER
    return _EN_ATTENTE  # the other's grid or visa


_ETATS = {
    _A_NOTER: "",
    _A_VISER: txt.CMD_EVALUATION_A_VISER,
    _EN_ATTENTE: txt.CMD_EVALUATION_SOUMISE,
    _TERMINEE: txt.CMD_EVALUATION_TERMINEE,
}


def mes_evaluations(
    utilisateur: str, dossiers: Sequence[Dossier], referentiel: Referentiel
) -> Reply:
    """The user's evaluations, what still needs them first, each with a button to act on it.

    First the grids to score (a button to start or resume), then the evaluations to
    reconcile and sign (a button to the gaps), then those waiting for the other
    évaluateur, then the finished ones; past MAX_MES_EVALUATIONS, how many are not shown.
    """
    miens = sorted(
        (d for d in dossiers if utilisateur in {e.utilisateur for e in d.evaluation.evaluateurs}),
        key=lambda d: _ou_en_est(d, utilisateur),
    )
    if not miens:
        return say(txt.CMD_MES_EVALUATIONS_AUCUNE)
    lignes, boutons = [], []
    for d in miens[:MAX_MES_EVALUATIONS]:
        b = referentiel.bloc(d.evaluation.bloc)
        assert b is not None
        faites, _ = d.avancement(utilisateur)
        etat = _ou_en_est(d, utilisateur)
        reference = d.evaluation.candidat.reference
        lignes.append(
            (
                shorten(d.evaluation.id, 100),
                txt.CMD_EVALUATION_LIGNE.format(
                    reference=reference, bloc=b.id, faites=faites, total=len(b.criteres),
                    soumise=_ETATS[etat],
                ),
            )
        )  # fmt: skip
        if etat == _A_NOTER:
            boutons.append(
                Button(
                    label=shorten(txt.CMD_BOUTON_NOTER.format(reference=reference, bloc=b.id), 75),
                    payload=Aller(evaluation=d.evaluation.id, action="reprendre").pack(),
                )
            )
        elif etat == _A_VISER:
            boutons.append(
                Button(
                    label=shorten(
                        txt.CMD_BOUTON_RAPPROCHER.format(reference=reference, bloc=b.id), 75
                    ),
                    payload=Rapprocher(evaluation=d.evaluation.id, action="liste").pack(),
                )
            )
    blocs: list[Heading | Fields | Context | Choices] = [
        Heading(text=txt.CMD_MES_EVALUATIONS_TITRE),
        Fields(items=tuple(lignes)),
    ]
    if len(miens) > MAX_MES_EVALUATIONS:
        blocs.append(
            Context(text=txt.CMD_MES_EVALUATIONS_AUTRES.format(n=len(miens) - MAX_MES_EVALUATIONS))
        )
    if boutons:
        blocs.append(Choices(buttons=tuple(boutons)))
    return Reply(message=Message(summary=txt.CMD_MES_EVALUATIONS_TITRE, blocks=tuple(blocs)))


def comparaison(dossier: Dossier, bloc_: Bloc, destinataire: str) -> Reply:
    """The comparison and the complementary interview's agenda, sent to one évaluateur."""
    comp = comparer(dossier, bloc_)
    ev = dossier.evaluation
    titre = txt.CMP_TITRE.format(reference=ev.candidat.reference, bloc=bloc_.id)
    pourcentage, coefficients = textes_accord(comp)
    blocs: list[Heading | Paragraph | Fields | Context | Choices] = [
        Heading(text=shorten(titre, MAX_HEADING)),
        Paragraph(text=pourcentage),
    ]
    ecarts = [
        (
            txt.CMP_ECARTS[e.value],
            shorten(", ".join(ligne.critere for ligne in comp.par_ecart(e)), 3000),
        )
        for e in (Ecart.CRITIQUE, Ecart.MINEUR, Ecart.COUVERTURE, Ecart.NON_OBSERVE)
        if comp.par_ecart(e)
    ]
    blocs.append(Fields(items=tuple(ecarts)) if ecarts else Paragraph(text=txt.CMP_AUCUN_ECART))
    blocs.append(Context(text=coefficients))
    points = agenda(comp, bloc_)
    if points:
        minutes = bloc_.modalites.entretien_complementaire_minutes
        blocs.append(Heading(text=txt.CMP_AGENDA_TITRE.format(minutes=minutes)))
        for point in points[:10]:
            criteres = ", ".join([*point.couverture, *point.non_observes])
            blocs.append(
                Context(
                    text=shorten(
                        txt.CMP_AGENDA_LIGNE.format(
                            competence=point.competence.id, criteres=criteres
                        ),
                        2000,
                    )
                )
            )
    if ecarts:
        blocs.append(Paragraph(text=txt.CMP_SUITE))
        bouton = Button(
            label=txt.RAP_BOUTON_LISTE, payload=Rapprocher(evaluation=ev.id, action="liste").pack()
        )
    else:
        bouton = Button(
            label=txt.RAP_BOUTON_CONSOLIDER,
            payload=Consolider(evaluation=ev.id, action="voir").pack(),
        )
    blocs.append(Choices(buttons=(bouton,)))
    return Reply(
        message=Message(summary=shorten(titre, 3000), blocks=tuple(blocs)),
        to=Destination(kind="user", user=destinataire),
    )


def relances(dossier: Dossier, referentiel: Referentiel) -> tuple[Reply, ...]:
    """A reminder to each évaluateur the evaluation waits for, and to the coordinateur who asked.

    An évaluateur whose grid is not submitted is reminded of it (how far they are, the
    deadline), with the button to resume; one whose visa is awaited, of the
    reconciliation. Each reminder goes to the person (a channel delivers it where they are,
    unprompted); like the invitation, it names the candidate by reference only.
    """
    b = referentiel.bloc(dossier.evaluation.bloc)
    assert b is not None
    ev = dossier.evaluation
    reference = ev.candidat.reference
    echeance = txt.CMD_RELANCE_ECHEANCE.format(date=ev.echeance.strftime("%d/%m/%Y")) if (
        ev.echeance
    ) else ""  # fmt: skip
    rappels: list[Reply] = []
    relances_a: list[str] = []
    for evaluateur in ev.evaluateurs:
        qui = evaluateur.utilisateur
        etat = _ou_en_est(dossier, qui)
        if etat == _A_NOTER:
            faites, _ = dossier.avancement(qui)
            texte = txt.CMD_RELANCE_NOTER.format(
                reference=reference, bloc=b.id, faites=faites, total=len(b.criteres)
            )
            bouton = Button(
                label=shorten(txt.CMD_BOUTON_NOTER.format(reference=reference, bloc=b.id), 75),
                payload=Aller(evaluation=ev.id, action="reprendre").pack(),
            )
        elif etat == _A_VISER:
            texte = txt.CMD_RELANCE_VISER.format(reference=reference, bloc=b.id)
            bouton = Button(
                label=shorten(txt.CMD_BOUTON_RAPPROCHER.format(reference=reference, bloc=b.id), 75),
                payload=Rapprocher(evaluation=ev.id, action="liste").pack(),
            )
        else:
            continue
        rappels.append(
            say(texte + echeance, to=Destination(kind="user", user=qui), buttons=(bouton,))
        )
        relances_a.append(evaluateur.nom)
    if not rappels:
        return (say(txt.CMD_RELANCE_RIEN.format(evaluation=ev.id)),)
    fait = txt.CMD_RELANCE_FAITE.format(evaluation=ev.id, qui=", ".join(relances_a))
    return (say(fait), *rappels)


def suivi(
    dossiers: Sequence[Dossier], suivies: int, referentiel: Referentiel, lecteur: str
) -> Reply:
    """Where the evaluations one follows stand, as counts only, each with its « statut ».

    What a coordinateur looks at first (``statut`` alone, the Slack App Home): for each
    evaluation, how many critères each évaluateur has scored and whether the grid is
    submitted — never a value. ``dossiers`` are the most recent of the ``suivies``
    (at most MAX_MES_EVALUATIONS), those not finished first. A coordinateur who is also
    one of an evaluation's évaluateurs sees only their own grid's count there until
    both are submitted: how far the other is, the blind rule keeps from them.
    """
    montres = sorted(
        dossiers[:MAX_MES_EVALUATIONS],
        key=lambda d: (
            all(_ou_en_est(d, e.utilisateur) == _TERMINEE for e in d.evaluation.evaluateurs),
            d.evaluation.candidat.reference.casefold(), d.evaluation.id,
        ),
    )  # fmt: skip
    lignes = []
    for d in montres:
        b = referentiel.bloc(d.evaluation.bloc)
        assert b is not None
        avancements = {e.utilisateur: d.avancement(e.utilisateur) for e in d.evaluation.evaluateurs}
        aveugle = lecteur in avancements and not all(s for _, s in avancements.values())
        grilles = []
        for evaluateur in d.evaluation.evaluateurs:
            if aveugle and evaluateur.utilisateur != lecteur:
                continue
            faites, soumise = avancements[evaluateur.utilisateur]
            grilles.append(
                txt.CMD_SUIVI_LIGNE.format(
                    evaluateur=evaluateur.nom, faites=faites, total=len(b.criteres),
                    soumise=txt.CMD_EVALUATION_SOUMISE if soumise else "",
                )
            )  # fmt: skip
        libelle = txt.DES_LIGNE.format(reference=d.evaluation.candidat.reference, bloc=b.id)
        lignes.append((shorten(libelle, 100), shorten("\n".join(grilles))))
    blocs: list[Heading | Fields | Context | Choices] = [
        Heading(text=txt.CMD_SUIVI_TITRE),
        Fields(items=tuple(lignes)),
    ]
    if suivies > len(montres):
        blocs.append(
            Context(text=txt.CMD_SUIVI_AUTRES.format(m=len(montres), n=suivies - len(montres)))
        )
    detail = boutons_commande("statut", [d.evaluation for d in montres])
    if detail is not None:
        blocs.append(detail)
    return Reply(message=Message(summary=txt.CMD_SUIVI_TITRE, blocks=tuple(blocs)))


def statut(dossier: Dossier, referentiel: Referentiel) -> Reply:
    """Progress of both grids as counts only: no value of a grid before both are submitted."""
    ev = dossier.evaluation
    b = referentiel.bloc(ev.bloc)
    assert b is not None
    items = []
    for evaluateur in ev.evaluateurs:
        faites, soumise = dossier.avancement(evaluateur.utilisateur)
        items.append(
            (
                shorten(evaluateur.nom, 100),
                txt.CMD_STATUT_LIGNE.format(
                    faites=faites,
                    total=len(b.criteres),
                    soumise=txt.CMD_EVALUATION_SOUMISE if soumise else "",
                ),
            )
        )
    titre = txt.CMD_STATUT_TITRE.format(
        evaluation=ev.id, reference=ev.candidat.reference, bloc=b.id
    )
    return Reply(
        message=Message(
            summary=titre,
            blocks=(Heading(text=shorten(titre, MAX_HEADING)), Fields(items=tuple(items))),
        )
    )
