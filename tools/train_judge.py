"""Train the `learned` judge's model on the `train` splits of ../shared/data (never a test split).

Features are those of `gradewise.judges.learned.rich_features` (embedding cosines, reference
words, question overlap, precision and recall of content words, length); targets are the
human's share of the marks. A logistic regression
(scikit-learn, build time only) is fitted with each answer counted as a correct example with
weight = share and an incorrect one with weight 1 - share; the coefficients go to
src/gradewise/judges/learned_model.json, which the judge applies with numpy alone.

    .venv/bin/pip install -e '.[train]' && make model
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from gradewise.evaluate import read_graded
from gradewise.judges.learned import LEARNED_FEATURES, LearnedJudge
from gradewise.judges.registry import JudgeItem

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "src" / "gradewise" / "judges" / "learned_model.json"
TRAIN_FILES = ("semeval2013-scientsbank-2way.csv", "semeval2013-beetle-2way.csv", "saf2-en.csv")


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"no training data in {DATA} (it lives beside the checkout)")
    rows = [r for name in TRAIN_FILES for r in read_graded(DATA / name) if r.split == "train"]
    items = [JudgeItem(r.question, r.reference, r.answer, max_marks=r.max_score) for r in rows]
    x = LearnedJudge(weights={"answers": 0}).feature_matrix(items)
    share = np.array([r.score / r.max_score for r in rows])
    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(np.vstack([x, x]), np.r_[np.ones(len(x)), np.zeros(len(x))],
              sample_weight=np.r_[share, 1 - share] + 1e-6)  # fmt: skip
    OUT.write_text(json.dumps({
        "features": list(LEARNED_FEATURES),
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "trained_on": [f"{name} (train split)" for name in TRAIN_FILES],
        "answers": len(rows),
    }, indent=2) + "\n")  # fmt: skip
    print(f"trained on {len(rows)} answers; wrote {OUT}")


if __name__ == "__main__":
    main()
