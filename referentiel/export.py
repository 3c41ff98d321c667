"""The référentiel as plain JSON-ready data, in the published export schema.

Other tools read this export, so its names are a contract:
``{"id", "titre", "public": [...], "blocs": [{"id", "titre", "modalites": {...},
"activites": [{"titre", "competences": [{"id", "libelle", "criteres":
[{"id", "libelle", "rubrique"?}]}]}]}]}``. ``rubrique`` is present only on
critères that sit under a heading. ``branche`` and ``roles_evaluateurs`` are
extra keys a reader may ignore.
"""

from __future__ import annotations

from typing import Any

from referentiel.models import Critere, Referentiel


def _critere(crit: Critere) -> dict[str, Any]:
    out: dict[str, Any] = {"id": crit.id, "libelle": crit.libelle}
    if crit.rubrique is not None:
        out["rubrique"] = crit.rubrique
    return out


def as_dict(ref: Referentiel) -> dict[str, Any]:
    """The whole référentiel as dicts and lists, ready for ``json.dumps``."""
    return {
        "id": ref.id,
        "titre": ref.titre,
        "branche": ref.branche,
        "public": list(ref.public),
        "roles_evaluateurs": {
            role.value: r.model_dump(mode="json") for role, r in ref.roles_evaluateurs.items()
        },
        "blocs": [
            {
                "id": bloc.id,
                "titre": bloc.titre,
                "modalites": bloc.modalites.model_dump(mode="json"),
                "activites": [
                    {
                        "titre": activite.titre,
                        "competences": [
                            {
                                "id": comp.id,
                                "libelle": comp.libelle,
                                "criteres": [_critere(c) for c in comp.criteres],
                            }
                            for comp in activite.competences
                        ],
                    }
                    for activite in bloc.activites
                ],
            }
            for bloc in ref.blocs
        ],
    }
