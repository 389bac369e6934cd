#!/usr/bin/env python3
"""Generate the sample data sets of lodestar's example workspaces.

Deterministic and stdlib-only: every file comes from `random.Random(SEED + k)`,
so running this script again writes byte-identical files.

    python3 sample-data/generate.py

Writes into sample-data/ and copies the same bytes into the `data/` folder of
each bundled workspace (workspaces/example/data/, workspaces/zh-example/data/).
The planted ground truth of every file is documented in sample-data/README.md;
keep the two in step when changing anything here.
"""

import datetime
import math
import os
import random

SEED = 20261129

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIRS = [
    os.path.join(ROOT, "sample-data"),
    os.path.join(ROOT, "workspaces", "example", "data"),
    os.path.join(ROOT, "workspaces", "zh-example", "data"),
]

# --------------------------------------------------------------------------
# propensity.csv: next-best-offer acceptance of a mid-size retailer
# --------------------------------------------------------------------------

PROPENSITY_ROWS = 6000
REGIONS = ["north", "south", "east", "west", "central", "coastal"]
REGION_WEIGHTS = [0.18, 0.20, 0.14, 0.17, 0.21, 0.10]
CHANNELS = ["store", "web", "app"]
CHANNEL_WEIGHTS = [0.50, 0.30, 0.20]
TIERS = ["none", "silver", "gold", "platinum"]
TIER_WEIGHTS = [0.45, 0.30, 0.18, 0.07]

# The planted model (see README.md, "Ground truth").
INTERCEPT = -2.50
TIER_EFFECT = {"none": 0.0, "silver": 0.40, "gold": 1.00, "platinum": 1.60}
REGION_EFFECT = {"north": 0.0, "south": 0.25, "east": -0.30, "west": 0.0,
                 "central": 0.15, "coastal": 0.0}
NOISE_SD = 0.5
MISSING_RATE = 0.01  # basket_value_avg and email_opens_90d


def pick(rng, values, weights):
    """One value drawn with the given weights (uses one rng.random() call)."""
    u = rng.random() * sum(weights)
    acc = 0.0
    for v, w in zip(values, weights):
        acc += w
        if u < acc:
            return v
    return values[-1]


def poisson(rng, lam):
    """Knuth's Poisson sampler (fine for the small means used here)."""
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def clamp(x, lo, hi):
    return max(lo, min(hi, x))


def planted_logit(r):
    """The noise-free log-odds of accepting the offer (README, "Ground truth")."""
    z = INTERCEPT
    z += 0.30 * (r["visits_30d"] - 4)
    z -= 0.020 * (r["days_since_last_purchase"] - 30)
    z += 0.10 * (r["email_opens_90d"] - 8)
    z += 5.0 * (r["discount_share"] - 0.25)
    z += TIER_EFFECT[r["loyalty_tier"]]
    z += 0.60 if r["has_app"] == "yes" else 0.0
    z += 0.50 if r["channel"] == "app" else 0.0
    z += REGION_EFFECT[r["region"]]
    # interaction: web shoppers who read e-mails respond to e-mailed offers
    if r["channel"] == "web" and r["email_opens_90d"] >= 10:
        z += 0.80
    # mild non-linearity: very small and very large baskets respond less
    if r["basket_value_avg"] < 15 or r["basket_value_avg"] > 150:
        z -= 0.70
    return z


