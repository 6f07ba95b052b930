"""Job-order templates: title, ISCO-08 code, the skills asked for, the programmes using it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A job-order template: title, ISCO-08, the skill asked for and the programmes using it."""

    title: str
    isco: str
    main: str
    extras: tuple[str, ...]
    programmes: Mapping[str, float]
    sex_if_flagged: str = "M"


JOBS: tuple[Job, ...] = (
    Job("Welder (SMAW/MMAW)", "7212", "smaw-welding",
         ("gmaw-welding", "technical-drawing-reading"),
         {"JP-SSW1": 3, "JP-SSW2": 3, "JP-TITP": 1, "KR-EPS": 2, "TW-FACTORY": 1, "DE-SKILLED": 3}),
    Job("Welder (CO2/MAG semi-automatic)", "7212", "gmaw-welding", ("smaw-welding", "grinding"),
         {"JP-SSW1": 3, "JP-SSW2": 2, "JP-TITP": 2, "KR-EPS": 2, "DE-SKILLED": 2}),
    Job("TIG welder (stainless)", "7212", "gtaw-welding", ("technical-drawing-reading",),
         {"JP-SSW1": 1, "JP-SSW2": 1, "DE-SKILLED": 2}),
    Job("CNC lathe operator", "7223", "cnc-turning", ("technical-drawing-reading",
         "precision-measuring"), {"JP-SSW1": 3, "JP-SSW2": 2, "KR-EPS": 1, "TW-FACTORY": 1,
         "DE-SKILLED": 3}),
    Job("CNC machining centre operator", "7223", "cnc-milling", ("precision-measuring",),
         {"JP-SSW1": 2, "JP-SSW2": 1, "TW-FACTORY": 1, "DE-SKILLED": 2}),
    Job("Machine tool operator (lathe, milling)", "7223", "lathe-turning", ("milling",),
         {"JP-SSW1": 2, "JP-TITP": 2, "KR-EPS": 1}),
    Job("Metal press operator", "7223", "metal-pressing", ("visual-inspection",),
         {"JP-SSW1": 2, "JP-TITP": 2, "KR-EPS": 2, "TW-FACTORY": 1}),
    Job("Sheet metal worker", "7213", "sheet-metal-work", ("metal-bending", "gmaw-welding"),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1, "DE-SKILLED": 1}),
    Job("Die casting operator", "8121", "die-casting", ("deburring",),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1}),
    Job("Foundry worker (casting)", "7211", "casting", ("metal-melting",),
         {"JP-SSW1": 1, "KR-EPS": 1}),
    Job("Electronics assembly operator", "8212", "electronics-assembly",
         ("electronics-soldering", "visual-inspection"),
         {"JP-SSW1": 3, "JP-TITP": 2, "KR-EPS": 1, "TW-FACTORY": 4, "MY-PLKS": 4}, "F"),
    Job("SMT / PCB assembly operator", "8212", "pcb-assembly", ("electronics-soldering",),
         {"JP-SSW1": 1, "TW-FACTORY": 2, "MY-PLKS": 2}, "F"),
    Job("Wire harness assembler", "8212", "wire-harness-assembly", ("visual-inspection",),
         {"JP-SSW1": 1, "JP-TITP": 1, "TW-FACTORY": 1, "MY-PLKS": 1}, "F"),
    Job("Electrical equipment assembler", "8212", "electrical-equipment-assembly",
         ("hand-tools",), {"JP-SSW1": 2, "KR-EPS": 1, "TW-FACTORY": 1}),
    Job("Automotive parts assembly", "8211", "automotive-assembly", ("mechanical-assembly", "5s"),
         {"JP-TITP": 2, "KR-EPS": 2, "TW-FACTORY": 1, "MY-PLKS": 1}),
    Job("Injection moulding operator", "8142", "injection-moulding", ("visual-inspection",),
         {"JP-SSW1": 2, "JP-TITP": 1, "KR-EPS": 3, "TW-FACTORY": 2, "MY-PLKS": 2}),
    Job("Spray painter", "7132", "spray-painting", ("painting",),
         {"JP-SSW1": 1, "JP-TITP": 1, "KR-EPS": 1}),
    Job("Plating line worker", "8122", "electroplating", ("surface-treatment",),
         {"JP-SSW1": 1, "KR-EPS": 1}),
    Job("Machine maintenance technician", "7233", "mechanical-maintenance",
         ("electrical-maintenance", "hydraulics"), {"JP-SSW1": 1, "JP-SSW2": 2, "DE-SKILLED": 2}),
    Job("Industrial electrician", "7412", "industrial-electrical-work", ("plc-programming",),
         {"TW-FACTORY": 1, "DE-SKILLED": 3}),
    Job("Quality inspector (machined parts)", "7543", "machine-inspection",
         ("precision-measuring", "technical-drawing-reading"), {"JP-SSW1": 1, "TW-FACTORY": 1}),
    Job("Food processing worker (bento and side dishes)", "8160", "prepared-food-production",
         ("food-safety-hygiene", "hand-packing"), {"JP-SSW1": 4, "JP-TITP": 1}, "F"),
    Job("Food factory operator", "8160", "food-processing", ("food-machine-operation", "packing"),
         {"JP-SSW1": 3, "JP-TITP": 2, "KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 2}, "F"),
    Job("Bakery production worker", "7512", "bakery", ("food-safety-hygiene",),
         {"JP-SSW1": 1, "MY-PLKS": 1}, "F"),
    Job("Seafood processing worker", "7511", "fish-processing", ("food-safety-hygiene",),
         {"JP-SSW1": 1, "JP-TITP": 2}, "F"),
    Job("Sewing machine operator", "8153", "industrial-sewing-machine-operation",
         ("overlock-sewing",), {"JP-TITP": 3, "TW-FACTORY": 1, "MY-PLKS": 1}, "F"),
    Job("Textile machine operator", "8152", "weaving", ("textile-production",),
         {"JP-TITP": 1, "TW-FACTORY": 2}, "F"),
    Job("Production operator", "9329", "production-work", ("packing", "5s"),
         {"KR-EPS": 3, "TW-FACTORY": 3, "MY-PLKS": 3}),
    Job("Rubber glove production operator", "8141", "rubber-products", ("visual-inspection",),
         {"MY-PLKS": 2}),
    Job("Packing machine operator", "8183", "packing-machine-operation", ("hand-packing",),
         {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 2}, "F"),
    Job("Forklift operator (factory warehouse)", "8344", "forklift-operation",
         ("warehouse-work",), {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 1}),
    Job("Furniture production worker", "7522", "furniture-making", ("wood-machine-operation",),
         {"KR-EPS": 1, "TW-FACTORY": 1, "MY-PLKS": 1}),
    Job("Plastic extrusion operator", "8142", "plastic-extrusion", ("visual-inspection",),
         {"KR-EPS": 1, "MY-PLKS": 1}),
    Job("Mechatronics technician", "3114", "mechatronics", ("plc-programming", "pneumatics"),
         {"DE-SKILLED": 1}),
)  # fmt: skip
