"""Runs the Rasa CLI with speed fixes that change no behaviour, a correctness fix, and privacy additions.

1. Rasa 3.6 calls `jsonschema.validate` on every action-server reply, which rebuilds a validator
   from the schema each time; profiling showed about half of Rasa's CPU per custom-action message
   spent there. A cached validator checks exactly the same schema. Within it, each event was tried
   against all 23 event types (`oneOf`), 0.7 ms for one slot event; it is checked against its own
   type only, which gives the same verdict (see `_event_type_validators`) in a tenth of the time.
2. The SQLite tracker store opens a new connection for every read and write (SQLAlchemy 1.4's
   NullPool for SQLite files) and syncs the disk on every commit. A pooled connection in WAL mode
   with synchronous=NORMAL keeps every committed event across process crashes, at a fraction of
   the cost. PostgreSQL URLs keep Rasa's settings (but for the hidden parameters below).
3. Rasa opens a new HTTP client session (and TCP connection) to the action server for every
   custom action; one kept-alive session per endpoint does the same requests with less work. Its
   idle connections are dropped after 2 s, before the action server (Sanic: 5 s) closes them: a
   request sent on a connection the server is closing fails ("Couldn't connect to the server"),
   which the bench showed at 100 concurrent conversations.
4. Rasa's ticket lock (one message of a conversation at a time) re-checks a waiting message's turn
   once a second, so a burst of messages on one conversation took up to a second per message.
   Checking every 20 ms serves them in the same order, as soon as each turn comes.
5. Rasa runs its NLU and policy graphs for each message through dask's local scheduler; profiling
   put about a quarter of that time in dask's own bookkeeping. The graphs are small and run on one
   thread anyway, so they are evaluated in dependency order directly, with the same nodes, inputs
   and results.
6. The logistic-regression intent classifier builds its input row through
   `Message.get_sparse_features`, which also deep-copies and joins the per-token (sequence) features
   it does not use, and then joins the row twice more with an empty dense part: 2.0-2.2 ms per
   message here. Joining the sentence features alone gives the same matrix in 0.1 ms (one-row
   parts are laid side by side directly; scipy's general hstack took 0.4 ms of that).
7. Rasa sends the action server the whole conversation with every custom action (all its events,
   each turned into a dict and JSON again: 33 KB by the tenth message), and the action server parses
   it all back. Our actions read only the latest message, the slots and the events of the current
   turn (a form's validation looks at the slot events at the end), so only the events since the
   candidate's latest message are sent; every other field of the tracker state is as Rasa sends it.
8. Before using the parse of every message, Rasa checks that its domain is not empty by building an
   empty Domain and comparing the two as dicts (5 % of its CPU under load). A domain with responses
   of its own is not the empty one, so that answer is given without building anything.
9. The RulePolicy turns the whole conversation into dialogue states (a replay of every event, and a
   state built and deep-copied for every turn) three times per message, though a rule can only
   match the last few states: Rasa accepts any state older than a rule's own length
   (`RulePolicy._is_rule_applicable`). Only the last (longest rule + 1) states are built, the same
   states Rasa builds for those turns. When no rule predicts an action from the intent, Rasa's own
   full computation runs, as the fallback's bookkeeping keys on the whole history.
10. Each CountVectorsFeaturizer turns a message into per-token (sequence) features and sentence
   features: two scikit-learn transforms, and the sequence one is as costly as the other. Nothing
   in our pipeline reads sequence features (the logistic regression reads the sentence row, item 6;
   the guard and the fallback classifier read the intents), so for the message text only the
   sentence features are made, the same matrix as before. A pipeline with any other component
   (config.yml) keeps Rasa's way.
11. Rasa's RedisLockStore loses tickets when several Rasa processes take them at once (see
   bot/lock_store.py); `type: redis` in endpoints.yml gets the atomic version.

Privacy (README "Personal data"): the routes of bot/privacy.py, through which the service tier
erases, exports and purges trackers; SQL parameters (message text, the candidate's token in the
message metadata, status details in slots) are kept out of database error messages, which Rasa logs
at ERROR; and log records are scrubbed of emails, tokens and phone numbers (libs/redaction).

Usage: python -m bot.serve <rasa arguments>, e.g. `python -m bot.serve run --port 5005`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def _event_type_validators(schema: dict[str, Any], validator_class: Any) -> tuple[Any, dict[str, Any]] | None:
    """The action-response schema split in two: the response with each event's common part, and
    one validator per event type. An event is valid under `oneOf` when exactly one alternative
    matches; each alternative requires its own `event` name, so only the one of that name can. None
    when the schema is not shaped so (another Rasa version): then the whole schema is used."""
    import copy

    shell = copy.deepcopy(schema)
    items = shell.get("properties", {}).get("events", {}).get("items", {})
    alternatives = items.pop("oneOf", None)
    if not isinstance(alternatives, list):
        return None
    by_type: dict[str, Any] = {}
    for alternative in alternatives:
        name = alternative.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_type:
            return None
        by_type[name] = validator_class(alternative)
    return validator_class(shell), by_type


def _action_response_checker() -> Any:
    """A function telling whether an action server's reply is valid under Rasa's schema."""
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    whole = validator_class(schema)
    split = _event_type_validators(schema, validator_class)

    def is_valid(result: Any) -> bool:
        if split is None:
            return bool(whole.is_valid(result))
        shell, by_type = split
        if not shell.is_valid(result):
            return False
        # The shell checked that each event is an object with a string `event`.
        for event in (result.get("events") or []) if isinstance(result, dict) else []:
            check = by_type.get(event["event"])
            if check is None or not check.is_valid(event):
                return False
        return True

    return is_valid


def _cache_action_response_validator() -> None:
    from rasa.core.actions.action import RemoteAction

    is_valid = _action_response_checker()
    original = RemoteAction._validate_action_result

    def validate_cached(self: RemoteAction, result: dict[str, Any]) -> bool:
        if is_valid(result):
            return True
        # Invalid replies take the original path, which raises with Rasa's own explanation.
        return original(self, result)

    RemoteAction._validate_action_result = validate_cached  # type: ignore[method-assign]


def _assemble_classifier_rows_directly() -> None:
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
    from scipy.sparse import csr_matrix, hstack, vstack

    original = LogisticRegressionClassifier._create_X

    def create_x(self: LogisticRegressionClassifier, messages: list[Any]) -> Any:
        rows = []
        for message in messages:
            sentence = [f for f in message.features if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
            sparse = [f.features for f in sentence if f.is_sparse()]
            if not sparse or len(sparse) != len(sentence):
                return original(self, messages)  # dense features too (not in our pipeline): Rasa's way
            # The featurizers' sentence rows side by side, in the order they ran, as Rasa joins them.
            rows.append(join_row(sparse) if len(sparse) > 1 else csr_matrix(sparse[0], dtype=np.float64))
        return rows[0] if len(rows) == 1 else vstack(rows, format="csr")

    def join_row(parts: list[Any]) -> Any:
        if any(part.shape[0] != 1 or part.format != "coo" for part in parts):
            return hstack(parts, format="csr", dtype=np.float64)
        # One-row matrices: their entries one after the other, each part's columns shifted past the
        # parts before it. scipy's general hstack took 0.4 ms for these two rows.
        offsets = np.cumsum([0] + [part.shape[1] for part in parts[:-1]])
        order = [np.argsort(part.col, kind="stable") for part in parts]
        columns = np.concatenate([part.col[o] + offset for part, o, offset in zip(parts, order, offsets, strict=True)])
        data = np.concatenate([part.data[o] for part, o in zip(parts, order, strict=True)]).astype(np.float64)
        width = sum(part.shape[1] for part in parts)
        row = csr_matrix((data, columns, np.array([0, len(data)])), shape=(1, width))
        row.sum_duplicates()  # canonical, as hstack leaves it (the featurizers' rows have no duplicates)
        return row

    LogisticRegressionClassifier._create_X = create_x  # type: ignore[method-assign]


def _score_intents_without_checking_the_row_again() -> None:
    """The logistic regression's probabilities from the same product and softmax scikit-learn uses,
    without its input checks on every message (0.31 -> 0.04 ms): our rows are built just before, as
    the model was trained. Anything else (another row format, a non-finite value, a binary or
    one-vs-rest model) takes scikit-learn's own path, checks and errors included."""
    import numpy as np
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from scipy.sparse import isspmatrix_csr
    from sklearn.utils.extmath import softmax

    original = LogisticRegressionClassifier.process
    kept: dict[int, tuple[Any, Any, Any]] = {}  # id(model) -> (model, weights laid out for the product, bias)

    def process(self: LogisticRegressionClassifier, messages: list[Any]) -> list[Any]:
        clf = self.clf
        multinomial = clf.multi_class == "multinomial" or (
            clf.multi_class == "auto" and clf.classes_.size > 2 and clf.solver != "liblinear"
        )
        if not multinomial:
            return original(self, messages)
        model, weights, bias = kept.get(id(clf)) or (None, None, None)
        if model is not clf:
            model, weights, bias = kept[id(clf)] = (clf, np.ascontiguousarray(clf.coef_.T), clf.intercept_)

        def predict_proba(x: Any) -> Any:
            usual = isspmatrix_csr(x) and x.dtype == np.float64 and x.shape[1] == weights.shape[0]
            if not usual or not np.isfinite(x.data).all():
                return type(clf).predict_proba(clf, x)
            # LogisticRegression.predict_proba for a multinomial model: softmax of decision_function.
            return softmax(x @ weights + bias, copy=False)

        clf.predict_proba = predict_proba  # only for this call
        try:
            return original(self, messages)
        finally:
            del clf.predict_proba

    LogisticRegressionClassifier.process = process  # type: ignore[method-assign]


