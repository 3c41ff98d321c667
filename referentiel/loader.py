"""Load and validate the référentiel data file.

A broken file must stop everything with a message a person can act on: which
file, where in it (path and line), what is wrong. So the loader never raises a
bare YAML or pydantic error: it collects :class:`Probleme` records (a code and
its parameters, no prose) and raises :class:`ReferentielInvalide`. The French
wording of each code lives in the catalogue of ``flows``, like every other
user-facing text.

Checks, in order: UTF-8, YAML syntax, shape and types (pydantic), then what a
schema cannot say — IDs numbered in document order without gaps or duplicates,
and corrections that point at real text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from referentiel.models import UNION_TAGS, Competence, Critere, Referentiel, Rubrique

FICHIER_PAR_DEFAUT = Path(__file__).parent / "data" / "cqp_teleconseiller.yaml"

# libyaml makes loading ~10x faster; the pure-Python loader is the fallback
# where PyYAML was built without it.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Chemin = tuple[str | int, ...]


@dataclass(frozen=True)
class Probleme:
    """One thing wrong in the data file.

    Attributes:
        chemin: where in the document, as keys and list indices.
        code: what is wrong (a pydantic error type or one of ours).
        details: the parameters of the message (expected ID, found value…).
        ligne: 1-based line in the file, when it can be known.
    """

    chemin: Chemin
    code: str
    details: Mapping[str, Any] = field(default_factory=dict)
    ligne: int | None = None

    @property
    def chemin_lisible(self) -> str:
        """The path as a person reads it: ``blocs[0].activites[1].titre``."""
        out = ""
        for part in self.chemin:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or "(racine)"


class ReferentielInvalide(Exception):
    """The data file cannot be used; ``problemes`` says why, each with its place."""

    def __init__(self, fichier: Path, problemes: Sequence[Probleme]) -> None:
        self.fichier = fichier
        self.problemes = tuple(problemes)
        first = self.problemes[0]
        super().__init__(
            f"{fichier}: {len(self.problemes)} problem(s), first at "
            f"{first.chemin_lisible} (line {first.ligne}): {first.code} {dict(first.details)}"
        )


def load(fichier: Path | str = FICHIER_PAR_DEFAUT) -> Referentiel:
    """Read, validate and return the référentiel in ``fichier``.

    Raises:
        ReferentielInvalide: the file is unreadable, not YAML, or not a valid
            référentiel; every problem found is listed.
    """
    path = Path(fichier)
    try:
        texte = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ReferentielInvalide(
            path, [Probleme((), "fichier_illisible", {"detail": exc.strerror})]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ReferentielInvalide(
            path, [Probleme((), "encodage", {"position": exc.start})]
        ) from exc

    try:
        document = yaml.load(texte, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        ligne = mark.line + 1 if mark is not None else None
        raise ReferentielInvalide(
            path, [Probleme((), "yaml_syntaxe", {"detail": detail}, ligne)]
        ) from exc

    if not isinstance(document, dict):
        raise ReferentielInvalide(
            path, [Probleme((), "document_vide" if document is None else "racine_pas_dictionnaire")]
        )

    try:
        referentiel = Referentiel.model_validate(document)
    except ValidationError as exc:
        lignes = _line_numbers(texte)
        raise ReferentielInvalide(
            path, [_from_pydantic(err, lignes) for err in exc.errors()]
        ) from exc

    problemes = list(_coherence(referentiel))
    if problemes:
        lignes = _line_numbers(texte)
        raise ReferentielInvalide(path, [_with_line(p, lignes) for p in problemes])
    return referentiel


@cache
def default() -> Referentiel:
    """The référentiel shipped with cqp-bot, loaded once per process."""
    return load(FICHIER_PAR_DEFAUT)


def _from_pydantic(err: Mapping[str, Any], lignes: Mapping[Chemin, int]) -> Probleme:
    chemin = tuple(p for p in err["loc"] if p not in UNION_TAGS)
    details = dict(err.get("ctx") or {})
    if "input" in err and not isinstance(err["input"], dict | list):
        details.setdefault("valeur", err["input"])
    return _with_line(Probleme(chemin, err["type"], details), lignes)


def _with_line(probleme: Probleme, lignes: Mapping[Chemin, int]) -> Probleme:
    """Attach the line of the closest part of the path that exists in the file."""
    chemin = probleme.chemin
    while chemin not in lignes and chemin:
        chemin = chemin[:-1]
    return Probleme(probleme.chemin, probleme.code, probleme.details, lignes.get(chemin))


def _line_numbers(texte: str) -> dict[Chemin, int]:
    """Map each path of the YAML document to the (1-based) line where it starts.

    Only called when something is wrong, so the second parse costs nothing in
    the normal case.
    """
    out: dict[Chemin, int] = {}

    def walk(node: yaml.Node, chemin: Chemin) -> None:
        out.setdefault(chemin, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*chemin, str(key.value))
                out[sub] = key.start_mark.line + 1
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*chemin, i))

    try:
        root = yaml.compose(texte, Loader=_SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - the document parsed once already
        return out
    if root is not None:
        walk(root, ())
    return out


def _coherence(ref: Referentiel) -> Iterator[Probleme]:
    """What the schema cannot check: numbering in document order, and corrections."""
    vus: set[str] = set()

    def check(chemin: Chemin, trouve: str, attendu: str) -> Iterator[Probleme]:
        if trouve.upper() in vus:
            yield Probleme((*chemin, "id"), "id_double", {"id": trouve})
        elif trouve != attendu:
            yield Probleme(
                (*chemin, "id"), "id_numerotation", {"attendu": attendu, "trouve": trouve}
            )
        vus.add(trouve.upper())

    for b, bloc in enumerate(ref.blocs):
        chemin_bloc: Chemin = ("blocs", b)
        yield from check(chemin_bloc, bloc.id, f"B{b + 1}")
        numero = 0
        for a, activite in enumerate(bloc.activites):
            for c, comp in enumerate(activite.competences):
                numero += 1
                chemin_comp: Chemin = (*chemin_bloc, "activites", a, "competences", c)
                yield from check(chemin_comp, comp.id, f"{bloc.id}.C{numero}")
                for chemin_crit, crit, n in _criteres_with_paths(comp, chemin_comp):
                    yield from check(chemin_crit, crit.id, f"{comp.id}.{n}")

    for i, corr in enumerate(ref.corrections):
        ctx = ref.contexte(corr.id)
        if ctx is None:
            yield Probleme(("corrections", i, "id"), "correction_id_inconnu", {"id": corr.id})
            continue
        textes = [ctx.element.libelle]
        if ctx.critere is not None and ctx.critere.rubrique:
            textes.append(ctx.critere.rubrique)
        if not any(corr.donnees in t for t in textes):
            yield Probleme(("corrections", i, "donnees"), "correction_absente", {"id": corr.id})


def _criteres_with_paths(
    comp: Competence, chemin_comp: Chemin
) -> Iterator[tuple[Chemin, Critere, int]]:
    """Each critère of ``comp`` with its path in the file and its expected number."""
    n = 0
    for e, entree in enumerate(comp.entrees):
        if isinstance(entree, Rubrique):
            for k, crit in enumerate(entree.criteres):
                n += 1
                yield (*chemin_comp, "criteres", e, "criteres", k), crit, n
        else:
            n += 1
            yield (*chemin_comp, "criteres", e), entree, n
