#!/usr/bin/env python3
"""Turns a JMH JSON result (-rf json) of ctc-token-benchmarks into the README's Markdown table.

Usage: python3 ctc-token-benchmarks/jmh-table.py ctc-token-benchmarks/results/<run>.json

Prints one row per benchmark (score, error, unit, allocation per operation when run with -prof gc;
p99 and p99.9 for sample-time benchmarks), then the ratios the project's targets are stated in,
each marked met or missed. Reads only the JSON file; standard library only.
"""
import json
import sys

PREFIX = "com.ctcfile.token.benchmarks."


def short(name):
    return name[len(PREFIX):] if name.startswith(PREFIX) else name


def fmt(value):
    if isinstance(value, str):  # JMH writes "NaN" where it has no error estimate
        return "n/a"
    if value is None or value != value:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def number(value):
    return 0.0 if isinstance(value, str) else value


def alloc(entry):
    metrics = entry.get("secondaryMetrics", {})
    for key in ("gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm"):
        if key in metrics:
            return metrics[key]["score"]
    return None


# two-sided 99.9% Student t quantiles by degrees of freedom, as JMH uses for its own errors
T999 = {1: 636.62, 2: 31.60, 3: 12.92, 4: 8.61, 5: 6.87, 6: 5.96, 7: 5.41, 8: 5.04, 9: 4.78, 10: 4.59,
        11: 4.44, 12: 4.32, 13: 4.22, 14: 4.14, 15: 4.07, 16: 4.01, 17: 3.97, 18: 3.92, 19: 3.88, 20: 3.85}


def aux_metrics(entry):
    """The benchmark's own counters (JMH @AuxCounters), as mean and 99.9% error over its iterations.

    JMH sums event counters over the iterations in "score"; the per-iteration values are in rawData."""
    out = {}
    for key, metric in entry.get("secondaryMetrics", {}).items():
        if key.startswith(("gc.", "\u00b7", "compiler.", "p0.", "p1.")):
            continue
        values = [v for fork in metric.get("rawData", []) for v in fork]
        if not values:
            continue
        n = len(values)
        mean = sum(values) / n
        if n > 1:
            sd = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
            error = T999.get(n - 1, 3.29) * sd / n ** 0.5
        else:
            error = float("nan")
        out[key] = {"score": mean, "scoreError": error, "scoreUnit": metric.get("scoreUnit", "")}
    return out


def counter_unit(name):
    return "µs/request" if name.endswith("Micros") else "ratio" if "To" in name else ""


def label(entry):
    params = entry.get("params") or {}
    suffix = "".join(f" [{k}={v}]" for k, v in sorted(params.items()))
    return short(entry["benchmark"]) + suffix


