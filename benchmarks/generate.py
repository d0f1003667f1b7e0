"""Generate realistic synthetic news articles for benchmarks and long-running tests.

Each article is composed from sentence templates written for this project:
a headline, one to three event sentences (air strikes, shelling, attacks,
captures, withdrawals, deployments, threats) at gazetteer places, attributions,
and background paragraphs, dated across one year, with YAML front matter
(title, published, outlet). The same seed always gives the same articles.

Usage::

    python benchmarks/generate.py OUT_DIR --n 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

__all__ = ["generate_articles", "article_text", "load_places"]

REPO = Path(__file__).resolve().parents[1]
START = dt.date(2019, 4, 4)
DAYS = 365
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OUTLETS = (
    "Coastal Desk Wire",
    "North Africa Monitor",
    "Mediterranean Dispatch",
    "Desert Line News",
    "The Tripoli Observer (translated)",
    "Regional Security Report",
)
SIDES = {
    "GNA": (
        "forces of the Government of National Accord",
        "GNA forces",
        "the Volcano of Rage operation",
        "forces loyal to the unity government",
    ),
    "LNA": (
        "Haftar's forces",
        "the Libyan National Army",
        "LNA units",
        "forces loyal to Khalifa Haftar",
    ),
}
SPOKES = {
    "GNA": ("a spokesman for the Volcano of Rage operation", "the GNA's media office"),
    "LNA": ("LNA spokesman Ahmed al-Mismari", "the LNA's war information division"),
}
# {a}: acting side, {t}: target side, {p}: place, {q}: second place, {d}: day phrase
EVENTS = {
    "airstrike": (
        "Warplanes belonging to {a} struck positions held by {t} in {p} {d}.",
        "A drone strike hit a vehicle carrying fighters of {t} near {p} {d}.",
        "{A} carried out air raids on an ammunition depot in {p} {d}.",
    ),
    "shelling": (
        "Rockets fired by {a} landed on residential districts of {p} {d}.",
        "{A} shelled the outskirts of {p} with heavy artillery {d}.",
        "Mortar rounds fell near the main hospital in {p} {d}, residents said.",
    ),
    "ground_attack": (
        "{A} launched an attack on positions of {t} south of {p} {d}.",
        "{A} advanced towards {p} from the direction of {q} {d}.",
    ),
    "clash": (
        "Heavy clashes broke out between {a} and {t} on the road between {p} and {q} {d}.",
        "Fighting between the two sides continued around {p} {d}.",
    ),
    "capture": (
        "{A} said they had taken full control of {p} {d}.",
        "{A} entered {p} {d} after {t} pulled back.",
    ),
    "withdrawal": (
        "{T} withdrew from {p} {d} towards {q}.",
        "{A} forced {t} out of {p} {d}.",
    ),
    "deployment": (
        "{A} sent reinforcements to {p} {d}, including armoured vehicles.",
        "Columns of military vehicles belonging to {a} arrived in {p} {d}.",
    ),
    "threat": (
        "{A} warned that they would storm {p} if {t} did not leave within three days.",
        "{A} gave {t} an ultimatum to withdraw from {p}.",
    ),
}
FOLLOW_UPS = (
    "The claim could not be independently verified.",
    "{S} said the operation had been a success.",
    "{O} denied the report.",
    "Local medics said {k} people were killed and several others wounded.",
    "There was no immediate comment from {o}.",
    "A correspondent in the area said the sound of explosions could be heard through the night.",
)
BACKGROUND = (
    "The conflict between the rival administrations has displaced tens of thousands of "
    "people since the offensive on the capital began.",
    "The United Nations has repeatedly called for a ceasefire and a return to political "
    "talks between the two sides.",
    "Foreign powers have sent weapons and fighters to both camps despite an arms embargo.",
    "Humanitarian agencies warned that hospitals in the area were running short of fuel "
    "and medicine.",
    "Diplomats said a new round of negotiations could begin in Geneva next month.",
    "Oil production has fallen sharply since armed groups closed several export terminals.",
    "Residents described long queues for bread and fuel as prices continued to rise.",
    "Analysts said neither side appeared able to win a decisive victory on the ground.",
)
# Statements of who holds a place ({a}: a side's name, {p}, {q}: places), some of the
# forms geo.control reads and some near-misses it must not ("formerly held by").
STATEMENTS = (
    "{P}, which is controlled by {a}, has been quiet for weeks.",
    "Residents of {p}, held by {a}, reported power cuts.",
    "{P} remains under the control of {a}, officials said.",
    "The towns of {p} and {q}, now in the hands of {a}, were calm.",
    "Supplies reached {p}, the main stronghold of {a}.",
    "Traders in {p}, formerly held by {a}, reopened their shops.",
    "Aid convoys have not reached {p} since the fighting began.",
)
TITLES = {
    "airstrike": "Air strikes reported in {p}",
    "shelling": "Shelling hits {p}",
    "ground_attack": "Fresh offensive near {p}",
    "clash": "Clashes around {p}",
    "capture": "{P} changes hands",
    "withdrawal": "Forces pull back from {p}",
    "deployment": "Reinforcements arrive in {p}",
    "threat": "Ultimatum issued over {p}",
}
# Used when the gazetteer cannot be read: Libyan towns (names as in GeoNames).
FALLBACK_PLACES = (
    "Tripoli", "Misrata", "Sirte", "Benghazi", "Gharyan", "Tarhuna", "Zawiya", "Sabratha",
    "Ajdabiya", "Brega", "Sabha", "Bani Walid", "Derna", "Tobruk", "Khoms", "Zliten",
)


def load_places(path: Path | None = None) -> list[str]:
    """Libyan city, town and village names from the gazetteer (or a built-in list)."""
    path = path or REPO / "data" / "gazetteer.csv"
    try:
        with path.open(encoding="utf-8", newline="") as f:
            names = [
                row["name"]
                for row in csv.DictReader(line for line in f if not line.startswith("#"))
                if row.get("country") == "LY" and row.get("kind") in ("city", "town", "village")
            ]
    except (OSError, KeyError):
        names = []
    return sorted(set(names)) or list(FALLBACK_PLACES)


def _day_phrase(rng: random.Random, event_day: dt.date, published: dt.date) -> str:
    gap = (published - event_day).days
    if gap == 0:
        return rng.choice(("on " + WEEKDAYS[event_day.weekday()], "earlier today"))
    if gap == 1:
        return rng.choice(("yesterday", "on " + WEEKDAYS[event_day.weekday()] + " evening"))
    return "on " + WEEKDAYS[event_day.weekday()] if gap < 7 else f"on {event_day:%-d %B}"


def article_text(
    index: int, rng: random.Random, places: list[str], kinds: list[str] | None = None
) -> str:
    """One article with front matter, composed from the templates.

    ``kinds`` picks the event templates (default: one to three at random).
    """
    published = START + dt.timedelta(days=rng.randrange(DAYS))
    outlet = rng.choice(OUTLETS)
    actor = rng.choice(("GNA", "LNA"))
    target = "LNA" if actor == "GNA" else "GNA"
    kinds = kinds or rng.sample(list(EVENTS), k=rng.randint(1, 3))
    paragraphs = []
    first_place = None
    for kind in kinds:
        place, other = rng.sample(places, 2)
        first_place = first_place or place
        day = published - dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
        a, t = rng.choice(SIDES[actor]), rng.choice(SIDES[target])
        sentence = rng.choice(EVENTS[kind]).format(
            a=a, A=a[0].upper() + a[1:], t=t, T=t[0].upper() + t[1:], p=place, q=other,
            d=_day_phrase(rng, day, published),
        )
        follow = rng.choice(FOLLOW_UPS).format(
            S=SPOKES[actor][0][0].upper() + SPOKES[actor][0][1:],
            O=SPOKES[target][1][0].upper() + SPOKES[target][1][1:],
            o=SPOKES[target][1],
            k=rng.randint(2, 14),
        )
        paragraphs.append(f"{sentence} {follow}")
    paragraphs += rng.sample(BACKGROUND, k=rng.randint(2, 4))
    # a separate stream, so the rest of the article does not depend on this draw
    extra = random.Random(f"{index}:statement")
    if extra.random() < 0.3:
        holder = extra.choice(("GNA", "LNA"))
        place, other = extra.sample(places, 2)
        a = extra.choice(SIDES[holder])
        paragraphs.insert(
            extra.randrange(len(paragraphs) + 1),
            extra.choice(STATEMENTS).format(a=a, p=place, P=place, q=other),
        )
    title = TITLES[kinds[0]].format(p=first_place, P=first_place)
    front = (
        f"---\ntitle: \"{title}\"\npublished: {published.isoformat()}\n"
        f"outlet: {outlet}\nurl: https://news.example.org/{published:%Y/%m}/{index:06d}\n---\n"
    )
    return front + "\n\n".join(paragraphs) + "\n"


def generate_articles(
    folder: str | Path,
    n: int,
    *,
    seed: int = 0,
    start: int = 0,
    kinds: list[str] | None = None,
) -> list[Path]:
    """Write ``n`` articles ``article_<i>.md`` (``i`` from ``start``) into ``folder``.

    Article ``i`` depends only on ``seed``, ``i`` and ``kinds``, so growing a
    corpus keeps the earlier articles byte for byte.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    places = load_places()
    paths = []
    for i in range(start, start + n):
        rng = random.Random(f"{seed}:{i}")
        path = out / f"article_{i:06d}.md"
        path.write_text(article_text(i, rng, places, kinds), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the articles into")
    parser.add_argument("--n", type=int, default=100, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="index of the first article")
    args = parser.parse_args()
    paths = generate_articles(args.out, args.n, seed=args.seed, start=args.start)
    print(f"wrote {len(paths)} articles to {args.out}")


if __name__ == "__main__":
    main()
