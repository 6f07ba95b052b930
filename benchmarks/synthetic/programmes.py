"""What job orders look like per programme and destination: shares, workplaces,
employers, wage units, age windows, contract lengths and slots."""

from __future__ import annotations

from collections.abc import Mapping

from benchmarks.synthetic.settings import Record

PROGRAMME_SHARES: Mapping[str, float] = {
    "JP-SSW1": 0.40,
    "JP-SSW2": 0.04,
    "JP-TITP": 0.10,
    "KR-EPS": 0.18,
    "TW-FACTORY": 0.12,
    "MY-PLKS": 0.09,
    "DE-SKILLED": 0.07,
}
"""Share of job orders per programme (counts are exact shares of ``n_vacancies``, rounded)."""

DENSE_PROGRAMME_SHARES: Mapping[str, float] = {
    "JP-SSW1": 0.10,
    "JP-SSW2": 0.01,
    "JP-TITP": 0.10,
    "KR-EPS": 0.05,
    "TW-FACTORY": 0.35,
    "MY-PLKS": 0.35,
    "DE-SKILLED": 0.04,
}
"""Shares in a dense pool: most job orders in the programmes without a statutory test or
age cap (the rule packs require a skills test and a language test for JP-SSW1 and KR-EPS,
which most workers have not taken, and JP-TITP takes no one over 26)."""


PROGRAMME_COUNTRY = {
    "JP-SSW1": "JP", "JP-SSW2": "JP", "JP-TITP": "JP", "KR-EPS": "KR", "TW-FACTORY": "TW",
    "MY-PLKS": "MY", "DE-SKILLED": "DE",
}  # fmt: skip
CURRENCY = {"JP": "JPY", "KR": "KRW", "TW": "TWD", "MY": "MYR", "DE": "EUR"}


# Workplaces: Japan's manufacturing prefectures weigh most (FORMAT.md: English names).
REGIONS: Mapping[str, tuple[tuple[str, float], ...]] = {
    "JP": (
        ("Aichi", 14.0), ("Shizuoka", 7.0), ("Osaka", 7.0), ("Saitama", 6.0), ("Gifu", 5.0),
        ("Gunma", 5.0), ("Ibaraki", 5.0), ("Hyogo", 5.0), ("Mie", 4.0), ("Tochigi", 4.0),
        ("Kanagawa", 4.0), ("Hiroshima", 4.0), ("Fukuoka", 3.0), ("Niigata", 3.0),
        ("Nagano", 3.0), ("Chiba", 3.0), ("Tokyo", 2.0), ("Okayama", 2.0), ("Kumamoto", 2.0),
        ("Toyama", 2.0), ("Shiga", 2.0), ("Yamagata", 1.0), ("Miyagi", 1.0), ("Kagawa", 1.0),
        ("Hokkaido", 1.0), ("Miyazaki", 1.0), ("Kagoshima", 1.0), ("Akita", 1.0),
        ("Aomori", 1.0), ("Okinawa", 0.5), ("Kochi", 0.5),
    ),
    "KR": (
        ("Gyeonggi", 10.0), ("South Gyeongsang", 5.0), ("North Chungcheong", 3.0),
        ("North Gyeongsang", 3.0), ("Incheon", 3.0), ("South Chungcheong", 3.0),
        ("Busan", 2.0), ("Daegu", 2.0), ("Ulsan", 1.0), ("Gwangju", 1.0),
    ),
    "TW": (
        ("Taoyuan", 6.0), ("Taichung", 5.0), ("New Taipei", 4.0), ("Tainan", 3.0),
        ("Kaohsiung", 3.0), ("Changhua", 3.0), ("Hsinchu County", 1.0),
    ),
    "MY": (
        ("Johor", 6.0), ("Selangor", 6.0), ("Penang", 5.0), ("Perak", 2.0), ("Kedah", 2.0),
        ("Negeri Sembilan", 2.0), ("Melaka", 1.0),
    ),
    "DE": (
        ("Bavaria", 5.0), ("Baden-Württemberg", 5.0), ("North Rhine-Westphalia", 4.0),
        ("Lower Saxony", 2.0), ("Hesse", 2.0), ("Saxony", 2.0), ("Thuringia", 1.0),
    ),
}  # fmt: skip

