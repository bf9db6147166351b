"""The evaluation options evaluate_matching and train_ranker share (the shared real-awards protocol among them)."""

import datetime as dt

from django.core.management.base import CommandError

from matching.engine.evaluation import EvaluationOptions

PROTOCOL_SAMPLE = 1_000


def add_evaluation_arguments(parser) -> None:
    parser.add_argument(
        "--cutoff",
        type=dt.date.fromisoformat,
        help="evaluate on requirements from this day (default: the day after the oldest 80%% of labelled ones)",
    )
    parser.add_argument("-k", type=int, default=10)
    parser.add_argument("--sample", type=int, help="evaluate on this many requirements drawn at random (seeded)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--known-suppliers",
        action="store_true",
        help="only requirements whose awarded supplier dealt before the cutoff (the real-awards protocol)",
    )
    parser.add_argument(
        "--freeze-history",
        action="store_true",
        help="later requirements see history up to the cutoff only (the real-awards protocol)",
    )
    parser.add_argument(
        "--protocol",
        action="store_true",
        help="the real-awards protocol: --known-suppliers --freeze-history --sample 1000 --seed 7",
    )
    parser.add_argument("--newcomer-slots", type=int, default=0, help="also rank with this many newcomer places")
    parser.add_argument("--bootstrap", type=int, default=1000, help="resamples for the 95%% intervals (0: none)")


def evaluation_options(options: dict) -> EvaluationOptions:
    if options["k"] < 1:
        raise CommandError("-k must be at least 1")
    if options["sample"] is not None and options["sample"] < 1:
        raise CommandError("--sample must be at least 1")
    if not 0 <= options["newcomer_slots"] <= options["k"]:
        raise CommandError("--newcomer-slots must be between 0 and k")
    protocol = options["protocol"]
    return EvaluationOptions(
        sample=options["sample"] or (PROTOCOL_SAMPLE if protocol else None),
        seed=options["seed"],
        known_suppliers_only=options["known_suppliers"] or protocol,
        freeze_history=options["freeze_history"] or protocol,
        newcomer_slots=options["newcomer_slots"],
        bootstrap=max(0, options["bootstrap"]),
    )
