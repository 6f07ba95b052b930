"""The agency (P3MI) register."""

from __future__ import annotations

import datetime as dt
import random

from benchmarks.synthetic.days import add_years
from benchmarks.synthetic.settings import AGENCY_STREAM, AS_OF, SEED, Record

_AGENCY_WORDS = (
    ("Sinar", "Karya", "Bina", "Mitra", "Jaya", "Cahaya", "Putra", "Mandiri", "Surya", "Duta",
     "Lintas", "Graha", "Harapan", "Anugerah", "Sentosa", "Prima", "Bumi", "Mega"),
    ("Harapan", "Mandiri", "Tenaga", "Kerja", "Abadi", "Sejahtera", "Nusantara", "Global",
     "Utama", "Samudera", "Insani", "Persada", "Makmur", "Bersama"),
    ("Penempatan", "Global", "Manpower", "Internasional", "Indonesia", "Sejahtera", "Nusantara",
     "Perkasa"),
)  # fmt: skip


def generate_agencies(
    n_agencies: int = 30, *, seed: int = SEED, as_of: dt.date = AS_OF
) -> list[Record]:
    """Generate an agency (P3MI) register: mostly active, a few suspended, revoked or expired.

    Parameters
    ----------
    n_agencies : int
        Number of agencies (at least 1). About 1 in 15 each is suspended, revoked (on a date
        before ``as_of``) and expired (``valid_until`` before ``as_of``); from 10 agencies on,
        at least one of each.
    seed : int
        Random seed.
    as_of : datetime.date
        Evaluation date the statuses refer to.

    Returns
    -------
    list of dict
        Agency records with ids ``P3MI-0001`` upwards; every one validates with
        ``models.agency.Agency``.
    """
    if n_agencies < 1:
        raise ValueError(f"n_agencies must be at least 1; got {n_agencies}")
    rnd = random.Random(f"selaras-pool:{seed}:{AGENCY_STREAM}")
    bad = [max(1, round(n_agencies / 15)) if n_agencies >= 10 else 0] * 3
    statuses = ["suspended"] * bad[0] + ["revoked"] * bad[1] + ["expired"] * bad[2]
    statuses += ["active"] * (n_agencies - len(statuses))
    rnd.shuffle(statuses)
    today = as_of.toordinal()
    used_names: list[str] = []
    agencies = []
    for index, status in enumerate(statuses, start=1):
        for _attempt in range(100):
            words = [rnd.choice(choices) for choices in _AGENCY_WORDS]
            name = "PT " + " ".join(words)
            if len(set(words)) == len(words) and name not in used_names:
                break
        else:  # a register larger than the word lists allow: number the name
            name = f"{name} {index}"
        used_names.append(name)
        if status == "expired":
            valid_until = dt.date.fromordinal(today - rnd.randint(20, 700))
            valid_from = add_years(valid_until, -5)
        else:
            valid_from = dt.date.fromordinal(today - rnd.randint(60, 5 * 365 - 60))
            valid_until = add_years(valid_from, 5)
        revoked_on = None
        if status == "revoked":
            span = min(today, valid_until.toordinal()) - valid_from.toordinal()
            revoked_on = dt.date.fromordinal(valid_from.toordinal() + rnd.randint(30, span - 1))
        agencies.append(
            {
                "id": f"P3MI-{index:04d}",
                "name": name,
                "licence": f"SIP3MI {rnd.randint(1, 400):03d}/{valid_from.year}",
                "status": status,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
                "revoked_on": None if revoked_on is None else revoked_on.isoformat(),
            }
        )
    return agencies
