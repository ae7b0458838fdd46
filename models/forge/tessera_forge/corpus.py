"""A synthetic tool-use corpus for the agent's tools.

Every conversation is a request, one tool call, the tool's result, then the final answer (a ``final_answer`` call when
that tool is offered, plain text when it is not). Requests are composed: an opening, one of each tool's phrasings and
an ending, so one fifth of all combinations (chosen by hash) are kept for the held-out split and never appear in
training. Entities are open-ended (made-up names, ids and phrases from syllables, image subjects from adjective,
noun and scene lists), and the held-out split draws them from syllables and lists the training split never sees, so
its accuracy measures copying and composition rather than recall.
"""

import random
import re
import zlib

from .tools import NAMES, call_json

SPECIALS = ["<|begin|>", "<|end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|tool|>", "<|tool_call|>"]
BEGIN, END, SYSTEM, USER, ASSISTANT, TOOL, TOOL_CALL = SPECIALS

# The corpus's revision, so a checkpoint trained on an earlier one can be reproduced (``--corpus``). 2: made-up
# training slots are single words. 3: made-up scenes keep a scene's shape and made-up phrases have 2-4 words (revision
# 2 taught tool-llm to stop copying after one word), and requests to say something weigh double. 4: made-up entity
# words are sometimes the requests' own words ("for", "me", "keep"), alone or glued to letters (revision 3 never
# copied a held-out "forest" or "keep going": it had only learnt that those pieces end a request). 5: a quarter of
# training conversations are multi-step tasks (``multi_sample``) and 15% are requests written the way people type
# them (``_natural``). 6: half of the made-up entity words are the requests' own, 70% of those words that follow a slot
# or frame a request (``SLOT_FOLLOWERS``), as revision 5's new endings made tool-llm stop copying "forest" and "meetyou".
# 7 and 8: natural requests (``_natural_7``, ``_natural_8``). 9: a third of the made-up slot words are English
# dictionary words, and natural requests are 35% of training (``_natural_9``). 10: numbers of four digits and more,
# often with a thousands comma, in two-fifths of the plain calculator requests, and more quantities only implied
# (``IMPLIED_10``); held-out requests and tasks are drawn as before.
REVISION = 10


def _split(items):
    """Every fifth entry goes to the held-out side."""
    return [x for i, x in enumerate(items) if i % 5 != 4], [x for i, x in enumerate(items) if i % 5 == 4]


PEOPLE = _split("""Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy Rupert Sybil Trent
Victor Walter Yvonne Zoe Amir Bianca Chen Dmitri Elena Farah Goran Hana Igor Jonas Keiko Lars Mira Nadia Omar Priya
Quentin Rosa Sanjay Tomas Uma Vera Wen Xavier Yusuf Zara Anton Beatriz Carlos Dalia Emeka Fiona Gustavo Helga Ines
Jamal Kofi Lena Marco Nora Oskar Paula Rafael Selma Tariq Ulla Viktor Wanda""".split())
THINGS = _split("""bike laptop passport umbrella guitar camera wallet keys notebook charger backpack jacket kettle
lamp scooter tent drone blender printer piano helmet watch mug scarf telescope radio tablet microwave sofa mirror
ladder toaster candle compass blanket""".split())
FOODS = _split("""pizza sushi pasta tacos curry ramen salad pancakes dumplings falafel paella risotto burritos
waffles noodles lasagna omelette hummus kebab gnocchi couscous goulash pretzels muffins""".split())
PLACES = _split("""Paris Berlin Lisbon Oslo Rome Madrid Vienna Prague Dublin Warsaw Athens Helsinki Zurich Seoul
Tokyo Lima Quito Nairobi Cairo Accra Toronto Denver Austin Boston Sydney Perth Hanoi Manila Jakarta Mumbai""".split())
COLORS = _split("red blue green yellow purple orange black white silver golden pink brown teal violet".split())
DAYS = _split("""Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December""".split())
SUBJECTS = _split("""a cat on a roof|a lighthouse at dusk|a red fox in snow|a city skyline at night|a bowl of
cherries|an old sailing ship|a robot reading a book|a mountain lake|a dragon made of clouds|a cozy cabin|a field of
sunflowers|a steam train on a bridge|a jellyfish in deep water|a castle in the fog|a street market in the rain|a
hot air balloon|a koala eating leaves|a desert at sunrise|a violin on a chair|a snowy forest path|a futuristic
car|an owl in the moonlight|a cup of tea by a window|a coral reef|a windmill in a meadow""".replace("\n", " ").split("|"))
ADJECTIVES = _split("""red tiny old shiny quiet giant wooden golden sleepy brave frozen glowing striped broken happy
ancient blue soft wild paper""".split())
NOUNS = _split("""cat lighthouse fox robot dragon cabin train owl koala violin castle balloon windmill boat tiger
teapot bicycle mountain garden whale penguin clock rocket lantern turtle""".split())
SCENES = _split("""at dusk|in the snow|on a roof|at night|in the rain|under the sea|in a meadow|on the moon|by a
river|in a forest|on a bridge|at sunrise|in the fog|on a table|in space""".replace("\n", " ").split("|"))


PREPOSITIONS = ["in the", "in a", "on a", "on the", "at", "by a", "under the", "near the"]


def _subject(s):
    if s.rng.random() < (0.15 if s.held_out else 0.3):
        return s.pick(SUBJECTS)
    return f"a {s.pick(ADJECTIVES)} {s.pick(NOUNS)} {s.pick(SCENES)}"


SIGNS = _split("""OPEN 9 TO 5|NO PARKING|EXIT|PLATFORM 4|SALE 50 PERCENT OFF|KEEP CALM|FRESH BREAD|CLOSED ON
SUNDAY|WET PAINT|PUSH|GATE 12|WELCOME HOME|MAIN STREET|BUS STOP|DANGER HIGH VOLTAGE|ROOM 204|COFFEE 2 EURO|QUIET
PLEASE|EMERGENCY EXIT|HOTEL CENTRAL|LIBRARY|PHARMACY|TICKETS|ONE WAY|STOP""".replace("\n", " ").split("|"))
PHRASES = _split("""good morning|see you soon|happy birthday|thank you very much|well done|have a nice day|
welcome back|good luck|safe travels|sleep well|congratulations|take care|bon appetit|get well soon|nice to meet
you|cheers|good night|happy holidays|enjoy the show|keep going""".replace("\n", "").split("|"))


SYLLABLES = _split("""ka lo mi ren to sa vu pe dor gi zu qa bex ny fo wi jal hu ce xo ban tel ri mo sen da ku
lin per ga tor ve ni shu ar el om bri cas fen gul hol jin kir lom nar pil ros sul tam ud vor wex yar zim""".split())


def _word(rng, held_out):
    """A made-up word, e.g. a password or a code name. Held-out words are built from syllables training never uses;
    half of the training words are random letters, so that copying is learnt for every letter, not for a vocabulary
    (a first run without them scored 97% on the tool's name but 22% on held-out arguments: it could not copy tokens it
    had never been made to copy)."""
    if not held_out and rng.random() < 0.5:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 8)))
    syllables = SYLLABLES[1] if held_out else SYLLABLES[0]
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3)))


def _template_words():
    """The lower-case words the requests' openings, phrasings and endings are made of."""
    words = set()
    for text in OPENINGS + ENDINGS + [t for side in (CALC, SEARCH, REMEMBER, READ, SEG_POINT, SEG_BOX, DRAW,
                                                     DRAW_DEFAULT, SAY) for t in side]:
        for w in re.findall(r"[A-Za-z]+", re.sub(r"\{\w+\}", " ", text)):
            words.add(w.lower())
    return sorted(words)


def _entity_word(rng):
    """A made-up word for a training entity slot: from revision 4, a quarter of them (from revision 5, 35%, and from
    6, half, as natural requests add endings) are one of the requests' own words, alone or glued to made-up letters,
    so that copying does not stop at a piece that also ends a request."""
    if REVISION >= 9 and rng.random() < 1 / 3:
        return _english_word(rng)
    if REVISION >= 4 and rng.random() < (0.5 if REVISION >= 6 else 0.35 if REVISION >= 5 else 0.25):
        # From revision 6, 70% of them are words that follow a slot or frame a request: run 12 (revision 5) stopped
        # copying a held-out "forest" ("for"+"est") and "meetyou" ("meet"+"you") again, as its new requests end in
        # "for me", "(it's for work)" and the like, and "for" was one template word in 150.
        followers = REVISION >= 6 and rng.random() < 0.7
        word = rng.choice(SLOT_FOLLOWERS if followers else TEMPLATE_WORDS)
        roll = rng.random()
        if roll < 0.4:
            return word
        piece = _word(rng, False)[:rng.randint(2, 4)]
        return word + piece if roll < 0.7 else piece + word
    return _word(rng, False)


def _name(rng, held_out):
    return _word(rng, held_out).capitalize()


def _image_id(rng, held_out):
    return _word(rng, held_out)[:rng.randint(3, 6)] + rng.choice(["_", "-", ""]) + str(rng.randint(1, 9999))


OPENINGS = ["", "Please ", "Could you ", "Can you ", "Hey, ", "I need you to ", "Quick: ", "Kindly ", "Now ", "OK, "]
ENDINGS = ["", ".", "?", "!", " please", ", thanks", " for me", " now", ", ok?", " asap"]


class _Sides:
    """Which side of every split a conversation draws from."""

    def __init__(self, rng, held_out):
        self.rng = rng
        self.held_out = held_out

    def phrase(self, templates):
        """An opening, one of the phrasings and an ending, from the combinations that belong to this side."""
        while True:
            i = self.rng.randrange(len(OPENINGS))
            j = self.rng.randrange(len(templates))
            k = self.rng.randrange(len(ENDINGS))
            if (zlib.crc32(f"{i}/{templates[j]}/{k}".encode()) % 5 == 4) == self.held_out:
                break
        body = templates[j].rstrip(".?!")
        if OPENINGS[i] and body[:1].isupper() and not body.startswith(("I ", "I'")):
            body = body[0].lower() + body[1:]
        return OPENINGS[i] + body + ENDINGS[k]

    def pick(self, lists):
        """An entry of one of the entity lists, from this side's part. In training, half the time a made-up word
        instead (capitalised where the list is), so that no slot can be filled from a closed list: a run whose
        training entities all came from lists scored 0 of 30 on held-out image prompts and 4 of 35 on held-out facts,
        writing a training word (`June`, `a red cabin`) where the request said an unseen one (`March`, `a quiet
        tiger`); copying has to be the only strategy that works."""
        if lists is PEOPLE and self.held_out and self.rng.random() < 0.5:
            return _name(self.rng, True)
        if not self.held_out and self.rng.random() < 0.5:
            if REVISION >= 3 and lists is SCENES:
                # A made-up scene keeps a scene's shape, so that a held-out "in a forest" is copied whole.
                return f"{self.rng.choice(PREPOSITIONS)} {_entity_word(self.rng)}"
            if REVISION >= 3 and lists in (SUBJECTS, PHRASES, SIGNS):
                # Several made-up words, as these are phrases: a single word taught it to stop after one.
                return " ".join(_entity_word(self.rng) for _ in range(self.rng.randint(2, 4)))
            word = _entity_word(self.rng)
            return word.capitalize() if lists in (PEOPLE, PLACES, DAYS) else word
        return self.rng.choice(lists[1] if self.held_out else lists[0])


def _fact(s):
    rng = s.rng
    kind = rng.randrange(6)
    if kind == 0:
        return f"{s.pick(PEOPLE)} likes {s.pick(FOODS)}"
    if kind == 1:
        return f"my {s.pick(THINGS)} is at {s.pick(PEOPLE)}'s place"
    if kind == 2:
        return f"the wifi password is {_word(rng, s.held_out)}{rng.randint(10, 99)}"
    if kind == 3:
        return f"{s.pick(PEOPLE)}'s birthday is on {s.pick(DAYS)} {rng.randint(1, 28)}"
    if kind == 4:
        return f"the meeting with {s.pick(PEOPLE)} is in {s.pick(PLACES)}"
    return f"my favourite color is {s.pick(COLORS)}"


def _topic(s):
    rng = s.rng
    kind = rng.randrange(5)
    if kind == 0:
        return f"{s.pick(PEOPLE)}'s birthday"
    if kind == 1:
        return f"my {s.pick(THINGS)}"
    if kind == 2:
        return f"the trip to {s.pick(PLACES)}"
    if kind == 3:
        return f"what {s.pick(PEOPLE)} likes to eat"
    return "the wifi password"


def _answer_for_topic(s, topic):
    rng = s.rng
    return rng.choice([
        f"{topic} is noted as {s.pick(DAYS)} {rng.randint(1, 28)}",
        f"{topic}: {s.pick(PEOPLE)} has it",
        f"about {topic}: {_word(rng, s.held_out)}{rng.randint(10, 99)}",
        f"{topic} is {s.pick(COLORS)}",
    ])


_OPS = [("+", ["plus", "added to"]), ("-", ["minus"]), ("*", ["times", "multiplied by"]), ("/", ["divided by", "over"])]


