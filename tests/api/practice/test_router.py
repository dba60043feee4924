"""POST /api/practice/review and GET /api/practice/questions on the real app."""

from __future__ import annotations

import logging

from fastapi.testclient import TestClient

from api.practice import router as practice_router
from api.ratelimit import RateLimiter
from api.rates import parse_rate

STORY = (
    "Last winter our ward was short of two nurses on night shifts. "
    "I was responsible for getting every patient their medication on time. "
    "I rewrote the medication round so the most urgent doses came first. "
    "I also asked the day shift to prepare the morning trolleys. "
    "Over the next two weeks no dose was late, compared with six late doses the month before."
)


def test_a_story_gets_its_parts_and_the_answer_text_is_neither_logged_nor_kept(client, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/api/practice/review", json={"answer": STORY, "question_id": "deliver-results-1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == "story" and body["missing"] == [] and body["quantified_result"] is True
    assert body["parts"]["task"] == ["I was responsible for getting every patient their medication on time."]
    assert body["first_person"]["i"] >= 2 and body["question_id"] == "deliver-results-1"
    assert set(body) >= {"words", "speaking_seconds", "principles", "suggestions"}
    assert "medication" not in caplog.text


def test_bad_input_is_refused_with_what_to_do(client):
    empty = client.post("/api/practice/review", json={"answer": "   "})
    assert empty.status_code == 422 and "answer: is empty" in empty.json()["detail"]
    long = client.post("/api/practice/review", json={"answer": "word " * 3000})
    assert long.status_code == 422 and "at most 10000" in long.json()["detail"]
    unknown = client.post("/api/practice/review", json={"answer": STORY, "question_id": "nope-9"})
    assert unknown.status_code == 404 and "GET /api/practice/questions" in unknown.json()["detail"]
    assert client.post("/api/practice/review", json={}).status_code == 422


def test_the_questions_are_listed_by_principle(client):
    principles = client.get("/api/practice/questions").json()["principles"]
    assert len(principles) == 16 and principles[0]["name"] == "Customer Obsession"
    assert principles[0]["questions"][0]["id"] == "customer-obsession-1"


def test_reviews_are_rate_limited_per_address_but_not_for_the_action_server(client):
    app = client.app
    saved = app.state.limiter
    app.state.limiter = RateLimiter({"practice_address": parse_rate("2/minute")})
    try:
        fresh = TestClient(app)
        codes = [fresh.post("/api/practice/review", json={"answer": STORY}).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        assert "Retry-After" in fresh.post("/api/practice/review", json={"answer": STORY}).headers
        served = fresh.post("/api/practice/review", json={"answer": STORY}, headers={"X-Service-Token": "test-token"})
        assert served.status_code == 200
    finally:
        app.state.limiter = saved
    assert practice_router.router.prefix == "/api/practice"