def customer(rng, i, age_mu=43.0, age_sd=13.0):
    """One customer row with its drawn label (the planted model)."""
    r = {"customer_id": "C%06d" % (100001 + i)}
    r["age"] = int(round(clamp(rng.gauss(age_mu, age_sd), 18, 85)))
    r["tenure_months"] = int(round(clamp(-36.0 * math.log(1.0 - rng.random()), 1, 180)))
    r["region"] = pick(rng, REGIONS, REGION_WEIGHTS)
    r["channel"] = pick(rng, CHANNELS, CHANNEL_WEIGHTS)
    app_p = {"store": 0.25, "web": 0.40, "app": 0.97}[r["channel"]]
    r["has_app"] = "yes" if rng.random() < app_p else "no"
    # long-standing customers are more often in a higher tier
    tier_w = list(TIER_WEIGHTS)
    if r["tenure_months"] > 48:
        tier_w = [0.25, 0.32, 0.28, 0.15]
    r["loyalty_tier"] = pick(rng, TIERS, tier_w)
    lam = {"store": 3.0, "web": 4.0, "app": 6.0}[r["channel"]]
    lam *= {"none": 0.8, "silver": 1.0, "gold": 1.25, "platinum": 1.5}[r["loyalty_tier"]]
    r["visits_30d"] = min(poisson(rng, lam), 30)
    r["basket_value_avg"] = round(clamp(math.exp(rng.gauss(3.75, 0.55)), 3.0, 600.0), 2)
    r["days_since_last_purchase"] = int(round(clamp(-28.0 * math.log(1.0 - rng.random()) / (1 + r["visits_30d"] / 6.0), 0, 365)))
    r["email_opens_90d"] = min(poisson(rng, 7.0 if r["channel"] != "store" else 5.0), 40)
    r["discount_share"] = round(clamp(rng.betavariate(2.0, 6.0), 0.0, 1.0), 3)
    r["_score"] = 1.0 / (1.0 + math.exp(-planted_logit(r)))
    z = planted_logit(r) + rng.gauss(0.0, NOISE_SD)
    p = 1.0 / (1.0 + math.exp(-z))
    r["accepted_offer"] = "yes" if rng.random() < p else "no"
    # knock out ~1 % of two numeric columns after the label is drawn
    for col in ("basket_value_avg", "email_opens_90d"):
        if rng.random() < MISSING_RATE:
            r[col] = None
    return r


def propensity_rows(rng):
    return [customer(rng, i) for i in range(PROPENSITY_ROWS)]


PROPENSITY_COLUMNS = [
    "customer_id", "age", "tenure_months", "region", "channel", "loyalty_tier",
    "has_app", "visits_30d", "basket_value_avg", "days_since_last_purchase",
    "email_opens_90d", "discount_share", "accepted_offer",
]


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, float):
        s = "%.3f" % v
        s = s.rstrip("0").rstrip(".") if "." in s else s
        return s
    return str(v)


def propensity_csv():
    rng = random.Random(SEED)
    lines = [",".join(PROPENSITY_COLUMNS)]
    for r in propensity_rows(rng):
        lines.append(",".join(fmt(r[c]) for c in PROPENSITY_COLUMNS))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# market-ai-retail.csv: monthly AI spend of EU retail, EUR millions
# --------------------------------------------------------------------------

MARKET_START = (2023, 1)
MARKET_MONTHS = 42  # 2023-01 .. 2026-06
MARKET_BASE = 38.0  # EUR m in 2023-01 (before seasonality and noise)
MARKET_GROWTH = 0.022  # per month (≈ 29.8 % a year)
MARKET_SEASON_AMP = 0.06  # ± 6 %, peak in November
MARKET_NOISE_SD = 0.02  # multiplicative, 2 %


def market_csv():
    rng = random.Random(SEED + 1)
    lines = ["month,spend_eur_m"]
    year, month = MARKET_START
    for t in range(MARKET_MONTHS):
        trend = MARKET_BASE * (1.0 + MARKET_GROWTH) ** t
        season = 1.0 + MARKET_SEASON_AMP * math.cos(2.0 * math.pi * (month - 11) / 12.0)
        noise = 1.0 + rng.gauss(0.0, MARKET_NOISE_SD)
        lines.append("%04d-%02d,%.2f" % (year, month, trend * season * noise))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# survey-responses.csv: customer survey about a shopping assistant
# --------------------------------------------------------------------------

SURVEY_ROWS = 120
SATISFACTION_W = [0.06, 0.12, 0.27, 0.37, 0.18]  # answers 1..5
ASSISTANT_W = [0.10, 0.14, 0.24, 0.32, 0.20]  # answers 1..5


