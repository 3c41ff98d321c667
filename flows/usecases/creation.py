"""Creating an evaluation: ``nouvelle``, then its form (``flows.creation`` is the pure flow)."""

from __future__ import annotations

from collections.abc import Sequence

from flows import creation
from flows.conversation import Conversation
from flows.evaluation import Evaluation
from flows.messages import Event, FormEvent, Reply
from flows.usecases import Context


async def step(ctx: Context, evenement: Event, conversation: Conversation) -> tuple[Reply, ...]:
    """A step of the creation; the evaluation is stored before the replies.

    Under one lock (two forms at once never pick the same id). A form already
    applied — a retry whose state memory was lost — is recognised by the request
    id the store recorded with the evaluation: the same replies, nothing created.
    """
    utilisateur = evenement.origin.user
    async with ctx.creation:
        existantes = await ctx.store.evaluations()
        deja = (
            await _already_created(ctx, evenement, existantes)
            if isinstance(evenement, FormEvent)
            else None
        )
        contexte = creation.Contexte(
            utilisateur=utilisateur,
            createurs=ctx.coordinateurs | ctx.admins,
            referentiel=ctx.referentiel,
            existantes=frozenset(e.id for e in existantes if deja is None or e.id != deja.id),
            maintenant=ctx.clock(),
            fiches={f.reference: f for f in await ctx.store.fiches()},
        )
        pas = creation.etape(conversation.creation, evenement, contexte)
        if pas.evaluation is not None and deja is None:
            await ctx.store.creer(pas.evaluation, par=utilisateur, requete=evenement.request_id)
    conversation.creation = pas.etat
    return pas.replies


async def _already_created(
    ctx: Context, evenement: FormEvent, existantes: Sequence[Evaluation]
) -> Evaluation | None:
    """The evaluation this very request created, if it is a retry (the store knows its id).

    Only the evaluations this form could have created are asked: its
    coordinateur's, with the id the form's candidate and bloc lead to.
    """
    try:
        base = creation.evaluation(evenement.values, evenement.origin.user, (), ctx.clock()).id
    except ValueError:  # a form with problems created nothing (creation.etape says why)
        return None
    for ev in existantes:
        suffixe = ev.id.removeprefix(base)
        if (
            (suffixe == "" or (suffixe[:1] == "-" and suffixe[1:].isdigit()))
            and evenement.origin.user in ev.coordinateurs
            and await ctx.store.requete_traitee(ev.id, evenement.request_id)
        ):
            return ev
    return None
