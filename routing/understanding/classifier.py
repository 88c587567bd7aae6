"""A small intent classifier on character n-grams, trained from the repository's data at first use.

Why character n-grams: residents write « anul », « annulé », « anuler »; words differ, but their
2- to 5-letter pieces mostly do not, so one example covers many spellings. Word n-grams add the
phrases (« parler a », « talk to »), and the step is a feature too, so that « non » at the
consent step and « non » at the summary step can weigh differently.

scikit-learn fits the model: TfidfVectorizer for the features and a linear support vector
machine (LinearSVC, liblinear: under a second on a few thousand lines; logistic regression took
ten times longer for the same accuracy). Only fitting needs scikit-learn. The fitted weights are
exported to plain arrays (``LinearIntents``) that score a message with a dictionary lookup per
n-gram and one small matrix product: a few hundred microseconds, where scikit-learn's own
``transform``/``decision_function`` spend milliseconds validating their input. The arrays can
be saved under a cache directory, named by a hash of the training data, so a restart loads them
with numpy alone and neither imports scikit-learn nor trains again.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from routing.understanding.model import Intent, Step
from routing.understanding.normal import flat

STEP_WEIGHT = 0.6  # how much the step (a one-hot feature) weighs against the text
SHARPNESS = 4.0  # softmax temperature on SVM margins: a lead of 0.5 in margin is ~0.88
CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
TOKEN_PATTERN = r"[a-z0-9]+|[^\sa-z0-9]"  # noqa: S105 - a regular expression
C = 1.0
MODEL_VERSION = "2"  # bump when features or fitting change, so saved weights are not reused
_TOKENS = re.compile(TOKEN_PATTERN)
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Example:
    text: str
    step: Step
    intent: Intent


def char_wb_ngrams(text: str) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer: n-grams inside each word padded with spaces."""
    grams: list[str] = []
    for word in _SPACES.sub(" ", text).split():
        grams += _word_char_ngrams(word)
    return grams


def _word_char_ngrams(word: str) -> list[str]:
    """One word's part of ``char_wb_ngrams``, in its order."""
    grams: list[str] = []
    low, high = CHAR_NGRAMS
    padded = f" {word} "
    length = len(padded)
    for n in range(low, high + 1):
        if length < n:
            continue
        grams += [padded[i : i + n] for i in range(length - n + 1)]  # a list: faster
    return grams


