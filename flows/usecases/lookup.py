"""Looking the référentiel up, for anyone: ``aide``, ``critere <code|mots>``, ``bloc <B1..B4>``."""

from __future__ import annotations

from flows import commandes
from flows.conversation import Conversation
from flows.messages import CommandEvent, Reply
from flows.usecases import Context


async def aide(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    return (commandes.aide(),)


async def critere(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    return (commandes.critere(ctx.recherche, commande.args),)


async def bloc(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    return (commandes.bloc(ctx.referentiel, commande.args),)