def main(path):
    with open(path, encoding="utf-8") as f:
        results = json.load(f)
    by_name = {label(e): e for e in results}
    order = ["HotPath.", "HotPathTwoThreads.", "RenewalTail.", "BearerOverhead.", "VertxBearerOverhead.",
             "PairedBearerOverhead.", "BearerHandlerCost."]

    def rank(entry):
        name = short(entry["benchmark"])
        return next((i for i, prefix in enumerate(order) if name.startswith(prefix)), len(order))

    results = sorted(results, key=rank)  # stable: JMH's order within a class

    print("| benchmark | mode | threads | score ± error | unit | B/op |")
    print("|---|---|---:|---:|---|---:|")
    for e in results:
        m = e["primaryMetric"]
        b = alloc(e)
        bop = "n/a" if b is None else ("≈ 0" if b < 0.01 else fmt(b))
        print(f"| {label(e)} | {e['mode']} | {e['threads']} | {fmt(m['score'])} ± {fmt(m['scoreError'])} "
              f"| {m['scoreUnit']} | {bop} |")
        if e["mode"] == "sample":
            p = m["scorePercentiles"]
            print(f"| {label(e)} p99 / p99.9 | sample | {e['threads']} | {fmt(p['99.0'])} / {fmt(p['99.9'])} "
                  f"| {m['scoreUnit']} | |")
        for counter, sub in aux_metrics(e).items():
            print(f"| {label(e)}:{counter} | per iteration | {e['threads']} | {fmt(sub['score'])} ± "
                  f"{fmt(sub['scoreError'])} | {counter_unit(counter)} | |")

    print()
    print("Targets (issue 6 and issue 4):")

    def score(name):
        e = by_name.get(name)
        return None if e is None else e["primaryMetric"]["score"]

    def check(text, ok):
        print(f"- {text}: {'met' if ok else 'MISSED'}")

    peers = {n: score("HotPath." + n) for n in
             ("googleRequestMetadata", "awsCachedSupplier", "springAuthorize", "wxJavaAccessToken")}
    peers = {n: s for n, s in peers.items() if s is not None}
    token = score("HotPath.ctcToken")
    if token is not None and peers:
        fastest, fastest_score = min(peers.items(), key=lambda kv: kv[1])
        ratio = token / fastest_score
        check(f"token() {fmt(token)} ns = {ratio:.3f} x fastest peer ({fastest}, {fmt(fastest_score)} ns), "
              f"target <= 0.1", ratio <= 0.1)
    for name in ("HotPath.ctcToken", "HotPath.ctcTokenAsync", "HotPathTwoThreads.ctcToken"):
        e = by_name.get(name)
        if e is not None and alloc(e) is not None:
            # one object is at least 16 bytes: below 1 B/op no call allocates; the rest is JMH's own
            # and background threads' allocation spread over billions of calls
            check(f"{name} allocates {fmt(alloc(e))} B/op, target 0", alloc(e) < 1)
    two = score("HotPathTwoThreads.ctcToken")
    if token is not None and two is not None:
        # per-thread average time: two threads are no slower per call when the ratio is about 1 or less;
        # allow the run's own error, since both numbers are below a nanosecond
        e1 = number(by_name["HotPath.ctcToken"]["primaryMetric"]["scoreError"])
        e2 = number(by_name["HotPathTwoThreads.ctcToken"]["primaryMetric"]["scoreError"])
        # met when the 2-thread mean lies within the 1-thread interval or below it; missed when the two
        # intervals do not even touch
        verdict = ("met" if two <= token + e1 else "MISSED" if two - e2 > token + e1
                   else "inconclusive: the intervals overlap")
        print(f"- token() on 2 threads {fmt(two)} ± {fmt(e2)} ns vs 1 thread {fmt(token)} ± {fmt(e1)} ns per call "
              f"(ratio {two / token:.2f}), target: no slower: {verdict}")
        f1, f2 = score("HotPath.floorVolatileRead"), score("HotPathTwoThreads.floorVolatileRead")
        if f1 is not None and f2 is not None:
            # on a busy 2-core machine two threads lose CPU to other processes; the floor shows how much
            print(f"  (the volatile-read floor, which cannot contend, went from {fmt(f1)} to {fmt(f2)} ns, "
                  f"ratio {f2 / f1:.2f}, in the same run)")
    for e in results:
        if short(e["benchmark"]) == "RenewalTail.token":
            p999 = e["primaryMetric"]["scorePercentiles"]["99.9"]
            unit = e["primaryMetric"]["scoreUnit"]
            ns = p999 * {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6}.get(unit, float("nan"))
            check(f"{label(e)} p99.9 {fmt(ns)} ns during renewals, target <= 10,000 ns", ns <= 10_000)
    def counter(name, key):
        e = by_name.get(name)
        sub = None if e is None else aux_metrics(e).get(key)
        return None if sub is None else (sub["score"], number(sub["scoreError"]))

    def primary(name):
        e = by_name.get(name)
        return None if e is None else (e["primaryMetric"]["score"], number(e["primaryMetric"]["scoreError"]))

    def check_ratio(text, bearer, plain, target):
        """Judges bearer/plain against target with the run's 99.9% errors: a verdict only when the whole
        interval of the ratio lies on one side of the target."""
        (b, eb), (p, ep) = bearer, plain
        ratio = b / p
        rel = ((eb / b) ** 2 + (ep / p) ** 2) ** 0.5
        low, high = ratio * (1 - rel), ratio * (1 + rel)
        verdict = "met" if low >= target else "MISSED" if high < target else "inconclusive: the interval spans the target"
        print(f"- {text}: ratio {ratio:.3f} (99.9% interval {low:.2f}..{high:.2f}), target >= {target}: {verdict}")

    for name, target in (("PairedBearerOverhead.classic", 0.97), ("PairedBearerOverhead.async", 0.97),
                         ("PairedBearerOverhead.vertx", 0.95)):
        r = counter(name, "staticToBearer")
        b, p = counter(name, "bearerMicros"), counter(name, "staticMicros")
        if r is not None and b is not None and p is not None:
            ratio, error = r
            low, high = ratio - error, ratio + error
            verdict = "met" if low >= target else "MISSED" if high < target else "inconclusive: the interval spans the target"
            print(f"- {name} (interleaved on one connection): {fmt(b[0])} µs with the integration vs {fmt(p[0])} µs "
                  f"with a static header per request: ratio {ratio:.3f} (99.9% interval {low:.3f}..{high:.3f}), "
                  f"target >= {target}: {verdict}")
    for scheme in ("https", "http"):
        c = score(f"BearerHandlerCost.ctcBearerAuth [scheme={scheme}]")
        h = score(f"BearerHandlerCost.staticHeader [scheme={scheme}]")
        if c is not None and h is not None:
            ca = alloc(by_name[f"BearerHandlerCost.ctcBearerAuth [scheme={scheme}]"])
            ha = alloc(by_name[f"BearerHandlerCost.staticHeader [scheme={scheme}]"])
            extra = "" if ca is None or ha is None else f", {fmt(ca - ha)} B"
            print(f"- CtcBearerAuth classic element alone ({scheme}): {fmt(c - h)} ns{extra} per request "
                  f"more than setting the header by hand (info)")
    for bearer, plain, target in (("BearerOverhead.classicBearer", "BearerOverhead.classicStaticHeader", 0.97),
                                  ("BearerOverhead.asyncBearer", "BearerOverhead.asyncStaticHeader", 0.97),
                                  ("VertxBearerOverhead.bearer", "VertxBearerOverhead.staticHeader", 0.95)):
        b, s = primary(bearer), primary(plain)
        if b is not None and s is not None:
            check_ratio(f"{bearer} {fmt(b[0])} vs {plain} {fmt(s[0])} ops/s", b, s, target)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: jmh-table.py <jmh-result.json>")
    main(sys.argv[1])
