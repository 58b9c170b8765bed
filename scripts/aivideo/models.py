"""What differs between the five models beyond their schemas: media kind and price."""

MODELS = ("t2v", "i2v", "lv", "t2v_v3", "i2v_v3")
IMAGE_MODELS = ("i2v", "lv", "i2v_v3")
LV_SECONDS_PER_PROMPT = 5
LV_CREDITS_PER_SECOND = 15
CREDITS_PER_SECOND = {"t2v": 1, "i2v": 1, "t2v_v3": 10, "i2v_v3": 10}


def estimate_credits(model, body):
    """The reference's formulas: duration x 1, duration x 10 (v3), prompts x 5 x 15 (lv)."""
    if model == "lv":
        return len(body["prompt"]) * LV_SECONDS_PER_PROMPT * LV_CREDITS_PER_SECOND
    return int(body["duration"]) * CREDITS_PER_SECOND[model]

