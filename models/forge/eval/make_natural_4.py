"""Writes natural-requests-4.jsonl: a fourth set of requests as people type them, written on 2026-12-03 after the
forge's revision-8 templates and before any model was run on it. Revision 8 was written after reading the third
set's misses, so the third set is not blind for revision-8 models; this one is. Other voices again: a support ticket
("Hi team"), English as a second language ("please to ..."), a parent's errands, hobbies (running, baking, an
allotment), sums whose numbers need a little reading (a mortgage "a month" asked "a year", a recipe scaled).
Same format and judging as the first set."""
import make_natural

CALC = [
    ("Hi team, could someone tell me what 18% of 2,400 comes to?", "432"),
    ("grocery run: 3 melons at 2.40 each, what's that", "7.2"),
    ("if a marathon is 42.2 km and I've done 17.5, how far to go", "24.7"),
    ("need 1,250 divided by 25 for a spreadsheet", "50"),
    ("How many legs do 13 spiders have? they have 8 each", "104"),
    ("please to calculate 76 plus 49", "125"),
    ("what's eleven squared", "121"),
    ("the recipe wants 350 g of flour for 4 people and I'm cooking for 6, so 350 / 4 * 6", "525"),
    ("5 weeks of 38 hours, total hours?", "190"),
    ("\u00a319.99 + \u00a35.50 delivery, total?", "25.49"),
    ("sixty minus seventeen", "43"),
    ("mortgage is 920 a month, how much is that a year", "11040"),
    ("7.5% of 640 pls", "48"),
    ("tessera: 1000 - 1 - 1 - 1", "997"),
    ("Can you divide 84 by 7 and tell me", "12"),
    ("we drove 315 miles on 9 gallons, miles per gallon?", "35"),
    ("how much is 4 x 12.5", "50"),
    ("What's the sum of 13, 27 and 60?", "100"),
    ("two hundred and fifty times four", "1000"),
    ("my phone bill was 45 and then 38, what did I pay altogether", "83"),
]

SEARCH = [
    ("Hi, do you still have the details of the boiler warranty?", ["boiler warranty"]),
    ("what were my notes from the parent teacher meeting", ["parent teacher meeting"]),
    ("please to find information about my visa interview", ["visa interview"]),
    ("look for the allotment rules", ["allotment rules"]),
    ("memory: marathon training plan", ["marathon training plan"]),
    ("remind me what I wrote about Grandma's recipe", ["grandma's recipe"]),
    ("Any record of the bike repair shop?", ["bike repair"]),
    ("what did I save about the broken dishwasher", ["dishwasher"]),
    ("have a look in your notes for the hotel in Krakow", ["hotel", "krakow"]),
    ("i think i saved the plumber's quote somewhere, can u find it", ["plumber", "quote"]),
    ("What do I know about the neighbours' hedge?", ["hedge"]),
    ("search my memory: running shoes size", ["running shoes"]),
    ("pull up anything on the school fundraiser", ["school fundraiser"]),
    ("Did I write down the name of the babysitter?", ["babysitter"]),
]

REMEMBER = [
    ("Hi, please remember that my new desk is 4.12 on the fourth floor", ["4.12"]),
    ("please to remember my son's football is on Saturdays", ["football", "saturday"]),
    ("remember: the allotment key is behind the water butt", ["allotment key", "water butt"]),
    ("I want you to keep track of this - Lena's flight lands at 14:20", ["lena", "14:20"]),
    ("note it: car tax due in September", ["car tax", "september"]),
    ("for next time, the good pizza place is Luigi's on Bank Street", ["luigi"]),
    ("Save this. Mum's new number is 0161 555 0134", ["0161 555 0134"]),
    ("Remember that I switched to the evening shift", ["evening shift"]),
    ("make sure you remember the alarm code is 2580", ["2580"]),
    ("add a memory: Jonas hates coriander", ["jonas", "coriander"]),
    ("store the following: boiler pressure should be 1.5 bar", ["1.5 bar"]),
    ("keep note, the bins go out Thursday night", ["bins", "thursday"]),
    ("remember I gave Kasia 40 for the concert tickets", ["kasia", "40"]),
    ("PLEASE REMEMBER MY PARKING SPACE IS B17", ["b17"]),
]

READ = [
    ("Hi, can you tell me what the label says in bottle_04?", "bottle_04"),
    ("please to read the text of photo ref-5531", "ref-5531"),
    ("what's written on the cake in cake2", "cake2"),
    ("transcribe handwriting from note_mon", "note_mon"),
    ("read me the timetable in tt-88", "tt-88"),
    ("OCR this: scan00123", "scan00123"),
    ("what does the warning sticker in img-w2 say?", "img-w2"),
    ("text on the t-shirt in shirtpic pls", "shirtpic"),
]

SEGMENT = [
    ("Hi, please mask the cat at (410, 255) in sofa_pic", "sofa_pic", [410, 255]),
    ("segment the car at 77, 390 in street-3", "street-3", [77, 390]),
    ("can u cut out the mug at 605 140 from desk9", "desk9", [605, 140]),
    ("please to segment object in garden2 at point 300,500", "garden2", [300, 500]),
    ("mask the person standing at x=220 y=610 in party_12", "party_12", [220, 610]),
    ("outline whatever is at (5, 5) in tiny1", "tiny1", [5, 5]),
    ("select the bird at 980,45 of sky-b", "sky-b", [980, 45]),
    ("photo beach7: isolate the umbrella at 512 384", "beach7", [512, 384]),
]

IMAGE = [
    ("Hi team, I need an image of a hot air balloon over fields", ["hot air balloon"]),
    ("please to draw a horse in the rain", ["horse"]),
    ("generate me a logo-style picture of a coffee cup", ["coffee cup"]),
    ("can you paint an old castle covered in ivy", ["castle"]),
    ("pic: astronaut riding a bicycle", ["astronaut"]),
    ("create an illustration of a sleepy panda, 4 steps", ["panda"]),
    ("I'd like a drawing of a treehouse in autumn", ["treehouse"]),
    ("render a small yellow submarine", ["submarine"]),
]

if __name__ == "__main__":
    make_natural.write("natural-requests-4.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
