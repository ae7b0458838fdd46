"""Writes natural-requests-3.jsonl: a third set of requests as people type them, written on 2026-12-03 after the
forge's revision-7 templates and apart from them, before any model was run on it. The second set's misses (the first
twelve a benchmark run prints) had been read before revision 7 was written, so that set is not blind for revision-7
models either; this one is. Other voices again: a voice assistant's transcript, office English, texting, requests
inside a story, questions about quantities rather than sums, numbers with units. Same format and judging as the
first set."""
import make_natural

CALC = [
    ("ok tessera how much is nineteen times three, that's 19 * 3", "57"),
    ("Kindly provide the total of 1,480 and 2,675.", "4155"),
    ("u know what 64 / 16 is?", "4"),
    ("we are 5 and the bill is 212.50, what does each of us pay", "42.5"),
    ("I walked 3.2 km on Monday and 4.6 km on Tuesday, total?", "7.8"),
    ("what's left of 500 if I take off 137", "363"),
    ("3 cubed?", "27"),
    ("Quick check: 250 * 0.2", "50"),
    ("how much is 25 percent off 80, I mean the discount itself: 25% of 80", "20"),
    ("My salary is 3,100 and rent is 1,050. What remains after rent?", "2050"),
    ("calc pls 81/9", "9"),
    ("14 boxes with 24 eggs in each, how many eggs", "336"),
    ("What is 2.5 times 2.5?", "6.25"),
    ("Work this out for me: (45 + 55) / 4", "25"),
    ("add 0.75 and 1.5", "2.25"),
    ("what do 9 lessons cost at 35 each", "315"),
    ("66 - 99 = ?", "-33"),
    ("how much is seven percent of 300", "21"),
    ("Double 486 for me (486 * 2)", "972"),
    ("what's 10 to the power of 4", "10000"),
]

SEARCH = [
    ("tessera what do you have on the garage door", ["garage door"]),
    ("Could you please retrieve my notes regarding the quarterly review?", ["quarterly review"]),
    ("did i ever tell u about the ski trip", ["ski trip"]),
    ("look through memory for dentist appointment", ["dentist"]),
    ("My sister asked about the wedding venue. What did I save about it?", ["wedding venue"]),
    ("search: insurance claim", ["insurance claim"]),
    ("what was the wifi password at the cottage? check memory", ["wifi password"]),
    ("find notes on the kitchen renovation", ["kitchen renovation"]),
    ("anything saved re: parking permit", ["parking permit"]),
    ("Have I noted down anything about the violin teacher?", ["violin teacher"]),
    ("memory search gym membership", ["gym membership"]),
    ("what did I say about the birthday cake order", ["birthday cake"]),
    ("recall my notes on the electricity bill", ["electricity bill"]),
    ("I need what I stored about the car service, please", ["car service"]),
]

REMEMBER = [
    ("ok tessera remember that the plumber's name is Arvid", ["arvid"]),
    ("Please record that the quarterly review is on 14 March", ["quarterly review", "14 march"]),
    ("keep this in mind: my locker is 318", ["318"]),
    ("note down that Priya prefers tea", ["priya", "tea"]),
    ("remember the cottage wifi password is sunflower22", ["sunflower22"]),
    ("Store that the kids' school starts at 8:45", ["8:45"]),
    ("save a note: return the library books by Friday", ["library books", "friday"]),
    ("remember my bike lock code is 0912", ["0912"]),
    ("For future reference, Tomasz is allergic to nuts.", ["tomasz", "nuts"]),
    ("pls remember I parked on level 3", ["level 3"]),
    ("jot this down - the gym closes at 10pm on Sundays", ["gym", "10pm"]),
    ("Remember for me that the vet is Dr Okafor", ["okafor"]),
    ("save that my frequent flyer number is 77310455", ["77310455"]),
    ("note that the garage door remote is in the blue drawer", ["garage door", "blue drawer"]),
]

READ = [
    ("ok tessera read the text in photo_118", "photo_118"),
    ("Could you transcribe the document in scan-2207?", "scan-2207"),
    ("what's on the sticky note, image sticky3", "sticky3"),
    ("read whats on the bus stop sign, pic busstop_a", "busstop_a"),
    ("ocr pls: invoice-881", "invoice-881"),
    ("Please extract the printed text from image lbl_77.", "lbl_77"),
    ("what does the chalkboard say in cafe9", "cafe9"),
    ("read screenshot ss-0415", "ss-0415"),
]

SEGMENT = [
    ("ok tessera segment the bicycle at 520, 310 in photo_118", "photo_118", [520, 310]),
    ("Please produce a mask for the object at coordinates (240, 180) in image desk_2.", "desk_2", [240, 180]),
    ("cut the dog out of park7, it's at x 95 y 410", "park7", [95, 410]),
    ("mask pls img_33 at 12,700", "img_33", [12, 700]),
    ("select the vase at point (333, 222) in shelf-4", "shelf-4", [333, 222]),
    ("outline the boat at 800 90 in harbour1", "harbour1", [800, 90]),
    ("in kitchen_b, segment the kettle at 150,260", "kitchen_b", [150, 260]),
    ("i need the person at 460/380 masked in crowd5", "crowd5", [460, 380]),
]

IMAGE = [
    ("ok tessera draw a lighthouse on a cliff at sunset", ["lighthouse"]),
    ("Please generate an illustration of a fox wearing a scarf.", ["fox"]),
    ("pic of a tiny robot watering plants pls", ["robot"]),
    ("make an image: a tram in the snow, 6 steps", ["tram"]),
    ("Could you create a picture of a mountain lake for my slides?", ["mountain lake"]),
    ("draw 2 cats playing chess", ["cats"]),
    ("generate a watercolour of a harbour at dawn", ["harbour"]),
    ("i want an image of a bakery window full of bread", ["bakery"]),
]

if __name__ == "__main__":
    make_natural.write("natural-requests-3.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
