"""Writes natural-requests.jsonl: tool requests phrased the way people type them, written by hand apart from the
forge's corpus templates (typos, percentages, decimals, terse commands, long sentences with a side remark). Each line
gives the tool a model should call and how its key argument is judged: a calculator expression by its exact value,
a text argument by phrases it must contain (case-insensitive), an id or a point by equality."""
import json

CALC = [
    ("What's 15% of 240?", "36"),
    ("calc 12.5 * 3.2", "40"),
    ("whats 7 times 8", "56"),
    ("how much is 1250 divided by 25", "50"),
    ("Quick one: 19.99 plus 5.01?", "25"),
    ("add 345 and 655 for me pls", "1000"),
    ("what is 2 to the power of 10", "1024"),
    ("I need 18% tip on a 64 dollar bill, how much is the tip?", "11.52"),
    ("compute (3 + 4) * 12", "84"),
    ("9*9", "81"),
    ("what's 100 minus 37", "63"),
    ("Can you work out 144 / 12 for me? My phone is dead, long story.", "12"),
    ("multiply 23 by 17", "391"),
    ("whats 0.5 * 0.5", "0.25"),
    ("how much is 3.75 + 2.5 + 1.25", "7.5"),
    ("20 percent of 85?", "17"),
    ("calculate 1000 - 250 - 125", "625"),
    ("what do I get if I divide 81 by 9", "9"),
    ("sqaure of 13 please (13 times 13)", "169"),
    ("i bought 3 shirts at 12.40 each, total?", "37.2"),
    ("whats 250 times 4", "1000"),
    ("evaluate 2*(5+5)", "20"),
    ("How much is 7.5% of 200", "15"),
    ("one more: 56 + 44", "100"),
    ("calc 99 / 3", "33"),
    ("what's 12 squared", "144"),
    ("if I split 90 euros between 4 people how much each", "22.5"),
    ("3 to the 4th power?", "81"),
    ("minus 5 plus 12?", "7"),
    ("what is 1.1 times 1.1", "1.21"),
    ("Work out 48 divided by 0.5, I always get these wrong", "96"),
    ("sum of 13, 27 and 60", "100"),
    ("how much is 5% of 3000", "150"),
    ("caluclate 640 / 16", "40"),
    ("what is 1000 * 1.05", "1050"),
    ("quick maths: 45 - 9 * 2", "27"),
    ("whats 8 + 8 + 8 + 8", "32"),
    ("how many minutes in 7.5 hours (7.5 * 60)", "450"),
    ("25% off 80, how much do I save?", "20"),
    ("calculate 2.5 squared", "6.25"),
]

SEARCH = [
    ("serch memory: car insurance renewal", ["car insurance"]),
    ("What did I save about the dentist?", ["dentist"]),
    ("do you remember my wifi password", ["wifi"]),
    ("look up my notes on the Berlin trip", ["berlin"]),
    ("find what I told you about mom's birthday", ["birthday"]),
    ("any notes about the landlord?", ["landlord"]),
    ("search my memory for the gym schedule", ["gym"]),
    ("what was the name of that plumber I mentioned", ["plumber"]),
    ("check memory for passport number", ["passport"]),
    ("I think I told you where I parked the car, can you check? It was last week, at the airport maybe.", ["parked"]),
    ("recall my notes on the quarterly report", ["quarterly report"]),
    ("what do you know about my bike lock code", ["bike lock"]),
    ("search: vet appointment", ["vet"]),
    ("did I tell you anything about the flight to Lisbon", ["lisbon"]),
    ("look up the recipe I saved for banana bread", ["banana bread"]),
    ("find my note about the electricity bill", ["electricity"]),
    ("whats in memory about Sarah's phone number", ["sarah"]),
    ("any saved info on the project deadline?", ["deadline"]),
    ("pull up what I said about the garden hose", ["garden hose"]),
    ("search memories for 'conference hotel'", ["conference hotel"]),
    ("what did I note down about the car service", ["car service"]),
    ("memory lookup: library card", ["library card"]),
    ("have I told you my shoe size?", ["shoe size"]),
    ("find the note about insurance claim numbr", ["insurance claim"]),
    ("what's saved about the kids' school pickup times", ["pickup"]),
]

REMEMBER = [
    ("remember that my car insurance renews in March", ["car insurance", "march"]),
    ("Please note: the dentist is on Friday at 3pm", ["dentist", "friday"]),
    ("save this: wifi password is blue-otter-42", ["blue-otter-42"]),
    ("rember my locker number is 118", ["118"]),
    ("keep in mind that Anna is allergic to peanuts", ["anna", "peanuts"]),
    ("note to self, the spare key is under the blue pot", ["spare key", "blue pot"]),
    ("store the fact that our anniversary is June 12", ["anniversary", "june 12"]),
    ("Remember: parking spot B14", ["b14"]),
    ("can you remember that the meeting moved to Thursday? thanks, my calendar is a mess", ["thursday"]),
    ("don't forget that Tom owes me 20 euros", ["tom", "20"]),
    ("memorize: flight LH1234 leaves at 7:40", ["lh1234"]),
    ("save that the plumber is called Marek", ["marek"]),
    ("remember my gym membership ends in October", ["gym", "october"]),
    ("write down that the router admin pin is 5521", ["5521"]),
    ("make a note: buy batteries for the smoke alarm", ["batteries"]),
    ("remember I prefer aisle seats", ["aisle"]),
    ("please remember the vet's number is 555 0199", ["555 0199"]),
    ("log this for later: oil change at 82000 km", ["oil change"]),
    ("keep this: Lisa's birthday is on the 3rd of May", ["lisa", "may"]),
    ("remember that the library books are due on the 14th", ["library books"]),
    ("noted? the bike lock code is 0471", ["0471"]),
    ("save a fact: my blood type is O negative", ["o negative"]),
    ("remember our wifi changed to tessera-home", ["tessera-home"]),
    ("store: passport expires 2031", ["passport", "2031"]),
    ("pls remember I parked on level 3, row F", ["level 3"]),
]