def _arith(s):
    """(as written, the expression): the digits are copied, so a written thousands comma is dropped."""
    rng = s.rng
    a, b = rng.randint(2, 999), rng.randint(2, 99)
    symbol, words = rng.choice(_OPS)
    kind = rng.randrange(3)
    wa, wb = str(a), str(b)
    if REVISION >= 10 and not s.held_out and rng.random() < 0.4:
        (wa, a), (wb, b) = _large_10(rng, 1000), _large_10(rng, 100) if symbol in "+-" and rng.random() < 0.5 else (wb, b)
    if kind == 0:
        return f"{wa} {rng.choice(words)} {wb}", f"{a}{symbol}{b}"
    if kind == 1:
        return f"{wa}{symbol}{wb}", f"{a}{symbol}{b}"
    c = rng.randint(2, 20)
    symbol2, _ = rng.choice(_OPS)
    return f"({wa}{symbol}{wb}){symbol2}{c}", f"({a}{symbol}{b}){symbol2}{c}"


def _large_10(rng, low):
    """A number from ``low`` to under a million (as written, as a number): a thousands comma 70% of the time. Run 17
    copied 3- to 5-digit numbers without a separator 98-100% of the time and with one 20-23% ("1,480" -> 1080); 4.6% of
    revision 9's calculator requests held one."""
    value = rng.randint(low, 99999) if rng.random() < 0.8 else rng.randint(100000, 999999)
    return (f"{value:,}" if value >= 1000 and rng.random() < 0.7 else str(value)), value


def _evaluate(expression):
    value = eval(expression, {"__builtins__": {}})  # the corpus's own arithmetic over digits and + - * / ( )
    return str(round(value, 4)).rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


# Each tool's phrasings; requests combine them with an opening and an ending (see _Sides.phrase).
CALC = ([
    "What is {q}?", "Calculate {q}.", "what's {q}", "Compute {q} for me.", "How much is {q}?",
    "Can you work out {q}?", "Please evaluate {q}.", "I need {q}.", "Quick math: {q}", "Solve {q}",
    "Tell me the result of {q}.", "Figure out {q}, please.", "{q} = ?", "do the math: {q}", "what does {q} come to?",
])
SEARCH = ([
    "What do you know about {t}?", "Search my memory for {t}.", "Do you remember {t}?", "Look up {t}.",
    "What did I tell you about {t}?", "Find my notes on {t}.", "Recall {t} for me.", "Check memory: {t}",
    "Anything saved about {t}?", "Remind me about {t}.", "Search for {t}", "What was {t} again?",
    "Can you find {t} in my notes?", "Pull up {t}.", "Have I mentioned {t}?",
])
REMEMBER = ([
    "Remember that {f}.", "Please note: {f}.", "Don't forget that {f}.", "Save this: {f}.", "Keep in mind that {f}.",
    "Store the fact that {f}.", "Make a note that {f}.", "FYI {f}.", "Write down that {f}.", "Note to self: {f}",
    "Memorize this: {f}.", "For later: {f}.", "Could you remember that {f}?", "Log that {f}.", "Add to memory: {f}",
])
READ = ([
    "What does the text in {i} say?", "Read the sign in {i}.", "OCR {i}", "What is written in {i}?",
    "Transcribe the text of {i}.", "Read {i} for me.", "Which words are in {i}?", "Extract the text from {i}.",
    "Can you read what {i} says?", "What's the label in {i}?", "Tell me what {i} reads.", "Get the text in {i}",
    "Scan {i} for text.", "Read out {i}.", "What text appears in {i}?",
])
SEG_POINT = ([
    "Segment the object at ({x}, {y}) in {i}.", "Cut out the thing at {x},{y} in {i}.",
    "Select the object at point {x} {y} of {i}.", "Mask whatever is at ({x},{y}) in {i}.",
    "In {i}, segment the item at x={x} y={y}.", "Outline the object at ({x}, {y}) in image {i}.",
    "Isolate the object under ({x}, {y}) in {i}.", "Click-segment {i} at {x},{y}.",
    "Give me a mask of the object at {x}, {y} in {i}.", "Segment {i} at point ({x}, {y}).",
])
SEG_BOX = ([
    "Segment the region from ({x}, {y}) to ({x2}, {y2}) in {i}.", "Cut out the box {x},{y},{x2},{y2} in {i}.",
    "Mask the area between ({x},{y}) and ({x2},{y2}) of {i}.", "In {i}, segment inside the box {x} {y} {x2} {y2}.",
    "Select everything in the box ({x}, {y}, {x2}, {y2}) of {i}.", "Segment {i} within {x},{y} to {x2},{y2}.",
    "Outline the object in box [{x}, {y}, {x2}, {y2}] of {i}.", "Give me a mask for the box ({x},{y})-({x2},{y2}) in {i}.",
    "Crop-segment {i} from {x},{y} to {x2},{y2}.", "Segment the part of {i} boxed by ({x}, {y}) and ({x2}, {y2}).",
])
DRAW = ([
    "Draw {p} in {n} steps.", "Generate an image of {p} with {n} steps.", "Make a picture of {p}, {n} steps.",
    "Create {p} using {n} steps.", "Paint {p} ({n} steps).", "I want an image of {p} in {n} steps.",
    "Render {p}, steps={n}.", "Sketch {p} in {n} steps.", "Picture {p} with {n} denoising steps.",
    "Can you draw {p} in {n} steps?", "Show me {p}, {n} steps.", "Illustrate {p} in {n} steps.",
    "Produce an image of {p} with {n} steps.", "Imagine {p} and draw it in {n} steps.", "Design {p}, {n} steps please.",
])
DRAW_DEFAULT = ([
    "Draw {p}.", "Generate an image of {p}.", "Make a picture of {p}.", "Create an image of {p}.", "Paint {p}.",
    "I'd like an image of {p}.", "Sketch {p}.", "Show me {p}.", "Can you draw {p}?", "Illustrate {p}.",
])
SAY = ([
    "Say {w}.", "Reply with {w}.", "Just say {w}", "Answer with \"{w}\".", "Respond: {w}", "Tell me {w}.",
    "Please say {w}.", "Write {w}.", "Repeat after me: {w}", "Echo {w}.",
])
GREET = (["Hi!", "Hello", "Thanks!", "Thank you", "Hey there", "Good job", "Bye", "Cheers!", "Howdy", "Hi"], ["Hi!", "Hello", "Thanks!", "Thank you", "Hey there", "Good job", "Bye", "Cheers!", "Howdy", "Hi"])
TEMPLATE_WORDS = _template_words()
GREET_REPLY = {"Hi!": "Hello! How can I help?", "Hello": "Hello! How can I help?", "Thanks!": "You're welcome!",
               "Thank you": "You're welcome!", "Hey there": "Hi! What can I do for you?",
               "Good job": "Thank you!", "Bye": "Goodbye!", "Cheers!": "Cheers!", "Howdy": "Hello! How can I help?",
               "Hi": "Hello! How can I help?"}


def _conversation(s):
    """One request and what the agent does with it: (tool, arguments, tool result or None, final text)."""
    rng = s.rng
    # Greetings have no entity to vary, so they stay out of the held-out split (it would repeat training verbatim).
    kind = rng.choices(["calc", "search", "remember", "read", "segment", "draw", "say", "greet"],
                       weights=[3, 3, 3, 2, 3, 3, 3 if REVISION >= 3 else 1.5, 0 if s.held_out else 0.5])[0]
    if kind == "calc":
        q, expression = _arith(s)
        result = _evaluate(expression)
        final = rng.choice([f"{q} = {result}.", f"The answer is {result}.", f"It comes to {result}."])
        return s.phrase(CALC).format(q=q), "calculator", {"expression": expression}, result, final
    if kind == "search":
        topic = _topic(s)
        found = _answer_for_topic(s, topic)
        final = rng.choice([f"I found this: {found}.", f"From memory: {found}."])
        return s.phrase(SEARCH).format(t=topic), "search_memory", {"query": topic}, found, final
    if kind == "remember":
        fact = _fact(s)
        final = rng.choice([f"Got it, I will remember that {fact}.", "Noted.", f"Saved: {fact}."])
        return s.phrase(REMEMBER).format(f=fact), "remember", {"fact": fact}, "saved", final
    if kind == "read":
        image = _image_id(rng, s.held_out)
        text = s.pick(SIGNS)
        return s.phrase(READ).format(i=image), "read_text", {"image_id": image}, text, f"It says \"{text}\"."
    if kind == "segment":
        image = _image_id(rng, s.held_out)
        x, y = rng.randint(0, 1023), rng.randint(0, 767)
        pixels = rng.randint(100, 90000)
        result = f"mask with {pixels} pixels"
        final = f"Done: the mask covers {pixels} pixels."
        if rng.random() < 0.5:
            request = s.phrase(SEG_POINT).format(i=image, x=x, y=y)
            return request, "segment", {"image_id": image, "point": [x, y]}, result, final
        x2, y2 = rng.randint(x, 1023), rng.randint(y, 767)
        request = s.phrase(SEG_BOX).format(i=image, x=x, y=y, x2=x2, y2=y2)
        return request, "segment", {"image_id": image, "box": [x, y, x2, y2]}, result, final
    if kind == "draw":
        subject = _subject(s)
        image = _image_id(rng, s.held_out)
        final = rng.choice([f"Here is your image: {image}.", f"Done, see {image}."])
        if rng.random() < 0.75:
            steps = rng.randint(1, 50)
            request = s.phrase(DRAW).format(p=subject, n=steps)
        else:
            steps = 4
            request = s.phrase(DRAW_DEFAULT).format(p=subject)
        return request, "generate_image", {"prompt": subject, "steps": steps}, image, final
    if kind == "say":
        words = s.pick(PHRASES) if rng.random() < 0.4 else " ".join(
            _word(rng, s.held_out) for _ in range(rng.randint(1, 3)))
        return s.phrase(SAY).format(w=words), "final_answer", {"text": words}, None, None
    greeting = rng.choice(GREET[0])
    return greeting, "final_answer", {"text": GREET_REPLY[greeting]}, None, None


def sample(rng, held_out):
    """A conversation as a list of (role, text) turns, and the expected first tool call (name, arguments). From
    revision 5, training also draws multi-step tasks (``multi_sample``, their first call is the expected one) and
    requests written the way people type (``_natural``); the held-out split is drawn exactly as before."""
    if REVISION >= 5 and not held_out:
        roll = rng.random()
        if roll < MULTI_SHARE:
            turns, calls, _ = multi_sample(rng, False)
            return turns, calls[0]
        if roll < MULTI_SHARE + (NATURAL_SHARE_9 if REVISION >= 9 else NATURAL_SHARE_7 if REVISION >= 7
                                 else NATURAL_SHARE):
            return _assemble(rng, *_natural(_Sides(rng, False)))
    s = _Sides(rng, held_out)
    return _assemble(rng, *_conversation(s))


def _assemble(rng, request, tool, arguments, result, final):
    """The turns of a single-call conversation: offered tools, the request, the call, its result, the answer."""
    offered = list(NAMES)
    rng.shuffle(offered)
    if rng.random() < 0.3:
        # A random subset that still holds the right tool.
        keep = set(rng.sample(offered, rng.randint(1, len(offered)))) | {tool}
        offered = [n for n in offered if n in keep]
    if tool != "final_answer" and "final_answer" in offered and rng.random() < 0.25:
        offered.remove("final_answer")
    turns = [("tools", ", ".join(offered)), ("user", request), ("call", call_json(tool, arguments))]
    if result is not None:
        turns.append(("tool", result))
        if "final_answer" in offered:
            turns.append(("call", call_json("final_answer", {"text": final})))
        else:
            turns.append(("assistant", final))
    return turns, (tool, arguments)


# ---- revision 5: requests the way people type them ----
#
# Written for training from scratch, apart from the natural-requests evaluation set: arithmetic in words, decimals,
# percentages and powers (the orchestrator's calculator reads ``%`` and ``^``); terse commands; free-form memory
# topics of one to three words; and, over any request, lower case, dropped punctuation, typos in the request's own
# words (never in what the call must copy) and a side remark at the end.

MULTI_SHARE = 0.25
NATURAL_SHARE = 0.15
# Revision 7 doubles the natural share: at 15%, run 14 still copied numbers badly in natural arithmetic ("45 X 12"
# became 45-45, "0.2 + 0.7" became 0.2+9), a calculator request being 3% of its training conversations.
NATURAL_SHARE_7 = 0.30

