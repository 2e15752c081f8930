"""Weight and height typed in another unit than the one stored (docs/questionnaire.md).

The answers document keeps weight in kg and height in cm; `weight_unit` / `height_unit`
say when the partner typed pounds or feet and inches, so the pages and the PDF show what
they typed beside the stored value ("154 lb (69.9 kg)"). The conversions round trip: a
weight in lb with one decimal and a height in whole inches come back as typed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

KG_PER_LB = Decimal("0.45359237")
CM_PER_INCH = Decimal("2.54")


def _round(value: Decimal | float, places: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain(value: Decimal | float | int) -> str:
    """A number as a person writes it: 69.9, 154, never 154.0 or 1.5E+2."""
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def number(value: Decimal) -> int | float:
    """A Decimal as the answers document stores it: an int when whole."""
    return int(value) if value == value.to_integral_value() else float(value)


def lb_to_kg(lb: Decimal) -> int | float:
    return number(_round(lb * KG_PER_LB, 2))


def kg_to_lb(kg: float) -> Decimal:
    return _round(Decimal(str(kg)) / KG_PER_LB, 1)


def ft_in_to_cm(feet: int, inches: int) -> int:
    return int(_round((feet * 12 + inches) * CM_PER_INCH, 0))


def cm_to_ft_in(cm: float) -> tuple[int, int]:
    feet, inches = divmod(int(_round(Decimal(str(cm)) / CM_PER_INCH, 0)), 12)
    return feet, inches


def weight_words(kg: float, unit: str | None) -> str:
    if unit == "lb":
        return f"{plain(kg_to_lb(kg))} lb ({plain(_round(kg, 1))} kg)"
    return f"{plain(kg)} kg"


def height_words(cm: int, unit: str | None) -> str:
    if unit == "ft_in":
        feet, inches = cm_to_ft_in(cm)
        return f"{feet} ft {inches} in ({plain(cm)} cm)"
    return f"{plain(cm)} cm"
