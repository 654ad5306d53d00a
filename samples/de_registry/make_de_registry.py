"""Write the German-style export in this folder from the reference sample (samples/isa_cup).

The same 18 fictitious patients, as a German site network exports them: semicolon-separated,
Windows-1252, CRLF line ends, German file names, headers and coded values, dates DD.MM.YYYY
(MM.YYYY and YYYY where only partly known, ``DD.MM.YYYY hh:mm`` with a time) and weights with a
decimal comma (``68,0``). Free text (AE verbatims, medications, conditions) is kept as written.

    python samples/de_registry/make_de_registry.py      # rewrites the *.csv files here

mappings/de_registry.yaml reads the result; tests/e2e/test_de_registry.py checks that it gives
the same SDTM as the reference sample with mappings/cup_registry.yaml.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "isa_cup"

JA_NEIN = {"yes": "ja", "no": "nein"}
# file name, {reference column: German header}, {German header: {reference value: German}}
FORMS = {
    "patients": ("Patienten.csv", {
        "patient_id": "Patienten-Nr.", "site_id": "Zentrum", "site_name": "Zentrumsname",
        "country": "Land", "sex": "Geschlecht", "birth_date": "Geburtsdatum",
        "age": "Alter (Jahre)", "registration_date": "Registrierungsdatum",
        "weight_kg": "Gewicht (kg)", "height_cm": "Größe (cm)", "ecog": "ECOG",
        "diagnosis_date": "Erstdiagnose", "mm_subtype": "Subtyp",
        "prior_lines": "Anzahl Vortherapielinien", "prior_pi": "Vortherapie PI",
        "prior_lenalidomide": "Vortherapie Lenalidomid",
        "prior_pomalidomide": "Vortherapie Pomalidomid",
        "prior_anti_cd38": "Vortherapie Anti-CD38",
        "refractory_last_line": "Refraktär auf letzte Linie"}, {
        "Land": {"DEU": "Deutschland"}, "Geschlecht": {"female": "weiblich", "male": "männlich"},
        "Vortherapie PI": JA_NEIN, "Vortherapie Lenalidomid": JA_NEIN,
        "Vortherapie Pomalidomid": JA_NEIN, "Vortherapie Anti-CD38": JA_NEIN,
        "Refraktär auf letzte Linie": JA_NEIN}),
    "administrations": ("Gaben.csv", {
        "patient_id": "Patienten-Nr.", "drug": "Wirkstoff", "cycle": "Zyklus", "day": "Tag",
        "start_date": "Beginn", "end_date": "Ende", "dose": "Dosis", "dose_unit": "Einheit",
        "route": "Applikation", "frequency": "Frequenz", "adjustment": "Anpassung"}, {
        "Wirkstoff": {"isatuximab": "Isatuximab", "pomalidomide": "Pomalidomid",
                      "dexamethasone": "Dexamethason"},
        "Applikation": {"intravenous": "i.v.", "oral": "p.o."},
        "Frequenz": {"once": "einmalig", "daily": "täglich", "weekly": "wöchentlich",
                     "every 2 weeks": "14-tägig"},
        "Anpassung": {"adverse event": "unerwünschtes Ereignis"}}),
    "adverse_events": ("UE.csv", {
        "patient_id": "Patienten-Nr.", "ae_no": "UE-Nr.", "verbatim": "UE-Bezeichnung",
        "ctcae_term": "CTCAE-Begriff", "meddra_code": "MedDRA-Code", "soc": "SOC",
        "start_date": "Beginn", "end_date": "Ende", "grade": "CTCAE-Grad",
        "serious": "Schwerwiegend", "serious_criteria": "SUE-Kriterium",
        "related_isatuximab": "Kausalität Isatuximab",
        "related_pomalidomide": "Kausalität Pomalidomid",
        "related_dexamethasone": "Kausalität Dexamethason",
        "action_isatuximab": "Maßnahme Isatuximab", "outcome": "Ausgang", "aesi": "AESI"}, {
        "Schwerwiegend": JA_NEIN, "AESI": JA_NEIN,
        "SUE-Kriterium": {"hospitalization": "Hospitalisierung", "death": "Tod"},
        "Kausalität Isatuximab": {"related": "ja", "not related": "nein"},
        "Kausalität Pomalidomid": {"related": "ja", "not related": "nein"},
        "Kausalität Dexamethason": {"related": "ja", "not related": "nein"},
        "Maßnahme Isatuximab": {"dose not changed": "keine", "drug withdrawn": "abgesetzt",
                                "not applicable": "entfällt"},
        "Ausgang": {"recovered/resolved": "wiederhergestellt",
                    "not recovered/not resolved": "nicht wiederhergestellt",
                    "fatal": "tödlich"}}),
    "end_of_treatment": ("Behandlungsende.csv", {
        "patient_id": "Patienten-Nr.", "end_date": "Enddatum", "premature": "Vorzeitig",
        "reason": "Grund", "reason_other": "Grund (Sonstiges)", "death_date": "Todesdatum"}, {
        "Vorzeitig": JA_NEIN,
        "Grund": {"death": "Tod", "end of program": "Programmende",
                  "disease progression": "Krankheitsprogression", "other": "Sonstiges"}}),
    "conmeds": ("Medikation.csv", {
        "patient_id": "Patienten-Nr.", "medication": "Medikament", "category": "Kategorie",
        "line": "Linie", "start_date": "Beginn", "end_date": "Ende",
        "indication": "Indikation"}, {
        "Kategorie": {"prior anti-myeloma therapy": "Myelom-Vortherapie",
                      "concomitant": "Begleitmedikation"}}),
    "medical_history": ("Vorerkrankungen.csv", {
        "patient_id": "Patienten-Nr.", "condition": "Erkrankung", "start_date": "Seit",
        "ongoing": "Andauernd"}, {"Andauernd": JA_NEIN}),
}
DATE_COLUMNS = {"birth_date", "registration_date", "diagnosis_date", "start_date", "end_date",
                "death_date"}
DECIMAL_COMMA_COLUMNS = {"weight_kg"}


def german_date(iso: str) -> str:
    """ISO 8601 (complete or partial) as a German export writes it.

    >>> german_date("2020-07-28T09:45"), german_date("2012-04"), german_date("1946")
    ('28.07.2020 09:45', '04.2012', '1946')
    """
    if not iso:
        return ""
    date, _, time = iso.partition("T")
    out = ".".join(reversed(date.split("-")))
    return f"{out} {time}" if time else out


def german_number(text: str) -> str:
    """One decimal, decimal comma: '68' -> '68,0'."""
    return f"{float(text):.1f}".replace(".", ",") if text else ""


def german_form(form: str, reference: Path = REFERENCE) -> pd.DataFrame:
    """One reference form rewritten in the German layout (headers, values, dates, numbers)."""
    _, headers, values = FORMS[form]
    df = pd.read_csv(reference / f"{form}.csv", dtype=str, keep_default_na=False)
    missing = set(df.columns) - set(headers)
    if missing:
        raise SystemExit(f"{form}: no German header for {sorted(missing)}")
    for col in df.columns:
        if col in DATE_COLUMNS:
            df[col] = df[col].map(german_date)
        elif col in DECIMAL_COMMA_COLUMNS:
            df[col] = df[col].map(german_number)
    df = df.rename(columns=headers)
    for col, vmap in values.items():
        unknown = set(df[col]) - set(vmap) - {""}
        if unknown:
            raise SystemExit(f"{form}.{col}: no German value for {sorted(unknown)}")
        df[col] = df[col].map(lambda v, m=vmap: m.get(v, v))
    return df


def write(dst: Path = HERE, reference: Path = REFERENCE) -> list[Path]:
    """Write every form as cp1252, ';', CRLF; return the files written."""
    written = []
    for form, (name, _, _) in FORMS.items():
        df = german_form(form, reference)
        path = dst / name
        with open(path, "w", encoding="cp1252", newline="") as fh:
            out = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            out.writerow(df.columns)
            out.writerows(df.itertuples(index=False))
        written.append(path)
    return written


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
