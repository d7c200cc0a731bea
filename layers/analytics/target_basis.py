"""Which response targets judged a figure, in words: every compliance figure says it.

Pure: takes the frame of ``AnalyticsConfig.target_basis`` (target_kind, basis, rows,
target_s, name) and returns one sentence, e.g. "Target yang dipakai: Damkar 15 menit
(Permendagri 114/2018) untuk 40 menurut unit yang dikirim, 12 menurut kategori (tanpa
dispatch)".
"""

from __future__ import annotations

import pandas as pd

from layers.words import Language, label, number, word

__all__ = ["target_basis_text"]


def target_basis_text(basis: pd.DataFrame, language: Language) -> str:
    """The sentence naming each standard used, how many rows it judged and why; "" when
    ``basis`` is empty (one chosen target, or no rows)."""
    if basis.empty:
        return ""
    parts = []
    for kind, rows in basis.groupby("target_kind", sort=False):
        first = rows.iloc[0]
        bases = ", ".join(
            word(f"analytics.basis_{basis}", language, count=number(int(count), language))
            for basis, count in zip(rows["basis"], rows["rows"], strict=True)
        )
        parts.append(word(
            "analytics.target_part", language, agency=label("agency_kind", str(kind), language),
            minutes=number(float(first["target_s"]) / 60.0, language), name=first["name"],
            bases=bases,
        ))  # fmt: skip
    return word("analytics.targets_used", language, parts="; ".join(parts))
