"""The models aiogram reads Bot API answers with survive garbage collections (``bot.app``)."""

from __future__ import annotations

import gc
import weakref

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.methods.base import Response

from bot.app import ANSWER_MODELS


def test_the_answer_models_of_a_turn_and_a_reply_outlive_a_collection() -> None:
    # Pydantic caches generic models weakly: unpinned, Response[bool] is freed by the next
    # collection and built again (~1 ms) by the next answerCallbackQuery.
    models = [
        weakref.ref(Response[method.__returning__])  # type: ignore[name-defined]
        for method in (AnswerCallbackQuery, SendMessage)
    ]
    gc.collect()
    assert all(model() is not None for model in models)
    assert all(model() in ANSWER_MODELS for model in models)
