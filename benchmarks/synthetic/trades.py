"""Trades: the skills, jobs and certificates that go together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """A trade: the skills, jobs and certificates that go together.

    ``concepts`` are taxonomy ids, commonest first; ``jobs`` are (title as written, ISCO-08);
    ``ssw`` the Japanese SSW (i) test categories the trade sits; ``bnsp`` (certificate
    name, skill as written) of LSP schemes.
    """

    name: str
    weight_m: float
    weight_f: float
    technical: bool
    concepts: tuple[str, ...]
    jobs: tuple[tuple[str, str], ...]
    ssw: tuple[str, ...] = ()
    bnsp: tuple[tuple[str, str], ...] = ()


FAMILIES: tuple[Family, ...] = (
    Family(
        "welding", 14.0, 0.6, True,
        ("smaw-welding", "gmaw-welding", "gtaw-welding", "welding", "fcaw-welding",
         "pipe-welding", "oxy-fuel-cutting", "grinding", "technical-drawing-reading"),
        (("juru las", "7212"), ("welder", "7212"), ("tukang las", "7212"),
         ("welder fabrikasi", "7212"), ("operator las", "7212"), ("helper fabrikasi", "9329")),
        ssw=("welding",),
        bnsp=(("Juru Las SMAW 3G", "las listrik"), ("Juru Las SMAW 2G", "SMAW welding"),
              ("Juru Las GMAW 3F", "las co2"), ("Juru Las GTAW 6G", "las argon"),
              ("Juru Las Pipa 6G", "pengelasan pipa")),
    ),
    Family(
        "machining", 10.0, 1.5, True,
        ("cnc-machining", "cnc-turning", "lathe-turning", "cnc-milling", "milling", "grinding",
         "drilling", "technical-drawing-reading", "precision-measuring"),
        (("operator CNC", "7223"), ("operator bubut", "7223"), ("machinist", "7223"),
         ("operator mesin frais", "7223"), ("setter CNC", "7223")),
        ssw=("machining",),
        bnsp=(("Operator Mesin Bubut CNC", "CNC turning"), ("Operator Mesin Frais", "frais"),
              ("Operator Mesin Bubut Konvensional", "bubut")),
    ),
    Family(
        "metalwork", 5.0, 0.8, True,
        ("metal-pressing", "sheet-metal-work", "die-casting", "casting", "metal-bending",
         "forging", "deburring", "metal-fabrication"),
        (("operator press", "7223"), ("operator stamping", "7223"),
         ("operator die casting", "8121"), ("pekerja pengecoran", "7211"),
         ("tukang plat", "7213"), ("fabrikator", "7214")),
        ssw=("metal pressing", "factory sheet metal", "die casting", "casting", "forging"),
        bnsp=(("Pekerja Pelat Logam", "kerja plat"),),
    ),
    Family(
        "electronics", 4.0, 14.0, True,
        ("electronics-assembly", "pcb-assembly", "electronics-soldering", "wire-harness-assembly",
         "electrical-equipment-assembly", "electronics-testing", "visual-inspection"),
        (("operator produksi elektronik", "8212"), ("operator SMT", "8212"),
         ("operator wiring harness", "8212"), ("assembler elektronik", "8212"),
         ("operator QC elektronik", "7543")),
        ssw=("electronic equipment assembly", "electrical equipment assembly",
             "printed circuit board manufacturing"),
        bnsp=(("Perakitan Elektronika", "perakitan elektronik"),),
    ),
    Family(
        "assembly", 8.0, 5.0, True,
        ("assembly", "mechanical-assembly", "automotive-assembly", "hand-tools", "5s",
         "visual-inspection"),
        (("operator assembly", "8211"), ("operator perakitan mesin", "8211"),
         ("operator assy otomotif", "8211"), ("operator produksi", "9329")),
    ),
    Family(
        "plastics", 4.0, 3.0, True,
        ("injection-moulding", "plastic-moulding", "plastic-extrusion", "blow-moulding",
         "visual-inspection"),
        (("operator injeksi", "8142"), ("operator mesin plastik", "8142"),
         ("operator extruder", "8142")),
        ssw=("plastic moulding",),
    ),
    Family(
        "painting", 3.0, 0.7, True,
        ("spray-painting", "painting", "powder-coating", "automotive-painting"),
        (("tukang cat", "7132"), ("operator painting", "7132"),
         ("operator powder coating", "7132")),
        ssw=("painting",),
        bnsp=(("Pengecatan Industri", "pengecatan"),),
    ),
    Family(
        "surface", 1.5, 0.8, True,
        ("electroplating", "anodizing", "galvanizing", "metal-polishing", "surface-treatment"),
        (("operator plating", "8122"), ("operator polishing", "7224")),
        ssw=("plating", "aluminium anodizing"),
    ),
    Family(
        "maintenance", 5.0, 0.5, True,
        ("machine-maintenance", "mechanical-maintenance", "electrical-maintenance",
         "industrial-electrical-work", "hydraulics", "pneumatics", "plc-programming",
         "electrical-work"),
        (("teknisi maintenance", "7233"), ("mekanik mesin", "7233"), ("teknisi listrik", "7412"),
         ("electrician", "7411")),
        ssw=("machine maintenance",),
        bnsp=(("Teknisi Perawatan Mesin Industri", "perawatan mesin"),
              ("Instalatir Listrik", "instalasi listrik")),
    ),
    Family(
        "quality", 2.0, 3.0, False,
        ("quality-control", "visual-inspection", "machine-inspection", "precision-measuring",
         "statistical-process-control"),
        (("QC inspector", "7543"), ("operator QC", "7543"), ("checker", "7543")),
        ssw=("machine inspection",),
    ),
    Family(
        "food", 4.0, 10.0, False,
        ("food-processing", "food-machine-operation", "prepared-food-production", "bakery",
         "fish-processing", "meat-processing", "food-safety-hygiene", "hand-packing"),
        (("operator produksi makanan", "8160"), ("karyawan pabrik roti", "7512"),
         ("pekerja pengolahan ikan", "7511"), ("helper dapur produksi", "9329"),
         ("operator filling", "8160")),
        ssw=("food manufacturing",),
        bnsp=(("Pengolah Makanan", "pengolahan makanan"),),
    ),
    Family(
        "garment", 1.5, 10.0, False,
        ("sewing", "industrial-sewing-machine-operation", "overlock-sewing", "garment-cutting",
         "garment-pressing", "garment-quality-control", "embroidery"),
        (("operator jahit", "8153"), ("penjahit", "7533"), ("operator obras", "8153"),
         ("QC garmen", "7543"), ("cutting garmen", "7532")),
        bnsp=(("Operator Mesin Jahit", "menjahit"),),
    ),
    Family(
        "textile", 1.5, 3.0, False,
        ("textile-production", "weaving", "spinning", "knitting", "textile-dyeing"),
        (("operator tenun", "8152"), ("operator spinning", "8151"), ("operator dyeing", "8154")),
    ),
    Family(
        "production", 9.0, 10.0, False,
        ("production-work", "machine-operation", "production-helper", "packing", "hand-packing",
         "packing-machine-operation", "visual-inspection", "5s"),
        (("operator produksi", "9329"), ("helper produksi", "9329"), ("operator mesin", "8189"),
         ("packer", "9321"), ("operator packing", "8183")),
        ssw=("industrial packing",),
    ),
    Family(
        "logistics", 6.0, 1.0, False,
        ("forklift-operation", "warehouse-work", "material-handling", "inventory-control",
         "crane-operation"),
        (("operator forklift", "8344"), ("staf gudang", "9333"), ("helper gudang", "9333"),
         ("admin gudang", "4321")),
    ),
    Family(
        "rubber", 1.5, 2.0, False,
        ("rubber-products", "rubber-moulding", "tyre-manufacturing", "visual-inspection"),
        (("operator karet", "8141"), ("operator pabrik ban", "8141")),
    ),
    Family(
        "woodworking", 3.0, 1.0, False,
        ("woodworking", "furniture-making", "wood-machine-operation", "wood-finishing",
         "sawmill-operation"),
        (("tukang kayu", "7522"), ("operator mesin kayu", "7523"), ("finishing mebel", "7132")),
    ),
    Family(
        "automotive", 4.0, 0.2, True,
        ("automotive-mechanic", "motorcycle-mechanic", "automotive-electrical", "hand-tools"),
        (("mekanik bengkel", "7231"), ("montir motor", "7231")),
    ),
)  # fmt: skip


# Skills any worker may add beside the trade's.
GENERAL_SKILLS: tuple[tuple[str, float], ...] = (
    ("production-work", 3.0),
    ("quality-control", 1.5),
    ("5s", 1.5),
    ("forklift-operation", 1.0),
    ("occupational-safety-health", 1.0),
    ("technical-drawing-reading", 1.0),
    ("hand-tools", 1.0),
    ("packing", 1.0),
    ("visual-inspection", 1.0),
)
# Things people list that are not manufacturing skills (the normalizer must say "unknown").
OUTSIDE_SKILLS = (
    "mengemudi mobil", "komputer", "ms office", "kasir", "bertani", "sopir", "admin",
    "bahasa inggris", "satpam", "memasak",
)  # fmt: skip


PRODUCTION = next(f for f in FAMILIES if f.name == "production")
