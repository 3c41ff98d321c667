"""Load and validate the référentiel data file.

A broken file must stop everything with a message a person can act on: which
file, where in it (path and line), what is wrong. So the loader never raises a
bare YAML or pydantic error: it collects :class:`Problem` records (a code and
its parameters, no prose) and raises :class:`InvalidReferentiel`. The French
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

DEFAULT_FILE = Path(__file__).parent / "data" / "cqp_teleconseiller.yaml"

# libyaml makes loading ~10x faster; the pure-Python loader is the fallback
# where PyYAML was built without it.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

DocPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data file.

    Attributes:
        path: where in the document, as keys and list indices.
        code: what is wrong (a pydantic error type or one of ours).
        details: the parameters of the message (expected ID, found value…).
        line: 1-based line in the file, when it can be known.
    """

    path: DocPath
    code: str
    details: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def readable_path(self) -> str:
        """The path as a person reads it: ``blocs[0].activites[1].titre``."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out or "(root)"


class InvalidReferentiel(Exception):
    """The data file cannot be used; ``problems`` says why, each with its place."""

    def __init__(self, fichier: Path, problems: Sequence[Problem]) -> None:
        self.file = fichier
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(
            f"{fichier}: {len(self.problems)} problem(s), first at "
            f"{first.readable_path} (line {first.line}): {first.code} {dict(first.details)}"
        )


def load(fichier: Path | str = DEFAULT_FILE) -> Referentiel:
    """Read, validate and return the référentiel in ``fichier``.

    Raises:
        InvalidReferentiel: the file is unreadable, not YAML, or not a valid
            référentiel; every problem found is listed.
    """
    path = Path(fichier)
    try:
        texte = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise InvalidReferentiel(
            path, [Problem((), "fichier_illisible", {"detail": exc.strerror})]
        ) from exc
    except UnicodeDecodeError as exc:
        raise InvalidReferentiel(path, [Problem((), "encodage", {"position": exc.start})]) from exc

    try:
        document = yaml.load(texte, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        ligne = mark.line + 1 if mark is not None else None
        raise InvalidReferentiel(
            path, [Problem((), "yaml_syntaxe", {"detail": detail}, ligne)]
        ) from exc

    if not isinstance(document, dict):
        raise InvalidReferentiel(
            path, [Problem((), "document_vide" if document is None else "racine_pas_dictionnaire")]
        )

    try:
        referentiel = Referentiel.model_validate(document)
    except ValidationError as exc:
        lignes = _line_numbers(texte)
        raise InvalidReferentiel(
            path, [_from_pydantic(err, lignes) for err in exc.errors()]
        ) from exc

    problems = list(_coherence(referentiel))
    if problems:
        lignes = _line_numbers(texte)
        raise InvalidReferentiel(path, [_with_line(p, lignes) for p in problems])
    return referentiel


@cache
def default() -> Referentiel:
    """The référentiel shipped with cqp-bot, loaded once per process."""
    return load(DEFAULT_FILE)


def _from_pydantic(err: Mapping[str, Any], lignes: Mapping[DocPath, int]) -> Problem:
    chemin = tuple(p for p in err["loc"] if p not in UNION_TAGS)
    details = dict(err.get("ctx") or {})
    if "input" in err and not isinstance(err["input"], dict | list):
        details.setdefault("valeur", err["input"])
    return _with_line(Problem(chemin, err["type"], details), lignes)


def _with_line(probleme: Problem, lignes: Mapping[DocPath, int]) -> Problem:
    """Attach the line of the closest part of the path that exists in the file."""
    chemin = probleme.path
    while chemin not in lignes and chemin:
        chemin = chemin[:-1]
    return Problem(probleme.path, probleme.code, probleme.details, lignes.get(chemin))


def _line_numbers(texte: str) -> dict[DocPath, int]:
    """Map each path of the YAML document to the (1-based) line where it starts.

    Only called when something is wrong, so the second parse costs nothing in
    the normal case.
    """
    out: dict[DocPath, int] = {}

    def walk(node: yaml.Node, chemin: DocPath) -> None:
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


def _coherence(ref: Referentiel) -> Iterator[Problem]:
    """What the schema cannot check: numbering in document order, and corrections."""
    vus: set[str] = set()

    def check(chemin: DocPath, trouve: str, attendu: str) -> Iterator[Problem]:
        if trouve.upper() in vus:
            yield Problem((*chemin, "id"), "id_double", {"id": trouve})
        elif trouve != attendu:
            yield Problem(
                (*chemin, "id"), "id_numerotation", {"attendu": attendu, "trouve": trouve}
            )
        vus.add(trouve.upper())

    for b, bloc in enumerate(ref.blocs):
        chemin_bloc: DocPath = ("blocs", b)
        yield from check(chemin_bloc, bloc.id, f"B{b + 1}")
        numero = 0
        for a, activite in enumerate(bloc.activites):
            for c, comp in enumerate(activite.competences):
                numero += 1
                chemin_comp: DocPath = (*chemin_bloc, "activites", a, "competences", c)
                yield from check(chemin_comp, comp.id, f"{bloc.id}.C{numero}")
                for chemin_crit, crit, n in _criteres_with_paths(comp, chemin_comp):
                    yield from check(chemin_crit, crit.id, f"{comp.id}.{n}")

    for i, corr in enumerate(ref.corrections):
        ctx = ref.contexte(corr.id)
        if ctx is None:
            yield Problem(("corrections", i, "id"), "correction_id_inconnu", {"id": corr.id})
            continue
        textes = [ctx.element.libelle]
        if ctx.critere is not None and ctx.critere.rubrique:
            textes.append(ctx.critere.rubrique)
        if not any(corr.donnees in t for t in textes):
            yield Problem(("corrections", i, "donnees"), "correction_absente", {"id": corr.id})


def _criteres_with_paths(
    comp: Competence, chemin_comp: DocPath
) -> Iterator[tuple[DocPath, Critere, int]]:
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
