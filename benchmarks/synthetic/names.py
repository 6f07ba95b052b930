"""Workers' names, following the naming customs of their province."""

from __future__ import annotations

from benchmarks.synthetic.draws import FastRandom

# Names. Javanese, Sundanese, NTT, Batak and Balinese naming customs differ; the mix
# follows the province so that fairness audits see plausible records.
_FIRST_M = (
    "Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Irfan", "Joko", "Rizky", "Ahmad",
    "Muhammad", "Arif", "Bayu", "Dimas", "Andi", "Rudi", "Wahyu", "Yudi", "Slamet", "Bambang",
    "Teguh", "Heri", "Iwan", "Adi", "Rahmat", "Dani", "Ilham", "Fikri", "Aldi", "Rian", "Ari",
    "Taufik", "Hadi", "Edi", "Yoga", "Galih", "Firman", "Nanang", "Rendi", "Fauzan",
)  # fmt: skip
_FIRST_F = (
    "Siti", "Sri", "Dewi", "Rina", "Nur", "Ayu", "Putri", "Indah", "Wulan", "Yuni", "Fitri",
    "Ratna", "Sari", "Rini", "Eka", "Dwi", "Tri", "Novi", "Nia", "Lina", "Ani", "Yanti",
    "Desi", "Maya", "Kartika", "Anisa", "Nurul", "Rahma", "Intan", "Mega", "Tuti", "Umi",
)  # fmt: skip
_LAST_M = (
    "Setiawan", "Saputra", "Hidayat", "Kurniawan", "Pratama", "Nugroho", "Santoso", "Wijaya",
    "Prasetyo", "Susanto", "Gunawan", "Firmansyah", "Ramadhan", "Maulana", "Hermawan",
    "Purnomo", "Wibowo", "Hakim", "Syahputra", "Permana",
)  # fmt: skip
_LAST_F = (
    "Rahmawati", "Lestari", "Wahyuni", "Handayani", "Kurniasih", "Susanti", "Puspitasari",
    "Anggraini", "Safitri", "Utami", "Pratiwi", "Hidayati", "Yuliani", "Marlina", "Nurhayati",
    "Kusumawati", "Rahayu", "Fitriani", "Permatasari", "Maharani",
)  # fmt: skip
_MONONYM_M = ("Sutrisno", "Supriyadi", "Suparman", "Sugianto", "Mulyono", "Wagiman", "Sukirno",
              "Parno")  # fmt: skip
_MONONYM_F = ("Suparmi", "Sumarni", "Sulastri", "Tumini", "Karsini", "Wartini", "Sarinah",
              "Painem")  # fmt: skip
_SUNDA_M = ("Asep", "Ujang", "Dadang", "Cecep", "Ade", "Deden", "Yayan", "Encep")
_SUNDA_F = ("Euis", "Neng", "Iis", "Imas", "Cucu", "Enok", "Lilis", "Yati")
_NTT_M = ("Yohanes", "Markus", "Petrus", "Yosef", "Fransiskus", "Agustinus", "Stefanus",
          "Kornelis", "Yakobus", "Aloysius")  # fmt: skip
_NTT_F = ("Maria", "Yuliana", "Agustina", "Veronika", "Theresia", "Elisabeth", "Margaretha",
          "Yosefina", "Katarina", "Florentina")  # fmt: skip
_NTT_LAST = ("Ndun", "Lake", "Bria", "Seran", "Tefa", "Nahak", "Mau", "Kase", "Bere", "Nggadas")
_BATAK_LAST = ("Siregar", "Nasution", "Simanjuntak", "Harahap", "Lubis", "Sitompul",
               "Panjaitan", "Hutapea", "Sinaga", "Manurung")  # fmt: skip
_BALI_M = ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Kadek", "I Komang", "I Gede")
_BALI_F = ("Ni Luh", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Kadek", "Ni Komang")
_BALI_GIVEN_M = ("Suardana", "Artawan", "Sudarsana", "Wirawan", "Adnyana", "Mahendra", "Arsana")
_BALI_GIVEN_F = ("Sriasih", "Ariani", "Suartini", "Widiastuti", "Puspita", "Sukmawati", "Darmini")


def draw_name(female: bool, province: str, rnd: FastRandom) -> str:
    roll = rnd.random()
    choice = rnd.choice
    if province == "Bali":
        prefix = choice(_BALI_F if female else _BALI_M)
        return f"{prefix} {choice(_BALI_GIVEN_F if female else _BALI_GIVEN_M)}"
    if province == "Nusa Tenggara Timur" and roll < 0.7:
        return f"{choice(_NTT_F if female else _NTT_M)} {choice(_NTT_LAST)}"
    first = choice(_FIRST_F if female else _FIRST_M)
    if province in ("Jawa Barat", "Banten") and roll < 0.35:
        first = choice(_SUNDA_F if female else _SUNDA_M)
    if province == "Sumatera Utara" and roll < 0.7:
        return f"{first} {choice(_BATAK_LAST)}"
    if province in ("Jawa Tengah", "Jawa Timur", "DI Yogyakarta") and roll < 0.15:
        return choice(_MONONYM_F if female else _MONONYM_M)
    if roll < 0.25:
        return first
    return f"{first} {choice(_LAST_F if female else _LAST_M)}"