# (request, expression) over numbers a, b, c (integers), d, e (decimals) and n (small)
NATURAL_ARITH = [
    ("{a}% of {b}", "{a}%*{b}"), ("{a} percent of {b}", "{a}%*{b}"), ("{d}% of {b}", "{d}%*{b}"),
    ("add {a} and {b}", "{a}+{b}"), ("add {a} to {b}", "{b}+{a}"), ("{a} and {b} added together", "{a}+{b}"),
    ("multiply {a} by {b}", "{a}*{b}"), ("{a} multiplied with {b}", "{a}*{b}"), ("{a}x{b}", "{a}*{b}"),
    ("divide {a} by {n}", "{a}/{n}"), ("{a} shared by {n}", "{a}/{n}"), ("{d} split {n} ways", "{d}/{n}"),
    ("subtract {b} from {a}", "{a}-{b}"), ("{a} take away {b}", "{a}-{b}"), ("{a} less {b}", "{a}-{b}"),
    ("{n} to the power of {m}", "{n}^{m}"), ("{n} to the {m}th power", "{n}^{m}"), ("{n}^{m}", "{n}^{m}"),
    ("{a} squared", "{a}^2"), ("{n} cubed", "{n}^3"), ("the square of {a}", "{a}^2"),
    ("total of {a}, {b}, {c}", "{a}+{b}+{c}"), ("{a}, {b} and {c} together", "{a}+{b}+{c}"),
    ("{a} + {b} + {c}", "{a} + {b} + {c}"), ("{a} - {b} - {c}", "{a} - {b} - {c}"),
    ("{d} * {e}", "{d} * {e}"), ("{d} + {e}", "{d} + {e}"), ("{d} - {e}", "{d} - {e}"), ("{d} / {n}", "{d} / {n}"),
    ("{d} times {e}", "{d}*{e}"), ("{d} plus {e}", "{d}+{e}"), ("{d} minus {e}", "{d}-{e}"),
    ("{n} things at {d} each", "{n}*{d}"), ("{n} tickets at {d} a piece", "{n}*{d}"),
    ("{a} * ({b} + {c})", "{a} * ({b} + {c})"), ("({a} - {b}) / {n}", "({a} - {b}) / {n}"),
    ("{a}+{b}*{c}", "{a}+{b}*{c}"), ("{a} plus {b} times {c}", "{a}+{b}*{c}"),
]
NATURAL_CALC = [
    "{q}", "{q}?", "calc {q}", "whats {q}", "what's {q}", "what is {q}", "how much is {q}", "work out {q}",
    "{q} = ?", "i need {q}", "tell me {q}", "figure {q}", "compute: {q}", "math: {q}",
    "can u do {q}", "hey whats {q}?", "{q}, how much is that", "what do i get for {q}", "do {q} for me",
]
NATURAL_SEARCH = [
    "search {t}", "memory: {t}", "lookup {t}", "find {t}", "{t}?", "any notes on {t}", "what do I have on {t}",
    "did i save anything about {t}", "what did i say about {t}", "check notes {t}", "search memory {t}",
    "remind me what I said about {t}", "got anything on {t}?", "pull my notes about {t}", "mem search: {t}",
]
NATURAL_REMEMBER = [
    "note: {f}", "remember {f}", "save: {f}", "remember this - {f}", "jot down that {f}",
    "note that {f}", "memo: {f}", "dont forget {f}", "store: {f}", "put in memory that {f}",
]
NATURAL_DRAW = [
    "draw {p}", "img: {p}", "picture of {p}", "make me {p}", "generate {p}", "an image of {p} please",
    "i want a pic of {p}", "paint me {p}", "render {p}", "art of {p}",
]
NATURAL_READ = ["ocr {i}", "read {i}", "text in {i}?", "words on {i}?", "read the text from {i} pls"]
NATURAL_SEGMENT = [
    "{i} segment {x} {y}", "mask object {x},{y} of {i}", "seg {i} at {x}/{y}", "point {x},{y} in {i}, segment it",
    "need a mask: {i}, point ({x}, {y})", "segment pls {i} {x},{y}", "{i}: the thing at {x} {y}, mask it",
    "make a mask in {i} at x {x} y {y}",
]
# Every remark is set off by punctuation, and none starts with a word the requests' endings use ("for"): a first run
# with ", for the report" stopped copying held-out words that begin like an ending ("a quiet tiger in a" for "... in
# a forest", cut as "for"+"est").
REMARKS = [
    ", thanks a lot", " - no rush", " (it's for work)", ", i keep forgetting", ", before my meeting", ", cheers",
    "; sorry for the typos", " - long day here", ", my laptop is off", ", if you can", ", it's urgent",
    " :)", ", thx", " - asking a friend", ". I'm on the bus, so short message",
]
EVERYDAY = ["tram timetable", "yoga class", "school fees", "roof repair", "rent contract", "water meter",
            "visa renewal", "team offsite", "tennis court", "boiler service", "piano lesson", "spare tyre",
            "hotel booking", "tax return", "pension plan", "book club", "lawn mower", "fridge warranty",
            "dog walker", "phone contract", "moving day", "train pass", "swimming pool", "wine order", "choir rehearsal"]


def _decimal(rng):
    return f"{rng.randint(0, 99)}.{rng.randint(1, 99):02d}".rstrip("0") if rng.random() < 0.7 else \
        f"{rng.randint(0, 999)}.{rng.randint(1, 9)}"


def _natural_value(expression):
    """The calculator's answer to a natural expression, for the tool turn (``%`` is hundredths, ``^`` a power)."""
    python = re.sub(r"(\d+(?:\.\d+)?)%", r"(\1/100)", expression).replace("^", "**")
    value = eval(python, {"__builtins__": {}})
    if isinstance(value, float):
        return str(round(value, 6)).rstrip("0").rstrip(".")
    return str(value)


def _natural(s):
    """A single-call request as people type it: (request, tool, arguments, result, final)."""
    rng = s.rng
    # Balanced so that no surface feature decides the tool: run 10 (weights 4 calc, 1.5 remember, no segment) sent
    # requests with numbers to the calculator ("memorise: train seat 14A" -> 141^2) and most "remember ..." to search.
    kind = rng.choices(["calc", "search", "remember", "draw", "read", "segment", "rough"],
                       weights=[5, 3, 5, 2, 2, 2, 3] if REVISION >= 9 else [5, 3, 5, 1, 2, 2, 3] if REVISION >= 8 else [5, 2, 3, 1, 2, 3, 3] if REVISION >= 7
                       else [3, 2, 3, 1, 1, 2, 3])[0]
    if REVISION >= 9 and kind != "rough" and rng.random() < (0.6 if REVISION >= 10 else 0.45):
        return _natural_9(s, kind)
    if REVISION >= 8 and kind in ("calc", "search", "remember"):
        roll = rng.random()
        if roll < (0.3 if kind == "calc" else 0.0):
            return _natural_7(s, kind)
        if roll < 0.65:
            return _natural_8(s, kind)
    elif REVISION >= 7 and kind in ("calc", "read", "segment") and rng.random() < 0.6:
        return _natural_7(s, kind)
    if kind == "calc":
        request, expression = rng.choice(NATURAL_ARITH)
        numbers = {"a": rng.randint(2, 999), "b": rng.randint(2, 999), "c": rng.randint(2, 99), "d": _decimal(rng),
                   "e": _decimal(rng), "n": rng.randint(2, 12), "m": rng.randint(2, 5)}
        q, expression = request.format(**numbers), expression.format(**numbers)
        value = _natural_value(expression)
        text = rng.choice(NATURAL_CALC).format(q=q)
        return _roughen(s, text, [expression]), "calculator", {"expression": expression}, value, f"It is {value}."
    if kind == "search":
        topic = rng.choice(EVERYDAY) if rng.random() < 0.4 else " ".join(
            _entity_word(rng) for _ in range(rng.randint(1, 3)))
        found = _answer_for_topic(s, topic)
        text = rng.choice(NATURAL_SEARCH).format(t=topic)
        return _roughen(s, text, [topic]), "search_memory", {"query": topic}, found, f"From memory: {found}."
    if kind == "remember":
        fact = _fact(s) if rng.random() < 0.5 else rng.choice([
            f"the {s.pick(THINGS)} code is {rng.randint(10, 99999)}",
            f"my {s.pick(THINGS)} number is {rng.randint(1, 999)}{rng.choice(['', 'A', 'B', 'C'])}",
            f"{s.pick(PEOPLE)} owes me {rng.randint(2, 500)}",
            f"the {s.pick(THINGS)} costs {rng.randint(2, 900)}",
            f"{s.pick(PEOPLE)} calls on {s.pick(DAYS)} at {rng.randint(1, 12)}pm",
        ])
        text = rng.choice(NATURAL_REMEMBER).format(f=fact)
        return _roughen(s, text, [fact]), "remember", {"fact": fact}, "saved", "Noted."
    if kind == "draw":
        subject = _subject(s)
        image = _image_id(rng, False)
        text = rng.choice(NATURAL_DRAW).format(p=subject)
        return _roughen(s, text, [subject]), "generate_image", {"prompt": subject, "steps": 4}, image, f"Done: {image}."
    if kind == "read":
        image = _image_id(rng, False)
        text = s.pick(SIGNS)
        return _roughen(s, rng.choice(NATURAL_READ).format(i=image), [image]), "read_text", {"image_id": image}, \
            text, f"It says \"{text}\"."
    if kind == "segment":
        image = _image_id(rng, False)
        x, y = rng.randint(0, 1023), rng.randint(0, 767)
        pixels = rng.randint(100, 90000)
        text = rng.choice(NATURAL_SEGMENT).format(i=image, x=x, y=y)
        return _roughen(s, text, [image]), "segment", {"image_id": image, "point": [x, y]}, \
            f"mask with {pixels} pixels", f"Done: the mask covers {pixels} pixels."
    request, tool, arguments, result, final = _conversation(s)
    copied = [str(v) for v in arguments.values()]
    return _roughen(s, request, copied), tool, arguments, result, final


# ---- revision 7: arithmetic, reading and segmenting the way people write them ----
# Numbers come as people write them (thousands separators, money with its cents and a currency mark), and a word
# form is now and then followed by its symbolic form in brackets, which is what the expression copies. The lists stay
# out of SLOT_FOLLOWERS so that revision 6 draws exactly what it drew.
NATURAL_ARITH_7 = [
    ("{a} x {b}", "{a}*{b}"), ("{a} X {b}", "{a}*{b}"), ("{a}x{b}", "{a}*{b}"), ("{a} \u00d7 {b}", "{a}*{b}"),
    ("{a} * {b}", "{a} * {b}"), ("{a}*{b}", "{a}*{b}"), ("{a} times {b}", "{a}*{b}"), ("{m} multiply {n}", "{m}*{n}"),
    ("{a} multiplied by {b}", "{a}*{b}"), ("the product of {a} and {b}", "{a}*{b}"), ("multiply {m} by {n}", "{m}*{n}"),
    ("{a} / {b}", "{a} / {b}"), ("{a}/{n}", "{a}/{n}"), ("{a} divided by {b}", "{a}/{b}"), ("{a} \u00f7 {n}", "{a}/{n}"),
    ("divide {a} by {n}", "{a}/{n}"), ("{m} split between {n} {people}", "{m}/{n}"), ("{m} between {n} {people}", "{m}/{n}"),
    ("{a} over {n}", "{a}/{n}"),
    ("{a} + {b}", "{a} + {b}"), ("{a}+{b}", "{a}+{b}"), ("{a} plus {b}", "{a}+{b}"), ("the sum of {a} and {b}", "{a}+{b}"),
    ("sum of {a}, {b} and {c}", "{a}+{b}+{c}"), ("{a} + {b} + {c} + {d}", "{a} + {b} + {c} + {d}"),
    ("add up {a}, {b}, {c} and {d}", "{a}+{b}+{c}+{d}"), ("{m} + {k}", "{m} + {k}"), ("{m} plus {k}", "{m}+{k}"),
    ("{a} - {b}", "{a} - {b}"), ("{a}-{b}", "{a}-{b}"), ("{a} minus {b}", "{a}-{b}"), ("take {b} away from {a}", "{a}-{b}"),
    ("the difference between {a} and {b}", "{a}-{b}"), ("i have {a} and spend {b}, what's left", "{a}-{b}"),
    ("{m} minus {k}", "{m}-{k}"), ("{m} - {k}", "{m} - {k}"),
    ("{p}% of {a}", "{p}%*{a}"), ("{p} percent of {m}", "{p}%*{m}"), ("{p} per cent of {a}", "{p}%*{a}"),
    ("{p}% tip on {m}", "{p}%*{m}"), ("{p}% of {m}", "{p}%*{m}"),
    ("{n} {items} at {m} each", "{n}*{m}"), ("{n} {items} at {m}", "{n}*{m}"), ("{n} {items} for {m} each", "{n}*{m}"),
    ("{m} {per} for {n} {periods}", "{m}*{n}"), ("{m} {per}, {n} {periods}", "{m}*{n}"),
    ("the average of {a}, {b} and {c}", "({a}+{b}+{c})/3"), ("average of {a} and {b}", "({a}+{b})/2"),
    ("{n} to the power of {e}", "{n}^{e}"), ("{n}^{e}", "{n}^{e}"), ("{a} squared", "{a}^2"), ("square of {a}", "{a}^2"),
    ("({a} + {b}) * {n}", "({a} + {b}) * {n}"), ("{a} * ({b} - {c})", "{a} * ({b} - {c})"),
    ("({a} + {b} + {c}) / {n}", "({a} + {b} + {c}) / {n}"),
]
NATURAL_CALC_7 = [
    "what do i get for {q}", "Please tell me the result of {q}", "result of {q}?", "could you please calculate {q} for me",
    "need a number quick: {q}", "help me with {q}", "{q} - what's the answer?", "answer to {q}", "quick sum: {q}",
    "{q} =", "{q}=?", "pls calc {q}", "can you do {q} for me", "how much is that: {q}", "what does {q} come to",
    "I was doing my budget, what is {q}", "calculate {q}, in a hurry", "whats {q} again", "how much would {q} be",
    "{q} pls", "i need to know {q}", "work out {q} for me please, long day", "hey whats {q}", "Quick question: {q}?",
    "so {q} is how much?", "what's {q} exactly", "how much is {q}", "{q}", "{q}?", "calc {q}",
]
ITEMS_7 = ["coffees", "tickets", "shirts", "books", "pizzas", "chairs", "lessons", "nights", "beers", "bus rides",
           "stamps", "plants", "pens", "sandwiches", "movie tickets", "bottles"]
GROUPS_7 = ["people", "friends", "of us", "kids", "ways", "colleagues"]
PERIODS_7 = [("a month", "months"), ("a week", "weeks"), ("a day", "days"), ("per hour", "hours"), ("a year", "years")]
CURRENCIES_7 = [("$", ""), ("\u20ac", ""), ("\u00a3", ""), ("", " dollars"), ("", " euros"), ("", " pounds"),
                ("", " bucks"), ("", " EUR")]
