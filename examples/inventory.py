"""A small inventory service with the classic interview pitfalls in it. Try: pitfalls check examples/"""

import copy
import threading


def add_item(item, collection=[]):
    collection.append(item)
    return collection


class Warehouse:
    shelves = []

    def stock(self, item):
        self.shelves.append(item)


def seat_map(rows, cols, taken):
    grid = [[0] * cols] * rows
    for row, col in taken:
        grid[row][col] = 1
    return grid


def index_by_category(categories, items):
    index = dict.fromkeys(categories, [])
    for category, name in items:
        index[category].append(name)
    return index


def with_extra_row(grid):
    clone = grid.copy()
    clone[0].append("extra")
    return clone


def count_primes(limit):
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            found += 1
    return found


def count_in_parallel():
    workers = [threading.Thread(target=count_primes, args=(50_000,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def fresh_grid(rows, cols):
    # The right way: a new row object for each row, and a deep copy when rows will change.
    grid = [[0] * cols for _ in range(rows)]
    return copy.deepcopy(grid)