def survey_csv():
    rng = random.Random(SEED + 2)
    lines = ["respondent,q_satisfaction,q_recommend,q_would_use_assistant"]
    for i in range(SURVEY_ROWS):
        sat = pick(rng, [1, 2, 3, 4, 5], SATISFACTION_W)
        # NPS answer follows satisfaction: 2 × satisfaction − 1, ± noise, 0..10
        nps = int(clamp(round(2 * sat - 1 + rng.gauss(0.5, 1.4)), 0, 10))
        use = pick(rng, [1, 2, 3, 4, 5], ASSISTANT_W)
        lines.append("R%03d,%d,%d,%d" % (i + 1, sat, nps, use))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------
# After launch: scoring batches (data/scored-2026-MM.csv) and monitor.toml
# --------------------------------------------------------------------------

LAUNCH = (2026, 3)  # month 1 of every plan
ACTUAL_MONTHS = 8  # 2026-03 .. 2026-10
BATCH_MONTHS = [(2026, m) for m in range(5, 11)]  # 2026-05 .. 2026-10
BATCH_ROWS = 500
DRIFT_FROM = (2026, 9)  # from here the app brings in younger customers
DRIFT_AGE = (35.0, 12.0)  # age ~ N(35, 12) instead of N(43, 13)
LABELLED = (2026, 6)  # the outcomes of this batch arrived
SCORED_COLUMNS = [c for c in PROPENSITY_COLUMNS if c != "accepted_offer"] + ["probability"]


def batch_name(ym):
    return "scored-%04d-%02d.csv" % ym


def batch_csv(k, ym):
    """One month's customers scored by the deployed model (the planted,
    noise-free probability stands in for the run's), with the outcomes
    only in the labelled batch."""
    rng = random.Random(SEED + 10 + k)
    age = DRIFT_AGE if ym >= DRIFT_FROM else (43.0, 13.0)
    cols = list(SCORED_COLUMNS)
    if ym == LABELLED:
        cols.insert(-1, "accepted_offer")
    lines = [",".join(cols)]
    for i in range(BATCH_ROWS):
        r = customer(rng, 200000 + k * BATCH_ROWS + i, age[0], age[1])
        r["probability"] = round(r["_score"], 4)
        lines.append(",".join(fmt(r[c]) for c in cols))
    return "\n".join(lines) + "\n"


