"""Axial demand-to-capacity ratio (DCR) of a reinforced concrete column: a screening check.

Capacity: ACI 318-19, Building Code Requirements for Structural Concrete,
- §22.4.2.2, Eq. (22.4.2.2): nominal axial strength at zero eccentricity
  ``Po = 0.85·f'c·(Ag − Ast) + fy·Ast``;
- §22.4.2.1, Table 22.4.2.1(a): maximum nominal axial strength of a column with ties
  (non-prestressed) ``Pn,max = 0.80·Po``;
- §21.2.2, Table 21.2.2: strength reduction factor for compression-controlled tied members
  ``φ = 0.65``.
The Bangladesh National Building Code (BNBC 2020, Part 6 Chapter 5, "Strength design of
reinforced concrete structures") adopts the same expressions and factors for axial capacity.

Demand: the factored axial load from the floors the column carries,
``Pu = (1.2·D + 1.6·L) · A_trib · n`` with D and L the dead and live load per floor (kN/m²),
A_trib the column's tributary area (m²) and n the number of floors above the column
(counting the roof). The load combination 1.2D + 1.6L is ACI 318-19 §5.3.1, Eq. (5.3.1b)
(BNBC 2020 Part 6 §2.7 the same). Self-weight of the column and any eccentric moments are
ignored, so the check is a screening of axial capacity, not a design.

``DCR = Pu / (φ·Pn,max)``. Above ``DCR_LIMIT`` (default 1.0) the column is weak
(hazard STRUCT-COLUMN-WEAK); above ``DCR_IMMEDIATE_DANGER`` (default 2.0) the engineers
recommend evacuation at once.

Units: millimetres, MPa (N/mm²), kN, kN/m², m². Concrete strength f'c should come from core tests.
"""
from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass

from flask_babel import gettext as _

PHI_TIED = 0.65  # ACI 318-19 Table 21.2.2, compression-controlled, other (tied)
PN_MAX_FACTOR_TIED = 0.80  # ACI 318-19 Table 22.4.2.1(a)
DEAD_FACTOR, LIVE_FACTOR = 1.2, 1.6  # ACI 318-19 Eq. (5.3.1b)
RHO_MIN, RHO_MAX = 0.01, 0.08  # ACI 318-19 §10.6.1.1 limits for new columns


class ColumnInputError(ValueError):
    """Inputs that cannot describe a column (message names the field)."""


@dataclass(frozen=True)
class ColumnInput:
    b_mm: float  # section width
    h_mm: float  # section depth
    fc_mpa: float  # concrete compressive strength f'c (from core tests)
    bars: int  # number of longitudinal bars
    bar_diameter_mm: float
    fy_mpa: float  # yield strength of the bars
    tributary_area_m2: float
    dead_load_kpa: float  # per floor, kN/m²
    live_load_kpa: float  # per floor, kN/m²
    floors_above: int  # floors carried by the column, counting the roof

    def validate(self) -> None:
        checks = [
            ("b_mm", 100, 3000), ("h_mm", 100, 3000), ("fc_mpa", 3, 120), ("bar_diameter_mm", 6, 50),
            ("fy_mpa", 200, 700), ("tributary_area_m2", 0.5, 500), ("dead_load_kpa", 0, 100),
            ("live_load_kpa", 0, 100), ("floors_above", 1, 100), ("bars", 0, 100),
        ]
        for name, lo, hi in checks:
            value = getattr(self, name)
            if value is None or isinstance(value, bool) or not math.isfinite(value) or not lo <= value <= hi:
                raise ColumnInputError(f"{name} must lie between {lo} and {hi} (got {value}).")
        if steel_area(self.bars, self.bar_diameter_mm) >= self.b_mm * self.h_mm:
            raise ColumnInputError("bars: the reinforcement area cannot exceed the section area.")


class ColumnVerdict(enum.StrEnum):
    OK = "ok"
    WEAK = "weak"  # DCR over the limit: STRUCT-COLUMN-WEAK
    IMMEDIATE_DANGER = "immediate_danger"  # DCR over the immediate-danger limit: evacuate


@dataclass(frozen=True)
class ColumnResult:
    gross_area_mm2: float
    steel_area_mm2: float
    steel_ratio: float
    po_kn: float
    pn_max_kn: float
    phi_pn_max_kn: float
    factored_load_kpa: float
    pu_kn: float
    dcr: float
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)


def steel_area(bars: int, diameter_mm: float) -> float:
    """Ast = n·π·d²/4 (mm²)."""
    return bars * math.pi * diameter_mm ** 2 / 4


def factored_axial_load(tributary_area_m2: float, dead_kpa: float, live_kpa: float, floors: int) -> float:
    """Pu (kN) = (1.2·D + 1.6·L) · A_trib · floors."""
    return (DEAD_FACTOR * dead_kpa + LIVE_FACTOR * live_kpa) * tributary_area_m2 * floors


def axial_capacity(b_mm: float, h_mm: float, fc_mpa: float, ast_mm2: float, fy_mpa: float) -> tuple[float, float, float]:
    """(Po, Pn,max, φ·Pn,max) in kN for a tied column, ACI 318-19 §22.4.2."""
    ag = b_mm * h_mm
    po_n = 0.85 * fc_mpa * (ag - ast_mm2) + fy_mpa * ast_mm2
    pn_max_n = PN_MAX_FACTOR_TIED * po_n
    return po_n / 1000, pn_max_n / 1000, PHI_TIED * pn_max_n / 1000


def check_column(col: ColumnInput) -> ColumnResult:
    """Demand, capacity and DCR of one column (raises ColumnInputError on impossible input)."""
    col.validate()
    ag = col.b_mm * col.h_mm
    ast = steel_area(col.bars, col.bar_diameter_mm)
    po, pn_max, phi_pn = axial_capacity(col.b_mm, col.h_mm, col.fc_mpa, ast, col.fy_mpa)
    wu = DEAD_FACTOR * col.dead_load_kpa + LIVE_FACTOR * col.live_load_kpa
    pu = factored_axial_load(col.tributary_area_m2, col.dead_load_kpa, col.live_load_kpa, col.floors_above)
    rho = ast / ag
    warnings = []
    if rho < RHO_MIN:
        warnings.append(_("Reinforcement ratio %(rho)s is below the 1 %% minimum of ACI 318-19 §10.6.1.1.", rho=f"{rho:.2%}"))
    if rho > RHO_MAX:
        warnings.append(_("Reinforcement ratio %(rho)s is above the 8 %% maximum of ACI 318-19 §10.6.1.1.", rho=f"{rho:.2%}"))
    if min(col.b_mm, col.h_mm) < 250:
        warnings.append(_("A side under 250 mm is slender for a multi-storey column; check buckling separately."))
    return ColumnResult(ag, ast, rho, po, pn_max, phi_pn, wu, pu, pu / phi_pn, tuple(warnings))


def verdict(dcr: float, limit: float = 1.0, danger: float = 2.0) -> ColumnVerdict:
    """OK up to ``limit``; weak above it; immediate danger above ``danger``."""
    if dcr > danger:
        return ColumnVerdict.IMMEDIATE_DANGER
    if dcr > limit:
        return ColumnVerdict.WEAK
    return ColumnVerdict.OK