READ = [
    ("read the text in image abc123", "abc123"),
    ("what does the sign in img-7731 say?", "img-7731"),
    ("ocr photo receipt42", "receipt42"),
    ("Can you read what's written on scan_0091? It's my landlord's handwriting, good luck.", "scan_0091"),
    ("extract the text from picture pq88", "pq88"),
    ("read img 5521x", "5521x"),
    ("whats written in image menu-3", "menu-3"),
    ("transcribe the words in photo zz19", "zz19"),
    ("read this screenshot: shot77", "shot77"),
    ("pull the text out of doc-scan-12", "doc-scan-12"),
    ("what text is on the label in image lbl4", "lbl4"),
    ("reed the text in image k9k9", "k9k9"),
    ("tell me what the whiteboard in wb2024 says", "wb2024"),
    ("get the text from image id 00fa31", "00fa31"),
    ("OCR on bill_march please", "bill_march"),
]

SEGMENT = [
    ("segment the object at x=120 y=45 in image xyz9", "xyz9", [120, 45]),
    ("cut out the dog at 300,210 in photo dog7", "dog7", [300, 210]),
    ("mask the thing at (64, 64) in img a1b2", "a1b2", [64, 64]),
    ("in image street5, select the car at point 412 190", "street5", [412, 190]),
    ("segment whatever is at x 10 y 20 in pic p0", "p0", [10, 20]),
    ("Could you segment the cup at 250, 333 in kitchen-3? I want to remove it later.", "kitchen-3", [250, 333]),
    ("outline the person at 88,150 in group12", "group12", [88, 150]),
    ("segmnt object at 500 400 in img77", "img77", [500, 400]),
    ("isolate the tree at point (720, 96) of park_1", "park_1", [720, 96]),
    ("get me a mask of the object at x=33, y=44 in photo q", "q", [33, 44]),
    ("select the bottle at 199 301 in shelf2", "shelf2", [199, 301]),
    ("segment point 640,360 in frame0042", "frame0042", [640, 360]),
    ("in picture beach9 segment the umbrella at 150/75", "beach9", [150, 75]),
    ("mask at 1,1 in tiny", "tiny", [1, 1]),
    ("please segment the cat, it's at x=256 y=128 in cat-pic", "cat-pic", [256, 128]),
]

IMAGE = [
    ("draw a lighthouse at sunset", ["lighthouse"]),
    ("generate an image of a red fox in the snow", ["red fox"]),
    ("make me a picture of a cozy cabin, 20 steps", ["cabin"]),
    ("I'd love an illustration of a robot reading a book, for my kid's birthday card", ["robot"]),
    ("create an image: mountains over a lake", ["mountains"]),
    ("picture of a cup of coffee on a rainy window sill", ["coffee"]),
    ("genrate a dragon made of clouds", ["dragon"]),
    ("paint a field of sunflowers, 8 steps", ["sunflowers"]),
    ("an image of a tiny house on a hill please", ["tiny house"]),
    ("render a futuristic city at night", ["city"]),
    ("can u draw a penguin wearing a scarf", ["penguin"]),
    ("I need a logo idea: a green leaf in a circle", ["leaf"]),
    ("generate: old bicycle leaning on a wall", ["bicycle"]),
    ("make an image of two cats playing chess, 30 steps", ["cats", "chess"]),
    ("show me a watercolor of a harbor with boats", ["harbor"]),
]

def write(path, calc, search, remember, read, segment, draw):
    """Writes one set: a line per request with its tool and how its key argument is judged."""
    with open(path, "w") as out:
        for request, value in calc:
            out.write(json.dumps({"request": request, "tool": "calculator", "arg": "expression", "value": value}) + "\n")
        for request, phrases in search:
            out.write(json.dumps({"request": request, "tool": "search_memory", "arg": "query", "contains": phrases})
                      + "\n")
        for request, phrases in remember:
            out.write(json.dumps({"request": request, "tool": "remember", "arg": "fact", "contains": phrases}) + "\n")
        for request, image in read:
            out.write(json.dumps({"request": request, "tool": "read_text", "arg": "image_id", "equals": image}) + "\n")
        for request, image, point in segment:
            out.write(json.dumps({"request": request, "tool": "segment", "arg": "point", "equals": point,
                                  "image_id": image}) + "\n")
        for request, phrases in draw:
            out.write(json.dumps({"request": request, "tool": "generate_image", "arg": "prompt", "contains": phrases})
                      + "\n")


if __name__ == "__main__":
    write("natural-requests.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