def _send_actions_the_current_turn() -> None:
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    def action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Any) -> dict[str, Any]:
        # As RemoteAction._action_call_format, but for the events (see item 7).
        state = tracker.current_state(EventVerbosity.NONE)
        events = list(tracker.events)
        start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), 0)
        state["events"] = [e.as_dict() for e in events[start:]]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = action_call_format  # type: ignore[method-assign]


def _copy_trackers_without_replaying_them() -> None:
    """Rasa copies the tracker before running each action (a rejected action's events must be
    discarded), and DialogueStateTracker.copy replays every event of the conversation into a new
    tracker: twice a message, longer with every turn. The copy here has the same state: the same
    event objects (replaying appends them too), each slot's own copy with the original's values,
    and a copy of the active loop (events edit it in place); every other attribute is a value that
    events only ever replace."""
    import dataclasses

    from rasa.shared.core.trackers import DialogueStateTracker

    replaying = DialogueStateTracker.copy

    def copy(self: DialogueStateTracker) -> DialogueStateTracker:
        if type(self) is not DialogueStateTracker:
            return replaying(self)
        new = self.init_copy()
        for name, value in vars(self).items():
            if name == "events":
                new.events = new._create_events(list(self.events))
            elif name == "slots":
                for slot_name, slot in self.slots.items():
                    vars(new.slots[slot_name]).update(vars(slot))
            elif name == "active_loop":
                new.active_loop = dataclasses.replace(value) if value is not None else None
            elif name not in ("_rule_states", "model_id", "assistant_id"):
                # (Replaying leaves the last two unset, as the processor set them and not an event;
                # the first is the RulePolicy's cache of states, built anew for the copy if asked.)
                setattr(new, name, value)
        return new

    DialogueStateTracker.copy = copy  # type: ignore[method-assign]


