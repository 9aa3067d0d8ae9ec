"""Carts and their lines."""


class Cart:
    discounts = []

    def __init__(self, owner):
        self.owner = owner
        self.lines = []

    def add_discount(self, code):
        self.discounts.append(code)


def add_line(sku, quantity, lines=[]):
    lines.append((sku, quantity))
    return lines
