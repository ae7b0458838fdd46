"""Writes natural-requests-6.jsonl: a sixth set of requests as people type them, written on 2026-12-03 after the
forge's revision-10 templates and before any model was run on it. Revision 10 was written after reading the fifth
set's misses, so the fifth set is not blind for revision-10 models; this one is. Other voices again: a nurse on a
ward, a parent planning a child's party, a landlord with a few flats, a runner in training, a cafe owner ordering
stock, a retired birdwatcher who knits. Same format and judging as the first set."""
import make_natural

CALC = [
    ("patient weighs 72 kg, dose is 5 mg per kg, how many mg", "360"),
    ("two tablets three times a day for 14 days - how many tablets is that", "84"),
    ("balloons are 0.45 each and I want 60 of them", "27"),
    ("party bags for 18 kids at 3.75 a bag", "67.5"),
    ("rent on the Kings Road flat is 1,150 a month, what's that over a year", "13800"),
    ("the tenant has paid 2,600 of the 3,450 deposit, how much is still due", "850"),
    ("ran 21 km in 1.75 hours, what speed is that in km/h", "12"),
    ("my weekly mileage was 38, 45, 52 and 41, average per week?", "44"),
    ("we sell about 140 coffees a day at 2.80, what are the daily takings", "392"),
    ("ordering 12 crates of milk with 6 bottles in a crate, bottles in total?", "72"),
    ("a sack of flour is 16 kg and one loaf takes 0.5 kg, how many loaves", "32"),
    ("eight times twelve", "96"),
    ("spotted 37 species last year and 52 this year, how many more this year", "15"),
    ("the scarf pattern is 240 rows and I've knitted 95, rows to go", "145"),
    ("what's 12.5% of 3,200", "400"),
    ("1,250 + 3,875 + 990", "6115"),
    ("calc 7^3", "343"),
    ("service charge of 12.5 percent on a bill of 88", "11"),
    ("the boiler repair cost 640, split across 4 flats, how much per flat", "160"),
    ("shifts are 7.5 hours and I've got 4 this week, total hours", "30"),
]

SEARCH = [
    ("what did I write about bed 6 and the penicillin allergy", ["penicillin"]),
    ("find the handover notes for the night shift", ["handover"]),
    ("did I save the bouncy castle company's number", ["bouncy castle"]),
    ("what was the cake order for Mia's party", ["cake"]),
    ("look up the gas safety certificate date for flat 2", ["gas safety"]),
    ("have I got a note on the plumber who fixed the leak", ["plumber"]),
    ("my half marathon split times, search memory", ["half marathon"]),
    ("anything saved on the physio exercises", ["physio"]),
    ("pull up the oat milk supplier details", ["oat milk"]),
    ("what did I note about the espresso machine service", ["espresso machine"]),
    ("remind me where I saw the kingfisher", ["kingfisher"]),
    ("search notes: sock yarn shop", ["sock yarn"]),
    ("what's in memory about the allotment waiting list", ["allotment"]),
    ("find what I stored on the ward fire exits", ["fire exit"]),
]

REMEMBER = [
    ("remember bed 4's next obs are due at 14:30", ["14:30"]),
    ("note that the drug cupboard key is with Sister Okafor", ["okafor"]),
    ("keep a note: 22 children said yes to the party", ["22"]),
    ("remember that Leo can't eat peanuts", ["leo", "peanut"]),
    ("save this, the tenant in flat 3 is called Mr Haddad", ["haddad"]),
    ("note the smoke alarms in flat 1 were tested on 2 March", ["smoke alarm"]),
    ("please remember my long run is on sundays", ["long run"]),
    ("log that my 10k best is 48 minutes 12", ["48"]),
    ("note to self, the dairy delivery comes tuesdays and fridays", ["dairy"]),
    ("remember the new barista starts on the 9th", ["barista"]),
    ("remember I saw a pair of goldfinches at the feeder this morning", ["goldfinch"]),
    ("jot down that the cardigan needs 7 balls of wool", ["cardigan"]),
    ("store that the party venue is the scout hut on Elm Lane", ["scout hut"]),
    ("remember the wifi code for the cafe is latte2024", ["latte2024"]),
]

READ = [
    ("read the drug chart in chart_b6", "chart_b6"),
    ("what does the invitation in invite-draft say", "invite-draft"),
    ("read the meter reading off meter_flat2", "meter_flat2"),
    ("ocr race_bib", "race_bib"),
    ("what's written on the chalkboard in board01", "board01"),
    ("read the delivery note dn_5531 for me", "dn_5531"),
    ("tell me what the ring on the bird's leg says in ring-photo", "ring-photo"),
    ("read the label in yarn_band", "yarn_band"),
]

SEGMENT = [
    ("segment the drip stand at 410, 290 in ward_pic", "ward_pic", [410, 290]),
    ("cut out the birthday cake at (512, 380) in party1", "party1", [512, 380]),
    ("mask the damp patch at x 90 y 45 in ceiling_flat1", "ceiling_flat1", [90, 45]),
    ("select the runner at 640 360 in finish-line", "finish-line", [640, 360]),
    ("in counter_shot, outline the cake stand at 222, 500", "counter_shot", [222, 500]),
    ("isolate the heron at point (800, 150) of marsh", "marsh", [800, 150]),
    ("segment the yarn ball near 35,710 in basket2", "basket2", [35, 710]),
    ("cut out whatever is at 5, 5 in thumb", "thumb", [5, 5]),
]

IMAGE = [
    ("draw a friendly cartoon nurse waving", ["nurse"]),
    ("make an invitation picture with a dinosaur and balloons", ["dinosaur"]),
    ("generate a photo-style image of a bright modern studio flat", ["studio flat"]),
    ("picture of runners crossing a finish line at sunrise", ["finish line"]),
    ("create an image of a latte with heart foam art", ["latte"]),
    ("paint a goldfinch on a thistle", ["goldfinch"]),
    ("a cosy knitted blanket on a sofa, 5 steps", ["knitted blanket"]),
    ("I need a poster image of a bake sale", ["bake sale"]),
]

if __name__ == "__main__":
    make_natural.write("natural-requests-6.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