def month(ym, t):
    """The month t months after ym, as (year, month)."""
    n = ym[0] * 12 + ym[1] - 1 + t
    return (n // 12, n % 12 + 1)


def month_end(ym):
    """The last day of month ym, as YYYY-MM-DD."""
    y, m = month(ym, 1)
    return (datetime.date(y, m, 1) - datetime.timedelta(days=1)).isoformat()


def plan(rev, t):
    """Plan revenue and running cost of month t (1-based) of a usage model."""
    volume = rev["volume"] * (1.0 + rev.get("growth", 0.0) - rev.get("churn", 0.0)) ** (t - 1)
    unit_cost = rev.get("unit-cost", rev.get("tokens-per-unit", 0.0) * rev.get("price-per-1k-tokens", 0.0) / 1000.0)
    return volume, rev["price"] * volume, unit_cost * volume + rev["fixed-cost"]


# Each workspace: its live scenarios (plan parameters as in scenarios.toml)
# with how actual revenue runs against plan, and its KPIs with how they move.
WORKSPACES = {
    "example": {
        "comment": [
            "# What happened after launch (seed §3.4 deploy and optimise, §4.3 adjust).",
            "#",
            "# Generated by sample-data/generate.py (synthetic): the next-best-offer model",
            "# and the customer-service assistant went live in March 2026. Offers run on",
            "# plan; the assistant resolves fewer contacts than planned, and its KPI (cost",
            "# per contact) hardly moves. From September the app brings in younger",
            "# customers (`age` drifts); the outcomes of the June batch arrived.",
        ],
        "headers": ("# --- KPI measurements", "# --- Monthly actuals", "# --- Scoring batches"),
        "scenarios": [
            ("scn-next-best-offer", {"price": 0.045, "volume": 2400000, "growth": 0.02,
                                     "tokens-per-unit": 400, "price-per-1k-tokens": 0.0005,
                                     "fixed-cost": 38000}, "on-plan"),
            ("scn-support-bot", {"price": 2.1, "volume": 45000, "growth": 0.03,
                                 "tokens-per-unit": 6000, "price-per-1k-tokens": 0.003,
                                 "fixed-cost": 22000}, "below"),
        ],
        "kpis": [
            ("need-001", 11.0, 16.0, "2027-12-31", "on-track", 1),
            ("need-002", 4.1, 2.6, "2027-09-30", "off-track", 2),
        ],
        "notes": {"labels": "outcomes after 30 days", "drift": "app campaign for students",
                  "run": "trained on data/propensity.csv"},
    },
    "zh-example": {
        "comment": [
            "# 上线后的实际情况（方法第 3.4 节部署与优化、第 4.3 节调整）。",
            "#",
            "# 由 sample-data/generate.py 生成（合成数据）：个性化推荐模型与智能客服于",
            "# 2026 年 3 月上线。推荐按计划运行；智能客服解决的咨询少于计划，单次咨询",
            "# 成本几乎没有下降。9 月起 App 带来更年轻的顾客（`age` 漂移）；6 月批次的",
            "# 结果已回收。",
        ],
        "headers": ("# --- KPI 测量值", "# --- 月度实际", "# --- 评分批次"),
        "scenarios": [
            ("scn-next-best-offer", {"price": 0.3, "volume": 1800000, "growth": 0.02,
                                     "tokens-per-unit": 300, "price-per-1k-tokens": 0.002,
                                     "fixed-cost": 120000}, "on-plan"),
            ("scn-ai-service", {"price": 4.5, "volume": 60000, "growth": 0.03,
                                "unit-cost": 0.05, "fixed-cost": 60000}, "below"),
        ],
        "kpis": [
            ("need-001", 9.0, 14.0, "2027-12-31", "on-track", 1),
            ("need-002", 6.5, 3.5, "2027-09-30", "off-track", 2),
        ],
        "notes": {"labels": "30 天后回收的结果", "drift": "学生 App 推广",
                  "run": "用 data/propensity.csv 训练"},
    },
}


def days_between(a, b):
    return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days


def num(x, places):
    s = ("%." + str(places) + "f") % x
    return s.rstrip("0").rstrip(".") if "." in s else s


def monitor_toml(ws, k):
    rng = random.Random(SEED + 30 + k)
    launch = "%04d-%02d-01" % LAUNCH
    out = list(ws["comment"])
    out += [
        "",
        "launch = %s" % launch,
        "",
        "[deployment]",
        'run = "20260215-093000-42" # %s' % ws["notes"]["run"],
        "since = %s" % launch,
        "validation-auc = 0.81",
        "",
        "[thresholds]",
        "psi = 0.2",
        "auc-drop = 0.05",
        "revenue-shortfall = 0.2",
        "revenue-months = 2",
        "",
        ws["headers"][0] + " " + "-" * (72 - len(ws["headers"][0])),
    ]
    for need, base, target, due, kind, decimals in ws["kpis"]:
        span = days_between(launch, due)
        for t in range(ACTUAL_MONTHS):
            date = month_end(month(LAUNCH, t))
            f = days_between(launch, date) / span
            if kind == "on-track":
                # on the path, a little ahead, with some noise
                value = base + (target - base) * f * 1.05 + rng.gauss(0.0, 0.02) * abs(target - base)
            else:
                # hardly moves: a tenth of the planned progress
                value = base + (target - base) * f * 0.1 + rng.gauss(0.0, 0.015) * abs(target - base)
            out += ["", "[[measurement]]", 'need = "%s"' % need, "date = %s" % date,
                    "value = %s" % num(value, decimals)]
    out += ["", ws["headers"][1] + " " + "-" * (72 - len(ws["headers"][1]))]
    for sid, rev, kind in ws["scenarios"]:
        for t in range(1, ACTUAL_MONTHS + 1):
            volume, revenue, cost = plan(rev, t)
            if kind == "on-plan":
                share = 1.0 + rng.gauss(0.02, 0.04)
            else:
                # starts a little short and falls further behind
                share = 0.92 - 0.035 * t + rng.gauss(0.0, 0.02)
            cost_share = 1.0 + rng.gauss(0.0, 0.03)
            out += ["", "[[actual]]", 'scenario = "%s"' % sid,
                    "month = %04d-%02d-01" % month(LAUNCH, t - 1),
                    "revenue = %d" % round(revenue * share, -1),
                    "cost = %d" % round(cost * cost_share, -1),
                    "volume = %d" % round(volume * share, -1)]
            if "tokens-per-unit" in rev:
                out.append("tokens = %d" % round(volume * share * rev["tokens-per-unit"], -4))
    out += ["", ws["headers"][2] + " " + "-" * (72 - len(ws["headers"][2]))]
    for ym in BATCH_MONTHS:
        out += ["", "[[batch]]", "date = %04d-%02d-03" % ym,
                'file = "data/%s"' % batch_name(ym), "rows = %d" % BATCH_ROWS]
        if ym == LABELLED:
            out += ['labels = "accepted_offer"', 'note = "%s"' % ws["notes"]["labels"]]
        if ym == DRIFT_FROM:
            out.append('note = "%s"' % ws["notes"]["drift"])
    return "\n".join(out) + "\n"


def monitoring():
    """Write the scoring batches into each workspace's data/ (not into
    sample-data/: they belong to the monitoring story) and monitor.toml."""
    for k, ym in enumerate(BATCH_MONTHS):
        data = batch_csv(k, ym).encode("utf-8")
        for d in OUT_DIRS[1:]:
            with open(os.path.join(d, batch_name(ym)), "wb") as f:
                f.write(data)
        print("%-22s %6d rows  %8d bytes" % (batch_name(ym), BATCH_ROWS, len(data)))
    for k, (name, ws) in enumerate(WORKSPACES.items()):
        data = monitor_toml(ws, k).encode("utf-8")
        path = os.path.join(ROOT, "workspaces", name, "monitor.toml")
        with open(path, "wb") as f:
            f.write(data)
        print("%-22s %6d lines %8d bytes" % (name + "/monitor.toml", data.count(b"\n"), len(data)))


FILES = {
    "propensity.csv": propensity_csv,
    "market-ai-retail.csv": market_csv,
    "survey-responses.csv": survey_csv,
}


# --------------------------------------------------------------------------
# votes/<participant>.toml: the scoring workshop, one file per participant
# --------------------------------------------------------------------------
# Every cell's votes are the scenario's agreed score plus a small offset
# pattern whose median is 0, so the medians reproduce scenarios.toml; the
# first two scenarios get only patterns without an interquartile spread, so
# exactly one planted cell (PLANTED) has a spread that flips the top two.

WORKSHOPS = {
    "example": {
        "participants": [
            ("cdo", "Chief Digital Officer"),
            ("cfo", "Chief Financial Officer"),
            ("crm-lead", "Head of CRM"),
            ("data-lead", "Head of Data"),
            ("legal", "Legal counsel"),
        ],
        "top2": ["scn-next-best-offer", "scn-product-content"],
        # The CFO and legal doubt the margin the offers add.
        "planted": ("scn-next-best-offer", "value", [5, 4, 5, 5, 2]),
        # Head of Data does not score the licence deal.
        "skip": [("data-lead", "scn-assistant-license")],
    },
    "zh-example": {
        "participants": [
            ("cio", "首席信息官"),
            ("cfo", "财务总监"),
            ("ops-lead", "运营负责人"),
            ("data-lead", "数据负责人"),
        ],
        "top2": ["scn-next-best-offer", "scn-ai-service"],
        # 财务与数据负责人认为优惠券推荐的增量价值很小。
        "planted": ("scn-next-best-offer", "value", [5, 2, 5, 2]),
        "skip": [],
    },
}

# Offset patterns by number of voters: (pattern, weight); "flat" ones have
# no interquartile spread.
FLAT = {5: [[0, 0, 0, 0, 0], [-1, 0, 0, 0, 1], [0, 0, 0, 0, 1], [-1, 0, 0, 0, 0]],
        4: [[0, 0, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 1]]}
SPREAD = {5: [[-1, -1, 0, 1, 1], [0, 0, 0, 1, 1], [-1, -1, 0, 0, 0]],
          4: [[-1, 0, 0, 1], [-1, -1, 1, 1]]}


def votes_files(ws, rng):
    import tomllib

    cfg = WORKSHOPS[ws]
    base = os.path.join(ROOT, "workspaces", ws)
    with open(os.path.join(base, "workspace.toml"), "rb") as f:
        settings = tomllib.load(f)
    with open(os.path.join(base, "scenarios.toml"), "rb") as f:
        scenarios = tomllib.load(f)["scenario"]
    criteria = settings["criterion"]
    people = cfg["participants"]
    k = len(people)
    cells = {p: {} for p, _ in people}
    for sc in scenarios:
        for c in criteria:
            agreed = sc["scores"][c["id"]]
            if (sc["id"], c["id"]) == cfg["planted"][:2]:
                votes = cfg["planted"][2]
            else:
                spread = sc["id"] not in cfg["top2"] and rng.random() < 0.3
                pattern = list(rng.choice((SPREAD if spread else FLAT)[k]))
                rng.shuffle(pattern)
                votes = [int(clamp(agreed + d, c.get("min", 1), c.get("max", 5))) for d in pattern]
            for (p, _), v in zip(people, votes):
                if (p, sc["id"]) not in cfg["skip"]:
                    cells[p].setdefault(sc["id"], []).append((c["id"], v))
    out = {}
    for p, name in people:
        lines = [
            "# Votes of the scoring workshop of 2026-10-21 (%s)." % name,
            "# Generated by sample-data/generate.py; see sample-data/README.md.",
            'name = "%s"' % name,
        ]
        lines.append("")
        lines.append("[weights] # points, normalised per participant")
        for c in criteria:
            pts = round(100 * c["weight"]) + rng.choice([-5, 0, 0, 5])
            lines.append("%s = %d" % (c["id"], max(pts, 1)))
        for sc_id, row in cells[p].items():
            lines.append("")
            lines.append("[scores.%s]" % sc_id)
            for cid, v in row:
                lines.append("%s = %d" % (cid, v))
        for comp in settings.get("comparison", []):
            ratio = comp["ratio"] * rng.choice([1, 1, 1, 2, 0.5])
            ratio = min(max(ratio, 1 / 9), 9)
            lines.append("")
            lines.append("[[comparison]]")
            lines.append('a = "%s"' % comp["a"])
            lines.append('b = "%s"' % comp["b"])
            lines.append("ratio = %s" % fmt(round(ratio, 4)))
        out[p] = "\n".join(lines) + "\n"
    return out


def write_votes():
    for k, ws in enumerate(WORKSHOPS):
        rng = random.Random(SEED + 3 + k)
        d = os.path.join(ROOT, "workspaces", ws, "votes")
        os.makedirs(d, exist_ok=True)
        for p, text in votes_files(ws, rng).items():
            with open(os.path.join(d, p + ".toml"), "wb") as f:
                f.write(text.encode("utf-8"))
        print("%-22s %6d participants" % (ws + "/votes/", len(WORKSHOPS[ws]["participants"])))


def main():
    write_votes()
    for name, make in FILES.items():
        data = make().encode("utf-8")
        for d in OUT_DIRS:
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
        rows = data.count(b"\n") - 1
        print("%-22s %6d rows  %8d bytes" % (name, rows, len(data)))
    monitoring()


if __name__ == "__main__":
    main()
