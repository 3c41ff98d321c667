"""Reading a spreadsheet into rows of text: CSV (whatever Excel wrote) or XLSX (openpyxl), for
the import of candidates — from the command line, or uploaded in the web chat.

Why openpyxl: the maintained library for Excel's own format, in pure Python; read-only mode
streams the rows of large sheets. A formula is read as the formula (``=…``), never run or
replaced by a cached value: the import refuses it, cell by cell (``flows.inscription``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from flows import catalogue as txt


class Illisible(Exception):
    """The file cannot be read as a table: the French message says why and what to do."""


def lire(chemin: Path) -> tuple[list[list[str]], list[str]]:
    """The rows of the file's first table, each cell as text; and what the reader should know
    (an encoding guessed)."""
    return lire_contenu(chemin.name, chemin.read_bytes())


def lire_contenu(nom: str, contenu: bytes) -> tuple[list[list[str]], list[str]]:
    """The same for a file's bytes and name (an upload from the web chat)."""
    suffixe = Path(nom).suffix.lower()
    if suffixe == ".csv":
        return _csv(contenu)
    if suffixe in (".xlsx", ".xlsm"):
        return _xlsx(contenu), []
    raise Illisible(txt.INS_FORMAT_INCONNU)


def _csv(contenu: bytes) -> tuple[list[list[str]], list[str]]:
    notes: list[str] = []
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        texte = contenu.decode("utf-16")
    else:
        try:
            texte = contenu.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                texte = contenu.decode("cp1252")  # what Excel in French writes as « CSV »
            except UnicodeDecodeError:
                raise Illisible(txt.INS_ENCODAGE) from None
            notes.append(txt.INS_LU_EN_LATIN1)
    if "\x00" in texte:
        raise Illisible(txt.INS_ENCODAGE)
    premiere = texte.split("\n", 1)[0]
    separateur = max(";,\t", key=premiere.count)  # Excel in French separates with « ; »
    try:
        lignes = [list(ligne) for ligne in csv.reader(io.StringIO(texte), delimiter=separateur)]
    except csv.Error as exc:  # an unclosed quote running over the whole file, say
        raise Illisible(txt.INS_CSV_ILLISIBLE.format(detail=str(exc)[:120])) from None
    return lignes, notes


def _xlsx(contenu: bytes) -> list[list[str]]:
    import openpyxl  # only when a workbook is read

    try:
        classeur = openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Illisible(txt.INS_XLSX_ILLISIBLE.format(detail=type(exc).__name__)) from None
    try:
        feuille = classeur.worksheets[0]
        return [[_texte(v) for v in ligne] for ligne in feuille.iter_rows(values_only=True)]
    except (ParseError, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        # The sheet itself damaged (read-only mode reads it only now, row by row).
        raise Illisible(txt.INS_XLSX_ILLISIBLE.format(detail=type(exc).__name__)) from None
    finally:
        classeur.close()


def _texte(valeur: object) -> str:
    """A cell as the text a person sees: 42 not 42.0, a date as AAAA-MM-JJ."""
    if valeur is None:
        return ""
    if isinstance(valeur, datetime):
        return valeur.date().isoformat() if valeur.time() == datetime.min.time() else str(valeur)
    if isinstance(valeur, date):
        return valeur.isoformat()
    if isinstance(valeur, float) and valeur.is_integer():
        return str(int(valeur))
    return str(valeur)