READ_7 = [
    "what does the {obj} in {pic} {i} say", "read the {obj} in {i}", "what's written on the {obj} in {i}",
    "transcribe the {obj} in {pic} {i}", "extract the text from {pic} {i}", "pull the text out of {i}",
    "get the text from {pic} {i}", "whats written in {pic} {i}", "tell me what the {obj} in {i} says",
    "OCR on {i} please", "can you read what's on {i}", "read this {pic}: {i}", "text from {i}",
    "{i}: what does it say", "what text is on the {obj} in {pic} {i}", "read {pic} {i}", "ocr {pic} {i}",
]
READ_OBJECTS_7 = ["sign", "label", "receipt", "whiteboard", "poster", "menu", "note", "screen", "letter", "ticket",
                  "card", "page", "board", "banner", "plate", "handwriting"]
PICTURES_7 = ["image", "photo", "picture", "pic", "img", "scan", "screenshot", "image id", "file", "frame"]
SEGMENT_7 = [
    "{verb} the {thing} at {pt} in {pic} {i}", "in {pic} {i}, {verb} the {thing} at {pt}", "{verb} {pt} in {i}",
    "{verb} whatever is at {pt} in {pic} {i}", "could you {verb} the {thing} at {pt} in {i}? I need it later",
    "{verb} the {thing} in {i}, it's at {pt}", "get me a mask of the {thing} at {pt} in {pic} {i}",
    "{i}: {verb} the {thing} at {pt}", "mask at {pt} in {i}", "{verb} object at {pt} of {i}",
    "point {pt} in {i}, {verb} it", "in {i} {verb} the {thing} at {pt}", "{verb} the {thing}, {pt}, in {pic} {i}",
]
SEGMENT_VERBS_7 = ["segment", "cut out", "mask", "select", "outline", "isolate", "separate", "mask out"]
SEGMENT_THINGS_7 = ["dog", "cup", "car", "person", "tree", "bottle", "cat", "chair", "bike", "umbrella", "lamp", "bag",
                    "object", "thing", "item", "face", "sign", "plant", "boat", "house"]
POINTS_7 = ["{x},{y}", "{x}, {y}", "({x}, {y})", "({x},{y})", "x={x} y={y}", "x={x}, y={y}", "x {x} y {y}",
            "{x} {y}", "{x}/{y}", "point {x} {y}", "point ({x}, {y})", "[{x}, {y}]", "point {x},{y}"]


def _integer_7(rng):
    """(as written, as the expression copies it): mostly up to 999, a third up to 9,999, thousands often with a comma."""
    roll = rng.random()
    value = rng.randint(2, 99) if roll < 0.25 else rng.randint(2, 999) if roll < 0.65 else rng.randint(1000, 9999)
    written = f"{value:,}" if value >= 1000 and rng.random() < 0.4 else str(value)
    return written, str(value)


def _money_7(rng):
    """A price: cents kept as written (3.40, 72.50), a currency mark a third of the time."""
    roll = rng.random()
    if roll < 0.45:
        number = f"{rng.randint(0, 199)}.{rng.randint(0, 99):02d}"
    elif roll < 0.6:
        number = f"{rng.randint(0, 99)}.{rng.randint(1, 9)}"
    else:
        number = str(rng.randint(2, 2500))
    written = number
    if rng.random() < 0.35:
        before, after = rng.choice(CURRENCIES_7)
        written = before + number + after
    return written, number


def _natural_image_id(rng):
    """Image ids as people's files are named: receipt42, menu-3, bill_march, 00fa31, 5521x, k9k9, scan_0091, p0."""
    word = rng.choice([_word(rng, False)[:rng.randint(2, 7)], rng.choice(THINGS[0]), rng.choice(NOUNS[0])])
    roll = rng.randrange(9)
    if roll == 0:
        return word + str(rng.randint(0, 999))
    if roll == 1:
        return f"{word}-{rng.randint(0, 99)}"
    if roll == 2:
        return f"{word}{rng.choice(['-', '_'])}{_word(rng, False)[:rng.randint(3, 6)]}"
    if roll == 3:
        return "".join(rng.choice("0123456789abcdef") for _ in range(rng.randint(4, 8)))
    if roll == 4:
        return str(rng.randint(1, 99999)) + rng.choice("abcdefghijklmnopqrstuvwxyz")
    if roll == 5:
        piece = rng.choice("abcdefghijklmnopqrstuvwxyz") + str(rng.randint(0, 9))
        return piece * 2 if rng.random() < 0.5 else piece + rng.choice("abcdefghijklmnopqrstuvwxyz") + str(
            rng.randint(0, 99))
    if roll == 6:
        return f"{rng.choice(['img', 'scan', 'photo', 'doc', 'pic', 'shot', 'frame'])}{rng.choice(['-', '_', ''])}" \
               f"{rng.randint(0, 9999):0{rng.choice([1, 2, 4])}d}"
    if roll == 7:
        return f"{word}-{_word(rng, False)[:rng.randint(3, 5)]}-{rng.randint(0, 99)}"
    return rng.choice("abcdefghijklmnopqrstuvwxyz") + (str(rng.randint(0, 9)) if rng.random() < 0.6 else "")


def _natural_7(s, kind):
    """Revision 7's natural calculator, read_text and segment requests: (request, tool, arguments, result, final)."""
    rng = s.rng
    if kind == "calc":
        request, expression = rng.choice(NATURAL_ARITH_7)
        written, copied = {}, {}
        for key in "abcd":
            written[key], copied[key] = _integer_7(rng)
        for key in "mk":
            written[key], copied[key] = _money_7(rng)
        small = str(rng.randint(2, 12))
        percent = rng.choice([str(rng.randint(1, 99)), f"{rng.randint(1, 30)}.5"])
        exponent = str(rng.randint(2, 5))
        period = rng.choice(PERIODS_7)
        for mapping in (written, copied):
            mapping.update(n=small, p=percent, e=exponent, items=rng.choice(ITEMS_7), people=rng.choice(GROUPS_7),
                           per=period[0], periods=period[1])
        q, expression = request.format(**written), expression.format(**copied)
        if rng.random() < 0.15 and re.search(r"[a-z]", request.replace("{", "").replace("}", "")):
            # a word form followed by the symbolic form it means, which is what gets copied
            space = rng.choice(["", " "])
            symbolic = expression if "(" in expression else re.sub(r"\s*([-+*/])\s*", rf"{space}\1{space}", expression)
            q, expression = f"{q} ({symbolic})", symbolic
        value = _natural_value(expression)
        text = rng.choice(NATURAL_CALC_7).format(q=q)
        text = _roughen(s, text, [expression])
        if rng.random() < 0.08:
            text = text.upper()  # a request typed with caps lock on; digits and operators are unchanged
        return text, "calculator", {"expression": expression}, value, f"It is {value}."
    image = _natural_image_id(rng)
    fields = {"i": image, "pic": rng.choice(PICTURES_7)}
    if kind == "read":
        fields["obj"] = rng.choice(READ_OBJECTS_7)
        text = s.pick(SIGNS)
        return _roughen(s, rng.choice(READ_7).format(**fields), [image]), "read_text", {"image_id": image}, text, \
            f"It says \"{text}\"."
    small = rng.random() < 0.2
    x, y = (rng.randint(0, 99), rng.randint(0, 99)) if small else (rng.randint(0, 1023), rng.randint(0, 767))
    fields.update(verb=rng.choice(SEGMENT_VERBS_7), thing=rng.choice(SEGMENT_THINGS_7),
                  pt=rng.choice(POINTS_7).format(x=x, y=y))
    pixels = rng.randint(100, 90000)
    return _roughen(s, rng.choice(SEGMENT_7).format(**fields), [image]), "segment", \
        {"image_id": image, "point": [x, y]}, f"mask with {pixels} pixels", f"Done: the mask covers {pixels} pixels."



# ---- revision 8: remembering, searching and word problems the way people write them ----
# Run 15 (revision 7) sent half of the requests to remember elsewhere ("remember that my car insurance renews in
# March" -> search_memory "my car"): its facts came from eleven shapes, so a fact it had never seen the shape of read
# as a topic. It cut search topics after their first word ("the ski trip" -> "the ski"), as natural topics were mostly
# one or two bare words, and it could not write a word problem's expression ("14 boxes with 24 eggs in each" ->
# 14^2). Revision 8 draws facts from many shapes and words (half of them made up, so copying is the only strategy),
# topics as noun phrases with their article or owner, arithmetic whose operation is only described, and numbers
# written as words. The lists stay out of SLOT_FOLLOWERS so that earlier revisions draw what they drew.
PREAMBLES_8 = ["ok tessera ", "hey tessera, ", "tessera, ", "Tessera: ", "hi tessera ", "OK Tessera, ",
               "assistant, ", "yo tessera "]
REMEMBER_8 = [
    "remember that {f}", "please remember that {f}", "remember {f}", "remember, {f}", "remember pls: {f}",
    "pls remember {f}", "record that {f}", "please record that {f}", "record: {f}", "keep this in mind: {f}",
    "keep in mind {f}", "keep in mind that {f}", "note down that {f}", "note: {f}", "note that {f}",
    "note for later that {f}", "store that {f}", "store this: {f}", "store this fact, {f}", "save a note: {f}",
    "save that {f}", "save this for later: {f}", "for future reference, {f}", "for the record, {f}",
    "jot this down - {f}", "jot down: {f}", "remember for me that {f}", "memorise: {f}", "memorize that {f}",
    "add to my notes that {f}", "add a note: {f}", "you should remember that {f}", "log that {f}",
    "make a note that {f}", "make a note: {f}", "can you keep in your memory that {f}", "can you remember that {f}?",
    "could you remember that {f} for me", "don't let me forget that {f}", "dont forget: {f}",
    "write this down: {f}", "file this away: {f}", "put this in memory: {f}", "I want you to remember that {f}",
    "new fact: {f}", "update my notes: {f}", "take a note: {f}", "mental note: {f}", "keep a record that {f}",
    "please memorise that {f}", "so you remember: {f}", "FYI {f}, remember that", "{f} - remember that please",
    "{f}. note it down", "{f}, save that", "good to know: {f}. save it", "remember this one: {f}",
]
SEARCH_8 = [
    "did i ever tell u about {t}", "did I tell you about {t}?", "what did i tell you about {t}",
    "what do you have on {t}", "search for {t}", "could you please retrieve my notes regarding {t}?",
    "retrieve my notes on {t}", "anything saved re: {t}", "re: {t} - anything saved?",
    "I need what I stored about {t}, please", "what have I stored about {t}", "what was {t}, check your notes",
    "check your notes for {t}", "memory?? {t}", "memory: {t}?", "search memory for {t}",
    "is there anything in memory about {t}", "any saved info on {t}?", "do you remember {t}?", "remind me about {t}",
    "look up {t} in my notes", "pull up my notes on {t}", "find what I saved about {t}", "search notes: {t}",
    "search '{t}'", "what's in memory about {t}", "recall my notes on {t}", "check if I saved {t}",
    "look in memory for {t}", "what did I note down about {t}", "fetch {t} from memory",
    "show me my notes about {t}", "what do my notes say about {t}", "dig up {t}", "I forgot {t}, did I tell you?",
    "any info on {t} in your memory?", "search: {t}", "notes about {t}?", "what did we save on {t}",
    "tell me what you know about {t}", "do we have anything on {t}", "have I told you about {t}?",
    "what was that about {t}", "can you find {t} in memory", "need my notes: {t}", "{t} - what did I say?",
]
TOPICS_8 = ["ski trip", "car service", "parking permit", "quarterly review", "school play", "kitchen renovation",
            "garage door", "council tax", "bike shed", "printer ink", "holiday budget", "tax advisor", "phone number",
            "flight number", "hotel booking", "dentist appointment", "birthday present", "spare key", "gate code",
            "library card", "insurance renewal", "gym membership", "wedding venue", "pet insurance", "boiler code",
            "train times", "meeting notes", "bank details", "doctor's address", "car registration", "lease end date",
            "parents' evening", "office address", "wifi password", "alarm code", "locker number", "shoe size",
            "blood type", "seat number", "booking reference", "delivery slot", "bin day", "water bill",
            "summer camp", "guest list", "paint colour", "sofa delivery", "visa appointment", "exam results",
            "night shift", "garden fence", "roof tiles", "chimney sweep", "piano tuner", "moving company"]
TOPIC_TAILS_8 = ["for {x}", "in {P}", "to {P}", "at {P}", "with {N}", "from {N}", "of the {x}"]
DETERMINERS_8 = ["", "", "the ", "the ", "my ", "our ", "the new ", "my old ", "{N}'s "]
RELATIONS_8 = ["niece", "nephew", "cousin", "neighbour", "boss", "aunt", "uncle", "flatmate", "manager", "coach",
               "landlord", "godson", "sister", "brother", "grandma"]
TRADES_8 = ["plumber", "electrician", "vet", "dentist", "builder", "cleaner", "babysitter", "gardener", "mechanic",
            "accountant", "tutor", "hairdresser", "locksmith", "physio", "doctor", "painter", "dog walker"]
EVENTS_8 = ["quarterly review", "dentist appointment", "parents' evening", "team lunch", "swimming lesson",
            "book club", "car service", "school trip", "board meeting", "piano recital", "flu jab", "job interview",
            "eye test", "date night", "football practice", "standup", "house viewing", "haircut", "MOT"]
