"""Pseudonymised subject ids: a keyed hash (HMAC-SHA256) of the registry id.

The same key gives the same pseudonym in every run and every output (SDTM, FHIR, logs), so
data converted at different times can still be joined; without the key the registry id cannot
be recovered or guessed by hashing candidate ids.

>>> pseudonym("101-003", b"secret")
'P-203730D131BC'
"""
from __future__ import annotations

import hashlib
import hmac
import os

from cup2std.errors import UsageError

KEY_ENV = "CUP2STD_PSEUDONYM_KEY"
_ID_COLUMNS = ("SUBJID", "_SUBJECT")


def pseudonym(subject: str, key: bytes) -> str:
    digest = hmac.new(key, subject.encode("utf-8"), hashlib.sha256).hexdigest()
    return "P-" + digest[:12].upper()


def key_from_env(env: str = KEY_ENV) -> bytes:
    """The key from the environment; UsageError (exit 2) when unset or short. Never printed."""
    key = os.environ.get(env, "")
    if len(key) < 16:
        raise UsageError(f"--pseudonymise needs a key of at least 16 characters in the "
                         f"environment variable {env} (it is {'unset' if not key else 'too short'})")
    return key.encode("utf-8")


def pseudonymise_hub(hub, key: bytes) -> dict[str, str]:
    """Replace subject ids everywhere in the hub and its ledger; return raw -> pseudonym."""
    spec = hub.spec
    dm = hub.frames["DM"]
    raw_ids = dm["_SUBJECT"] if "_SUBJECT" in dm else dm["SUBJID"]
    table = {str(s): pseudonym(str(s), key) for s in raw_ids}
    usubjid = {spec.study["usubjid"].format(STUDYID=spec.studyid, SUBJID=s):
               spec.study["usubjid"].format(STUDYID=spec.studyid, SUBJID=p)
               for s, p in table.items()}
    for df in hub.frames.values():
        for col in _ID_COLUMNS:
            if col in df:
                df[col] = df[col].map(lambda v: table.get(str(v), v))
        if "USUBJID" in df:
            df["USUBJID"] = df["USUBJID"].map(lambda v: usubjid.get(str(v), v))
    hub.invalidate()
    for f in hub.ledger.findings:
        if f.subject:
            f.subject = usubjid.get(f.subject) or pseudonym(f.subject, key)
    for r in hub.ledger.rejects:  # rejected rows may name subjects that are not enrolled
        if r.subject:
            ps = table.get(r.subject) or pseudonym(r.subject, key)
            r.reason = r.reason.replace(r.subject, ps)
            r.value = ps if r.value == r.subject else r.value
            r.subject = ps
    return table
