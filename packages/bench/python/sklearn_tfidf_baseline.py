#!/usr/bin/env python3
"""scikit-learn's textbook TF-IDF + logistic-regression classifier on MangaAssist files: the reference that
`trainTfidfBaseline` (`@mangaassist/data`) is read beside, so a model's margin over bag-of-words is never only a
margin over one implementation of it.

Features: word 1-2-grams and character 3-5-grams inside word boundaries (`char_wb`), sublinear TF-IDF, each block
unit-normalised, terms in fewer than two training messages dropped. One `LogisticRegression` (lbfgs, fitted to
convergence) per label. The inverse penalty C and the class weighting are chosen on the validation file alone, by
macro-F1 at the baseline's own rule; the evaluation files never choose anything.

Two decision rules are reported for each evaluation file:
- `own`: the baseline's rule in `trainTfidfBaseline.predict`: labels at or above 0.5, neutral dropped beside
  another label, the most likely label when none is on;
- `labelSet`: the rule served models are scored with (`decideLabelSets`): every label but neutral at 0.5, neutral
  on exactly when no other label is.

Run it with Debian's interpreter, which python3-sklearn installs into:
    /usr/bin/python3 packages/bench/python/sklearn_tfidf_baseline.py \\
        --train runs/quickstart/data/train.jsonl packages/data/fixtures/handwritten-eval.jsonl ... \\
        --validation runs/quickstart/data/validation.jsonl \\
        --evaluate packages/data/fixtures/handwritten-test2.jsonl ... [--probabilities out.json]

It prints one JSON object: the chosen setting, the validation scores of every setting tried, and per evaluation
file the macro-F1 and per-label F1 under both rules. `--probabilities` also writes, per evaluation file, the texts,
0/1 targets and probabilities in label order, so a threshold strategy of `@mangaassist/thresholds` can be applied.
"""
import argparse
import json
import sys

try:
    import numpy as np
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score
    from sklearn.pipeline import FeatureUnion
except ImportError as error:  # reported as JSON so the caller can print a reason instead of a stack trace
    print(json.dumps({"error": f"scikit-learn is not importable by {sys.executable}: {error}"}))
    sys.exit(3)

LABELS = ["frustration", "satisfaction", "urgency", "confusion", "churn_risk", "neutral"]
NEUTRAL = LABELS.index("neutral")
C_GRID = [1.0, 4.0, 16.0, 64.0, 256.0]
CLASS_WEIGHTS = [None, "balanced"]


def read_jsonl(path):
    """Texts and 0/1 label rows of a MangaAssist JSONL file (`text`, `labels`)."""
    texts, rows = [], []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            unknown = [label for label in record["labels"] if label not in LABELS]
            if unknown:
                raise SystemExit(f"{path}:{number}: labels {unknown} are not among {LABELS}")
            texts.append(record["text"])
            rows.append([1 if label in record["labels"] else 0 for label in LABELS])
    return texts, np.array(rows, dtype=np.int64)


def vectorizer():
    """The textbook features: word and character blocks, each TF-IDF-weighted and unit-normalised on its own."""
    word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    return FeatureUnion([("word", word), ("char", char)])


def own_rule(probabilities):
    """`baselineLabelSet` of `@mangaassist/data` at 0.5, row by row (ties go to the first label, as there)."""
    decided = (probabilities >= 0.5).astype(np.int64)
    for row, p in zip(decided, probabilities):
        if row.sum() > 1:
            row[NEUTRAL] = 0
        elif row.sum() == 0:
            row[int(np.argmax(p))] = 1
    return decided


def label_set_rule(probabilities):
    """`decideLabelSets` of `@mangaassist/data` with every threshold at 0.5: neutral's own probability is not read."""
    decided = (probabilities >= 0.5).astype(np.int64)
    others = np.delete(decided, NEUTRAL, axis=1).sum(axis=1)
    decided[:, NEUTRAL] = (others == 0).astype(np.int64)
    return decided


def scores(targets, decided):
    per_label = f1_score(targets, decided, average=None, zero_division=0)
    present = targets.sum(axis=0) > 0  # macro over the labels the file holds, as `labelSetMetrics` averages
    return {"macroF1": float(per_label[present].mean()), "f1": dict(zip(LABELS, map(float, per_label)))}


def fit(features, targets, c, class_weight):
    return [LogisticRegression(C=c, class_weight=class_weight, max_iter=10000).fit(features, targets[:, j]) for j in range(len(LABELS))]


def predict(models, features):
    return np.stack([model.predict_proba(features)[:, 1] for model in models], axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", nargs="+", required=True, help="JSONL files to fit on")
    parser.add_argument("--validation", required=True, help="JSONL file that chooses C and the class weighting")
    parser.add_argument("--evaluate", nargs="+", required=True, help="JSONL files to score")
    parser.add_argument("--probabilities", help="write the evaluation files' probabilities to this JSON file")
    args = parser.parse_args()

    train_texts, train_targets = [], []
    for path in args.train:
        texts, rows = read_jsonl(path)
        train_texts += texts
        train_targets.append(rows)
    train_targets = np.concatenate(train_targets)
    for j, label in enumerate(LABELS):
        if train_targets[:, j].min() == train_targets[:, j].max():
            which = "every" if train_targets[0, j] else "no"
            raise SystemExit(f"--train: {which} message is {label}; its logistic regression needs messages with and without it")
    features = vectorizer().fit(train_texts)
    train_x = features.transform(train_texts)
    val_texts, val_targets = read_jsonl(args.validation)
    val_x = features.transform(val_texts)

    tried = []
    for class_weight in CLASS_WEIGHTS:
        for c in C_GRID:
            models = fit(train_x, train_targets, c, class_weight)
            tried.append({"C": c, "classWeight": class_weight or "none", "validationMacroF1": scores(val_targets, own_rule(predict(models, val_x)))["macroF1"], "models": models})
    best = max(tried, key=lambda t: t["validationMacroF1"])

    evaluated, dumped = {}, {"labels": LABELS, "sets": {}}
    for path in args.evaluate:
        texts, targets = read_jsonl(path)
        probabilities = predict(best["models"], features.transform(texts))
        evaluated[path] = {"messages": len(texts), "own": scores(targets, own_rule(probabilities)), "labelSet": scores(targets, label_set_rule(probabilities))}
        dumped["sets"][path] = {"texts": texts, "targets": targets.tolist(), "probs": np.round(probabilities, 6).tolist()}
    if args.probabilities:
        with open(args.probabilities, "w", encoding="utf-8") as handle:
            json.dump(dumped, handle)

    print(json.dumps({
        "sklearn": sklearn.__version__,
        "trainMessages": len(train_texts),
        "features": int(train_x.shape[1]),
        "chosen": {"C": best["C"], "classWeight": best["classWeight"], "validationMacroF1": best["validationMacroF1"]},
        "tried": [{k: v for k, v in t.items() if k != "models"} for t in tried],
        "evaluated": evaluated,
    }, indent=2))


if __name__ == "__main__":
    main()
