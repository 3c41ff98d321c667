"""The commands anyone can type (same words on every channel), as pure message builders.

``aide``, ``critere <code|mots>``, ``bloc <B1..B4>``, ``mes-evaluations``,
``statut <évaluation>``, and the comparison sent when both grids are in. An
unknown command gets the help, with the closest known command suggested; an
argument naming no evaluation is helped by :mod:`flows.designation`; ``accord``
is built by :mod:`flows.qualite`. The service loads what a command needs and
calls these functions; none of them does I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import process

from flows import catalogue as txt
from flows.comparaison import Ecart, agenda, comparer
from flows.designation import boutons_commande, code_de_bloc
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
from referentiel import Bloc, Critere, Referentiel, SearchIndex

MAX_SUGGESTIONS_IDS = 12
COMMANDES = (
    "accord",
    "aide",
    "critere",
    "bloc",
    "entretien",
    "export",
    "mes-evaluations",
    "nouvelle",
    "relancer",
    "resultat",
    "rouvrir",
    "statut",
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


def _avancement(dossier: Dossier, bloc_: Bloc, evaluateur: str) -> tuple[int, bool]:
    faites = sum(1 for r in dossier.reponses if r.evaluateur == evaluateur)
    soumise = any(s.evaluateur == evaluateur for s in dossier.soumissions_actives)
    return faites, soumise


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
        faites, _ = _avancement(d, b, utilisateur)
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
            faites, _ = _avancement(dossier, b, qui)
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
        avancements = {
            e.utilisateur: _avancement(d, b, e.utilisateur) for e in d.evaluation.evaluateurs
        }
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
        faites, soumise = _avancement(dossier, b, evaluateur.utilisateur)
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
