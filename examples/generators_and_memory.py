"""Decorators, generators and memory: the second round of questions. Try: pitfalls check examples/"""

import functools
import time


def timed(fn):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            print(f"{time.perf_counter() - start:.3f}s")
    return wrapper


@timed
def count_errors(path):
    with open(path) as log:
        return sum(1 for line in log.readlines() if "ERROR" in line)


def has_slow_request(durations, limit):
    return any([seconds > limit for seconds in durations])


def summary(lines):
    errors = (line for line in lines if "ERROR" in line)
    count = sum(1 for _ in errors)
    first = list(errors)[:1]
    return count, first


class PriceList:
    def __init__(self, rates):
        self.rates = rates

    @functools.cache
    def price(self, item):
        return self.rates[item] * 1.2


class Upload:
    active = []

    def __init__(self, name):
        self.name = name
        Upload.active.append(self)
