"""Who the workers are: ages, sexes, provinces, schooling, the destination each prepares
for and the wage each asks for."""

from __future__ import annotations

# Age on ``as_of``: 0.5% under 18 (16-17, still in training), 88% 18-35 peaking at 21-24,
# 11.5% 36-45. Relative weights within each band.
AGE_BANDS: tuple[tuple[float, dict[int, float]], ...] = (
    (0.005, {16: 1.0, 17: 4.0}),
    (
        0.880,
        {18: 2.5, 19: 4.5, 20: 5.5, 21: 6.2, 22: 6.5, 23: 6.5, 24: 6.3, 25: 6.0, 26: 5.6,
         27: 5.2, 28: 4.8, 29: 4.4, 30: 4.0, 31: 3.6, 32: 3.3, 33: 3.0, 34: 2.7, 35: 2.4},
    ),
    (0.115, {36: 2.0, 37: 1.7, 38: 1.5, 39: 1.3, 40: 1.1, 41: 0.9, 42: 0.8, 43: 0.7, 44: 0.6,
             45: 0.5}),
)  # fmt: skip
FEMALE_SHARE = 0.40


# Sending provinces (BP2MI placement statistics rank Jawa Timur, Jawa Tengah, Jawa Barat,
# NTB, Lampung and Sumatera Utara highest), with BPS regency codes for the NIK.
PROVINCES: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("Jawa Timur", 22.0, ("3501", "3502", "3503", "3504", "3505", "3506", "3507", "3508",
                          "3509", "3510", "3518", "3519", "3520", "3522", "3524")),
    ("Jawa Tengah", 19.0, ("3301", "3302", "3303", "3304", "3305", "3307", "3310", "3315",
                           "3318", "3324", "3328", "3329")),
    ("Jawa Barat", 17.0, ("3201", "3202", "3203", "3204", "3205", "3206", "3207", "3208",
                          "3209", "3210", "3212", "3213", "3214", "3215", "3216", "3273")),
    ("Nusa Tenggara Barat", 10.0, ("5201", "5202", "5203", "5204", "5206", "5208")),
    ("Lampung", 7.0, ("1801", "1802", "1803", "1804", "1805", "1806", "1807", "1808")),
    ("Nusa Tenggara Timur", 6.0, ("5301", "5302", "5303", "5304", "5305", "5306", "5309",
                                  "5310", "5371")),
    ("Sumatera Utara", 5.0, ("1204", "1207", "1208", "1209", "1212", "1271")),
    ("Banten", 3.5, ("3601", "3602", "3603", "3604")),
    ("Bali", 2.5, ("5101", "5102", "5106", "5107", "5108")),
    ("DI Yogyakarta", 2.0, ("3401", "3402", "3403", "3404")),
    ("Sulawesi Selatan", 2.5, ("7302", "7303", "7304", "7313", "7314")),
    ("Sumatera Selatan", 2.0, ("1601", "1602", "1603", "1604")),
    ("Kalimantan Barat", 1.5, ("6101", "6102", "6103")),
)  # fmt: skip


EDUCATION = ("SD", "SMP", "MTs", "SMA", "MA", "SMK", "Paket C", "D3", "S1")
EDUCATION_WEIGHTS = {
    "general": (8.0, 21.0, 3.0, 27.0, 3.0, 28.0, 2.5, 5.0, 2.5),
    "technical": (3.0, 12.0, 2.0, 18.0, 2.0, 52.0, 1.5, 7.5, 2.0),
    "DE-SKILLED": (0.0, 0.0, 0.0, 4.0, 0.0, 58.0, 0.0, 30.0, 8.0),
}


# The destination a worker prepares for drives language tests, skills tests and preferences.
TRACKS: tuple[tuple[str | None, float], ...] = (
    ("JP-SSW1", 30.0),
    ("JP-TITP", 12.0),
    ("KR-EPS", 20.0),
    ("TW-FACTORY", 15.0),
    ("MY-PLKS", 12.0),
    ("DE-SKILLED", 4.0),
    (None, 7.0),
)
TRACK_COUNTRY = {
    "JP-SSW1": "JP", "JP-TITP": "JP", "KR-EPS": "KR", "TW-FACTORY": "TW", "MY-PLKS": "MY",
    "DE-SKILLED": "DE",
}  # fmt: skip
COUNTRIES = ("JP", "KR", "TW", "MY", "DE")
# Monthly wage a worker asks for, in IDR, by preferred country (min, max).
WAGE_WISH_IDR = {
    "JP": (8_000_000, 20_000_000), "KR": (10_000_000, 26_000_000), "TW": (7_000_000, 15_000_000),
    "MY": (4_000_000, 9_000_000), "DE": (15_000_000, 38_000_000),
}  # fmt: skip
