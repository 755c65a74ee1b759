"""The ants-vs-bees photos as arrays: decoded once, resized to 224 x 224, cached on disk and in memory."""

from __future__ import annotations

from functools import cache

import numpy as np

from course import data

CLASSES = ("ants", "bees")  # class 0, class 1
SIZE = 224  # MobileNetV2's input size
SPLITS = {"train": "train", "test": "val"}  # the upstream folder "val" is this course's test set


def photo_files(split: str) -> list:
    """(path, label) of every JPEG of a split; the upstream placeholder `imageNotFound.gif` is not a photo."""
    root = data.hymenoptera_dir() / SPLITS[split]
    return [
        (path, label)
        for label, name in enumerate(CLASSES)
        for path in sorted((root / name).iterdir())
        if path.suffix.lower() in (".jpg", ".jpeg")
    ]


def read_photo(path, size: int = SIZE) -> np.ndarray:
    """One photo as uint8 RGB (size, size, 3): its central square, resized (the insect is usually in the middle)."""
    from PIL import Image

    with Image.open(path) as image:
        image = image.convert("RGB")
        w, h = image.size
        side = min(w, h)
        left, top = (w - side) // 2, (h - side) // 2
        square = image.crop((left, top, left + side, top + side))
        return np.asarray(square.resize((size, size), Image.BILINEAR), dtype=np.uint8)


@cache
def load_photos(split: str) -> tuple[np.ndarray, np.ndarray]:
    """`(x, y)` of a split ("train": 244 photos, "test": 153): uint8 (n, 224, 224, 3) and labels 0 = ants, 1 = bees.

    In the grader's sandbox the test split's labels are None: the grader keeps the labels it scores models on.
    """
    if split == "test" and data.labels_withheld():  # in the grader's sandbox: the pixels, not the labels
        return np.load(data.data_dir() / data.TEST_PHOTOS, allow_pickle=False), None
    files = photo_files(split)
    stored = data.cache_dir() / f"hymenoptera_{split}_{SIZE}_centre.npz"
    if stored.is_file():
        with np.load(stored) as saved:
            if len(saved["y"]) == len(files):
                return saved["x"], saved["y"]
    x = np.stack([read_photo(path) for path, _ in files])
    y = np.array([label for _, label in files], dtype=np.int64)
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        np.savez(stored, x=x, y=y)
    except OSError:  # a read-only cache: decode again next time
        pass
    return x, y


def validation_split(x, y):
    """`x_train, x_val, y_train, y_val`: a quarter of the training photos held out for validation, stratified by class.

    Notebook 05 splits the 244 training photos this way (183 and 61), and its model exercise is checked on these 61.
    """
    from sklearn.model_selection import train_test_split

    return train_test_split(x, y, test_size=0.25, stratify=y, random_state=0)
