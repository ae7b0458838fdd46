"""Writes natural-requests-2.jsonl: a second set of requests as people type them, written on 2026-12-03 after the
forge's revision-5 templates and apart from them, for the models trained on that revision. The first set
(natural-requests.jsonl) was read before revision 5's request-as-people-type-them templates were written, so it
cannot be called blind for those models; this one was written without looking back at either, in other voices:
dictated speech, British spelling, capitals, chat shorthand, second-language grammar, numbers with thousands
separators, requests buried in context. Same format and judging as the first set."""
import make_natural

CALC = [
    ("um what is twelve hundred divided by eight, sorry I mean 1200 / 8", "150"),
    ("HOW MUCH IS 45 X 12", "540"),
    ("Please tell me result of 3.6 multiply 5", "18"),
    ("if i have 1,250 and spend 375 how much is left (1250 - 375)", "875"),
    ("tip calc: 12% of 85", "10.2"),
    ("whats 17 + 26 + 38 + 19", "100"),
    ("need a number fast: 2.75 times 4", "11"),
    ("What's 30 percent of 150 pounds?", "45"),
    ("my rent is 950 a month, how much is that for 12 months", "11400"),
    ("7^3 ?", "343"),
    ("Could you please calculate 0.2 + 0.7 for me, my head is not working today", "0.9"),
    ("1024 / 32 =", "32"),
    ("how much do I pay for 6 coffees at 3.40", "20.4"),
    ("compute eighty minus 27 (80 - 27)", "53"),
    ("2 to the 8", "256"),
    ("15 * 15 pls", "225"),
    ("Subtract 48 from 300", "252"),
    ("how much is 10% of 72.50", "7.25"),
    ("average of 10 and 20 and 30, i.e. (10 + 20 + 30) / 3", "20"),
    ("hey can you do 999 + 1", "1000"),
    ("solve (12 - 4) * (3 + 2)", "40"),
    ("What do 4 tickets at 27.5 each cost", "110"),
    ("how many seconds in 3 hours? 3 * 3600", "10800"),
    ("divide 7 by 2", "3.5"),
    ("calculate 1.5% of 2000 please", "30"),
]

SEARCH = [
    ("what did i tell u about the boat trip", ["boat trip"]),
    ("Do you have anything stored on my daughter's school play?", ["school play"]),
    ("SEARCH MEMORY FOR COUNCIL TAX", ["council tax"]),
    ("could you look in your memory for the name of the babysitter", ["babysitter"]),
    ("I forgot the code for the bike shed, did I tell you?", ["bike shed"]),
    ("memory?? holiday budget", ["holiday budget"]),
    ("Find what I saved about Grandma's medication.", ["medication"]),
    ("what was the restaurant Peter recommended, check your notes", ["restaurant"]),
    ("search notes: printer ink", ["printer ink"]),
    ("Have I ever mentioned the marathon to you?", ["marathon"]),
    ("please recall the thing about the broken dishwasher", ["dishwasher"]),
    ("lookup neighbour's cat name", ["cat"]),
    ("is there anything in memory about the tax advisor", ["tax advisor"]),
    ("what do u know about my car loan", ["car loan"]),
    ("check if I saved the address of the new office", ["new office"]),
    ("Remind me, what did I say the hotel in Porto was called?", ["porto"]),
    ("search 'spanish lessons'", ["spanish lessons"]),
    ("anything about the roof leak in memory", ["roof leak"]),
]

REMEMBER = [
    ("please remember my niece is called Ottilie", ["ottilie"]),
    ("Save: the boiler engineer comes on Tuesday morning", ["boiler", "tuesday"]),
    ("REMEMBER THE GATE CODE IS 4471", ["4471"]),
    ("note for later that I lent my drill to Samir", ["drill", "samir"]),
    ("can you keep in your memory that I don't eat mushrooms", ["mushrooms"]),
    ("remember pls: council tax is due on the 1st", ["council tax"]),
    ("For the record, my shoe size is 44", ["44"]),
    ("Store this fact, the recycling goes out on Wednesdays", ["recycling", "wednesday"]),
    ("remember that the swimming lesson moved to 5pm, the teacher called this morning", ["swimming", "5pm"]),
    ("memorise: train seat 14A", ["14a"]),
    ("add to my notes that Helga likes lilies", ["helga", "lilies"]),
    ("you should remember that my flat number is 7B", ["7b"]),
    ("save that the hire car is a grey Skoda", ["skoda"]),
    ("remember the password hint is 'first pet'", ["first pet"]),
    ("note: passport renewal costs 95", ["passport", "95"]),
    ("Please keep in mind that Dmitri is vegetarian", ["dmitri", "vegetarian"]),
    ("rememebr the storage unit is number 212", ["212"]),
    ("log that I ran 8 km today", ["8 km"]),
]

READ = [
    ("what does it say on the poster in poster_22", "poster_22"),
    ("READ IMAGE sign88", "sign88"),
    ("can you tell me the words in the photo menu2024?", "menu2024"),
    ("text from scan-a7 please", "scan-a7"),
    ("i cant read the handwriting in note_9, can you", "note_9"),
    ("run ocr on ticket55", "ticket55"),
    ("What is printed on the box in img_box1?", "img_box1"),
    ("read out the label of jar-04", "jar-04"),
    ("whats the text on the street sign in pic31", "pic31"),
    ("Extract words from receipt_june", "receipt_june"),
]

SEGMENT = [
    ("cut out the bird at 410, 95 in sky3", "sky3", [410, 95]),
    ("SEGMENT X 77 Y 300 IMAGE room1", "room1", [77, 300]),
    ("can you mask the chair at point 200,450 in office_7", "office_7", [200, 450]),
    ("select object at 5 5 in corner", "corner", [5, 5]),
    ("In photo garden2 please segment the flower at x=640, y=480", "garden2", [640, 480]),
    ("I want the car at (900, 300) cut from street_view", "street_view", [900, 300]),
    ("segment the lamp, coordinates 123 456, image lamp-pic", "lamp-pic", [123, 456]),
    ("isolate whatever is at 32,64 on img9", "img9", [32, 64]),
    ("mask the face at 300 120 in portrait4", "portrait4", [300, 120]),
    ("segmentation please: snap12 at point 50,60", "snap12", [50, 60]),
]

IMAGE = [
    ("draw me a castle made of ice", ["castle"]),
    ("Generate a picture of a bowl of ramen, 10 steps", ["ramen"]),
    ("MAKE AN IMAGE OF A SAILING BOAT", ["sailing boat"]),
    ("i'd like a drawing of a sleepy bear in a hammock", ["bear"]),
    ("image pls: a neon sign in the rain", ["neon sign"]),
    ("create a poster picture of a giraffe on a skateboard", ["giraffe"]),
    ("could you paint a village in autumn for my presentation", ["village"]),
    ("draw an owl reading a map, 12 steps", ["owl"]),
    ("generate a photo-like image of a red telephone box", ["telephone box"]),
    ("picture: a snail racing a tortoise", ["snail"]),
]

if __name__ == "__main__":
    make_natural.write("natural-requests-2.jsonl", CALC, SEARCH, REMEMBER, READ, SEGMENT, IMAGE)
