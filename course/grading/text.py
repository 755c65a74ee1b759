"""Every limit on the text the course keeps or shows, and `cap`, the one way to cut a text to its limit."""

FEEDBACK = 300  # characters of a check's message; what the learner's code printed is shown apart
PRINTED_SHOWN = 200  # characters of the learner's printing shown under the feedback
PRINTED_KEPT = 1_000  # characters of printed output kept from one call of learner code
MESSAGE = 200  # characters kept of an exception's message or of an object's repr
STRING = 10_000  # characters of a string (or bytes) kept as plain data
TRANSPORT = 2_000  # characters of a string brought back from a submission's kernel


def cap(text: str, limit: int) -> str:
    """`text` within `limit` characters: the middle (usually the inputs) gives way to the start and the verdict."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 5
    return text[:head].rstrip() + " … " + text[len(text) - max(limit - head - 3, 0) :].lstrip()