def word_ngrams(text: str) -> list[str]:
    tokens = _TOKENS.findall(text)
    grams = list(tokens)
    grams.extend(" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1))
    return grams


# Words whose character n-grams' columns are kept (``LinearIntents._char_columns``): most of a
# message's words are common ones, read again in message after message.
WORD_CACHE = 4096

# Sublinear term frequency, 1 + log(count), for the counts a message has (most n-grams once):
# the same values as computing it, looked up.
_SUBLINEAR = tuple(1.0 + math.log(n) if n else 0.0 for n in range(64))


class LinearIntents:
    """The fitted model as arrays: vocabularies, idf weights, one weight row per intent."""

    def __init__(
        self,
        intents: Sequence[Intent],
        vocabularies: tuple[dict[str, int], dict[str, int]],
        idf: tuple[np.ndarray, np.ndarray],
        coef: np.ndarray,
        intercept: np.ndarray,
    ) -> None:
        self.intents = tuple(intents)
        self._vocabularies = vocabularies
        self._idf = idf
        # The idf weights as Python floats (the same values): read once per n-gram of every
        # message, where indexing the arrays cost a numpy scalar and a conversion each time.
        self._idf_values: tuple[list[float], list[float]] = (idf[0].tolist(), idf[1].tolist())
        self._coef = coef  # (intents, char features + word features + steps)
        self._intercept = intercept
        self._offsets = (0, len(vocabularies[0]), len(vocabularies[0]) + len(vocabularies[1]))
        self._steps = {step: i for i, step in enumerate(Step)}
        self._word_char_columns = lru_cache(maxsize=WORD_CACHE)(self._char_columns_of)

    def _char_columns_of(self, word: str) -> tuple[int, ...]:
        """The columns of one word's known character n-grams, in ``char_wb_ngrams`` order."""
        vocabulary = self._vocabularies[0]
        return tuple([c for c in map(vocabulary.get, _word_char_ngrams(word)) if c is not None])

    def _char_columns(self, text: str) -> list[int]:
        """The columns of ``char_wb_ngrams(text)`` found in the vocabulary, in its order: each
        word's looked up once and kept, since building and looking up a long message's few
        hundred n-grams was most of a reading's classifier time."""
        columns: list[int] = []
        for word in _SPACES.sub(" ", text).split():
            columns += self._word_char_columns(word)
        return columns

    def _counted(self, found: list[int], which: int) -> tuple[list[int], list[float], float]:
        """The vocabulary's ``found`` columns (a column once per occurrence; without the block's
        offset) once each, their tf-idf values (sublinear) and the l2 norm to divide them by."""
        idf = self._idf_values[which]
        counts = Counter(found)
        tf, known = _SUBLINEAR, len(_SUBLINEAR)
        values = [(tf[n] if n < known else 1.0 + math.log(n)) * idf[c] for c, n in counts.items()]
        norm = math.sqrt(sum(map(operator.mul, values, values))) or 1.0
        return list(counts), values, norm

    def margins(self, text: str, step: Step) -> np.ndarray:
        """The intents' margins: the character and the word n-grams' tf-idf values, each block
        l2-normalised, then the step's. Each block is divided by its norm in one numpy
        operation (float64, as Python's division, then rounded to float32 as before)."""
        normal = flat(text)
        vocabulary = self._vocabularies[1]
        char_cols, char_vals, char_norm = self._counted(self._char_columns(normal), 0)
        found = [c for c in map(vocabulary.get, word_ngrams(normal)) if c is not None]
        word_cols, word_vals, word_norm = self._counted(found, 1)
        offset, step_column = self._offsets[1], self._offsets[2] + self._steps[step]
        columns = [*char_cols, *[c + offset for c in word_cols], step_column]
        values = np.empty(len(columns), dtype=np.float32)
        chars = len(char_cols)
        values[:chars] = np.array(char_vals) / char_norm
        values[chars:-1] = np.array(word_vals) / word_norm
        values[-1] = STEP_WEIGHT
        margins: np.ndarray = self._coef[:, columns] @ values + self._intercept
        return margins

    def probabilities(self, text: str, step: Step) -> dict[Intent, float]:
        margins = self.margins(text, step) * SHARPNESS
        scores = np.exp(margins - np.max(margins))
        scores /= scores.sum()
        return dict(zip(self.intents, scores.tolist(), strict=True))

    def save(self, path: Path) -> None:
        partial = path.with_name(path.name + ".partial")
        chars, words = self._vocabularies[0], self._vocabularies[1]
        with partial.open("wb") as handle:
            np.savez(
                handle,
                coef=self._coef,
                intercept=self._intercept,
                char_idf=self._idf[0],
                word_idf=self._idf[1],
                meta=np.array(
                    json.dumps(
                        {
                            "intents": [i.value for i in self.intents],
                            "chars": sorted(chars, key=chars.__getitem__),
                            "words": sorted(words, key=words.__getitem__),
                        }
                    )
                ),
            )
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> LinearIntents:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(
                [Intent(i) for i in meta["intents"]],
                (
                    {g: i for i, g in enumerate(meta["chars"])},
                    {g: i for i, g in enumerate(meta["words"])},
                ),
                (data["char_idf"], data["word_idf"]),
                data["coef"],
                data["intercept"],
            )


def fit(examples: Sequence[Example]) -> LinearIntents:
    """Fit with scikit-learn, then keep only the arrays."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    texts = [flat(e.text) for e in examples]
    chars = TfidfVectorizer(analyzer=char_wb_ngrams, sublinear_tf=True, dtype=np.float32)
    words = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, dtype=np.float32)
    steps = {step: i for i, step in enumerate(Step)}
    step_columns = sparse.csr_matrix(
        (
            np.full(len(examples), STEP_WEIGHT, dtype=np.float32),
            (np.arange(len(examples)), [steps[e.step] for e in examples]),
        ),
        shape=(len(examples), len(steps)),
    )
    features = sparse.hstack(
        [chars.fit_transform(texts), words.fit_transform(texts), step_columns]
    ).tocsr()
    model = LinearSVC(C=C)
    model.fit(features, [e.intent.value for e in examples])
    return LinearIntents(
        [Intent(label) for label in model.classes_],
        (
            {g: int(i) for g, i in chars.vocabulary_.items()},
            {g: int(i) for g, i in words.vocabulary_.items()},
        ),
        (chars.idf_.astype(np.float32), words.idf_.astype(np.float32)),
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )


def training_hash(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256(MODEL_VERSION.encode())
    for e in examples:
        digest.update(json.dumps([e.text, e.step.value, e.intent.value]).encode())
    return digest.hexdigest()[:16]


def trained(examples: Sequence[Example], cache_dir: Path | None = None) -> LinearIntents:
    """The model for these examples: loaded from ``cache_dir`` when fitted before, else fitted.

    The cache holds only weights fitted from the repository's own data (never residents' words),
    in a file named by the hash of that data; a stale or unreadable file is simply refitted.
    """
    if cache_dir is None:
        return fit(examples)
    path = cache_dir / f"intents-{training_hash(examples)}.npz"
    if path.exists():
        try:
            return LinearIntents.load(path)
        except (OSError, ValueError, KeyError):
            pass
    model = fit(examples)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        model.save(path)
    except OSError:
        pass  # a read-only disk costs a fit per start, nothing else
    return model
