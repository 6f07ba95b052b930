"""The capital gap's text when no exchange rate converts the requirement."""

from __future__ import annotations

from matcher.reintegration.gaps import capital_message
from matcher.text.messages import render
from models.common import Money


def test_a_capital_gap_without_a_rate_names_both_currencies() -> None:
    # Either currency may be missing from the table (here CHF, not IDR): naming only the
    # returnee's would blame a currency the table has.
    message = capital_message(Money(amount=1000, currency="CHF"), (900_000_000, "IDR"), None)
    assert render(message, "en") == (
        "needs capital of at least 1,000 CHF; has 900,000,000 IDR "
        "(no exchange rate between CHF and IDR)"
    )
    assert "(tidak ada kurs antara CHF dan IDR)" in render(message, "id")
