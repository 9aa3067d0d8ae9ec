"""Scope, closures, __init__ and self: what interviews ask next. Try: pitfalls check examples/"""

requests_served = 0


def serve():
    requests_served += 1


def make_buttons(labels):
    handlers = []
    for label in labels:
        handlers.append(lambda: print(label))
    return handlers


class Book:
    def __init__(self, title):
        title = title

    def label(self):
        return self.title.upper()

    def shelf():
        return "fiction"


class Order:
    def __init__(self, items):
        self.items = list(items)
        return len(self.items)
