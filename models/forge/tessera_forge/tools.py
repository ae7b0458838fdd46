"""The agent's tools: the JSON Schemas the models are trained against and the serving tests offer."""

import json

TOOLS = [
    {
        "name": "search_memory",
        "description": "Searches long-term memory for facts related to a query.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string", "maxLength": 200}},
            "required": ["query"],
        },
    },
    {
        "name": "remember",
        "description": "Stores a fact in long-term memory.",
        "parameters": {
            "type": "object",
            "properties": {"fact": {"type": "string", "maxLength": 300}},
            "required": ["fact"],
        },
    },
    {
        "name": "read_text",
        "description": "Reads the text in an image (OCR).",
        "parameters": {
            "type": "object",
            "properties": {"image_id": {"type": "string", "maxLength": 64}},
            "required": ["image_id"],
        },
    },
    {
        "name": "segment",
        "description": "Segments the object at a point, or inside a box, of an image.",
        "parameters": {
            "type": "object",
            "properties": {
                "image_id": {"type": "string", "maxLength": 64},
                "point": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
                "box": {"type": "array", "items": {"type": "integer"}, "minItems": 4, "maxItems": 4},
            },
            "required": ["image_id"],
        },
    },
    {
        "name": "generate_image",
        "description": "Generates an image from a prompt in a few denoising steps.",
        "parameters": {
            "type": "object",
            "properties": {
                "prompt": {"type": "string", "maxLength": 300},
                "steps": {"type": "integer"},
            },
            "required": ["prompt", "steps"],
        },
    },
    {
        "name": "calculator",
        "description": "Evaluates an arithmetic expression.",
        "parameters": {
            "type": "object",
            "properties": {"expression": {"type": "string", "maxLength": 120}},
            "required": ["expression"],
        },
    },
    {
        "name": "final_answer",
        "description": "Ends the turn with the answer for the user.",
        "parameters": {
            "type": "object",
            "properties": {"text": {"type": "string", "maxLength": 400}},
            "required": ["text"],
        },
    },
]

NAMES = [t["name"] for t in TOOLS]


def call_json(name, arguments):
    """The compact form a tool call takes in the model's output: name first, then arguments in schema order."""
    schema = next(t for t in TOOLS if t["name"] == name)["parameters"]["properties"]
    ordered = {k: arguments[k] for k in schema if k in arguments}
    return json.dumps({"name": name, "arguments": ordered}, separators=(",", ":"), ensure_ascii=False)
