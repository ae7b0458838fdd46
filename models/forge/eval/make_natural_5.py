"""Writes natural-requests-5.jsonl: a fifth set of requests as people type them, written on 2026-12-03 after the
forge's revision-9 templates and before any model was run on it. Revision 9 was written after reading the fourth
set's misses, so the fourth set is not blind for revision-9 models; this one is. Other voices again: someone
dictating to a phone (no punctuation, "could you please"), a student's homework, a shop's bookkeeping, a traveller,
a developer's terse commands, a weekend of DIY and gardening. Same format and judging as the first set."""
import make_natural

CALC = [
    ("could you please work out what one hundred and twenty plus eighty five is", "205"),
    ("homework question 3: a train travels 240 km in 3 hours, what is its average speed", "80"),
    ("sold 17 candles at 12.50 each today, what's the takings", "212.5"),
    ("VAT at 20% on 1,480", "296"),
    ("changing 300 euros at 1.08 dollars per euro, how many dollars", "324"),
    ("/calc (17 + 23) * 4", "160"),
    ("if the deck is 4.5 m by 3.2 m how many square metres is it", "14.4"),
    ("we have 3 shelves and each holds 28 jars, how many jars fit", "84"),
    ("nine times seven", "63"),
    ("the flight is 11 hours and we've been flying for 4 and a half, how long left", "6.5"),
    ("stock was 2,300 units, we shipped 875, what's left", "1425"),
    ("average of 68, 74 and 83 for my test scores", "75"),
    ("what is 2 to the power of 10", "1024"),
    ("the invoice is 4,250 and they paid 1,700 so far, outstanding?", "2550"),
    ("a bag of compost covers 2.5 square metres, the bed is 15, how many bags", "6"),
    ("12 hours a week at 14.20 an hour, weekly pay", "170.4"),
    ("please tell me thirty percent of ninety", "27"),
    ("eval 365 * 24", "8760"),
    ("hotel is 89 a night for 6 nights", "534"),
    ("how much is a 15 percent tip on 64", "9.6"),
]

SEARCH = [
    ("could you please find what I said about the heating engineer", ["heating engineer"]),
    ("what did I note about the chemistry practical", ["chemistry practical"]),
    ("pull up the supplier terms for the candle wax", ["candle wax"]),
    ("do you have my travel insurance policy number", ["travel insurance"]),
    ("mem? staging database password", ["staging database"]),
    ("where did I say the spare fence panels were", ["fence panels"]),
    ("is there anything in your memory about my essay deadline", ["essay deadline"]),
    ("look up the wholesale price list", ["wholesale price"]),
    ("find my notes on the Lisbon hostel", ["lisbon", "hostel"]),
    ("grep memory for deploy checklist", ["deploy checklist"]),
    ("what was the name of the tile shop I liked", ["tile shop"]),
    ("check what I stored about my grandson's school", ["school"]),
    ("any notes on the biology field trip", ["biology field trip"]),
    ("search for the customs form reference", ["customs form"]),
]

REMEMBER = [
    ("could you please remember that my eye drops are taken at nine in the evening", ["eye drops"]),
    ("remember my locker at the library is number 214", ["214"]),
    ("note: the candle supplier gives 10% off orders over 500", ["candle supplier"]),
    ("save that the hostel check in closes at 23:00", ["23:00"]),
    ("remember the staging server is on port 8443", ["8443"]),
    ("please keep in mind that the tomatoes were planted on the 12th of May", ["tomatoes"]),
    ("write this down, my physics exam is on the 3rd of June", ["physics exam"]),
    ("store: Aisha prefers invoices by email", ["aisha", "email"]),
    ("remember the ferry back leaves from pier 4", ["pier 4"]),
    ("jot down that the router admin user is netadmin", ["netadmin"]),
    ("my grandson Tomasz turns eight in August, remember that for me dear", ["tomasz", "august"]),
    ("remember the grout colour we chose is called pebble grey", ["pebble grey"]),
    ("note to self: customer 4471 wants the lavender set", ["4471", "lavender"]),
    ("please remember the bus to the airport is the number 7", ["number 7"]),
]

READ = [
    ("could you please read me what it says on receipt_0412", "receipt_0412"),
    ("what does the question on worksheet-2 say", "worksheet-2"),
    ("read the price tag in tag77", "tag77"),
    ("ocr boarding_pass", "boarding_pass"),
    ("/read err-screen-5", "err-screen-5"),
    ("what's on the seed packet in packet3", "packet3"),
    ("translate nothing, just read the menu in menu_lis", "menu_lis"),
    ("read out the label on the paint tin, it's paint01", "paint01"),
]

SEGMENT = [
    ("could you please cut out the flower at 320 200 in garden_may", "garden_may", [320, 200]),
    ("segment the beaker at (150, 420) in lab-photo", "lab-photo", [150, 420]),
    ("mask the candle at x 88 y 301 in shelf_shot", "shelf_shot", [88, 301]),
    ("in suitcase2, select the passport at 700, 515", "suitcase2", [700, 515]),
    ("/segment ui-mock 1000 20", "ui-mock", [1000, 20]),
    ("isolate the shed at point (460, 330) of yard", "yard", [460, 330]),
    ("outline the dog near 12,640 in park_b", "park_b", [12, 640]),
    ("cut the tile at 256,256 out of floor1", "floor1", [256, 256]),
]

IMAGE = [
    ("could you please make a picture of a robin on a snowy branch", ["robin"]),
    ("draw a diagram-style picture of a volcano erupting", ["volcano"]),
    ("generate a product shot of a lavender candle", ["lavender candle"]),
    ("paint a night market in Taipei", ["night market"]),
    ("image of a cat typing on a keyboard", ["cat typing"]),
    ("make an image of raised vegetable beds in spring", ["vegetable beds"]),
    ("I'd like a watercolour of a lighthouse in a storm", ["lighthouse"]),
    ("generate a cartoon otter eating noodles, 6 steps", ["otter"]),
]

if __name__ == "__main__":
    make_natural.write("natural-requests-5.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
