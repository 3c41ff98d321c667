"""The coordinatrice's dashboard: ``tableau [filtres]`` on every channel, and the rows each
channel's richer view shows (the web chat's page, Slack's App Home)."""

from __future__ import annotations

from flows import catalogue as txt
from flows import tableau
from flows.conversation import Conversation
from flows.messages import CommandEvent, Reply, say
from flows.usecases import Context


async def rangs(ctx: Context, lecteur: str, filtres: tableau.Filtres) -> list[tableau.Ligne]:
    """The dashboard's rows ``lecteur`` sees, narrowed by ``filtres``, late ones first."""
    return tableau.lignes(
        await ctx.store.evaluations(), await ctx.store.resumes(),
        {f.reference: f for f in await ctx.store.fiches()}, await ctx.store.sessions(),
        ctx.referentiel, lecteur, ctx.clock().date(), admins=ctx.admins, filtres=filtres,
    )  # fmt: skip


async def tableau_de_bord(
    ctx: Context, commande: CommandEvent, _: Conversation
) -> tuple[Reply, ...]:
    """``tableau [session=NOM] [bloc=B2] [etat=…] [evaluateur=NOM]``: the rows as a message."""
    filtres = tableau.lire_filtres(commande.args, ctx.referentiel)
    if isinstance(filtres, str):
        return (say(filtres, txt.TAB_USAGE),)
    lignes = await rangs(ctx, commande.origin.user, filtres)
    return (tableau.message(lignes, filtres, ctx.referentiel, await ctx.store.sessions()),)
