"""Records to store in tests: a realistic evaluation and its answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flows.evaluation import Candidat, Evaluateur, Evaluation, Reponse
from referentiel import CodeValeur, RoleEvaluateur, default

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
CRITERES_B1 = [c.id for c in default().blocs[0].criteres]


def evaluation(numero: int = 1, reference: str = "C042", nom: str = "Jeanne Martin") -> Evaluation:
    return Evaluation(
        id=f"ev-{reference}-{numero}",
        candidat=Candidat(nom=nom, reference=reference),
        bloc="B1",
        evaluateurs=(
            Evaluateur(
                utilisateur="u-expert", nom="Amel Haddad", role=RoleEvaluateur.EXPERT_HABILITE
            ),
            Evaluateur(
                utilisateur="u-interne", nom="Paul Roche", role=RoleEvaluateur.EXPERT_INTERNE
            ),
        ),
        coordinateurs=("u-coord",),
        horodatage=T0,
    )


def reponse(
    i: int = 0,
    evaluateur: str = "u-expert",
    valeur: CodeValeur = CodeValeur.A,
    secondes: float = 0,
    commentaire: str = "",
) -> Reponse:
    return Reponse(
        critere=CRITERES_B1[i % len(CRITERES_B1)],
        evaluateur=evaluateur,
        valeur=valeur,
        commentaire=commentaire,
        horodatage=T0 + timedelta(seconds=secondes),
    )
