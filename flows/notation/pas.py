"""The scoring's steps: the handlers, and the table that picks one (the cursor's moves:
:mod:`flows.notation.curseur`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from flows import catalogue as txt
from flows.evaluation import Precisions, Reponse, Soumission
from flows.messages import (
    ChoiceEvent,
    Destination,
    Event,
    Reply,
    TextEvent,
    say,
)
from flows.notation.curseur import apres, en_place, suivant, sur_la_carte, vers
from flows.notation.etat import (
    Aller,
    Attente,
    Ctx,
    EtatNotation,
    Grille,
    Handler,
    Noter,
    Pas,
)
from flows.notation.revue import manques, revue, vue_competence
from flows.notation.vues import (
    demande_commentaire,
    demande_precisions,
    question,
)
from flows.payloads import (
    InvalidPayload,
    Payload,
    unpack_any,
)
from flows.saisie import est_annulation
from referentiel import Bloc, CodeValeur

# --- handlers ----------------------------------------------------------------------------


def _noter(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(charge, Noter)
    position = next((i for i, c in enumerate(ctx.bloc.criteres) if c.id == charge.critere), None)
    if position is None:
        return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
    ancienne = ctx.grille.reponses.get(charge.critere)
    reponse = Reponse(
        critere=charge.critere,
        evaluateur=ctx.etat.evaluateur,
        valeur=charge.valeur,
        commentaire=ancienne.commentaire if ancienne else "",
        horodatage=ctx.maintenant,
    )
    suite = replace(ctx, grille=ctx.grille.avec(reponse))
    if (
        position != ctx.etat.position
    ):  # a click on an older message: that critère, nothing else moves
        confirme = say(
            txt.NOTE_DEJA_REPONDU.format(valeur=f"{charge.critere} = {charge.valeur.value}")
        )
        # The clicked message too shows its new value (where the channel updates in place).
        la = replace(suite, etat=ctx.etat.model_copy(update={"position": position}))
        marque = Reply(message=question(la).message, to=Destination(replace=True))
        return Pas(ctx.etat, (marque, confirme, question(suite)), (reponse,))
    clic = isinstance(evenement, ChoiceEvent)
    if ctx.bloc.modalites.echelle.valeur(charge.valeur).commentaire_suggere:
        # The card shows the value marked; the comment's prompt comes below it.
        etat = ctx.etat.model_copy(update={"attente": Attente.COMMENTAIRE})
        demande = demande_commentaire(ctx.etat.evaluation, charge.critere, charge.valeur)
        marquee = (en_place(question(suite)),) if clic else ()
        return Pas(etat, (*marquee, demande), (reponse,))
    pas = apres(suite, enregistrements=(reponse,))
    return sur_la_carte(suite, pas) if clic else pas


def _valeur_tapee(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """A value code typed while a critère is shown (on a phone): recorded as its button would."""
    assert isinstance(evenement, TextEvent)
    code = evenement.text.strip().upper()
    if code not in {v.code.value for v in ctx.bloc.modalites.echelle.valeurs}:
        return _rappel(ctx, evenement, charge)
    critere = ctx.critere.id
    valeur = CodeValeur(code)
    pas = _noter(
        ctx, evenement, Noter(evaluation=ctx.etat.evaluation, critere=critere, valeur=valeur)
    )
    # No button was clicked, so no message to update in place: a line says what was recorded.
    confirme = say(txt.NOTE_DEJA_REPONDU.format(valeur=f"{critere} = {code}"))
    return replace(pas, replies=(confirme, *pas.replies))


def _commentaire(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(evenement, TextEvent)
    texte = evenement.text.strip()
    actuelle = ctx.grille.reponses.get(ctx.critere.id)
    if not texte or actuelle is None:
        return apres(ctx)
    reponse = actuelle.model_copy(update={"commentaire": texte, "horodatage": ctx.maintenant})
    merci = say(
        txt.NOTE_COMMENTAIRE_ENREGISTRE.format(
            critere=ctx.critere.id, reference=ctx.grille.reference
        )
    )
    return apres(replace(ctx, grille=ctx.grille.avec(reponse)), merci, enregistrements=(reponse,))


def _precisions(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(evenement, TextEvent) and ctx.etat.competence is not None
    texte = evenement.text.strip()
    competence = ctx.etat.competence
    if not texte:
        if ctx.obligatoires and not ctx.grille.precisions.get(competence, "").strip():
            return Pas(ctx.etat, (say(txt.NOTE_PRECISIONS_VIDES.format(competence=competence)),))
        return suivant(ctx)  # optional, or already written: kept as they are
    precisions = Precisions(
        competence=competence,
        evaluateur=ctx.etat.evaluateur,
        texte=texte,
        horodatage=ctx.maintenant,
    )
    merci = say(
        txt.NOTE_PRECISIONS_ENREGISTREES.format(
            competence=competence, reference=ctx.grille.reference
        )
    )
    suite = replace(ctx, grille=ctx.grille.avec(precisions))
    return suivant(suite, merci, enregistrements=(precisions,))


def _aller(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    assert isinstance(charge, Aller)
    action = charge.action
    depuis_la_carte = ctx.etat.attente is Attente.VALEUR  # the buttons clicked are the card's
    if action == "retour":
        pas = vers(ctx, ctx.etat.position - (1 if depuis_la_carte else 0))
        return sur_la_carte(ctx, pas, recapituler=False) if depuis_la_carte else pas
    if action == "passer":
        ecrites = ctx.grille.precisions.get(ctx.etat.competence or "", "").strip()
        if ctx.etat.attente is Attente.PRECISIONS and ctx.obligatoires and not ecrites:
            return Pas(
                ctx.etat, (say(txt.NOTE_PRECISIONS_VIDES.format(competence=ctx.etat.competence)),)
            )
        if ctx.etat.attente is Attente.COMMENTAIRE:
            return apres(ctx)
        return sur_la_carte(ctx, suivant(ctx)) if depuis_la_carte else suivant(ctx)
    if action == "revue":
        return vers(ctx, len(ctx.bloc.criteres))  # past the last critère: the review
    if action in ("competence", "precisions"):
        competence = ctx.competence(charge.critere)
        if competence is None:
            return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
        if action == "competence":
            etat = ctx.etat.model_copy(
                update={"attente": Attente.REVUE, "competence": None, "revue_apres": False}
            )
            return Pas(etat, (vue_competence(replace(ctx, etat=etat), competence),))
        derniere = [c.id for c in ctx.bloc.criteres].index(competence.criteres[-1].id)
        etat = ctx.etat.model_copy(
            update={
                "attente": Attente.PRECISIONS, "competence": competence.id,
                "position": derniere, "revue_apres": True,
            }
        )  # fmt: skip
        return Pas(etat, (demande_precisions(replace(ctx, etat=etat), competence),))
    if action == "pause":
        faites = len(ctx.grille.reponses)
        etat = ctx.etat
        if etat.attente in (Attente.VALEUR, Attente.COMMENTAIRE, Attente.PRECISIONS):
            # A line typed later is not an answer to what was shown: it comes back on resume.
            etat = etat.model_copy(update={"attente": Attente.PAUSE, "avant_pause": etat.attente})
        return Pas(etat, (say(txt.NOTE_PAUSE.format(faites=faites, total=len(ctx.bloc.criteres))),))
    if action == "modifier":
        position = next(
            (i for i, c in enumerate(ctx.bloc.criteres) if c.id == charge.critere), None
        )
        if position is None:
            return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
        # A jump from the review (or an older review's button): once answered, back to it.
        return vers(replace(ctx, etat=ctx.etat.model_copy(update={"revue_apres": True})), position)
    if action == "soumettre":
        return _soumettre(ctx)
    if ctx.etat.attente is Attente.REVUE:
        return _continuer(ctx)
    return reprendre(ctx)


def _continuer(ctx: Ctx) -> Pas:
    """« Reprendre » from the review: the first critère without a value, else the first
    précisions still required; the review again only once nothing is missing."""
    criteres, precisions = manques(ctx.grille, ctx.bloc)
    ctx = replace(ctx, etat=ctx.etat.model_copy(update={"revue_apres": False}))
    if criteres:
        return vers(ctx, [c.id for c in ctx.bloc.criteres].index(criteres[0]))
    competence = ctx.competence(precisions[0]) if precisions else None
    if competence is None:
        return Pas(ctx.etat, (revue(ctx),))
    derniere = [c.id for c in ctx.bloc.criteres].index(competence.criteres[-1].id)
    etat = ctx.etat.model_copy(
        update={"attente": Attente.PRECISIONS, "competence": competence.id, "position": derniere}
    )
    return Pas(etat, (demande_precisions(replace(ctx, etat=etat), competence),))


def _soumettre(ctx: Ctx) -> Pas:
    criteres, precisions = manques(ctx.grille, ctx.bloc)
    if criteres or precisions:
        manque = ", ".join(
            [*criteres[:10], *(txt.NOTE_MANQUE_PRECISIONS.format(competence=c) for c in precisions)]
        )
        etat = ctx.etat.model_copy(update={"attente": Attente.REVUE})
        refus = say(txt.NOTE_SOUMISSION_INCOMPLETE.format(manque=manque))
        return Pas(etat, (refus, revue(replace(ctx, etat=etat))))
    soumission = Soumission(evaluateur=ctx.etat.evaluateur, horodatage=ctx.maintenant)
    etat = ctx.etat.model_copy(update={"attente": Attente.SOUMISE})
    return Pas(etat, (say(txt.NOTE_SOUMISE.format(total=len(ctx.bloc.criteres))),), (soumission,))


def _annuler(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """« annuler » typed instead of a comment or précisions: back to the critère, nothing stored."""
    if ctx.etat.attente is Attente.COMMENTAIRE:
        dit = txt.SRV_COMMENTAIRE_ANNULE.format(critere=ctx.critere.id)
    else:
        modele = (
            txt.SRV_PRECISIONS_ANNULEES_OBLIGATOIRES
            if ctx.obligatoires
            else txt.SRV_PRECISIONS_ANNULEES
        )
        dit = modele.format(competence=ctx.etat.competence)
    return vers(ctx, ctx.etat.position, say(dit))


def _rappel(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """Something the flow does not expect now: say what it expects, change nothing."""
    if ctx.etat.attente is Attente.VALEUR:
        return Pas(ctx.etat, (say(txt.NOTE_ATTENDU_UN_CHOIX), question(ctx)))
    return reprendre(ctx)


def _verrouillee(ctx: Ctx) -> Pas:
    etat = ctx.etat.model_copy(update={"attente": Attente.SOUMISE})
    return Pas(etat, (say(txt.NOTE_DEJA_SOUMISE),))


def _soumise(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    return _verrouillee(ctx)


def _repris(ctx: Ctx) -> Ctx:
    """A grid paused at a prompt, awaiting that prompt's text again."""
    if ctx.etat.attente is not Attente.PAUSE:
        return ctx
    attente = ctx.etat.avant_pause or Attente.VALEUR
    return replace(ctx, etat=ctx.etat.model_copy(update={"attente": attente, "avant_pause": None}))