def _know_a_domain_with_responses_is_not_empty() -> None:
    from rasa.shared.core.domain import Domain

    original = Domain.is_empty

    def is_empty(self: Domain) -> bool:
        # The empty domain has no responses; any other domain takes Rasa's comparison.
        return False if self.responses else original(self)

    Domain.is_empty = is_empty  # type: ignore[method-assign]


def _rule_policy_builds_only_the_states_rules_read() -> None:
    from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
    from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
    from rasa.shared.core.constants import USER
    from rasa.shared.core.events import ActionExecuted

    full_states = RulePolicy._prediction_states
    find = RulePolicy._find_action_from_rules
    longest: dict[int, int] = {}

    def states_kept(policy: RulePolicy) -> int:
        key = id(policy.lookup)  # the rules never change once the model is loaded
        if key not in longest:
            rules = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
            longest.clear()
            longest[key] = 1 + max((len(policy._rule_key_to_state(r)) for r in rules), default=0)
        return longest[key]

    def recent_states(
        self: RulePolicy,
        tracker: Any,
        domain: Any,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[Any]:
        featurizer = self.featurizer
        if not isinstance(featurizer, MaxHistoryTrackerFeaturizer) or featurizer.max_history is not None:
            return full_states(self, tracker, domain, use_text_for_last_user_input, rule_only_data)
        # The rules' text pass and intent pass read the same states but for the last user input (and
        # _choose_last_user_input edits the user part in place): they are built once per tracker
        # state, and each pass gets its own copy of the user parts.
        events = tracker.events
        stamp = (len(events), events[-1] if events else None, self, domain)
        cached = getattr(tracker, "_rule_states", None)
        if (
            cached is None
            or cached[0] != stamp[0]
            or any(x is not y for x, y in zip(cached[1], stamp[1:], strict=True))
        ):
            cached = (stamp[0], stamp[1:], built_states(self, tracker, domain))
            tracker._rule_states = cached
        states = [{k: (dict(v) if k == USER else v) for k, v in state.items()} for state in cached[2]]
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states

    def built_states(self: RulePolicy, tracker: Any, domain: Any) -> list[Any]:
        # Domain.states_for_tracker_history over Tracker.generate_all_prior_trackers (the RulePolicy
        # keeps rule-only turns), building the states of the last turns only.
        applied = tracker.applied_events()
        turns = 1 + sum(isinstance(e, ActionExecuted) for e in applied)
        skip = turns - states_kept(self)
        replay = tracker.init_copy()
        states = []
        turn = 0
        for event in applied:
            if isinstance(event, ActionExecuted):
                if turn >= skip:
                    states.append(domain._clean_state(domain.get_active_state(replay)))
                turn += 1
            replay.update(event)
        states.append(domain._clean_state(domain.get_active_state(replay)))
        return states

    def find_action_from_rules(self: RulePolicy, tracker: Any, domain: Any, use_text_for_last_user_input: bool) -> Any:
        try:
            self._prediction_states = recent_states.__get__(self)  # type: ignore[method-assign]
            found = find(self, tracker, domain, use_text_for_last_user_input)
        finally:
            del self._prediction_states
        if found[0] is None and not use_text_for_last_user_input:
            # Nothing predicted: the key returned (a rule's, or one made of every state) decides
            # whether the turn is hidden, so it is Rasa's own, from the whole history. (The text pass
            # uses only a predicted action, and whether a loop was interrupted, which the last states decide.)
            return find(self, tracker, domain, use_text_for_last_user_input)
        return found

    RulePolicy._find_action_from_rules = find_action_from_rules  # type: ignore[method-assign]


CONFIG = Path(__file__).resolve().parent.parent / "config.yml"
# The components known not to read sequence features (item 10).
SENTENCE_ONLY_PIPELINE = {
    "WhitespaceTokenizer",
    "CountVectorsFeaturizer",
    "LogisticRegressionClassifier",
    "FallbackClassifier",
    "bot.components.language_guard.MessageGuard",
}


def _featurize_only_what_the_pipeline_reads(config: Path) -> bool:
    import yaml
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
    from rasa.shared.nlu.constants import TEXT

    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    if not pipeline or any(step.get("name") not in SENTENCE_ONLY_PIPELINE for step in pipeline):
        return False
    rasas_features = CountVectorsFeaturizer._create_features
    process = CountVectorsFeaturizer.process

    def sentence_features(self: CountVectorsFeaturizer, attribute: str, all_tokens: list[list[str]]) -> Any:
        if attribute != TEXT or not self.vectorizers.get(attribute):
            return rasas_features(self, attribute, all_tokens)
        sentences = []
        for tokens in all_tokens:
            vector = None
            if tokens:  # as in Rasa's _create_features, without the per-token transform
                vector = self.vectorizers[attribute].transform([" ".join(tokens)])
                vector.sort_indices()
                vector = vector.tocoo()
            sentences.append(vector)
        return [None] * len(all_tokens), sentences

    def process_text_sentences_only(self: CountVectorsFeaturizer, messages: list[Any]) -> list[Any]:
        try:
            self._create_features = sentence_features.__get__(self)  # type: ignore[method-assign]
            return process(self, messages)
        finally:
            del self._create_features

    CountVectorsFeaturizer.process = process_text_sentences_only  # type: ignore[method-assign]
    return True


def _tune_sqlite_tracker_store() -> None:
    import sqlite3

    import rasa.core.tracker_store as tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import QueuePool

    original = tracker_store.create_engine_kwargs

    def engine_kwargs(url: Any) -> dict[str, Any]:
        if str(url).startswith("sqlite"):
            _keep_private(getattr(url, "database", None))
            # Rasa uses the store from its event-loop thread only; the pool keeps one connection open.
            kwargs = {"poolclass": QueuePool, "pool_size": 1, "connect_args": {"check_same_thread": False}}
        else:
            kwargs = original(url)
        # A failed write's error message would otherwise carry the events it tried to write.
        return {**kwargs, "hide_parameters": True}

    tracker_store.create_engine_kwargs = engine_kwargs

    @event.listens_for(Engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def _keep_private(database: str | None) -> None:
    """Trackers hold every conversation: files a version before the umask in main() left readable
    to others are made readable to this user only (new ones are created so: SQLite gives the -wal
    and -shm files the database file's mode)."""
    if not database or database == ":memory:":
        return
    for path in (Path(database), Path(database + "-wal"), Path(database + "-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:
            pass  # not our file: the operator's permissions stand


def _reuse_endpoint_sessions() -> None:
    import asyncio

    import aiohttp
    import ujson
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    sessions: dict[tuple[int, int], aiohttp.ClientSession] = {}

    def new_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        # As EndpointConfig.session, plus a keep-alive shorter than the action server's, and ujson
        # (which Rasa installs) for the request body: the action call's 10-15 KB took json.dumps
        # 5 % of Rasa's CPU per message; ujson writes the same JSON values 2.6x faster.
        basic = endpoint.basic_auth
        auth = aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None
        return aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=2),
            json_serialize=ujson.dumps,
        )

    class _KeptOpen:
        """`async with` yields the shared session and leaves it open."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self._session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self._session

        async def __aexit__(self, *exc: object) -> bool:
            return False

    def session(self: EndpointConfig) -> Any:
        key = (id(self), id(asyncio.get_running_loop()))
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = new_session(self)
        return _KeptOpen(shared)

    EndpointConfig.session = session  # type: ignore[method-assign]


def _poll_conversation_lock_sooner() -> None:
    from rasa.core.lock_store import LockStore

    original = LockStore.lock

    def lock(
        self: LockStore, conversation_id: str, lock_lifetime: float | None = None, wait_time_in_seconds: float = 0.02
    ) -> Any:
        if lock_lifetime is None:
            return original(self, conversation_id, wait_time_in_seconds=wait_time_in_seconds)
        return original(self, conversation_id, lock_lifetime, wait_time_in_seconds)

    LockStore.lock = lock  # type: ignore[method-assign]


def _atomic_redis_lock_store() -> None:
    import rasa.core.lock_store as lock_store

    from bot.lock_store import AtomicRedisLockStore

    # Rasa's factory looks the class up in its module when it reads endpoints.yml.
    lock_store.RedisLockStore = AtomicRedisLockStore  # type: ignore[misc]


def _extend_the_app(extend: Any) -> None:
    """`extend(app)` runs on the Sanic app Rasa configures, before it serves."""
    import rasa.core.run
    from sanic import Sanic

    original = rasa.core.run.configure_app

    def configure_app(*args: Any, **kwargs: Any) -> Sanic:
        app = original(*args, **kwargs)
        extend(app)
        return app

    rasa.core.run.configure_app = configure_app


def _add_privacy_routes(service_token: str) -> None:
    from bot import privacy

    _extend_the_app(lambda app: privacy.install(app, service_token))


async def _freeze_startup_objects(_app: Any, _loop: Any) -> None:
    import gc

    gc.collect()
    gc.freeze()


def _freeze_what_startup_built() -> None:
    """After the model is loaded, its objects (and TensorFlow's, scikit-learn's...) are moved out of
    the garbage collector's sight: they live as long as the process, yet every full collection
    walked all of them again (over 400,000 objects; 0.4 s of CPU each, one every few hundred
    messages). Only what serving creates is collected, as before."""
    # The model is loaded before the server starts (rasa.core.run.load_agent_on_start).
    _extend_the_app(lambda app: app.register_listener(_freeze_startup_objects, "after_server_start"))


def _run_graphs_without_dask() -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    minimal_schemas: dict[tuple[str, ...], Any] = {}

    def run(
        self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        key = (id(self), *run_targets)
        schema = minimal_schemas.get(key)
        if schema is None:  # a schema never changes once loaded
            schema = minimal_schemas[key] = self._graph_schema.minimal_graph_schema(run_targets)
        # As in dask's graph: an input is the pair (name, value), a node's result (node name, output).
        results: dict[str, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(f"Input value '{value}' clashes with a node name.")
            results[name] = (name, value)

        def compute(name: str) -> Any:
            if name not in results:
                needs = schema.nodes[name].needs.values()
                results[name] = self._instantiated_nodes[name](*(compute(n) for n in needs))
            return results[name]

        try:
            return dict(compute(t) for t in run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    DaskGraphRunner.run = run  # type: ignore[method-assign]


def main() -> None:
    import redaction

    # Everything Rasa creates (the tracker database and its -wal/-shm files, unpacked models) is
    # readable by this user only: the trackers hold every conversation.
    os.umask(0o077)
    redaction.install()
    _poll_conversation_lock_sooner()
    _atomic_redis_lock_store()
    _run_graphs_without_dask()
    _cache_action_response_validator()
    _assemble_classifier_rows_directly()
    _score_intents_without_checking_the_row_again()
    _send_actions_the_current_turn()
    _copy_trackers_without_replaying_them()
    _know_a_domain_with_responses_is_not_empty()
    _rule_policy_builds_only_the_states_rules_read()
    _featurize_only_what_the_pipeline_reads(CONFIG)
    _tune_sqlite_tracker_store()
    _reuse_endpoint_sessions()
    _freeze_what_startup_built()
    # The secret the service tier presents on the privacy routes (scripts/stack.py passes it to every process).
    _add_privacy_routes(os.environ.get("CA_SERVICE_TOKEN", ""))
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