EMPLOYER_WORDS: Mapping[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "JP": (
        ("Tokai", "Chubu", "Kanto", "Kansai", "Sanyo", "Hokuriku", "Shinshu", "Mikawa", "Owari",
         "Kyushu", "Tohoku", "Seto", "Asahi", "Daiichi", "Yamato", "Sakura", "Midori", "Hikari"),
        ("Seiko", "Kogyo", "Tekko", "Denki", "Denshi", "Shokuhin", "Kasei", "Kinzoku", "Seimitsu",
         "Sangyo", "Foods", "Plastics"),
        ("K.K.", "Co., Ltd."),
    ),
    "KR": (
        ("Daehan", "Hanil", "Dongbang", "Samil", "Sungjin", "Woojin", "Kukje", "Dongil",
         "Yeongnam", "Jungang", "Hanseong", "Saehan"),
        ("Precision", "Metal", "Industrial", "Electronics", "Plastics", "Foods", "Tech"),
        ("Co., Ltd.",),
    ),
    "TW": (
        ("Yung Sheng", "Hua Fu", "Tai Ming", "Jin Kuo", "Chang Hsin", "Sheng Tai", "Fu Hua",
         "Ming Yang", "Kuo Feng"),
        ("Industrial", "Electronics", "Textile", "Metal", "Plastic", "Precision"),
        ("Co., Ltd.",),
    ),
    "MY": (
        ("Mega", "Prima", "Jaya", "Bina", "Sinar", "Harta", "Mutiara", "Bintang", "Cahaya"),
        ("Glove", "Electronics", "Plastik", "Industries", "Manufacturing", "Food"),
        ("Sdn. Bhd.",),
    ),
    "DE": (
        ("Müller", "Schneider", "Becker", "Hoffmann", "Wagner", "Schulz", "Neumann", "Krüger"),
        ("Metallbau", "Präzisionstechnik", "Maschinenbau", "Schweißtechnik", "Elektrotechnik",
         "Fertigung"),
        ("GmbH", "GmbH & Co. KG"),
    ),
}  # fmt: skip


# Offered wage unit and rounding step per programme (the unit each destination publishes
# its floor in, so every wage is checkable).
WAGE_UNIT: Mapping[str, tuple[tuple[str, float, float], ...]] = {
    # (per, step, share)
    "JP": (("hour", 10.0, 1.0),),
    "KR": (("month", 10_000.0, 0.8), ("hour", 10.0, 0.2)),
    "TW": (("month", 100.0, 0.85), ("hour", 1.0, 0.15)),
    "MY": (("month", 50.0, 1.0),),
    "DE": (("hour", 0.05, 1.0),),
}


# Age windows job orders state, with their weights (None: no window).
AGE_WINDOWS: Mapping[str, tuple[tuple[Record | None, float], ...]] = {
    "JP-SSW1": (({"min": 18, "max": 35}, 3), ({"min": 18, "max": 30}, 1),
                ({"min": 18, "max": 40}, 1), ({"min": 18}, 2), (None, 3)),
    "JP-SSW2": (({"min": 21}, 1), (None, 3)),
    "JP-TITP": (({"min": 18, "max": 26}, 7), (None, 3)),
    "KR-EPS": (({"min": 18, "max": 39}, 5), ({"min": 20, "max": 35}, 2), (None, 3)),
    "TW-FACTORY": (({"min": 20, "max": 35}, 3), ({"min": 20, "max": 45}, 2),
                   ({"min": 20, "max": 40}, 1), (None, 4)),
    "MY-PLKS": (({"min": 18, "max": 45}, 4), ({"min": 21, "max": 40}, 2), (None, 4)),
    "DE-SKILLED": (({"min": 21}, 1), (None, 6)),
}  # fmt: skip


CONTRACT_MONTHS: Mapping[str, tuple[int, ...]] = {
    "JP-SSW1": (12, 24, 36, 36, 36),
    "JP-SSW2": (36, 60),
    "JP-TITP": (36,),
    "KR-EPS": (36,),
    "TW-FACTORY": (36,),
    "MY-PLKS": (24, 36, 36),
    "DE-SKILLED": (24, 36, 48),
}
SLOTS: Mapping[str, tuple[int, int]] = {
    "JP-SSW1": (1, 15), "JP-SSW2": (1, 4), "JP-TITP": (3, 12), "KR-EPS": (1, 8),
    "TW-FACTORY": (5, 40), "MY-PLKS": (10, 80), "DE-SKILLED": (1, 6),
}  # fmt: skip
