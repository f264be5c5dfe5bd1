#!/usr/bin/env python3
"""owi's classifier against fastText (and bogofilter for spam), same data,
same split, same run.  Called by bench/classify.sh BUILD_DIR.

1. Bitext customer-support sample: 27 intents, the `instruction` column,
   80/20 split with a fixed seed.
2. SpamAssassin spam vs ham: test = files whose name's md5 starts with
   0, 1 or 2, train = the rest; accuracy, false positives (ham called
   spam), false negatives; bogofilter too.
3. owi's seed corpus, 5 folds (the same folds for both).

owi is trained with owi-train (its time includes the k-fold calibration
it always does) and predicts with owi-classify reading envelopes, as in
production; fastText gets the same text on one line.
"""
import csv
import re
from email.message import EmailMessage
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.environ.get("OWI_CORPORA", os.path.join(ROOT, "..", "shared", "corpora"))
CORPUS_DIR = os.environ.get("OWI_CORPUS_DIR", os.path.join(BUILD, "corpus"))
TMP = tempfile.mkdtemp(prefix="owi-bench-")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, **kw):
    t = time.perf_counter()
    run(cmd, **kw)
    return time.perf_counter() - t


def one_line(text):
    return " ".join(text.lower().split())


def rules_for(labels, path):
    """A rules directory whose motives are the data set's labels."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "00-motives.yaml"), "w") as f:
        f.write("motives:\n")
        for label in sorted(labels):
            f.write(f"  - id: {label}\n    folder: \"{label}\"\n")
    return path


def owi_side(name, train, test, rules):
    """train/test: lists of (labels, subject, text). Returns figures."""
    tr = os.path.join(TMP, name + ".train.jsonl")
    te = os.path.join(TMP, name + ".test.jsonl")
    with open(tr, "w") as f:
        for labels, subject, text in train:
            f.write(json.dumps({"labels": labels, "subject": subject, "text": text}) + "\n")
    # Test mails as envelopes, as owi-parse makes them in production.
    mbox = os.path.join(TMP, name + ".test.mbox")
    with open(mbox, "wb") as f:
        for i, (labels, subject, text) in enumerate(test):
            m = EmailMessage()
            m["Subject"] = subject
            m["From"] = "client@example.org"
            m.set_content(text)
            f.write(b"From bench@example.org Mon Oct  6 10:00:00 2025\n")
            f.write(re.sub(rb"(?m)^(>*From )", rb">\1", bytes(m)) + b"\n")
    with open(te, "w") as f:
        run([os.path.join(BUILD, "owi-parse"), mbox], stdout=f)
    model = os.path.join(TMP, name + ".owim")
    t_train = timed([os.path.join(BUILD, "owi-train"), "-r", rules, "--any-labels",
                     "-o", model, tr])
    out = os.path.join(TMP, name + ".out")
    with open(out, "w") as f:
        t_pred = timed([os.path.join(BUILD, "owi-classify"), "-a", "-r", rules, "-m", model,
                        te], stdout=f)
    right = 0
    preds = []
    with open(out) as f:
        for (labels, _, _), line in zip(test, f):
            ms = json.loads(line)["classification"]["motives"]
            top = ms[0]["id"] if ms else None
            # -a: every motive, so the top one is owi's best guess.
            preds.append(top)
            right += top in labels
    return {"acc": right / len(test), "train": t_train, "predict": t_pred, "preds": preds}


def fasttext_side(name, train, test):
    tr = os.path.join(TMP, name + ".ft.train")
    te = os.path.join(TMP, name + ".ft.test")
    with open(tr, "w") as f:
        for labels, subject, text in train:
            f.write(" ".join("__label__" + l for l in labels) + " " +
                    one_line(subject + " " + text) + "\n")
    with open(te, "w") as f:
        for labels, subject, text in test:
            f.write(one_line(subject + " " + text) + "\n")
    model = os.path.join(TMP, name + ".ft")
    # The settings of fastText's own text classification tutorial.
    t_train = timed(["fasttext", "supervised", "-input", tr, "-output", model,
                     "-epoch", "25", "-lr", "1.0", "-wordNgrams", "2",
                     "-thread", "1", "-seed", "1", "-verbose", "0"],
                    stdout=subprocess.DEVNULL)
    out = os.path.join(TMP, name + ".ft.out")
    with open(out, "w") as f:
        t_pred = timed(["fasttext", "predict", model + ".bin", te], stdout=f)
    preds = [l.strip().replace("__label__", "") for l in open(out)]
    right = sum(p in labels for p, (labels, _, _) in zip(preds, test))
    return {"acc": right / len(test), "train": t_train, "predict": t_pred, "preds": preds}


def report(title, n_train, n_test, owi, ft, extra=None):
    print(f"-- {title}: {n_train} train, {n_test} test")
    print(f"{'program':<12} {'accuracy':>9} {'train s':>8} {'predict s':>10} {'predict/s':>10}")
    rows = [("owi", owi), ("fastText", ft)] + (extra or [])
    for name, r in rows:
        rate = n_test / r["predict"] if r.get("predict") else 0
        print(f"{name:<12} {r['acc']:>9.4f} {r.get('train', 0):>8.2f} "
              f"{r.get('predict', 0):>10.2f} {rate:>10.0f}")
    print(f"owi / fastText accuracy: {owi['acc'] / ft['acc']:.3f} (aim >= 1)")
    print(f"owi / fastText predict throughput: "
          f"{(ft['predict'] / owi['predict']):.2f} (aim >= 1)")


def bitext():
    path = os.path.join(CORPORA, "intents", "bitext-customer-support",
                        "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    rows = [(r["intent"], r["instruction"]) for r in csv.DictReader(open(path, encoding="utf-8"))]
    random.Random(42).shuffle(rows)
    cut = len(rows) * 8 // 10
    train = [([i], "", t) for i, t in rows[:cut]]
    test = [([i], "", t) for i, t in rows[cut:]]
    rules = rules_for({i for i, _ in rows}, os.path.join(TMP, "rules-bitext"))
    report("Bitext customer support, 27 intents, 80/20 (seed 42)", len(train), len(test),
           owi_side("bitext", train, test, rules), fasttext_side("bitext", train, test))


def spamassassin():
    run([os.path.join(ROOT, "scripts", "corpus-unpack"), CORPUS_DIR])
    files = []
    for d, label in (("easy_ham", "ham"), ("easy_ham_2", "ham"), ("hard_ham", "ham"),
                     ("spam", "spam"), ("spam_2", "spam")):
        for name in sorted(os.listdir(os.path.join(CORPUS_DIR, d))):
            if not name.startswith("."):
                files.append((os.path.join(CORPUS_DIR, d, name), label))
    # owi-parse reads them all once; both classifiers see its text.
    out = os.path.join(TMP, "sa.jsonl")
    with open(out, "w") as f:
        run([os.path.join(BUILD, "owi-parse")] + [p for p, _ in files], stdout=f)
    envs = [json.loads(l) for l in open(out, encoding="utf-8")]
    train, test, trf, tef = [], [], [], []
    for (path, label), env in zip(files, envs):
        m = env["message"] or {}
        rec = ([label], m.get("subject") or "", m.get("new_text") or m.get("text") or "")
        md5 = os.path.basename(path).split(".")[-1]
        if md5[0] in "012":
            test.append(rec)
            tef.append((path, label))
        else:
            train.append(rec)
            trf.append((path, label))
    rules = rules_for({"spam", "ham"}, os.path.join(TMP, "rules-sa"))
    # owi on the real envelopes (headers and structure included).
    tr = os.path.join(TMP, "sa.train.jsonl")
    te = os.path.join(TMP, "sa.test.jsonl")
    with open(tr, "w") as f1, open(te, "w") as f2:
        for (path, label), env in zip(files, envs):
            md5 = os.path.basename(path).split(".")[-1]
            if md5[0] in "012":
                f2.write(json.dumps(env) + "\n")
            else:
                env["labels"] = [label]
                f1.write(json.dumps(env) + "\n")
    model = os.path.join(TMP, "sa.owim")
    t_train = timed([os.path.join(BUILD, "owi-train"), "-r", rules, "--any-labels", "-o", model, tr])
    pred_out = os.path.join(TMP, "sa.out")
    with open(pred_out, "w") as f:
        t_pred = timed([os.path.join(BUILD, "owi-classify"), "-r", rules, "-m", model, te], stdout=f)
    owi_preds, sure_preds = [], []
    for line in open(pred_out):
        c = json.loads(line)["classification"]
        owi_preds.append("spam" if c and c["spam"] is not None and c["spam"] >= 0.5 else "ham")
        # Where owi decides alone: spam at its calibrated threshold.
        sure = [m for m in (c or {}).get("motives", []) if m["id"] == "spam" and m["sure"]]
        sure_preds.append("spam" if sure else "ham")
    owi = {"acc": sum(p == l for p, (_, l) in zip(owi_preds, tef)) / len(tef),
           "train": t_train, "predict": t_pred, "preds": owi_preds}
    owi_sure = {"acc": sum(p == l for p, (_, l) in zip(sure_preds, tef)) / len(tef),
                "preds": sure_preds}
    ft = fasttext_side("sa", train, test)
    # bogofilter: the mails themselves, as it is used.
    bdir = os.path.join(TMP, "bogo")
    os.makedirs(bdir)
    t0 = time.perf_counter()
    run(["bogofilter", "-d", bdir, "-s", "-B"] + [p for p, l in trf if l == "spam"])
    run(["bogofilter", "-d", bdir, "-n", "-B"] + [p for p, l in trf if l == "ham"])
    t_btrain = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = subprocess.run(["bogofilter", "-d", bdir, "-T", "-B"] + [p for p, _ in tef],
                         capture_output=True, text=True, errors="replace")
    t_bpred = time.perf_counter() - t0
    verdict = {}
    for line in res.stdout.splitlines():
        parts = line.rsplit(" ", 2)
        if len(parts) == 3:
            verdict[parts[0]] = parts[1]
    bogo_preds = ["spam" if verdict.get(p) == "S" else "ham" for p, _ in tef]
    bogo = {"acc": sum(p == l for p, (_, l) in zip(bogo_preds, tef)) / len(tef),
            "train": t_btrain, "predict": t_bpred, "preds": bogo_preds}
    report("SpamAssassin spam vs ham, test = md5 0-2", len(trf), len(tef), owi, ft,
           [("bogofilter", bogo)])
    print(f"{'program':<12} {'false pos':>9} {'false neg':>9}   (ham called spam / spam missed; "
          f"bogofilter's Unsure counted as ham; 'owi sure': spam only at its calibrated "
          f"threshold, what owi files alone)")
    for name, r in (("owi", owi), ("owi sure", owi_sure), ("fastText", ft),
                    ("bogofilter", bogo)):
        fp = sum(p == "spam" and l == "ham" for p, (_, l) in zip(r["preds"], tef))
        fn = sum(p != "spam" and l == "spam" for p, (_, l) in zip(r["preds"], tef))
        print(f"{name:<12} {fp:>9} {fn:>9}")


def seed():
    recs = []
    for name in sorted(os.listdir(os.path.join(ROOT, "data", "seed"))):
        for line in open(os.path.join(ROOT, "data", "seed", name), encoding="utf-8"):
            r = json.loads(line)
            recs.append((r["labels"], r["subject"], r["text"]))
    rules = os.path.join(ROOT, "rules.d")
    order = list(range(len(recs)))
    random.Random(7).shuffle(order)
    folds = 5
    totals = {"owi": [0, 0.0, 0.0], "fastText": [0, 0.0, 0.0]}
    for k in range(folds):
        test = [recs[i] for j, i in enumerate(order) if j % folds == k]
        train = [recs[i] for j, i in enumerate(order) if j % folds != k]
        o = owi_side(f"seed{k}", train, test, rules)
        f = fasttext_side(f"seed{k}", train, test)
        for name, r in (("owi", o), ("fastText", f)):
            totals[name][0] += sum(p in labels for p, (labels, _, _) in zip(r["preds"], test))
            totals[name][1] += r["train"]
            totals[name][2] += r["predict"]
    n = len(recs)
    owi = {"acc": totals["owi"][0] / n, "train": totals["owi"][1], "predict": totals["owi"][2]}
    ft = {"acc": totals["fastText"][0] / n, "train": totals["fastText"][1],
          "predict": totals["fastText"][2]}
    report(f"owi seed corpus, {folds}-fold cross-validation (top-1 in the mail's labels)",
           n * (folds - 1) // folds, n, owi, ft)


def main():
    if shutil.which("fasttext") is None:
        print("classify: skipped: fasttext is not installed", file=sys.stderr)
        return
    print("owi-train + owi-classify against fastText (and bogofilter), same data and split; "
          "times are wall seconds on this machine")
    only = os.environ.get("OWI_BENCH_ONLY", "seed bitext spamassassin").split()
    if "seed" in only:
        seed()
    if os.path.isdir(CORPORA):
        if "bitext" in only:
            bitext()
        if "spamassassin" in only:
            spamassassin()
    else:
        print(f"classify: no corpora at {CORPORA}: Bitext and SpamAssassin skipped")
    shutil.rmtree(TMP)


main()