VENUES_8 = ["gym", "library", "pharmacy", "post office", "bakery", "swimming pool", "recycling centre", "bank",
            "corner shop", "museum", "canteen", "market", "clinic", "cafe", "dry cleaner", "garden centre"]
SPOTS_8 = ["blue drawer", "kitchen cupboard", "glovebox", "top shelf", "garage", "shoe box", "hall cabinet",
           "red folder", "bedside table", "coat pocket", "shed", "attic", "desk drawer", "car boot", "fruit bowl"]
ATTRIBUTES_8 = ["shoe size", "blood type", "frequent flyer number", "locker", "flat number", "seat", "membership number",
                "bike lock code", "passport number", "licence plate", "pin hint", "tax code", "employee number",
                "ring size", "room number", "table number", "student id"]
DIETS_8 = ["vegetarian", "vegan", "allergic to nuts", "gluten free", "lactose intolerant", "teetotal",
           "allergic to cats", "diabetic"]
TIMES_8 = ["8:45", "10pm", "5pm", "7:40", "noon", "9am", "18:30", "half past six", "6.15", "midnight", "11:00",
           "2:30pm", "7am"]
MONTHS_8 = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December"]
WEEKDAYS_8 = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _pick_8(s, items):
    """A real word from ``items``, or half the time a made-up one (one or two words), so that copying decides."""
    if s.rng.random() < 0.5:
        return s.rng.choice(items)
    return " ".join(_entity_word(s.rng) for _ in range(s.rng.choice([1, 1, 2])))


def _person_8(s):
    roll = s.rng.random()
    return s.pick(PEOPLE) if roll < 0.4 else _name(s.rng, False) if roll < 0.8 else \
        f"{s.rng.choice(['Dr', 'Mr', 'Ms', 'Mrs'])} {_name(s.rng, False)}"


def _code_8(rng):
    roll = rng.randrange(5)
    if roll == 0:
        return f"{rng.randint(0, 9999):04d}"
    if roll == 1:
        return str(rng.randint(10, 99999999))
    if roll == 2:
        return f"{rng.randint(1, 99)}{rng.choice('ABCDEFGH')}"
    if roll == 3:
        return f"{_word(rng, False)}{rng.randint(1, 99)}"
    return f"{rng.choice('ABCDEFGHKLMPRSTXZ')}{rng.choice('ABCDEFGHKLMPRSTXZ')}{rng.randint(10, 9999)}"


def _date_8(rng):
    day = rng.randint(1, 28)
    suffix = "st" if day in (1, 21) else "nd" if day in (2, 22) else "rd" if day in (3, 23) else "th"
    return rng.choice([f"{day} {rng.choice(MONTHS_8)}", f"{rng.choice(MONTHS_8)} {day}", f"the {day}{suffix}",
                       rng.choice(WEEKDAYS_8), f"next {rng.choice(WEEKDAYS_8)}", f"{rng.choice(WEEKDAYS_8)} morning",
                       f"{rng.choice(WEEKDAYS_8)}s", rng.choice(MONTHS_8)])


def _fact_8(s):
    """A fact as people state one: many shapes, the words in half the slots made up."""
    rng = s.rng
    p, thing, event = _person_8(s), _pick_8(s, THINGS[0]), _pick_8(s, EVENTS_8)
    shapes = [
        lambda: f"{p} is {rng.choice(DIETS_8)}", lambda: f"{p} prefers {_pick_8(s, FOODS[0])}",
        lambda: f"{p} doesn't like {_pick_8(s, FOODS[0])}", lambda: f"I don't eat {_pick_8(s, FOODS[0])}",
        lambda: f"the {thing} is in the {_pick_8(s, SPOTS_8)}", lambda: f"I left my {thing} in the {_pick_8(s, SPOTS_8)}",
        lambda: f"the spare {thing} is under the {rng.choice(COLORS[0])} {_pick_8(s, SPOTS_8)}",
        lambda: f"I parked on level {rng.randint(-3, 9)}" + (f", row {rng.choice('ABCDEFGH')}" if rng.random() < 0.4
                                                             else ""),
        lambda: f"my {rng.choice(ATTRIBUTES_8)} is {_code_8(rng)}", lambda: f"the {_pick_8(s, THINGS[0])} code is {_code_8(rng)}",
        lambda: f"our wifi password is {_code_8(rng)}", lambda: f"the {event} is on {_date_8(rng)}",
        lambda: f"the {event} moved to {rng.choice(TIMES_8)}", lambda: f"the {event} is at {rng.choice(TIMES_8)}",
        lambda: f"the {_pick_8(s, VENUES_8)} closes at {rng.choice(TIMES_8)} on {rng.choice(WEEKDAYS_8)}s",
        lambda: f"the {_pick_8(s, VENUES_8)} opens at {rng.choice(TIMES_8)}",
        lambda: f"I lent my {thing} to {p}", lambda: f"{p} borrowed my {thing}",
        lambda: f"my {rng.choice(RELATIONS_8)} is called {_name(rng, False) if rng.random() < 0.6 else p}",
        lambda: f"the {rng.choice(TRADES_8)} is {p}", lambda: f"the {rng.choice(TRADES_8)}'s name is {p}",
        lambda: f"the {rng.choice(TRADES_8)} comes on {_date_8(rng)}",
        lambda: f"{p}'s number is {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        lambda: f"{p}'s birthday is {_date_8(rng)}", lambda: f"{event} costs {_money_7(rng)[0]}",
        lambda: f"I ran {rng.randint(2, 42)} km today", lambda: f"I weigh {rng.randint(45, 120)} kg",
        lambda: f"my {_pick_8(s, THINGS[0])} insurance renews in {rng.choice(MONTHS_8)}",
        lambda: f"my {_pick_8(s, THINGS[0])} warranty ends in {rng.randint(2025, 2034)}",
        lambda: f"return the {_pick_8(s, THINGS[0])}s by {_date_8(rng)}",
        lambda: f"buy {_pick_8(s, THINGS[0])}s for the {_pick_8(s, THINGS[0])}",
        lambda: f"flight {_code_8(rng)} leaves at {rng.choice(TIMES_8)}",
        lambda: f"the password hint is '{' '.join(_entity_word(rng) for _ in range(2))}'",
        lambda: f"the recycling goes out on {rng.choice(WEEKDAYS_8)}s", lambda: f"{p} lives in {s.pick(PLACES)}",
        lambda: f"the hire car is a {rng.choice(COLORS[0])} {_name(rng, False)}",
        lambda: f"I owe {p} {_money_7(rng)[0]}", lambda: f"{p} works at {_name(rng, False)}",
        lambda: f"the kids' school starts at {rng.choice(TIMES_8)}",
        lambda: f"{event} tickets are in the {_pick_8(s, SPOTS_8)}", lambda: f"my {rng.choice(RELATIONS_8)} likes {_pick_8(s, FOODS[0])}",
    ]
    return rng.choice(shapes)()


def _topic_8(s):
    """A search topic as a noun phrase, copied whole with its article or owner: "the ski trip", "my gate code"."""
    rng = s.rng
    roll = rng.random()
    if roll < 0.4:
        phrase = rng.choice(TOPICS_8)
    elif roll < 0.75:
        phrase = " ".join(_entity_word(rng) for _ in range(rng.choice([1, 2, 2, 3])))
    else:
        phrase = f"{_pick_8(s, THINGS[0])} {rng.choice(['code', 'number', 'address', 'price', 'booking', 'receipt', 'plan', 'date', 'list', 'notes'])}"
    if rng.random() < 0.25:
        tail = rng.choice(TOPIC_TAILS_8)
        phrase += " " + tail.format(x=_pick_8(s, THINGS[0]), P=s.pick(PLACES), N=_person_8(s))
    return rng.choice(DETERMINERS_8).format(N=_person_8(s)) + phrase


