"""Writes agent-tasks.jsonl: multi-step goals for the agent loop, in the synthetic tool world (memory, calculator),
phrased by hand apart from the forge's corpus templates and filled with names, things and numbers the corpus's lists
do not hold. Each task says which tools it offers, which facts the world holds before the run (`seed`, written into
the tenant's memory by the harness, not by a model), and how success is judged: every `answer` string in the final
answer (case-insensitive), every `remembered` string inside some `remember` call's fact, and at most `max_steps`.
`sequence` is the tool sequence a correct run takes, for the report; it is not required.

Five shapes, 48 tasks each (240): compute then remember; search memory then compute with what was found; remember two
facts then answer from them; search, find nothing, then remember; search then remember something derived from it."""
import json
import random

rng = random.Random(20261202)

# names and things absent from the corpus lists (corpus.py PEOPLE, THINGS, FOODS, PLACES)
NAMES = ["Odalys", "Teodor", "Marisol", "Baptiste", "Ingrid", "Kwame", "Lucinda", "Ragnar", "Soraya", "Thaddeus",
         "Yevgenia", "Zoltan", "Anouk", "Bartosz", "Cosima", "Dmitri", "Esperanza", "Florin", "Gunnhild", "Hamish",
         "Ilse", "Jovan", "Kalinda", "Leopold"]
ITEMS = ["lawnmower", "saxophone", "hammock", "kayak", "typewriter", "aquarium", "telescope mount", "espresso machine",
         "rocking chair", "drone", "treadmill", "sewing machine"]
THINGS = ["storage unit", "bike lock", "garage door", "safe", "wifi router", "mailbox", "gym locker", "alarm panel"]
CITIES = ["Tbilisi", "Valparaiso", "Ljubljana", "Kraków", "Trondheim", "Cusco", "Hobart", "Tallinn", "Oaxaca",
          "Bergen", "Ghent", "Split"]
DAYS = ["the 3rd of May", "next Thursday", "the 21st", "Saturday the 9th", "the last Friday of June", "the 14th"]
COUNTED = ["chairs", "boxes", "tickets", "plants", "lamps", "books", "cups", "tiles"]

COMPUTE_REMEMBER = [
    "Work out {a}*{b} and remember the result as the number of {things} in {name}'s flat",
    "multiply {a} by {b}, then save to memory that {name} ordered that many {things}",
    "What is {a} times {b}? Store it as how many {things} {name} needs",
    "calc {a} x {b} and keep the answer in memory: it's {name}'s count of {things}",
]
SEARCH_COMPUTE = [
    "Look up what {name}'s {item} cost and tell me what {n} of them would cost",
    "check my notes for the price of {name}'s {item}; how much for {n}?",
    "How much did {name} pay for the {item}? Multiply it by {n} for me",
    "find {name}'s {item} price in memory and work out {n} times that",
]
REMEMBER_TWO = [
    "Remember that {a} lives in {x} and that {b} lives in {y}, then tell me where {b} lives",
    "Save two things: {a} moved to {x}, and {b} moved to {y}. Then, where did {b} move?",
    "note that {a} is based in {x}, note that {b} is based in {y}, and answer: where is {b} based",
]
SEARCH_MISS_REMEMBER = [
    "Check my memory for the code of my {thing}; if nothing is there, save that the {thing} code is {code}",
    "do I have my {thing} code saved? if not, remember it's {code}",
    "search for my {thing} code, and store {code} as the {thing} code if you find nothing",
]
SEARCH_REMEMBER = [
    "Find {name}'s birthday in my notes and remember that {name}'s party is on that day",
    "look up when {name}'s birthday is, then save that the cake for {name} is due that day",
    "When is {name}'s birthday? Once you know, remember that the gift for {name} must arrive by then",
]


def pick(xs):
    return rng.choice(xs)


def tasks():
    out = []
    for i in range(48):
        a, b = rng.randint(12, 99), rng.randint(3, 40)
        name, things = pick(NAMES), pick(COUNTED)
        out.append(dict(shape="compute_then_remember",
                        goal=pick(COMPUTE_REMEMBER).format(a=a, b=b, name=name, things=things),
                        tools=["calculator", "remember"], seed=[],
                        answer=[str(a * b)], remembered=[str(a * b)],
                        sequence=["calculator", "remember", "final_answer"], max_steps=4))
    for i in range(48):
        name, item = pick(NAMES), pick(ITEMS)
        price, n = rng.randint(15, 480), rng.randint(2, 9)
        out.append(dict(shape="search_then_compute",
                        goal=pick(SEARCH_COMPUTE).format(name=name, item=item, n=n),
                        tools=["search_memory", "calculator"],
                        seed=[f"{name}'s {item} cost {price}"],
                        answer=[str(price * n)], remembered=[],
                        sequence=["search_memory", "calculator", "final_answer"], max_steps=4))
    for i in range(48):
        a, b = rng.sample(NAMES, 2)
        x, y = rng.sample(CITIES, 2)
        out.append(dict(shape="remember_two_then_answer",
                        goal=pick(REMEMBER_TWO).format(a=a, b=b, x=x, y=y),
                        tools=["remember"], seed=[],
                        answer=[y], remembered=[x, y],
                        sequence=["remember", "remember", "final_answer"], max_steps=4))
    for i in range(48):
        thing, code = pick(THINGS), str(rng.randint(1000, 9999))
        out.append(dict(shape="search_miss_then_remember",
                        goal=pick(SEARCH_MISS_REMEMBER).format(thing=thing, code=code),
                        tools=["search_memory", "remember"], seed=[],
                        answer=[], remembered=[code],
                        sequence=["search_memory", "remember", "final_answer"], max_steps=4))
    for i in range(48):
        name, day = pick(NAMES), pick(DAYS)
        out.append(dict(shape="search_then_remember",
                        goal=pick(SEARCH_REMEMBER).format(name=name),
                        tools=["search_memory", "remember"],
                        seed=[f"{name}'s birthday is on {day}"],
                        answer=[], remembered=[day],
                        sequence=["search_memory", "remember", "final_answer"], max_steps=4))
    for i, t in enumerate(out):
        t["id"] = f"t{i:03d}"
    return out


if __name__ == "__main__":
    with open("agent-tasks.jsonl", "w") as f:
        for t in tasks():
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
