"""Mutability and references: the questions interviews open with. Try: pitfalls check examples/"""

import time


def log_event(name, at=time.time()):
    return f"{at:.0f} {name}"


def drop_sold_out(stock):
    counts = dict(stock)
    for item in counts:
        if counts[item] == 0:
            del counts[item]
    return counts


def top_three(scores):
    ranked = list(scores)
    best = ranked.sort(reverse=True)
    return best[:3]


def is_read_only(method):
    return method in ("GET")


def new_user(name, first_role):
    user = (name, [])
    user[1] += [first_role]
    return user