ONES_8 = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS_8 = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _spoken_8(n):
    """``n`` (0-999) in words: 7 "seven", 45 "forty-five", 300 "three hundred"."""
    if n < 20:
        return ONES_8[n]
    if n < 100:
        return TENS_8[n // 10 - 2] + ("" if n % 10 == 0 else "-" + ONES_8[n % 10])
    rest = n % 100
    return ONES_8[n // 100] + " hundred" + ("" if rest == 0 else " and " + _spoken_8(rest))


# (request, expression): the operation only described, over numbers a, b (integers), m, k (prices), n (small),
# d, e (decimals with a unit), p (a percentage)
PROBLEM_FRAMES_8 = ["{q}", "{q}", "{q}?", "hey, {q}", "quick question: {q}", "{q} - can you work it out?",
                    "pls calc: {q}", "{q}, thanks", "math help: {q}", "can you work this out: {q}"]
WORD_PROBLEMS_8 = [
    ("we are {n} and the bill is {m}, what does each of us pay", "{m}/{n}"),
    ("{n} of us share a bill of {m}, how much each", "{m}/{n}"), ("split {m} {n} ways", "{m}/{n}"),
    ("what's left of {a} if I take off {b}", "{a}-{b}"), ("I had {m} and spent {k}, how much is left", "{m}-{k}"),
    ("my salary is {a} and rent is {b}. what remains after rent?", "{a}-{b}"),
    ("{a} pages, I read {b}, how many left", "{a}-{b}"), ("{a} people, {b} leave, how many stay", "{a}-{b}"),
    ("{n} boxes with {a} {items} in each, how many {items}", "{n}*{a}"),
    ("{n} rows of {a} seats, how many seats", "{n}*{a}"), ("{n} packs of {a}, how many in total", "{n}*{a}"),
    ("if one costs {m}, what do {n} cost", "{n}*{m}"), ("{n} hours at {m} an hour", "{n}*{m}"),
    ("I walked {d} km on Monday and {e} km on Tuesday, total?", "{d}+{e}"),
    ("{d} kg and {e} kg, how much together", "{d}+{e}"), ("{d} litres plus {e} litres", "{d}+{e}"),
    ("a {d} m plank cut into {n} equal pieces, how long is each", "{d}/{n}"),
    ("how many minutes in {n} hours", "{n}*60"), ("how many seconds in {n} minutes", "{n}*60"),
    ("how many hours is {a} minutes", "{a}/60"), ("how many days in {n} weeks", "{n}*7"),
    ("{p}% off {m}, how much is the discount", "{p}%*{m}"), ("a {p}% tip on a bill of {m}", "{p}%*{m}"),
    ("total of {a} and {b}", "{a}+{b}"), ("{a} and {b} together", "{a}+{b}"), ("{m} and {k} in total", "{m}+{k}"),
    ("double {a}", "{a}*2"), ("half of {a}", "{a}/2"), ("triple {m}", "{m}*3"), ("a third of {a}", "{a}/3"),
    ("a quarter of {a}", "{a}/4"), ("twice {m}", "{m}*2"), ("{a} more than {b}", "{b}+{a}"),
    ("{b} less than {a}", "{a}-{b}"), ("how much more is {a} than {b}", "{a}-{b}"),
    ("{n} friends each pay {m}, how much altogether", "{n}*{m}"), ("{a} every month for {n} months", "{a}*{n}"),
    ("I earn {m} an hour and worked {n} hours", "{m}*{n}"), ("{n} times {p}", "{n}*{p}"),
    ("{p} percent of {a}", "{p}%*{a}"), ("what is {p} percent of {m}", "{p}%*{m}"),
]


def _natural_8(s, kind):
    """Revision 8's natural requests: remembering, searching, word problems and numbers written as words."""
    rng = s.rng
    if kind == "remember":
        fact = _fact_8(s)
        text = _roughen(s, rng.choice(REMEMBER_8).format(f=fact), [fact])
        if rng.random() < 0.06:
            text, fact = text.upper(), fact.upper()
        return text, "remember", {"fact": fact}, "saved", "Noted."
    if kind == "search":
        topic = _topic_8(s)
        found = _answer_for_topic(s, topic)
        text = _roughen(s, rng.choice(SEARCH_8).format(t=topic), [topic])
        if rng.random() < 0.06:
            text, topic = text.upper(), topic.upper()
        return text, "search_memory", {"query": topic}, found, f"From memory: {found}."
    problem = rng.random() < 0.65
    request, expression = rng.choice(WORD_PROBLEMS_8 if problem else NATURAL_ARITH_7)
    written, copied = {}, {}
    for key in "abcd":
        written[key], copied[key] = _integer_7(rng)
    if "{a}-{b}" in expression and int(copied["a"]) < int(copied["b"]):
        written["a"], written["b"], copied["a"], copied["b"] = written["b"], written["a"], copied["b"], copied["a"]
    for key in "mk":
        written[key], copied[key] = _money_7(rng)
    n, p = rng.randint(2, 12), rng.randint(1, 99)
    if problem:  # d and e are decimals with a unit
        for key in "de":
            written[key] = f"{rng.randint(0, 60)}.{rng.randint(1, 9)}" if rng.random() < 0.7 else str(rng.randint(1, 60))
            copied[key] = written[key]
    else:  # as revision 7: e is an exponent
        written["e"] = copied["e"] = str(rng.randint(2, 5))
    period = rng.choice(PERIODS_7)
    for mapping in (written, copied):
        mapping.update(n=str(n), p=str(p), items=rng.choice(ITEMS_7), people=rng.choice(GROUPS_7), per=period[0],
                       periods=period[1])
    copied.update(items=written["items"], people=written["people"])
    # numbers written as words, which the expression writes as digits; only where words surround them
    spoken = []
    if not re.search(r"[-+*/^\u00d7\u00f7]|\}x|x\{|\}X", request):
        if "{n}" in request and rng.random() < 0.35:
            written["n"] = _spoken_8(n)
            spoken.append(written["n"])
        if "{p} percent" in request and rng.random() < 0.35:
            written["p"] = _spoken_8(p)
            spoken.append(written["p"])
        if "{a}" in request and int(copied["a"]) < 1000 and rng.random() < 0.15:
            written["a"] = _spoken_8(int(copied["a"]))
            spoken.append(written["a"])
    q, expression = request.format(**written), expression.format(**copied)
    value = _natural_value(expression)
    frame = rng.choice(PROBLEM_FRAMES_8 if problem else NATURAL_CALC_7)
    text = _roughen(s, frame.format(q=q), [expression] + spoken)  # number words are kept from typos too
    return text, "calculator", {"expression": expression}, value, f"It is {value}."


# ---- revision 9: real English words to copy, numbers as people write them, and quantities only implied ----
# Run 16 (revision 8) was scored on a fourth natural set, written after it and blind: 90% right tool, but 67% right
# key argument. Half of its misses were copying slips on real words it had rarely copied ("marathon" -> "Uarathon",
# "football" -> "footaryl", "handwriting" -> "handcuting") or on numbers with a comma ("1,250" -> 1650); the rest were
# arithmetic whose operation or second number is only implied ("920 a month, how much a year" -> 920*4, "315 miles on
# 9 gallons, miles per gallon" -> 315*9). Its made-up slot words are random letters, syllables and template words, so
# the pieces an English word is cut into were rarely copied. From revision 9 a third of the made-up slot words are
# words of an English dictionary (Debian's wamerican), and natural requests add implied quantities, chains, larger
# numbers and numbers in words. The lists stay out of SLOT_FOLLOWERS so that earlier revisions draw what they drew.
DICTIONARY = "/usr/share/dict/american-english"
NATURAL_SHARE_9 = 0.35
_ENGLISH = []


def _english_word(rng):
    """A lower-case word of 3 to 12 letters from the dictionary, never one of the held-out lists' words."""
    if not _ENGLISH:
        held = {w.lower() for side in (PEOPLE, THINGS, FOODS, PLACES, COLORS, DAYS, SUBJECTS, ADJECTIVES, NOUNS,
                                       SCENES, SIGNS, PHRASES) for entry in side[1] for w in re.findall(r"[A-Za-z]+", entry)}
        with open(DICTIONARY, encoding="utf-8") as f:
            _ENGLISH.extend(w for w in f.read().split() if re.fullmatch(r"[a-z]{3,12}", w) and w not in held)
    return rng.choice(_ENGLISH)


def _english(rng, count):
    return " ".join(_english_word(rng) for _ in range(count))


def _integer_9(rng):
    """(as written, as the expression copies it): up to a million, thousands written with a comma half the time."""
    roll = rng.random()
    value = rng.randint(2, 99) if roll < 0.2 else rng.randint(100, 999) if roll < 0.5 else \
        rng.randint(1000, 99999) if roll < 0.9 else rng.randint(100000, 999999)
    written = f"{value:,}" if value >= 1000 and rng.random() < 0.5 else str(value)
    return written, str(value)


def _spoken_9(n):
    """``n`` up to 9,999 in words: 250 "two hundred and fifty", 1200 "one thousand two hundred"."""
    if n < 1000:
        return _spoken_8(n)
    rest = n % 1000
    head = _spoken_8(n // 1000) + " thousand"
    return head if rest == 0 else head + (" and " if rest < 100 else " ") + _spoken_8(rest)


# (request, expression): quantities named, not given ("a year" is 12 months), rates and chains; numbers as in
# revision 8, plus c (an integer) and q (a small count of things)
IMPLIED_9 = [
    ("{m} a month, how much is that a year", "{m}*12"), ("{m} every month, per year?", "{m}*12"),
    ("rent is {m} monthly, yearly total", "{m}*12"), ("{m} a year, how much per month", "{m}/12"),
    ("{m} per week, how much in a year", "{m}*52"), ("{m} a week over a year", "{m}*52"),
    ("{m} a day, how much a week", "{m}*7"), ("{m} daily for a year", "{m}*365"),
    ("{n} weeks of {b} hours, total hours", "{n}*{b}"), ("{n} days at {b} km a day", "{n}*{b}"),
    ("{a} miles on {n} gallons, miles per gallon?", "{a}/{n}"), ("drove {a} km in {n} hours, average speed", "{a}/{n}"),
    ("{m} for {n} {items}, what is that per item", "{m}/{n}"), ("{a} g for {n} people, how much for {q}", "{a}/{n}*{q}"),
    ("a recipe for {n} uses {a} ml, I cook for {q}", "{a}/{n}*{q}"), ("{n} spiders, 8 legs each, how many legs", "{n}*8"),
    ("legs on {n} dogs", "{n}*4"), ("wheels on {n} cars", "{n}*4"), ("how many eggs in {n} dozen", "{n}*12"),
    ("minutes in {n} days", "{n}*24*60"), ("hours in {n} weeks", "{n}*7*24"), ("seconds in {n} hours", "{n}*3600"),
    ("paid {m} and then {k}, what did I pay altogether", "{m}+{k}"), ("{m}, then {k}, then {j} - total spent?", "{m}+{k}+{j}"),
    ("spent {m} on {items} and {k} on {others}, how much in all", "{m}+{k}"),
    ("had {a}, gave away {b}, then {c} more, how many left", "{a}-{b}-{c}"),
    ("started with {a}, lost {b}, got {c} back", "{a}-{b}+{c}"), ("{a} minus {b} minus {c}", "{a}-{b}-{c}"),
    ("{a} take away {b}, take away {c}", "{a}-{b}-{c}"), ("{a}, less {b}, less {c}", "{a}-{b}-{c}"),
    ("{b} out of {a} as a percentage", "{b}/{a}*100"), ("what percent of {a} is {b}", "{b}/{a}*100"),
    ("{m} plus {p}% tax", "{m}*(1+{p}%)"), ("{m} with {p}% off", "{m}*(1-{p}%)"),
    ("{m} after a {p}% discount", "{m}*(1-{p}%)"), ("{a} increased by {p}%", "{a}*(1+{p}%)"),
    ("how long is {a} minutes in hours", "{a}/60"), ("{a} seconds in minutes", "{a}/60"),
    ("{n} squared", "{n}^2"), ("{n} cubed", "{n}^3"), ("square {a}", "{a}^2"), ("{n} to the {e}", "{n}^{e}"),
    ("{n} times {n}", "{n}*{n}"), ("the area of a {n} by {q} m room", "{n}*{q}"),
    ("{q} boxes of {n} {items} and {n} loose ones", "{q}*{n}+{n}"), ("each of the {n} {people} pays {m}, total", "{n}*{m}"),
]
OTHERS_9 = ["snacks", "drinks", "fuel", "parking", "tickets", "books", "lunch", "taxis", "gifts", "flowers"]
# (request, expression): a chain of one operation over three or four numbers as written
CHAINS_9 = [
    ("{a} + {b} + {c}", "{a} + {b} + {c}"), ("{a}+{b}+{c}+{d}", "{a}+{b}+{c}+{d}"), ("{a} - {b} - {c}", "{a} - {b} - {c}"),
    ("{a} - {n} - {n} - {n}", "{a} - {n} - {n} - {n}"), ("{a} * {n} * {q}", "{a} * {n} * {q}"),
    ("{a} / {n} / {q}", "{a} / {n} / {q}"), ("{a} + {b} - {c}", "{a} + {b} - {c}"), ("{a} * {n} + {b}", "{a} * {n} + {b}"),
    ("add {a}, {b}, {c} and {d}", "{a}+{b}+{c}+{d}"), ("{a} plus {b} plus {c}", "{a}+{b}+{c}"),
    ("{m} + {k} + {j}", "{m} + {k} + {j}"), ("{m}+{k}+{j}", "{m}+{k}+{j}"),
]
OPS_9 = [("+", ["plus", "and", "add", "added to"]), ("-", ["minus", "take away", "less"]),
         ("*", ["times", "multiplied by", "x"]), ("/", ["divided by", "over"])]
SEARCH_9 = [
    "any record of {t}?", "did I write down {t}?", "did I save {t} somewhere", "do I have a note on {t}",
    "what was {t} again?", "have we got anything on {t}", "is {t} in my notes?", "look for {t}",
    "find my note about {t}", "what did I save about {t}?", "anything on {t}?", "search my memory: {t}",
    "check memory for {t}", "I saved something about {t}, find it", "where did I put the note on {t}",
    "recall {t}", "what do you know about {t}?", "remind me of {t}", "any notes about {t}?", "lookup: {t}",
    "{t} - search my notes", "can u check {t} in memory", "search memories for {t}", "notes on {t} pls",
    "did we ever note {t}?", "was there anything about {t}?", "bring up {t}", "memory search: {t}",
]
REMEMBER_9 = [
    "keep track of this - {f}", "I want you to keep track of this: {f}", "note it: {f}", "please to remember {f}",
    "remember this: {f}", "don't forget, {f}", "save this: {f}", "keep a note that {f}", "store the fact that {f}",
    "add this to memory: {f}", "pls note {f}", "for later: {f}", "reminder that {f}", "write down that {f}",
    "log this: {f}", "remember: {f}", "just so you know, {f}. remember it", "{f} (remember that)", "noting that {f}",
    "can you note that {f}", "please keep in mind {f}", "put it in memory: {f}", "save to memory - {f}",
]
DRAW_9 = [
    "pic: {p}", "picture of {p}", "create an illustration of {p}", "illustration of {p}", "draw me {p}",
    "make an image of {p}", "generate a picture of {p}", "I'd love a drawing of {p}", "sketch {p}", "paint {p}",
    "can you make a picture of {p}?", "image: {p}", "render me {p}", "a picture of {p} please", "draw {p}",
    "need an image of {p} for a card", "generate {p}", "art: {p}", "make art of {p}", "imagine {p} and draw it",
]
DRAW_STEPS_9 = ["{r}, {n} steps", "{r} in {n} steps", "{r} with {n} steps", "{r} ({n} steps)", "{r}, steps {n}"]
HEADS_9 = ["shop", "plan", "number", "code", "list", "booking", "receipt", "address", "times", "dates", "notes",
           "schedule", "contract", "password", "details", "order", "invoice", "form", "form deadline", "results"]


def _topic_9(s):
    """A search topic of real words: "the bike repair shop", "marathon training plan", "my niece's recital"."""
    rng = s.rng
    roll = rng.random()
    if roll < 0.4:
        phrase = f"{_english(rng, rng.choice([1, 2]))} {rng.choice(HEADS_9)}"
    elif roll < 0.8:
        phrase = _english(rng, rng.choice([1, 2, 2, 3]))
    else:
        phrase = _topic_8(s)
        return phrase
    return rng.choice(DETERMINERS_8 + ["a ", "that "]).format(N=_person_8(s)) + phrase


def _fact_9(s):
    """Facts of revision 8's shapes and more, with real words in the slots."""
    rng = s.rng
    if rng.random() < 0.5:
        return _fact_8(s)
    p, word = _person_8(s), _english(rng, rng.choice([1, 1, 2]))
    shapes = [
        lambda: f"{p}'s flight lands at {rng.choice(TIMES_8 + ['14:20', '06:05', '23:10', '3.45pm'])}",
        lambda: f"my {rng.choice(RELATIONS_8)}'s {word} is on {rng.choice(WEEKDAYS_8)}s",
        lambda: f"{word} is due in {rng.choice(MONTHS_8)}", lambda: f"the {word} is {_english_word(rng)}",
        lambda: f"{p} likes {word}", lambda: f"the {word} is in the {_english(rng, rng.choice([1, 2]))}",
        lambda: f"{word} costs {_money_7(rng)[0]}", lambda: f"the {word} code is {_code_8(rng)}",
        lambda: f"my {word} appointment is on {_date_8(rng)}", lambda: f"{p} recommended {word}",
        lambda: f"{word} tickets go on sale {_date_8(rng)}", lambda: f"I need to buy {word}",
        lambda: f"{p} is allergic to {word}", lambda: f"our {word} is {_english_word(rng)}",
        lambda: f"the {word} starts at {rng.choice(TIMES_8)}", lambda: f"{p}'s {word} is {_code_8(rng)}",
    ]
    return rng.choice(shapes)()


def _prompt_9(rng):
    """An image prompt of real words: "a sleepy panda", "an astronaut riding a bicycle", "a foggy harbour at dawn"."""
    roll = rng.random()
    noun = _english_word(rng) if rng.random() < 0.6 else rng.choice(NOUNS[0])
    adjective = _english_word(rng) if rng.random() < 0.6 else rng.choice(ADJECTIVES[0])
    if roll < 0.35:
        return f"a {adjective} {noun}"
    if roll < 0.55:
        return f"{rng.choice(['a', 'an', 'the', 'two'])} {noun} {rng.choice(['riding', 'holding', 'eating', 'next to', 'under', 'on'])} a {_english_word(rng)}"
    if roll < 0.8:
        return f"a {adjective} {noun} {rng.choice(PREPOSITIONS)} {_english_word(rng)}"
    return _english(rng, rng.randint(2, 5))


def _image_id_9(rng):
    """Image ids of real words: note_mon, desk9, ref-5531, tiny1, holiday-07."""
    word = _english_word(rng)[:rng.randint(3, 9)]
    roll = rng.randrange(6)
    if roll == 0:
        return word + str(rng.randint(0, 99))
    if roll == 1:
        return f"{word}{rng.choice(['-', '_'])}{rng.randint(0, 9999):0{rng.choice([1, 2, 4])}d}"
    if roll == 2:
        return f"{word}_{_english_word(rng)[:3]}"
    if roll == 3:
        return f"{rng.choice(['ref', 'img', 'doc', 'photo', 'scan', 'IMG'])}-{rng.randint(1, 99999)}"
    if roll == 4:
        return word
    return _natural_image_id(rng)


def _natural_9(s, kind):
    """Revision 9's natural requests: (request, tool, arguments, result, final)."""
    rng = s.rng
    if kind == "remember":
        fact = _fact_9(s)
        text = _roughen(s, rng.choice(REMEMBER_9 + REMEMBER_8).format(f=fact), [fact])
        return text, "remember", {"fact": fact}, "saved", "Noted."
    if kind == "search":
        topic = _topic_9(s)
        found = _answer_for_topic(s, topic)
        text = _roughen(s, rng.choice(SEARCH_9 + SEARCH_8).format(t=topic), [topic])
        return text, "search_memory", {"query": topic}, found, f"From memory: {found}."
    if kind == "draw":
        prompt = _prompt_9(rng)
        request = rng.choice(DRAW_9)
        steps = 4
        if rng.random() < 0.3:
            steps = rng.randint(1, 8)
            request = rng.choice(DRAW_STEPS_9).format(r=request, n=steps)
        image = _image_id(rng, False)
        text = _roughen(s, request.format(p=prompt), [prompt])
        return text, "generate_image", {"prompt": prompt, "steps": steps}, image, f"Done: {image}."
    if kind in ("read", "segment"):
        image = _image_id_9(rng)
        fields = {"i": image, "pic": rng.choice(PICTURES_7), "obj": rng.choice(READ_OBJECTS_7)}
        if kind == "read":
            text = s.pick(SIGNS)
            return _roughen(s, rng.choice(READ_7).format(**fields), [image]), "read_text", {"image_id": image}, \
                text, f"It says \"{text}\"."
        small = rng.random() < 0.3
        x, y = (rng.randint(0, 99), rng.randint(0, 99)) if small else (rng.randint(0, 1023), rng.randint(0, 767))
        fields.update(verb=rng.choice(SEGMENT_VERBS_7), thing=rng.choice(SEGMENT_THINGS_7 + [_english_word(rng)]),
                      pt=rng.choice(POINTS_7).format(x=x, y=y))
        pixels = rng.randint(100, 90000)
        return _roughen(s, rng.choice(SEGMENT_7).format(**fields), [image]), "segment", \
            {"image_id": image, "point": [x, y]}, f"mask with {pixels} pixels", f"Done: the mask covers {pixels} pixels."
    # calculator
    written, copied = {}, {}
    for key in "abcd":
        written[key], copied[key] = _integer_10(rng) if REVISION >= 10 else _integer_9(rng)
    for key in "mkj":
        written[key], copied[key] = _money_7(rng)
    n, q, p, e = rng.randint(2, 12), rng.randint(2, 9), rng.randint(1, 99), rng.randint(2, 5)
    period = rng.choice(PERIODS_7)
    for mapping in (written, copied):
        mapping.update(n=str(n), q=str(q), p=str(p), e=str(e), items=rng.choice(ITEMS_7),
                       people=rng.choice(GROUPS_7), others=rng.choice(OTHERS_9), per=period[0], periods=period[1])
    if REVISION >= 10:
        for key in "uv":
            written[key] = copied[key] = _measure_10(rng)
        written["r"] = copied["r"] = f"{rng.randint(0, 2)}.{rng.randint(1, 99):02d}"
    roll = rng.random()
    spoken = []
    if roll < 0.2:
        # one operation between two numbers, both in words a third of the time
        op, words = rng.choice(OPS_9)
        x, y = rng.randint(1, 999), rng.randint(1, 99 if op in "*/" else 999)
        if rng.random() < 0.6:
            if op in "+-" and rng.random() < 0.2:
                x = rng.randint(1000, 9999)
            wx, wy = _spoken_9(x), _spoken_8(y)
            spoken = [wx, wy]
        else:
            wx, wy = str(x), str(y)
        if op == "-" and x < y:
            x, y, wx, wy = y, x, wy, wx
        q_text, expression = f"{wx} {rng.choice(words)} {wy}", f"{x}{op}{y}"
    else:
        implied = IMPLIED_9 + IMPLIED_10 if REVISION >= 10 else IMPLIED_9
        request, expression = rng.choice(implied if roll < 0.7 else CHAINS_9 if roll < 0.85 else NATURAL_ARITH_7)
        for x, y in (("a", "b"), ("m", "k"), ("u", "v")) if REVISION >= 10 else (("a", "b"),):
            if f"{{{x}}}-{{{y}}}" in expression and float(copied[x]) < float(copied[y]):
                for mapping in (written, copied):
                    mapping[x], mapping[y] = mapping[y], mapping[x]
        if "{n}" in request and not re.search(r"[-+*/^]", request) and rng.random() < 0.3:
            written["n"] = _spoken_8(n)
            spoken.append(written["n"])
        q_text, expression = request.format(**written), expression.format(**copied)
    value = _natural_value(expression)
    frame = rng.choice(PROBLEM_FRAMES_8 + NATURAL_CALC_7)
    text = _roughen(s, frame.format(q=q_text), [expression] + spoken)
    return text, "calculator", {"expression": expression}, value, f"It is {value}."


# ---- revision 10: thousands commas wherever a calculator request holds a large number, and more implied sums ----
# Run 17 (revision 9) was scored on a fifth natural set, written after it and blind: 96% right tool, 74% right key
# argument. Its calculator requests were right only 45% of the time: numbers with a thousands comma were miscopied
# (``_large_10``), and sums whose operation is only implied ("we shipped 875, what's left", "how many bags") went to
# the wrong operation. Revision 10 writes large numbers, mostly with a comma, into plain calculator requests too, and
# adds implied remainders, rates, conversions, coverage, fractions and decimal measures. The new draws come after
# every earlier one, so revisions up to 9 draw what they drew.
def _integer_10(rng):
    """(as written, as the expression copies it): as ``_integer_9``, with a comma 70% of the time from 1,000."""
    roll = rng.random()
    value = rng.randint(2, 99) if roll < 0.2 else rng.randint(100, 999) if roll < 0.45 else \
        rng.randint(1000, 99999) if roll < 0.9 else rng.randint(100000, 999999)
    written = f"{value:,}" if value >= 1000 and rng.random() < 0.7 else str(value)
    return written, str(value)


def _measure_10(rng):
    """A length, a time or a weight as written: a whole number, or one decimal place half the time."""
    return f"{rng.randint(1, 30)}.{rng.randint(1, 9)}" if rng.random() < 0.5 else str(rng.randint(2, 40))


# (request, expression): as IMPLIED_9, with u and v measures (4.5, 12) and r a rate (1.08)
IMPLIED_10 = [
    ("{a} in stock, {b} sold, how many remain", "{a}-{b}"), ("budget of {a}, {b} spent so far, what's left", "{a}-{b}"),
    ("we owe {a} and have paid {b}, what's the balance", "{a}-{b}"), ("{a} seats, {b} taken, how many free", "{a}-{b}"),
    ("the target is {a} and I'm at {b}, how many to go", "{a}-{b}"), ("bill was {m}, I paid {k}, still owing?", "{m}-{k}"),
    ("how much more is {a} than {b}", "{a}-{b}"), ("income {a}, costs {b}, profit?", "{a}-{b}"),
    ("sold it for {m}, it cost {k}, what did I make", "{m}-{k}"), ("the gap between {a} and {b}", "{a}-{b}"),
    ("the trip takes {u} hours and {v} are done, how long remains", "{u}-{v}"), ("{u} kg minus {v} kg", "{u}-{v}"),
    ("{n} crates holding {a} each, how many altogether", "{n}*{a}"), ("{q} rows of {n} plants, how many plants", "{q}*{n}"),
    ("{n} hours at {m} an hour, what do I earn", "{n}*{m}"), ("{n} shifts of {u} hours, total hours", "{n}*{u}"),
    ("sold {n} {items} for {m} each, revenue", "{n}*{m}"), ("{a} visitors a day for {n} days, how many", "{a}*{n}"),
    ("{m} per person for {n} {people}", "{m}*{n}"), ("{a} each month for {n} months", "{a}*{n}"),
    ("{m} converted at {r}", "{m}*{r}"), ("change {a} at a rate of {r}", "{a}*{r}"), ("{u} kilos at {m} a kilo", "{u}*{m}"),
    ("{a} units at {r} each", "{a}*{r}"), ("a room {u} m by {v} m, floor area", "{u}*{v}"),
    ("a plot {u} by {v} metres, area?", "{u}*{v}"), ("{u} times {v}", "{u}*{v}"),
    ("a tank of {a} litres, buckets of {n} litres, how many buckets", "{a}/{n}"),
    ("one pot covers {u} square metres, the wall is {a}, how many pots", "{a}/{u}"),
    ("{a} km at {n} km an hour, how many hours", "{a}/{n}"), ("{a} km in {u} hours, speed?", "{a}/{u}"),
    ("share {a} among {n} {people}", "{a}/{n}"), ("{a} spread evenly over {n} {periods}", "{a}/{n}"),
    ("{m} a year, per week", "{m}/52"), ("how many {n}s in {a}", "{a}/{n}"),
    ("half of {a}", "{a}/2"), ("a third of {a}", "{a}/3"), ("a quarter of {m}", "{m}/4"), ("double {a}", "{a}*2"),
    ("triple {m}", "{m}*3"), ("twice {u}", "{u}*2"), ("{p}% service on {m}", "{p}%*{m}"),
    ("tip {p} percent on {m}", "{p}%*{m}"), ("a {p}% deposit on {a}", "{p}%*{a}"), ("{p}% tax on {a}", "{p}%*{a}"),
    ("{p}% interest on {a} for a year", "{p}%*{a}"), ("{p} percent of {u}", "{p}%*{u}"),
    ("{a} grams in kilos", "{a}/1000"), ("{u} km in metres", "{u}*1000"), ("{n} hours in minutes", "{n}*60"),
    ("{a} cm in metres", "{a}/100"), ("{u} kg in grams", "{u}*1000"), ("{a} minutes in hours", "{a}/60"),
    ("mean of {a}, {b}, {c} and {d}", "({a}+{b}+{c}+{d})/4"), ("the average of {u} and {v}", "({u}+{v})/2"),
    ("scores of {n}, {q} and {p}, average?", "({n}+{q}+{p})/3"), ("{u} hours plus {v} hours", "{u}+{v}"),
    ("{n} tickets at {m} plus a {k} fee", "{n}*{m}+{k}"), ("{n} {items} at {m} and {q} at {k}, total", "{n}*{m}+{q}*{k}"),
]


def _typo(rng, word):
    i = rng.randrange(len(word) - 1)
    roll = rng.random()
    if roll < 0.35:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if roll < 0.7:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def _roughen(s, text, copied):
    """``text`` with what people do to requests, leaving every word the call copies (``copied``) as it is."""
    rng = s.rng
    keep = {w for c in copied for w in re.findall(r"\S+", c)}
    if rng.random() < 0.15:
        text = rng.choice(["Hey, ", "ok so ", "um ", "Quick one: ", "pls ", "yo ", "Hi! ", "so "]) + text
    lower = rng.random() < 0.5
    typos = rng.choice([0, 0, 1, 1, 2])
    out = []
    for w in text.split(" "):
        bare = w.strip(".,?!:;")
        if not bare or bare in keep or any(bare in k for k in keep) or any(ch.isdigit() for ch in w):
            out.append(w)
            continue
        if lower:
            w, bare = w.lower(), bare.lower()
        if typos and len(bare) >= 4 and bare.isalpha() and rng.random() < 0.3:
            w = w.replace(bare, _typo(rng, bare), 1)
            typos -= 1
        out.append(w)
    text = " ".join(out)
    if REVISION >= 8 and rng.random() < 0.08:
        # the assistant addressed by name, as a voice transcript or a chat starts
        text = rng.choice(PREAMBLES_8) + text
    if rng.random() < 0.4:
        text = text.rstrip(".!")
    if rng.random() < 0.25:
        text = text.rstrip(".!?") + rng.choice(REMARKS)
    return text


def render(turns, upto=None):
    """The prompt text for ``turns``, the same as the runtime's template renders; ``upto`` opens the model's turn."""
    out = [BEGIN]
    for role, text in turns[:upto]:
        if role == "tools":
            out.append(f"{SYSTEM}tools: {text}{END}")
        elif role == "hint":
            out.append(f"{SYSTEM}hint: {text}{END}")
        elif role == "user":
            out.append(f"{USER}{text}{END}")
        elif role == "tool":
            out.append(f"{TOOL}{text}{END}")
        elif role in ("call", "wrong call"):
            out.append(f"{ASSISTANT}{TOOL_CALL}{text}{END}")
        else:
            out.append(f"{ASSISTANT}{text}{END}")
    if upto is not None:
        out.append(ASSISTANT)
    return "".join(out)


def split(seed, count, held_out):
    rng = random.Random(seed)
    return [sample(rng, held_out) for _ in range(count)]


# ---- revision 5: tasks of two to four dependent steps, for the agent loop ----
#
# Each task is a goal and a sequence of calls in which a later call uses an earlier result (a product remembered, a
# price found then multiplied, two facts stored then answered from, a calculator error then the corrected call, a
# search that finds nothing then a fact stored), ending with final_answer. Tool results are written exactly as the
# orchestrator's tools return them ("saved", "nothing found", the facts found joined by "; ", the calculator's value
# or its "error: ..." message). A third of training tasks carry the hint a recalled recipe gives
# (``<|system|>hint: calculator, remember, final_answer<|end|>``), one in ten of those the hint of another shape, so
# that the request, not the hint, decides. Shapes marked held-out never appear in training; the others split their
# phrasings by hash as single requests do, and draw held-out entities from the held-out lists.

MULTI_SHAPES = {
    "compute_then_remember": False,
    "search_then_compute": False,
    "remember_two_then_answer": False,
    "calc_error_then_fix": False,
    "search_miss_then_remember": False,
    "search_then_remember": False,
    "compute_then_compute": False,
    # held-out only: two searches, then one calculation over both results
    "search_two_then_compute": True,
}

M_COMPUTE_REMEMBER = [
    "Work out {q} and remember the result as {what}.", "Compute {q}, then save that {what} is the answer.",
    "What is {q}? Store it as {what}.", "calculate {q} and note the result as {what}",
    "Figure out {q} and keep it in memory as {what}.", "{q} = ? Remember that as {what}.",
]
M_SEARCH_COMPUTE = [
    "Look up what {item} cost and tell me the price of {n} of them.", "Find the price of {item} and multiply it by {n}.",
    "How much did {item} cost? Work out {n} times that.", "Check my notes for the cost of {item}, then compute it times {n}.",
    "search memory for {item}'s price and give me {n} of them", "What would {n} of {item} cost, going by my notes?",
    "I saved what {item} cost; how much are {n} of those?", "Get the cost of {item} from memory and times it by {n}.",
    "{n} x {item}: look up the price and work out the total.", "Recall the price of {item}, then multiply by {n}.",
    "Using my notes, what do {n} of {item} come to?", "Price of {item} times {n}? It's in memory.",
]
M_REMEMBER_TWO = [
    "Remember that {f1} and that {f2}, then tell me {ask}.", "Note two things: {f1}; {f2}. Then answer: {ask}?",
    "Save that {f1}, save that {f2}, and tell me {ask}.", "Keep in mind {f1} and {f2}. After that, {ask}?",
    "Store {f1}. Also store {f2}. Now, {ask}?",
]
M_CALC_FIX = [
    "What is {q}?", "Calculate {q}.", "How much is {q}?", "work out {q}", "Compute {q} for me.",
]
M_SEARCH_MISS = [
    "Check my memory for {topic}; if nothing is there, remember that {fact}.",
    "Do I have {topic} saved? If not, save that {fact}.", "Search for {topic}, and store that {fact} if you find nothing.",
    "Look up {topic}. If it's missing, note that {fact}.",
    "Is {topic} in memory? Save that {fact} if it isn't.", "Find {topic}; when there's nothing, remember that {fact}.",
    "Have I noted {topic}? If no, write down that {fact}.", "Search memory: {topic}. Nothing there? Then store that {fact}.",
]
M_SEARCH_REMEMBER = [  # (goal, the fact it asks to store, given the day found)
    ("Find {name}'s birthday and remember that {name}'s party is on that day.", "{name}'s party is on {day}"),
    ("Look up when {name}'s birthday is, then save that the cake for {name} is due that day.",
     "the cake for {name} is due on {day}"),
    ("Check my notes for {name}'s birthday and store that the gift must arrive by then.",
     "the gift for {name} must arrive by {day}"),
    ("When is {name}'s birthday? Remember that the dinner with {name} is that day.",
     "the dinner with {name} is on {day}"),
    ("Search for {name}'s birthday, then note that {name}'s picnic is on that date.", "{name}'s picnic is on {day}"),
    ("Get {name}'s birthday from memory and save that the flowers for {name} go out that day.",
     "the flowers for {name} go out on {day}"),
    ("What's {name}'s birthday? Then store that the card for {name} is due that day.",
     "the card for {name} is due on {day}"),
    ("Recall {name}'s birthday and remember that {name}'s concert is the same day.",
     "{name}'s concert is on {day}"),
]
M_COMPUTE_COMPUTE = [
    "Work out {q}, then add {c} to the result.", "Compute {q} and then multiply the result by {c}.",
    "What is {q}? Then take away {c}.", "Calculate {q}, then divide that by {c}.",
]
M_SEARCH_TWO = [
    "Look up what {a} and {b} cost and tell me the total.", "Find the prices of {a} and {b} and add them up.",
    "How much did {a} and {b} cost together, going by my notes?",
]
M_OPS_AFTER = {"add": "+", "multiply": "*", "take away": "-", "divide": "/"}


def _multi_phrase(s, templates):
    """One of a shape's phrasings, from this side's part: a fifth of them (by hash) are held out; a shape whose
    phrasings all fall on one side uses them on both, and its held-out tasks differ by their entities only."""
    side = [t for t in templates if (zlib.crc32(t.encode()) % 5 == 4) == s.held_out]
    return s.rng.choice(side or templates)


def _priced(s):
    """A thing with an owner, as a fact about its price: ("Dave's kayak", "Dave's kayak cost 250", 250)."""
    item = f"{s.pick(PEOPLE)}'s {s.pick(THINGS)}"
    price = s.rng.randint(5, 900)
    return item, f"{item} cost {price}", price


def _multi(s, shape):
    """A multi-step task: (goal, [(tool, arguments, result)], final text)."""
    rng = s.rng
    if shape == "compute_then_remember":
        q, expression = _arith(s)
        value = _evaluate(expression)
        what = rng.choice([f"the number of {s.pick(THINGS)}s", f"{s.pick(PEOPLE)}'s score", "the total",
                           f"the budget for {s.pick(PLACES)}"])
        fact = f"{what} is {value}"
        goal = _multi_phrase(s, M_COMPUTE_REMEMBER).format(q=q, what=what)
        return goal, [("calculator", {"expression": expression}, value),
                      ("remember", {"fact": fact}, "saved")], f"{q} = {value}, saved as {what}."
    if shape == "search_then_compute":
        item, fact, price = _priced(s)
        n = rng.randint(2, 12)
        goal = _multi_phrase(s, M_SEARCH_COMPUTE).format(item=item, n=n)
        return goal, [("search_memory", {"query": f"{item} cost"}, fact),
                      ("calculator", {"expression": f"{price}*{n}"}, str(price * n))], \
            f"{n} of {item} cost {price * n}."
    if shape == "remember_two_then_answer":
        a, b = s.pick(PEOPLE), s.pick(PEOPLE)
        x, y = s.pick(PLACES), s.pick(PLACES)
        f1, f2 = f"{a} lives in {x}", f"{b} lives in {y}"
        ask, answer = (f"where {b} lives", f"{b} lives in {y}.") if rng.random() < 0.5 else \
            (f"where {a} lives", f"{a} lives in {x}.")
        goal = _multi_phrase(s, M_REMEMBER_TWO).format(f1=f1, f2=f2, ask=ask)
        return goal, [("remember", {"fact": f1}, "saved"), ("remember", {"fact": f2}, "saved")], answer
    if shape == "calc_error_then_fix":
        a, b = rng.randint(2, 999), rng.randint(2, 99)
        word, symbol = rng.choice([("times", "*"), ("by", "*"), ("plus", "+"), ("minus", "-"), ("over", "/")])
        bad = f"{a} {word} {b}"
        error = f"error: unexpected '{word[0]}' at position {len(str(a)) + 2} of '{bad}'"
        value = _evaluate(f"{a}{symbol}{b}")
        goal = _multi_phrase(s, M_CALC_FIX).format(q=bad)
        return goal, [("calculator!", {"expression": bad}, error),
                      ("calculator", {"expression": f"{a}{symbol}{b}"}, value)], f"It comes to {value}."
    if shape == "search_miss_then_remember":
        thing = s.pick(THINGS)
        code = f"{_word(rng, s.held_out)}{rng.randint(10, 9999)}"
        topic, fact = f"the code of my {thing}", f"the code of my {thing} is {code}"
        goal = _multi_phrase(s, M_SEARCH_MISS).format(topic=topic, fact=fact)
        return goal, [("search_memory", {"query": topic}, "nothing found"),
                      ("remember", {"fact": fact}, "saved")], f"Nothing was saved, so I noted that {fact}."
    if shape == "search_then_remember":
        name = s.pick(PEOPLE)
        day = f"{s.pick(DAYS)} {rng.randint(1, 28)}"
        found = f"{name}'s birthday is on {day}"
        side = [t for t in M_SEARCH_REMEMBER if (zlib.crc32(t[0].encode()) % 5 == 4) == s.held_out]
        template, stored = rng.choice(side or M_SEARCH_REMEMBER)
        fact = stored.format(name=name, day=day)
        goal = template.format(name=name)
        return goal, [("search_memory", {"query": f"{name}'s birthday"}, found),
                      ("remember", {"fact": fact}, "saved")], f"Saved: {fact}."
    if shape == "compute_then_compute":
        q, expression = _arith(s)
        value = _evaluate(expression)
        c = rng.randint(2, 50)
        template = _multi_phrase(s, M_COMPUTE_COMPUTE)
        op = next(v for k, v in M_OPS_AFTER.items() if k in template)
        second = f"{value}{op}{c}"
        result = _evaluate(second) if op != "/" or c else value
        return template.format(q=q, c=c), [("calculator", {"expression": expression}, value),
                                           ("calculator", {"expression": second}, result)], f"It comes to {result}."
    # search_two_then_compute (held-out only)
    (ia, fa, pa), (ib, fb, pb) = _priced(s), _priced(s)
    goal = _multi_phrase(s, M_SEARCH_TWO).format(a=ia, b=ib)
    return goal, [("search_memory", {"query": f"{ia} cost"}, fa), ("search_memory", {"query": f"{ib} cost"}, fb),
                  ("calculator", {"expression": f"{pa}+{pb}"}, str(pa + pb))], f"Together they cost {pa + pb}."


def multi_sample(rng, held_out):
    """A multi-step conversation as (role, text) turns, and its calls in order [(name, arguments)]."""
    s = _Sides(rng, held_out)
    shapes = [k for k, only_held_out in MULTI_SHAPES.items() if held_out or not only_held_out]
    if REVISION >= 9 and not held_out:
        # Revision 8's single requests to remember outnumbered the one shape that remembers after a search, and run
        # 16 answered "Find Ana's birthday and remember that ..." with remember first (62% -> 0% of those tasks).
        shape = rng.choices(shapes, weights=[3 if k == "search_then_remember" else 1 for k in shapes])[0]
    else:
        shape = rng.choice(shapes)
    goal, steps, final = _multi(s, shape)
    needed = {tool.rstrip("!") for tool, _, _ in steps} | {"final_answer"}
    offered = [n for n in NAMES if n in needed or rng.random() < 0.4]
    rng.shuffle(offered)
    turns = [("tools", ", ".join(offered))]
    if not held_out and rng.random() < 1 / 3:
        sequence = [tool.rstrip("!") for tool, _, _ in steps] + ["final_answer"]
        if rng.random() < 0.1:
            other = rng.choice([k for k, v in MULTI_SHAPES.items() if not v and k != shape])
            sequence = [t.rstrip("!") for t, _, _ in _multi(_Sides(random.Random(rng.random()), False), other)[1]] + [
                "final_answer"]
        turns.append(("hint", ", ".join(sequence)))
    turns.append(("user", goal))
    calls = []
    for tool, arguments, result in steps:
        if tool.endswith("!"):
            # a wrong call the task starts from: history to recover from, never a target to learn or score
            turns.append(("wrong call", call_json(tool[:-1], arguments)))
        else:
            turns.append(("call", call_json(tool, arguments)))
            calls.append((tool, arguments))
        turns.append(("tool", result))
    turns.append(("call", call_json("final_answer", {"text": final})))
    calls.append(("final_answer", {"text": final}))
    return turns, calls, shape


def multi_split(seed, count, held_out):
    rng = random.Random(seed)
    return [multi_sample(rng, held_out) for _ in range(count)]


def _slot_followers():
    """The lower-case words that come right after a copied slot in some request, or frame one (an opening, an
    ending, a remark's first word): where copying is tempted to stop."""
    texts = []

    def collect(item):
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            for key in item:
                collect(key)
        else:
            for x in item:
                collect(x)

    collect([CALC, SEARCH, REMEMBER, READ, SEG_POINT, SEG_BOX, DRAW, DRAW_DEFAULT, SAY, NATURAL_ARITH, NATURAL_CALC,
             NATURAL_SEARCH, NATURAL_REMEMBER, NATURAL_DRAW, NATURAL_READ, NATURAL_SEGMENT, M_COMPUTE_REMEMBER,
             M_SEARCH_COMPUTE, M_REMEMBER_TWO, M_CALC_FIX, M_SEARCH_MISS, M_SEARCH_REMEMBER, M_COMPUTE_COMPUTE,
             M_SEARCH_TWO])
    words = set()
    for text in texts:
        words.update(w.lower() for w in re.findall(r"\{\w+\}[^A-Za-z{]*([A-Za-z]+)", text))
    for text in OPENINGS + ENDINGS:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    for text in REMARKS:
        words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text)[:1])
    return sorted(words)


SLOT_FOLLOWERS = _slot_followers()
