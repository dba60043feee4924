"""Writes the demo job feed: fictional jobs of a fictional company, as schema.org JobPosting JSON-LD.

  python scripts/make_demo_jobs.py                       -> api/jobs/demo-feed.json (300 jobs)
  python scripts/make_demo_jobs.py --count 20000 --out var/bench/jobs-20000.json [--changed 0.01]

Deterministic (a fixed seed): the same command writes the same file. --changed F rewrites a
fraction F of the jobs' descriptions, with another seed: the bench's "1 % changed" refresh.
Every job says it is fictional; the apply links go to example.com (RFC 2606: never a real site).
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "Example Corp (fictional demo company)"
NOTICE = "Fictional demo job: this posting is made up to show the assistant's job search."

TEAMS: dict[str, list[str]] = {
    "Software Engineering": [
        "Software Engineer",
        "Senior Software Engineer",
        "Backend Software Engineer",
        "Frontend Engineer",
        "Full Stack Engineer",
        "Mobile Engineer (iOS)",
        "Mobile Engineer (Android)",
        "Staff Software Engineer",
        "Engineering Manager",
        "Software Development Engineer in Test",
    ],
    "Data": ["Data Engineer", "Senior Data Engineer", "Data Analyst", "Data Scientist", "Analytics Engineer"],
    "Machine Learning": ["Machine Learning Engineer", "Applied Scientist", "Research Scientist, NLP"],
    "Security": ["Security Engineer", "Application Security Engineer", "Security Analyst", "Penetration Tester"],
    "Infrastructure": [
        "Site Reliability Engineer",
        "Cloud Infrastructure Engineer",
        "Network Engineer",
        "DevOps Engineer",
    ],
    "Product": ["Product Manager", "Senior Product Manager", "Technical Program Manager"],
    "Design": ["Product Designer", "UX Researcher", "Content Designer"],
    "Sales": ["Account Executive", "Sales Development Representative", "Solutions Engineer"],
    "Customer Support": ["Customer Support Specialist", "Technical Support Engineer", "Support Team Lead"],
    "People": ["Recruiter", "HR Business Partner", "People Operations Coordinator"],
    "Finance": ["Financial Analyst", "Accountant", "Payroll Specialist"],
    "Operations": ["Warehouse Associate", "Fulfilment Centre Shift Lead", "Logistics Coordinator"],
    "Marketing": ["Marketing Manager", "Content Marketing Specialist", "Brand Designer"],
}
INTERNSHIPS = [
    ("Software Engineering", "Software Engineering Intern"),
    ("Data", "Data Science Intern"),
    ("Security", "Security Intern"),
    ("Product", "Product Management Intern"),
    ("Design", "UX Design Intern"),
    ("Finance", "Finance Intern"),
]
PLACES = [
    ("Seattle", "WA", "United States"),
    ("New York", "NY", "United States"),
    ("San Francisco", "CA", "United States"),
    ("Austin", "TX", "United States"),
    ("Boston", "MA", "United States"),
    ("Chicago", "IL", "United States"),
    ("Toronto", "ON", "Canada"),
    ("Vancouver", "BC", "Canada"),
    ("Dublin", "", "Ireland"),
    ("London", "", "United Kingdom"),
    ("Edinburgh", "", "United Kingdom"),
    ("Berlin", "", "Germany"),
    ("Munich", "", "Germany"),
    ("Amsterdam", "", "Netherlands"),
    ("Paris", "", "France"),
    ("Madrid", "", "Spain"),
    ("Bangalore", "", "India"),
    ("Singapore", "", "Singapore"),
    ("Tokyo", "", "Japan"),
    ("Sydney", "NSW", "Australia"),
]
DUTIES = {
    "Software Engineering": "build and run the services behind our careers products, review code and mentor others",
    "Data": "design pipelines (SQL, Spark, Kafka), model data and keep dashboards trustworthy",
    "Machine Learning": "train, evaluate and ship models for search and recommendations",
    "Security": "find and fix vulnerabilities, monitor threats and respond to incidents",
    "Infrastructure": "keep our cloud platform reliable: automation, on-call, capacity planning",
    "Product": "decide what we build next with engineers, designers and customers",
    "Design": "research candidates' needs and design clear, accessible experiences",
    "Sales": "help companies choose our products and grow their accounts",
    "Customer Support": "answer customers' questions by chat, email and phone",
    "People": "hire, onboard and support our colleagues",
    "Finance": "plan budgets, close the books and report on results",
    "Operations": "pick, pack and ship orders safely and on time",
    "Marketing": "tell our story through campaigns, content and events",
}


# The first jobs are fixed, so the examples of the docs and the tests find what they look for.
ANCHORS = [
    ("Data Engineer", "Data", "FULL_TIME", "hybrid", [("Seattle", "WA", "United States")]),
    ("Senior Data Engineer", "Data", "FULL_TIME", "on-site", [("Seattle", "WA", "United States")]),
    ("Software Engineer", "Software Engineering", "FULL_TIME", "hybrid", [("New York", "NY", "United States")]),
    ("Security Engineer", "Security", "FULL_TIME", "remote", [("Dublin", "", "Ireland")]),
    ("Data Engineer", "Data", "FULL_TIME", "on-site", [("Dublin", "", "Ireland")]),
    ("Software Engineering Intern", "Software Engineering", "INTERN", "on-site", [("London", "", "United Kingdom")]),
]


def place(city: str, region: str, country: str) -> dict:
    address = {"@type": "PostalAddress", "addressLocality": city, "addressCountry": country}
    if region:
        address["addressRegion"] = region
    return {"@type": "Place", "address": address}


# --varied (the bench): titles name a product area too, as large employers' feeds do, so that 20,000
# jobs are not 70 titles repeated ("Software Engineer, Payments").
AREAS = [
    "Payments",
    "Ads",
    "Search",
    "Logistics",
    "Marketplace",
    "Identity",
    "Billing",
    "Maps",
    "Video",
    "Music",
    "Devices",
    "Retail",
    "Health",
    "Education",
    "Travel",
    "Grocery",
    "Robotics",
    "Voice",
    "Cloud",
    "Storage",
    "Databases",
    "Networking",
    "Analytics",
    "Messaging",
    "Fraud",
    "Prevention",
    "Supply",
    "Chain",
    "Fulfilment",
    "Pricing",
    "Catalog",
    "Reviews",
    "Subscriptions",
    "Games",
    "Smart",
    "Home",
    "Developer",
    "Tools",
    "Observability",
    "Compliance",
    "Tax",
    "Treasury",
    "Procurement",
]


def make_jobs(count: int, seed: int = 19, varied: bool = False) -> list[dict]:
    rng = random.Random(seed)
    start = date(2026, 9, 1)
    jobs = []
    for n in range(1, count + 1):
        if n <= len(ANCHORS):
            title, team, kind, workplace, cities = ANCHORS[n - 1]
        elif rng.random() < 0.08:
            team, title = rng.choice(INTERNSHIPS)
            kind = "INTERN"
        else:
            team = rng.choice(list(TEAMS))
            title = rng.choice(TEAMS[team])
            kind = rng.choices(["FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY"], [80, 8, 8, 4])[0]
            if team == "Operations" and rng.random() < 0.5:
                kind = "TEMPORARY"
        if n > len(ANCHORS):
            workplace = rng.choices(["on-site", "hybrid", "remote"], [45, 35, 20])[0]
            cities = rng.sample(PLACES, 2 if rng.random() < 0.15 else 1)
        if varied and n > len(ANCHORS):
            title = f"{title}, {rng.choice(AREAS)} {rng.choice(AREAS)}"
        posted = start + timedelta(days=rng.randrange(0, 90))
        code = f"DEMO-{n:05d}"
        job = {
            "@type": "JobPosting",
            "title": title,
            "identifier": {"@type": "PropertyValue", "name": COMPANY, "value": code},
            "datePosted": posted.isoformat(),
            "employmentType": kind,
            "occupationalCategory": team,
            "hiringOrganization": {"@type": "Organization", "name": COMPANY, "sameAs": "https://example.com"},
            "jobLocation": [place(*c) for c in cities],
            "description": (
                f"<p>As a {title} in our {team} team you will {DUTIES[team]}.</p><p>Reference {code}. {NOTICE}</p>"
            ),
            "url": f"https://careers.example.com/jobs/{code.lower()}",
            "directApplyUrl": f"https://careers.example.com/jobs/{code.lower()}/apply",
        }
        if workplace == "remote":
            job["jobLocationType"] = "TELECOMMUTE"
        elif workplace == "hybrid":
            job["workplaceType"] = "hybrid"
        else:
            job["workplaceType"] = "onsite"
        jobs.append(job)
    return jobs


def change(jobs: list[dict], fraction: float, seed: int) -> None:
    rng = random.Random(seed)
    for job in rng.sample(jobs, round(len(jobs) * fraction)):
        job["description"] += (
            f"<p>Updated: we now also offer {rng.choice(['a sign-on bonus', 'relocation', 'a 4-day week'])}.</p>"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "api" / "jobs" / "demo-feed.json")
    parser.add_argument("--changed", type=float, default=0.0, help="fraction of jobs to change (bench refresh)")
    parser.add_argument("--change-seed", type=int, default=1)
    parser.add_argument("--varied", action="store_true", help="titles name product areas too (the bench's feed)")
    args = parser.parse_args()
    jobs = make_jobs(args.count, varied=args.varied)
    if args.changed:
        change(jobs, args.changed, args.change_seed)
    feed = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": f"{COMPANY}: demo job feed. FICTIONAL: every job here is made up (scripts/make_demo_jobs.py).",
        "itemListElement": jobs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(feed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(jobs)} fictional jobs to {args.out}")


if __name__ == "__main__":
    main()