def _noter_en_pause(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """A value clicked on a paused grid: as if the prompt it was paused at were still shown."""
    return _noter(_repris(ctx), evenement, charge)


def _aller_en_pause(ctx: Ctx, evenement: Event, charge: Payload | None) -> Pas:
    """Resume (the prompt again), or any navigation button as from the prompt paused at."""
    return _aller(_repris(ctx), evenement, charge)


def reprendre(ctx: Ctx) -> Pas:
    """Show again what the flow waits for (resume after a pause, days later)."""
    ctx = _repris(ctx)
    attente = ctx.etat.attente
    if attente is Attente.SOUMISE:
        return _verrouillee(ctx)
    if attente is Attente.REVUE:
        return Pas(ctx.etat, (revue(ctx),))
    if attente is Attente.PRECISIONS:
        competence = ctx.competence(ctx.etat.competence or "") or ctx.competence_de(ctx.critere.id)
        return Pas(ctx.etat, (demande_precisions(ctx, competence),))
    repondu = ctx.grille.reponses.get(ctx.critere.id)
    if attente is Attente.COMMENTAIRE and repondu is not None:
        return Pas(
            ctx.etat, (demande_commentaire(ctx.etat.evaluation, repondu.critere, repondu.valeur),)
        )
    return Pas(ctx.etat, (question(ctx),))


# --- the table ----------------------------------------------------------------------------

TABLE: dict[Attente, dict[str, Handler]] = {
    Attente.VALEUR: {"noter": _noter, "aller": _aller, "texte": _valeur_tapee},
    Attente.COMMENTAIRE: {
        "texte": _commentaire,
        "annuler": _annuler,
        "noter": _noter,
        "aller": _aller,
    },
    Attente.PRECISIONS: {
        "texte": _precisions,
        "annuler": _annuler,
        "noter": _noter,
        "aller": _aller,
    },
    Attente.REVUE: {"noter": _noter, "aller": _aller},
    Attente.SOUMISE: {},
    Attente.PAUSE: {"noter": _noter_en_pause, "aller": _aller_en_pause},
}
"""For each thing awaited, which kind of event is answered by which handler.

Anything else gets :func:`_rappel` (what is expected), or for a submitted
grid :func:`_soumise` (it is locked).
"""


def _nature(evenement: Event, evaluation: str) -> tuple[str, Payload | None]:
    if isinstance(evenement, ChoiceEvent):
        try:
            charge = unpack_any(evenement.payload, (Noter, Aller))
        except InvalidPayload:
            return "invalide", None
        if getattr(charge, "evaluation", None) != evaluation:
            return "invalide", None
        return ("noter" if isinstance(charge, Noter) else "aller"), charge
    if isinstance(evenement, TextEvent):
        return ("annuler" if est_annulation(evenement.text) else "texte"), None
    return "autre", None


def etape(
    etat: EtatNotation, evenement: Event, grille: Grille, bloc: Bloc, maintenant: datetime
) -> Pas:
    """One step of the scoring conversation. Pure: no I/O, the records come back to be stored."""
    ctx = Ctx(etat, grille, bloc, maintenant)
    if grille.soumise and etat.attente is not Attente.SOUMISE:
        ctx = replace(ctx, etat=etat.model_copy(update={"attente": Attente.SOUMISE}))
    elif not grille.soumise and etat.attente is Attente.SOUMISE:  # re-opened by a coordinateur
        ctx = replace(ctx, etat=etat.model_copy(update={"attente": Attente.REVUE}))
    nature, charge = _nature(evenement, etat.evaluation)
    if nature == "invalide":
        return Pas(ctx.etat, (say(txt.NOTE_CHOIX_INVALIDE),))
    defaut = _soumise if ctx.etat.attente is Attente.SOUMISE else _rappel
    handler = TABLE[ctx.etat.attente].get(nature, defaut)
    return handler(ctx, evenement, charge)


def commencer(
    evaluation: str, evaluateur: str, grille: Grille, bloc: Bloc, maintenant: datetime
) -> Pas:
    """Open (or resume) a grid at its first critère without a value."""
    premier = next(
        (i for i, c in enumerate(bloc.criteres) if c.id not in grille.reponses), len(bloc.criteres)
    )
    etat = EtatNotation(evaluation=evaluation, evaluateur=evaluateur)
    ctx = Ctx(etat, grille, bloc, maintenant)
    if grille.soumise:
        return _verrouillee(ctx)
    return vers(ctx, premier)
